#!/bin/sh
# The VMX bed's job for tests/explain/vmx-bed.sh: exitgen's known steps with
# exitstat --hotspots live (on VMX: the classic tracepoint's guest_rip),
# record --hotspots, and an ftrace text trace with kvm:kvm_page_fault (the
# EPT violations' addresses), each with the kernel's hist of kvm_exit.
. /lib/bed/lib.sh
ARGS=$(cat /etc/bed/hot-args)
# shellcheck disable=SC2086 # args are words for exitgen
{
	bed_hist_start
	exitstat --hotspots=0 --format json -o /out/live.json -- exitgen --json $ARGS \
		>/out/live-exitgen.json 2>/out/live.err
	echo $? >/out/live.rc
	bed_hist_stop /out/live.hist
	bed_hist_start
	exitstat record --hotspots -o /out/rec.exr -- exitgen --json $ARGS \
		>/out/rec-exitgen.json 2>/out/rec.err
	echo $? >/out/rec.rc
	bed_hist_stop /out/rec.hist
	bed_hist_start
	bed_trace_start 16384
	echo 1 >$T/events/kvm/kvm_page_fault/enable || bed_fail "cannot enable kvm:kvm_page_fault"
	exitgen --json $ARGS >/out/trace-exitgen.json 2>/out/trace.err
	echo $? >/out/trace.rc
	echo 0 >$T/events/kvm/kvm_page_fault/enable
	bed_trace_stop /out/trace.txt
	bed_hist_stop /out/trace.hist
}
echo "vmx-hotspots-job: status $(cat /out/live.rc) $(cat /out/rec.rc) $(cat /out/trace.rc)"
