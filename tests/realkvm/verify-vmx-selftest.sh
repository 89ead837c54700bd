#!/usr/bin/env bash
# Shows verify-vmx.sh can fail: each case damages a copy of a real VMX-bed
# run's results in one way and verify-vmx.sh must then exit non-zero (and pass
# on the untouched copy). No boot needed.
# usage: verify-vmx-selftest.sh RESULTS_DIR SCENARIOS_FILE
set -uo pipefail
BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$BED_DIR/../lib/selftest.sh" 'RESULTS_DIR SCENARIOS_FILE' "$@"
results=$1 scenarios=$2 VERIFY=$BED_DIR/verify-vmx.sh
. "$BED_DIR/selftest-lib.sh"

io='.reasons |= map(if .code == 30 then '

expect pass m64-out ':' "the untouched m64-out results"
expect fail m64-out "bump 0 30 1" "one IO_INSTRUCTION exit more in the kernel's hist"
expect fail m64-out "bump 0 30 -1" "one IO_INSTRUCTION exit fewer in the kernel's hist"
expect fail m64-cpuid "json exitgen.json '.expected.cpuid += 1'" \
	"exitgen expecting one cpuid more"
expect fail vcpus2 "bump 0 31 -1; bump 0 32 1" "one MSR_READ counted as MSR_WRITE (same total)"
expect fail m64-mmio "bump 0 49 -1; bump 0 48 1" "one EPT_MISCONFIG fewer, one EPT_VIOLATION more"
expect fail m64-mmio "bump 0 48 40" "EPT violations above mmio + the first-touch bound"
expect fail m64-hlt "sed -i '/^Totals:/i { vcpu_id:          0, exit_reason:         16 } hitcount:          1' hist.txt" \
	"an unexpected RDTSC exit"
expect fail m64-out "sed -i 's/Dropped: 0/Dropped: 3/' hist.txt" "a hist that dropped entries"
expect fail m64-out "echo 1 >exitgen.rc" "exitgen failing"
expect fail live-perf-16 "echo 1 >exitstat.rc" "exitstat failing"
expect fail m64-out "rm -rf ../m64-out" "a scenario without results"
expect fail vcpus2 "bump 0 30 1; bump 1 30 -1" "io moved from vCPU 1 to vCPU 0 (same total)"
expect fail m64-out "awk '/reason IO_INSTRUCTION / && !done {done = 1; next} {print}' trace.txt >t && mv t trace.txt" \
	"one IO_INSTRUCTION kvm_exit line missing from the trace exitstat reads"
expect fail live-tpbtf-64 "json exitstat.json '${io}.count += 1 else . end)'" "exitstat live (tp_btf) counting one io more"
expect fail live-tpbtf-64 "json exitstat.json '${io}.code = 29 else . end)'" "exitstat giving IO_INSTRUCTION the wrong code"
expect fail live-tpbtf-64 "json exitstat.json '${io}.name = \"VMCALL\" else . end)'" "exitstat naming code 30 wrongly"
expect fail live-tpbtf-64 "json exitstat.json '.source |= sub(\"tp_btf\"; \"tracepoint\")'" \
	"exitstat falling back to the tracepoint instead of reading vcpu_vmx"
expect fail live-tp-64 "json exitstat.json '.lost = 1'" "exitstat live losing one event"
expect fail live-perf-16 "json exitstat.json '${io}.time_total_ns = 0 else . end)'" "no time in exit for io"
expect fail live-perf-16 "json exitstat.json '.reasons |= map(if .code == 10 then .timed -= 1 else . end)'" "one CPUID exit untimed"
expect fail record-64 "sed -i 's/, 0 lost,/, 1 lost,/' exitstat.err" "record saying it lost one exit"
expect fail ug0-m16 "sed -i 's/^unrestricted_guest=N/unrestricted_guest=Y/' kvm_intel.params" \
	"the vm86 run's exit mix held to the unrestricted guest's rules"
expect fail ept0-m64 "sed -i 's/^ept=N/ept=Y/' kvm_intel.params" "the shadow-paging run held to EPT's rules"

expect pass fastpath-64 ':' "the untouched fastpath-64 results"
expect fail fastpath-64 "awk '/^\\{ *ret: *1 \\}/ { sub(/hitcount: *[0-9]+/, \"hitcount: \" \$NF - 1) } 1' fastpath-hist.txt >h && mv h fastpath-hist.txt" \
	"one EXIT_FASTPATH_REENTER_GUEST return fewer (kretprobe)"
expect fail fastpath-64 "sed -i 's/^\\({ ecx: *2096, write: *1, common_flags: *\\)1 }/\\10 }/' msr-hist.txt" \
	"the ICR writes' kvm_msr traced with IRQs on (not in the fastpath)"
expect fail fastpath-64 "bump 1 32 1" "one MSR_WRITE exit more in the kernel's hist (a NONE return missing)"
expect fail fastpath-64 "rm fastpath-hist.txt" "the kretprobe's hist missing"

assert_summary verify-vmx-selftest
