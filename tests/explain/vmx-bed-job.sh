#!/bin/sh
# The VMX bed's job for tests/explain/vmx-bed.sh: exitgen's known steps with
# exitstat --hotspots live (on VMX: the classic tracepoint's guest_rip),
# record --hotspots, and an ftrace text trace with kvm:kvm_page_fault (the
# EPT violations' addresses), each with the kernel's hist of kvm_exit; then
# --detail's EPT violation pages live and recorded, a text trace beside each.
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

# --detail on VMX with an ftrace text trace of the same run beside it (kvm_exit,
# kvm_entry, kvm_page_fault): the EPT violations' pages live (the page program
# on tp_btf, then on the classic tracepoint, then none: the planted fault),
# with the perf backend, and recorded (record --detail, then report --detail
# and explain of the recording on the host), each against the text's pages.
# detail_run NAME EXITSTAT-ARGS...: into /out/NAME/ (exitstat.json or rec.exr)
detail_run() {
	d=/out/$1
	shift
	mkdir -p "$d"
	bed_hist_start
	bed_trace_start 16384
	echo 1 >$T/events/kvm/kvm_page_fault/enable || bed_fail "cannot enable kvm:kvm_page_fault"
	# shellcheck disable=SC2086 # args are words for exitgen
	"$@" -- exitgen --json $ARGS >"$d/exitgen.json" 2>"$d/exitstat.err"
	echo $? >"$d/exitstat.rc"
	echo 0 >$T/events/kvm/kvm_page_fault/enable
	bed_trace_stop "$d/trace.txt"
	bed_hist_stop "$d/hist.txt"
	echo "vmx-detail-job: $d: status $(cat "$d/exitstat.rc")"
}
detail_run detail.btf exitstat --backend bpf --detail all --format json -o /out/detail.btf/exitstat.json
detail_run detail.tp exitstat --backend bpf --bpf-attach tracepoint --detail all --format json \
	-o /out/detail.tp/exitstat.json
detail_run detail.perf exitstat --backend perf --detail all --format json -o /out/detail.perf/exitstat.json
detail_run detail.record exitstat record --detail all -o /out/detail.record/rec.exr
export EXITSTAT_TEST_NO_PF=1
detail_run detail.nopf exitstat --backend bpf --detail all --format json -o /out/detail.nopf/exitstat.json
unset EXITSTAT_TEST_NO_PF
echo "vmx-hotspots-job: status $(cat /out/live.rc) $(cat /out/rec.rc) $(cat /out/trace.rc)"
