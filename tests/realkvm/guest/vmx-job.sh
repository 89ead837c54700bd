#!/bin/sh
# Guest job of `make check-vmx` (tests/realkvm/check.sh --vmx), in the VMX bed:
# every line of /etc/bed/vmx-scenarios, each into /out/NAME/. A line names the
# kvm_intel parameters it needs (the module is reloaded when they change) and
# how exitstat sees the run:
#   trace       the ftrace text of kvm_exit/kvm_entry (exitstat report reads it
#               on the host) plus bed_exitgen_scenario's files (lib.sh)
#   tp_btf | tracepoint   exitstat live, BPF backend attached that way
#   perf        exitstat live, perf backend
#   record      exitstat record; the host reads the recording with exitstat report
#   fastpath    trace, plus KVM's fastpath's own account (exitgen --irqchip icr
#               steps): a kretprobe on handle_fastpath_set_msr_irqoff, its
#               hist keyed by the return value (fastpath-hist.txt), and the
#               kvm:kvm_msr hist keyed by MSR and flags (msr-hist.txt)
# Next to each: hist.txt (the kernel's count), exitgen.json, kvm_intel.params.
. /lib/bed/lib.sh
command -v exitgen >/dev/null || bed_fail "no exitgen in the initramfs (make static)"
command -v exitstat >/dev/null || bed_fail "no exitstat in the initramfs (make static)"
KO=/lib/bed/modules/kvm-intel.ko
loaded=-

# Reload kvm_intel with $1 (comma-separated, or - for none).
load_kvm_intel() {
	rmmod kvm_intel || bed_fail "rmmod kvm_intel failed"
	# shellcheck disable=SC2046 # one word per parameter
	insmod $KO $(echo "$1" | tr -d - | tr , ' ') || bed_fail "insmod kvm-intel.ko $1 failed"
	[ -c /dev/kvm ] || bed_fail "/dev/kvm did not come back after loading kvm_intel $1"
	echo "bed-guest: kvm_intel reloaded with '$1'"
}

# exitstat live (backend $3) or record around exitgen $4..., into $1; $2 = how.
exitstat_scenario() {
	dir=$1 how=$2
	shift 2
	mkdir -p "$dir"
	echo "$*" >"$dir/args"
	case $how in
	tp_btf | tracepoint) es="exitstat --backend bpf --bpf-attach $how --format json -o $dir/exitstat.json" ;;
	perf) es="exitstat --backend perf --format json -o $dir/exitstat.json" ;;
	record) es="exitstat record -o $dir/recording.exr" ;;
	*) bed_fail "$dir: unknown exitstat kind '$how' (trace, tp_btf, tracepoint, perf, record)" ;;
	esac
	echo "$es" >"$dir/exitstat.cmd"
	bed_hist_start
	t0=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086 # words
	$es -- exitgen --json "$@" >"$dir/exitgen.json" 2>"$dir/exitstat.err"
	echo $? >"$dir/exitstat.rc"
	awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >"$dir/seconds"
	bed_hist_stop "$dir/hist.txt"
	echo "bed-guest: $dir: $how over exitgen $* -> status $(cat "$dir/exitstat.rc") in $(cat "$dir/seconds") s"
}

# fastpath: the kretprobe and both hists around one scenario.
FP_HIST='hist:keys=ret:vals=hitcount'
MSR_HIST='hist:keys=ecx,write,common_flags:vals=hitcount'
fastpath_start() {
	grep -qw handle_fastpath_set_msr_irqoff /proc/kallsyms ||
		bed_fail "handle_fastpath_set_msr_irqoff is not in /proc/kallsyms (inlined?): nothing to probe"
	echo 'r:exitgen_fp handle_fastpath_set_msr_irqoff ret=$retval' >>$T/kprobe_events ||
		bed_fail "cannot add a kretprobe on handle_fastpath_set_msr_irqoff"
	echo "$FP_HIST" >$T/events/kprobes/exitgen_fp/trigger || bed_fail "cannot set the hist trigger on the kretprobe"
	echo "$MSR_HIST" >$T/events/kvm/kvm_msr/trigger || bed_fail "cannot set the hist trigger on kvm:kvm_msr"
}
fastpath_stop() {
	cat $T/events/kprobes/exitgen_fp/hist >"$1/fastpath-hist.txt"
	cat $T/events/kvm/kvm_msr/hist >"$1/msr-hist.txt"
	echo "!$FP_HIST" >$T/events/kprobes/exitgen_fp/trigger
	echo "!$MSR_HIST" >$T/events/kvm/kvm_msr/trigger
	echo '-:exitgen_fp' >>$T/kprobe_events
}

grep -v '^[[:space:]]*\(#\|$\)' /etc/bed/vmx-scenarios >/tmp/scenarios
while read -r name params how args; do
	if [ "$params" != "$loaded" ]; then
		load_kvm_intel "$params"
		loaded=$params
	fi
	mkdir -p "$name"
	for p in ept unrestricted_guest enable_apicv; do
		echo "$p=$(cat /sys/module/kvm_intel/parameters/$p)"
	done >"$name/kvm_intel.params"
	# shellcheck disable=SC2086 # args are words for exitgen
	case $how in
	trace) bed_exitgen_scenario "$name" 4096 $args ;;
	fastpath)
		fastpath_start
		bed_exitgen_scenario "$name" 4096 $args
		fastpath_stop "$name"
		;;
	*) exitstat_scenario "$name" "$how" $args ;;
	esac
done </tmp/scenarios
exit 0
