#!/bin/sh
# Guest job of `make check-analyze-realkvm` (inside the real-KVM bed): exitgen
# with two silent stretches between three busy ones of different reasons,
# recorded three ways at once: `exitstat record` (BPF), the ftrace text, and
# the kernel's hist count. The host analyses the recording and the text.
. /lib/bed/lib.sh
for p in exitgen exitstat; do
	command -v $p >/dev/null || bed_fail "no $p in the initramfs (make static)"
done
cd /out || exit 1
STEPS="out:3000 sleep:600 cpuid:3000 sleep:600 out:3000 hlt"
echo "$STEPS" >steps
bed_trace_start 32768
bed_hist_start
# shellcheck disable=SC2086 # STEPS are words for exitgen
exitstat record -o rec.exr -- exitgen --json --mode 64 $STEPS >exitgen.json 2>record.err
echo $? >record.rc
bed_hist_stop hist.txt
bed_trace_stop trace.txt
echo "analyze-job: exitgen+record status $(cat record.rc)"
