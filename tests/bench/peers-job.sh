#!/bin/sh
# Guest job of make-peer-fixtures.sh: the fixture run of ftrace-64.txt (the same
# exitgen steps) recorded by perf record into perf.data and by trace-cmd record
# into trace.dat (file version 6, uncompressed), each beside the kernel's
# hist-trigger count of that run. bench-report replays them to N exits.
. /lib/bed/lib.sh
args="--mode 64 out:300 in:200 cpuid:100 rdmsr:50 wrmsr:50 mmio:20 hlt"
perf --version >perf-version
trace-cmd --version 2>&1 | grep -m 1 version >trace-cmd-version
uname -r >kernel-release
bed_hist_start
perf record -q -e kvm:kvm_exit -e kvm:kvm_entry -a -o perf.data -- \
	exitgen --json $args >perf.exitgen.json || bed_fail "perf record exitgen $args failed"
bed_hist_stop perf.hist
bed_hist_start
trace-cmd record -q --file-version 6 --compression none -e kvm:kvm_exit -e kvm:kvm_entry \
	-o trace.dat exitgen --json $args >trace-cmd.exitgen.json || bed_fail "trace-cmd record exitgen $args failed"
bed_hist_stop trace-cmd.hist
