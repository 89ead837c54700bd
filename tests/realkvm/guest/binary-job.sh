#!/bin/sh
# Guest job of make-binary-fixtures.sh: the binary files users have, recorded
# from one known exitgen workload each, next to the kernel's own hist-trigger
# count of that same run: trace-cmd's trace.dat, perf record's perf.data and
# perf kvm stat record's perf.data, and a perf.data whose buffer was too small
# (events lost, and perf's own count of them). Kept unrendered: exitstat reads
# them itself.
. /lib/bed/lib.sh
ARGS="--mode 64 out:1000 in:500 cpuid:500 rdmsr:200 wrmsr:200 mmio:50 hlt"
bed_record_versions
echo "$ARGS" >exitgen-args
exec 3>commands.txt

# (a) trace-cmd record -> trace.dat. trace-cmd stores /proc/kallsyms in the
# file (1.4 MB of the guest's symbols, compressed); an empty one keeps the
# fixture small and changes nothing about the kvm events.
: >/tmp/no-kallsyms
mount --bind /tmp/no-kallsyms /proc/kallsyms || bed_fail "cannot hide /proc/kallsyms"
bed_hist_start
trace-cmd record -q -e kvm:kvm_exit -e kvm:kvm_entry -o trace-cmd.dat \
	exitgen --json $ARGS >trace-cmd.exitgen.json 2>trace-cmd-record.log ||
	bed_fail "trace-cmd record exitgen $ARGS failed: $(tail -n 3 trace-cmd-record.log)"
bed_hist_stop trace-cmd.hist
trace-cmd report --stat -i trace-cmd.dat >trace-cmd.stats 2>&1 || bed_fail "trace-cmd report --stat failed"
echo "trace-cmd.dat: mount --bind (an empty file) /proc/kallsyms; trace-cmd record -q -e kvm:kvm_exit -e kvm:kvm_entry -o trace-cmd.dat exitgen --json $ARGS" >&3

# (a2) the same into a buffer instance only (-B): the events are in the
# instance's buffer, the file's top buffer holds none.
bed_hist_start
trace-cmd record -q -B exitstat-tc -e kvm:kvm_exit -e kvm:kvm_entry -o trace-cmd-instance.dat \
	exitgen --json $ARGS >trace-cmd-instance.exitgen.json 2>trace-cmd-instance-record.log ||
	bed_fail "trace-cmd record -B exitgen $ARGS failed: $(tail -n 3 trace-cmd-instance-record.log)"
bed_hist_stop trace-cmd-instance.hist
trace-cmd report --stat -i trace-cmd-instance.dat >trace-cmd-instance.stats 2>&1 ||
	bed_fail "trace-cmd report --stat (instance) failed"
echo "trace-cmd-instance.dat: (kallsyms hidden as above) trace-cmd record -q -B exitstat-tc -e kvm:kvm_exit -e kvm:kvm_entry -o trace-cmd-instance.dat exitgen --json $ARGS" >&3
umount /proc/kallsyms

# (b) perf record -> perf.data
bed_hist_start
perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -m 4096 -o perf.data -- \
	exitgen --json $ARGS >perf.exitgen.json 2>perf-record.log ||
	bed_fail "perf record exitgen $ARGS failed: $(tail -n 3 perf-record.log)"
bed_hist_stop perf.hist
perf report -i perf.data --stats >perf.stats 2>&1 || bed_fail "perf report --stats failed"
echo "perf.data: perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -m 4096 -o perf.data -- exitgen --json $ARGS" >&3

# (c) perf kvm stat record -> perf.data with perf kvm stat's own event set
bed_hist_start
perf kvm -o perf-kvm-stat.data stat record -q -a -m 4096 -- \
	exitgen --json $ARGS >perf-kvm-stat.exitgen.json 2>perf-kvm-stat-record.log ||
	bed_fail "perf kvm stat record exitgen $ARGS failed: $(tail -n 3 perf-kvm-stat-record.log)"
bed_hist_stop perf-kvm-stat.hist
perf report -i perf-kvm-stat.data --stats >perf-kvm-stat.stats 2>&1 || bed_fail "perf report --stats (kvm stat) failed"
echo "perf-kvm-stat.data: perf kvm -o perf-kvm-stat.data stat record -q -a -m 4096 -- exitgen --json $ARGS" >&3

# (d) perf record with a one-page buffer: perf cannot keep up, the kernel drops
# samples and perf.data says how many (PERF_RECORD_LOST; perf report --stats).
bed_hist_start
perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -m 1 -o perf-lost.data -- \
	exitgen --json $ARGS >perf-lost.exitgen.json 2>perf-lost-record.log ||
	bed_fail "perf record -m 1 exitgen $ARGS failed: $(tail -n 3 perf-lost-record.log)"
bed_hist_stop perf-lost.hist
perf report -i perf-lost.data --stats >perf-lost.stats 2>&1 || bed_fail "perf report --stats (lost) failed"
echo "perf-lost.data: perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -m 1 -o perf-lost.data -- exitgen --json $ARGS" >&3
exec 3>&-
