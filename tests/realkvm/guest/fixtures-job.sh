#!/bin/sh
# Guest job of make-fixtures.sh: one modest exitgen run per recorder and mode,
# each with the kernel's own hist-trigger count of that same run.
. /lib/bed/lib.sh
STEPS="out:300 in:200 cpuid:100 rdmsr:50 wrmsr:50 mmio:20 hlt"
bed_record_versions
exec 3>commands.txt
for mode in 64 16; do
	args="--mode $mode $STEPS"

	# (a) ftrace text from /sys/kernel/tracing/trace
	bed_trace_start 4096
	bed_hist_start
	exitgen --json $args >ftrace-$mode.exitgen.json || bed_fail "exitgen $args failed"
	bed_hist_stop ftrace-$mode.hist
	bed_trace_stop ftrace-$mode.txt
	mv ftrace-$mode.txt.stats ftrace-$mode.ringbuffer-stats
	echo "ftrace-$mode.txt: echo 4096 >buffer_size_kb; echo 1 >events/kvm/kvm_exit/enable; echo 1 >events/kvm/kvm_entry/enable; exitgen --json $args; cat trace" >&3

	# (b) perf record + perf script
	bed_hist_start
	perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -o /tmp/perf.data -- \
		exitgen --json $args >perf-$mode.exitgen.json || bed_fail "perf record exitgen $args failed"
	bed_hist_stop perf-$mode.hist
	perf script -i /tmp/perf.data >perf-$mode.txt || bed_fail "perf script failed"
	echo "perf-$mode.txt: perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -o perf.data -- exitgen --json $args; perf script -i perf.data" >&3

	# (c) trace-cmd record + report, with and without the kvm plugin
	bed_hist_start
	trace-cmd record -q -e kvm:kvm_exit -e kvm:kvm_entry -o /tmp/tc.dat \
		exitgen --json $args >trace-cmd-$mode.exitgen.json || bed_fail "trace-cmd record exitgen $args failed"
	bed_hist_stop trace-cmd-$mode.hist
	trace-cmd report -i /tmp/tc.dat >trace-cmd-$mode.txt || bed_fail "trace-cmd report failed"
	trace-cmd report -N -i /tmp/tc.dat >trace-cmd-noplugin-$mode.txt || bed_fail "trace-cmd report -N failed"
	echo "trace-cmd-$mode.txt: trace-cmd record -q -e kvm:kvm_exit -e kvm:kvm_entry -o tc.dat exitgen --json $args; trace-cmd report -i tc.dat" >&3
	echo "trace-cmd-noplugin-$mode.txt: trace-cmd report -N -i tc.dat (the same tc.dat, no plugins)" >&3
	rm -f /tmp/perf.data /tmp/tc.dat
done

# Two vCPU threads interleaved in one trace.
args="--mode 64 --vcpus 2 out:200 cpuid:100 mmio:10 hlt"
bed_trace_start 4096
bed_hist_start
exitgen --json $args >ftrace-64-vcpus2.exitgen.json || bed_fail "exitgen $args failed"
bed_hist_stop ftrace-64-vcpus2.hist
bed_trace_stop ftrace-64-vcpus2.txt
mv ftrace-64-vcpus2.txt.stats ftrace-64-vcpus2.ringbuffer-stats
echo "ftrace-64-vcpus2.txt: echo 4096 >buffer_size_kb; echo 1 >events/kvm/kvm_exit/enable; echo 1 >events/kvm/kvm_entry/enable; exitgen --json $args; cat trace" >&3

# A ring buffer too small for the run: the text keeps only the newest events
# and its header says how many were overwritten (entries-in-buffer/entries-written).
args="--mode 64 out:2000 cpuid:1000 hlt"
bed_trace_start 16
bed_hist_start
exitgen --json $args >ftrace-64-overrun.exitgen.json || bed_fail "exitgen $args failed"
bed_hist_stop ftrace-64-overrun.hist
bed_trace_stop ftrace-64-overrun.txt
mv ftrace-64-overrun.txt.stats ftrace-64-overrun.ringbuffer-stats
echo "ftrace-64-overrun.txt: echo 16 >buffer_size_kb; echo 1 >events/kvm/kvm_exit/enable; echo 1 >events/kvm/kvm_entry/enable; exitgen --json $args; cat trace" >&3
exec 3>&-
