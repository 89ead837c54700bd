#!/bin/sh
# Guest job of `make kernel-boot-check`, run by the real-KVM bed inside the
# patched kernel, after loading its kvm modules. It only collects; boot-verify.sh
# checks on the host. Per scenario directory: debugfs table before and after,
# the kvm:kvm_exit hist over the same span, exitgen's JSON; dmesg carries
# "boot-job: mark NAME" lines around each scenario for the printed tables.
# The same job serves both beds: on a CPU with VMX (the VMX bed, Bochs) it
# loads kvm-intel and asks about VMX reasons, else kvm-amd and SVM codes.
. /lib/bed/lib.sh

TABLE=/sys/kernel/debug/kvm/exit_stats
PARAM=/sys/module/kvm/parameters/exit_stats_interval

mark() { echo "boot-job: mark $1" >/dev/kmsg; }

if grep -qw vmx /proc/cpuinfo; then ISA=vmx VENDOR=kvm-intel; else ISA=svm VENDOR=kvm-amd; fi
echo $ISA >isa
# boot-verify.sh looks for kernel warnings from here on (the VMX bed's
# emulated CPU draws two at boot: topology and XSAVE size, not KVM's).
mark job
# The kernel has KVM as modules (the build kernel-check checks, shared):
# boot-check.sh adds them to the initramfs in insmod order.
for m in irqbypass kvm $VENDOR; do
	insmod /lib/exitstat-kvm/$m.ko || bed_fail "insmod /lib/exitstat-kvm/$m.ko failed"
done
[ -c /dev/kvm ] || bed_fail "/dev/kvm did not appear after insmod $VENDOR.ko"
[ -r $TABLE ] || bed_fail "$TABLE is missing"
[ -w $PARAM ] || bed_fail "$PARAM is missing or not writable"
grep -c ^processor /proc/cpuinfo >ncpus
cat $PARAM >interval.default
cat /sys/module/kvm/parameters/exit_stats_cpuid_leaves >cpuid_leaves.default

# scenario NAME INTERVAL EXITGEN-ARGS...
scenario() {
	name=$1 interval=$2
	shift 2
	mkdir -p "$name"
	echo "$interval" >$PARAM || bed_fail "cannot write $interval to $PARAM"
	echo "$*" >"$name/args"
	bed_hist_start
	cat $TABLE >"$name/table.before"
	mark "$name begin"
	t0=$(cut -d' ' -f1 /proc/uptime)
	exitgen --json "$@" >"$name/exitgen.json" 2>"$name/exitgen.err"
	echo $? >"$name/exitgen.rc"
	awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >"$name/seconds"
	mark "$name end"
	cat $TABLE >"$name/table.after"
	bed_hist_stop "$name/hist.txt"
	echo "boot-job: $name: exitgen $* -> status $(cat "$name/exitgen.rc") in $(cat "$name/seconds") s"
}

# Every CPUID leaf query before and after the known exits, the undefined
# and the defined but never taken reasons (boot-verify.sh lists them).
if [ $ISA = svm ]; then
	# io, cpuid, msr, hlt; undefined 0x0a7, 0x3ff, 0x404, 0x80000001,
	# 0xfffffffb; unhandled 0x002 read_cr2, 0x08e rdpru.
	QUERIES="leaf:0x4ffffffc leaf:0x4ffffffd leaf:0x4ffffffe:0x7b leaf:0x4fffffff:0x7b
		leaf:0x4ffffffe:0x72 leaf:0x4fffffff:0x72 leaf:0x4ffffffe:0x7c leaf:0x4ffffffe:0x78"
	ODD="leaf:0x4ffffffe:0xa7 leaf:0x4fffffff:0xa7 leaf:0x4ffffffe:0x3ff leaf:0x4ffffffe:0x404
		leaf:0x4fffffff:0x80000001 leaf:0x4ffffffe:0xfffffffb
		leaf:0x4ffffffe:0x2 leaf:0x4fffffff:0x2 leaf:0x4ffffffe:0x8e"
else
	# io 30, cpuid 10, msr read 31 and write 32, hlt 12; undefined 35, 38,
	# 86, 0x3ff, 0xfffffffb; unhandled 16 rdtsc, 17 rsm.
	QUERIES="leaf:0x4ffffffc leaf:0x4ffffffd leaf:0x4ffffffe:0x1e leaf:0x4fffffff:0x1e
		leaf:0x4ffffffe:0xa leaf:0x4fffffff:0xa leaf:0x4ffffffe:0x1f leaf:0x4ffffffe:0x20
		leaf:0x4ffffffe:0xc"
	ODD="leaf:0x4ffffffe:0x23 leaf:0x4fffffff:0x23 leaf:0x4ffffffe:0x26 leaf:0x4ffffffe:0x56
		leaf:0x4ffffffe:0x3ff leaf:0x4ffffffe:0xfffffffb
		leaf:0x4ffffffe:0x10 leaf:0x4fffffff:0x10 leaf:0x4ffffffe:0x11"
fi

# shellcheck disable=SC2086
scenario long64 1000 --mode 64 $QUERIES out:2000 in:500 cpuid:500 rdmsr:40 \
	wrmsr:60 mmio:30 $QUERIES $ODD hlt $QUERIES
# shellcheck disable=SC2086
scenario real16 1000 --mode 16 $QUERIES out:700 cpuid:300 mmio:10 hlt $QUERIES
# exitstat-cpuid's own queries (every code of the ISA), answered by the
# patched KVM; the host replays the answers through the tool.
# shellcheck disable=SC2046
scenario cpuidtool 0 --mode 64 $(exitstat-cpuid --isa $ISA --exitgen-steps)
# Two vCPUs on the guest's two CPUs: the sums must add per-CPU counters. A
# second hist keyed by the CPU that handled the exit shows both were used.
smp() {
	# A fresh rate-limit window: this scenario's five tables must all print.
	sleep 6
	echo 'hist:keys=common_cpu:vals=hitcount' >/sys/kernel/tracing/events/kvm/kvm_exit/trigger ||
		bed_fail "cannot set the per-CPU hist trigger"
	scenario "$1" 1000 --mode 64 --vcpus 2 out:2000 cpuid:500 mmio:20
	cat /sys/kernel/tracing/events/kvm/kvm_exit/hist >"$1/cpu-hist.txt"
	echo '!hist:keys=common_cpu:vals=hitcount' >/sys/kernel/tracing/events/kvm/kvm_exit/trigger
}
# The VMX bed runs one CPU: Bochs is an interpreter, a second CPU halves its
# speed. The SVM bed covers the per-CPU sums (the code is not ISA-specific).
if [ "$(cat ncpus)" -ge 2 ]; then
	smp smp
	# Known flake of QEMU's multi-threaded TCG with two CPUs (about 1 run in 15):
	# one vCPU of the nested guest triple-faults at the reset vector. Retry that
	# once, under another name; boot-verify.sh reports the first try.
	if grep -q 'KVM_EXIT_SHUTDOWN (triple fault) at rip 0xfff0' smp/exitgen.err; then
		smp smp-retry
	fi
fi
# Off: no table may appear.
scenario off 0 --mode 64 out:3000 cpuid:100
# A table after every exit: the rate limit must hold them to ten per 5 s.
# Wait out the window the tables above opened, so the storm gets all ten.
sleep 6
scenario storm 1 --mode 64 out:6000 cpuid:1000
echo 10000 >$PARAM
exit 0
