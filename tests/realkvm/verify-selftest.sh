#!/usr/bin/env bash
# Shows verify.sh can fail: each case damages a copy of a real bed run's
# results in one way and verify.sh must then exit non-zero (and pass on the
# untouched copy). No boot needed.
# usage: verify-selftest.sh RESULTS_DIR SCENARIOS_FILE
set -uo pipefail
BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$BED_DIR/../lib/selftest.sh" 'RESULTS_DIR SCENARIOS_FILE' "$@"
results=$1 scenarios=$2 VERIFY=$BED_DIR/verify.sh
. "$BED_DIR/selftest-lib.sh"

expect pass m64-out ':' "the untouched m64-out results"
expect fail m64-out "bump 0 123 1" "one io exit more in the kernel's hist" \
	"m64-out: kernel hist != exitgen: io kernel 3001, exitgen 3000 "
expect fail m64-out "bump 0 123 -1" "one io exit fewer in the kernel's hist" \
	"m64-out: kernel hist != exitgen: io kernel 2999, exitgen 3000 "
expect fail m64-cpuid "json exitgen.json '.expected.cpuid += 1'" \
	"exitgen expecting one cpuid more" "m64-cpuid: kernel hist != exitgen: cpuid kernel 3000, exitgen 3001 "
expect fail m64-rdmsr "bump 0 124 5" "five msr exits more" "m64-rdmsr: kernel hist != exitgen: msr kernel 1005, exitgen 1000 "
expect fail m64-mmio "bump 0 1024 40" "npf above mmio + the first-touch bound" \
	"m64-mmio: kernel hist != exitgen: npf kernel [0-9]*, want 1000\.\.[0-9]* "
expect fail m64-mmio "bump 0 1024 -10" "npf below exitgen's mmio" \
	"m64-mmio: kernel hist != exitgen: npf kernel [0-9]*, want 1000\.\.[0-9]* "
expect fail m64-hlt "sed -i '/^Totals:/i { vcpu_id:          0, exit_reason:        110 } hitcount:          1' hist.txt" \
	"an unexpected rdtsc exit ('other' reasons must be 0)" "m64-hlt: kernel hist != exitgen: other kernel 1, want 0 "
expect fail m64-out "sed -i 's/Dropped: 0/Dropped: 3/' hist.txt" "a hist that dropped entries" \
	"m64-out: the kernel's hist trigger dropped entries (3)"
expect fail m64-out "echo 1 >exitgen.rc" "exitgen failing" "m64-out: exitgen exited with status 1"
expect fail m64-out "rm -rf ../m64-out" "a scenario without results" "m64-out: no results directory"
expect fail vcpus2 "bump 0 123 1; bump 1 123 -1" "io moved from vCPU 1 to vCPU 0 (same total)" \
	"vcpus2: per-vCPU counts differ: vcpu 0 io kernel 3001, exitgen 3000; vcpu 1 io kernel 2999, exitgen 3000$"
expect fail m64-out "sed -i 's/hitcount: *3000$/hitcount: 3001/' userspace-hist.txt" \
	"one kvm_userspace_exit more" "m64-out: kvm_userspace_exit 3002 != exitgen's userspace_exits 3001$"
if [[ -x ${EXITSTAT:-$BED_DIR/../../build/exitstat} ]]; then
	expect fail m64-out "awk '/reason io / && !done {done = 1; next} {print}' trace.txt >t && mv t trace.txt" \
		"one io kvm_exit line missing from the trace exitstat reads" \
		"m64-out: exitstat report != kernel hist: code 0x7b exitstat 2999, kernel 3000$"
fi

assert_summary verify-selftest
