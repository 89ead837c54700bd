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
expect fail m64-out "bump 0 30 1" "one IO_INSTRUCTION exit more in the kernel's hist" \
	"m64-out: kernel hist != exitgen: IO_INSTRUCTION kernel 3001, want 3000 "
expect fail m64-out "bump 0 30 -1" "one IO_INSTRUCTION exit fewer in the kernel's hist" \
	"m64-out: kernel hist != exitgen: IO_INSTRUCTION kernel 2999, want 3000 "
expect fail m64-cpuid "json exitgen.json '.expected.cpuid += 1'" \
	"exitgen expecting one cpuid more" "m64-cpuid: kernel hist != exitgen: CPUID kernel 3000, want 3001 "
expect fail vcpus2 "bump 0 31 -1; bump 0 32 1" "one MSR_READ counted as MSR_WRITE (same total)" \
	"vcpus2: kernel hist != exitgen: MSR_READ kernel 999, want 1000; MSR_WRITE kernel 1001, want 1000 "
expect fail m64-mmio "bump 0 49 -1; bump 0 48 1" "one EPT_MISCONFIG fewer, one EPT_VIOLATION more" \
	"m64-mmio: kernel hist != exitgen: EPT_MISCONFIG kernel 998, want 999 "
expect fail m64-mmio "bump 0 48 40" "EPT violations above mmio + the first-touch bound" \
	"m64-mmio: kernel hist != exitgen: EPT_VIOLATION + EPT_MISCONFIG in \\[mmio, mmio + [0-9]*\\]: [0-9]*, want 1000\\.\\.[0-9]* "
expect fail m64-hlt "sed -i '/^Totals:/i { vcpu_id:          0, exit_reason:         16 } hitcount:          1' hist.txt" \
	"an unexpected RDTSC exit" "m64-hlt: kernel hist != exitgen: RDTSC kernel 1, want 0 "
expect fail m64-out "sed -i 's/Dropped: 0/Dropped: 3/' hist.txt" "a hist that dropped entries" \
	"m64-out: the kernel's hist trigger dropped entries: its count is not exact$"
expect fail m64-out "echo 1 >exitgen.rc" "exitgen failing" "m64-out: the run exited with status 1: .*exitgen.err"
expect fail live-perf-16 "echo 1 >exitstat.rc" "exitstat failing" "live-perf-16: the run exited with status 1: .*exitstat.err"
expect fail m64-out "rm -rf ../m64-out" "a scenario without results" "m64-out: no results directory"
expect fail vcpus2 "bump 0 30 1; bump 1 30 -1" "io moved from vCPU 1 to vCPU 0 (same total)" \
	"vcpus2: per-vCPU counts differ: vcpu 0 io kernel 3001, exitgen 3000; vcpu 1 io kernel 2999, exitgen 3000$"
expect fail m64-out "awk '/reason IO_INSTRUCTION / && !done {done = 1; next} {print}' trace.txt >t && mv t trace.txt" \
	"one IO_INSTRUCTION kvm_exit line missing from the trace exitstat reads" \
	"m64-out: exitstat (trace) != kernel hist: IO_INSTRUCTION exitstat 2999, kernel 3000 "
expect fail live-tpbtf-64 "json exitstat.json '${io}.count += 1 else . end)'" "exitstat live (tp_btf) counting one io more" \
	"live-tpbtf-64: exitstat (tp_btf) != kernel hist: IO_INSTRUCTION exitstat [0-9]*, kernel [0-9]* "
expect fail live-tpbtf-64 "json exitstat.json '${io}.code = 29 else . end)'" "exitstat giving IO_INSTRUCTION the wrong code" \
	"live-tpbtf-64: exitstat (tp_btf) != kernel hist: DR_ACCESS exitstat [0-9]*, kernel 0; IO_INSTRUCTION exitstat 0, kernel [0-9]* "
expect fail live-tpbtf-64 "json exitstat.json '${io}.name = \"VMCALL\" else . end)'" "exitstat naming code 30 wrongly" \
	"live-tpbtf-64: reason names differ: 30: exitstat 'VMCALL', asm/vmx.h 'IO_INSTRUCTION'"
expect fail live-tpbtf-64 "json exitstat.json '.source |= sub(\"tp_btf\"; \"tracepoint\")'" \
	"exitstat falling back to the tracepoint instead of reading vcpu_vmx" \
	"live-tpbtf-64: source 'live: BPF tracepoint/kvm_exit, .*' does not name tp_btf$"
expect fail live-tp-64 "json exitstat.json '.lost = 1'" "exitstat live losing one event" "live-tp-64: exitstat lost '1', want 0$"
expect fail live-perf-16 "json exitstat.json '${io}.time_total_ns = 0 else . end)'" "no time in exit for io" \
	"live-perf-16: exits without a time in exit: IO_INSTRUCTION: count [0-9]* timed [0-9]* total_ns 0$"
expect fail live-perf-16 "json exitstat.json '.reasons |= map(if .code == 10 then .timed -= 1 else . end)'" "one CPUID exit untimed" \
	"live-perf-16: exits without a time in exit: CPUID: count 700 timed 699 "
expect fail record-64 "sed -i 's/, 0 lost,/, 1 lost,/' exitstat.err" "record saying it lost one exit" "record-64: record's own line: .*, 1 lost, "
expect fail ug0-m16 "sed -i 's/^unrestricted_guest=N/unrestricted_guest=Y/' kvm_intel.params" \
	"the vm86 run's exit mix held to the unrestricted guest's rules" \
	"ug0-m16: kernel hist != exitgen: EXCEPTION_NMI kernel [0-9]*, want 0; HLT kernel 0, want 3; MSR_READ kernel 0, want 100; MSR_WRITE kernel 0, want 200 "
expect fail ept0-m64 "sed -i 's/^ept=N/ept=Y/' kvm_intel.params" "the shadow-paging run held to EPT's rules" \
	"ept0-m64: kernel hist != exitgen: EXCEPTION_NMI kernel [0-9]*, want 0; EPT_MISCONFIG kernel 0, want 99; "

expect pass fastpath-64 ':' "the untouched fastpath-64 results"
expect fail fastpath-64 "awk '/^\\{ *ret: *1 \\}/ { sub(/hitcount: *[0-9]+/, \"hitcount: \" \$NF - 1) } 1' fastpath-hist.txt >h && mv h fastpath-hist.txt" \
	"one EXIT_FASTPATH_REENTER_GUEST return fewer (kretprobe)" \
	"fastpath-64: handle_fastpath_set_msr_irqoff returned REENTER_GUEST 6039 times, exitgen wrote the ICR 6040 times$"
expect fail fastpath-64 "sed -i 's/^\\({ ecx: *2096, write: *1, common_flags: *\\)1 }/\\10 }/' msr-hist.txt" \
	"the ICR writes' kvm_msr traced with IRQs on (not in the fastpath)" \
	"fastpath-64: kvm:kvm_msr ICR writes with IRQs off 0, REENTER_GUEST returns 6040$"
expect fail fastpath-64 "bump 1 32 1" "one MSR_WRITE exit more in the kernel's hist (a NONE return missing)" \
	"fastpath-64: kernel hist != exitgen: MSR_WRITE kernel [0-9]*, want [0-9]* (table above)$"
expect fail fastpath-64 "rm fastpath-hist.txt" "the kretprobe's hist missing" \
	"fastpath-64: a fastpath hist dropped entries (or is missing): its count is not exact$"

assert_summary verify-vmx-selftest
