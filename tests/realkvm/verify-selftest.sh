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
expect fail m64-out "bump 0 123 1" "one io exit more in the kernel's hist"
expect fail m64-out "bump 0 123 -1" "one io exit fewer in the kernel's hist"
expect fail m64-cpuid "json exitgen.json '.expected.cpuid += 1'" \
	"exitgen expecting one cpuid more"
expect fail m64-rdmsr "bump 0 124 5" "five msr exits more"
expect fail m64-mmio "bump 0 1024 40" "npf above mmio + the first-touch bound"
expect fail m64-mmio "bump 0 1024 -10" "npf below exitgen's mmio"
expect fail m64-hlt "sed -i '/^Totals:/i { vcpu_id:          0, exit_reason:        110 } hitcount:          1' hist.txt" \
	"an unexpected rdtsc exit ('other' reasons must be 0)"
expect fail m64-out "sed -i 's/Dropped: 0/Dropped: 3/' hist.txt" "a hist that dropped entries"
expect fail m64-out "echo 1 >exitgen.rc" "exitgen failing"
expect fail m64-out "rm -rf ../m64-out" "a scenario without results"
expect fail vcpus2 "bump 0 123 1; bump 1 123 -1" "io moved from vCPU 1 to vCPU 0 (same total)"
expect fail m64-out "sed -i 's/hitcount: *3000$/hitcount: 3001/' userspace-hist.txt" \
	"one kvm_userspace_exit more"
if [[ -x ${EXITSTAT:-$BED_DIR/../../build/exitstat} ]]; then
	expect fail m64-out "awk '/reason io / && !done {done = 1; next} {print}' trace.txt >t && mv t trace.txt" \
		"one io kvm_exit line missing from the trace exitstat reads"
fi

assert_summary verify-selftest
