#!/bin/sh
# Guest job of `make kernel-boot-check`, run by the real-KVM bed inside the
# patched kernel, after loading its kvm modules. It only collects; boot-verify.sh
# checks on the host. Per scenario directory: debugfs table before and after,
# the kvm:kvm_exit hist over the same span, exitgen's JSON (with each vCPU's
# exit_reason_* binary stats, exitgen --kvm-stats), and the settings
# it ran with (counting: kvm.exit_stats; leaves: kvm.exit_stats_cpuid_leaves);
# dmesg carries "boot-job: mark NAME" lines around each scenario for the
# printed tables. The same job serves both beds: on a CPU with VMX (the VMX
# bed, Bochs) it loads kvm-intel and asks about VMX reasons, else kvm-amd and
# SVM codes.
. /lib/bed/lib.sh

TABLE=/sys/kernel/debug/kvm/exit_stats
P=/sys/module/kvm/parameters
MODS=/lib/exitstat-kvm

mark() { echo "boot-job: mark $1" >/dev/kmsg; }
set_param() { echo "$2" >$P/$1 || bed_fail "cannot write $2 to $P/$1"; }

if grep -qw vmx /proc/cpuinfo; then ISA=vmx VENDOR=kvm-intel; else ISA=svm VENDOR=kvm-amd; fi
echo $ISA >isa
# The reasons this tree has no exit handler for, from its handler tables
# (kernel/handled.sh at build time): the verifier checks them against the leaves.
cp $MODS/unhandled unhandled || bed_fail "$MODS/unhandled is missing (boot-check.sh adds it)"
# boot-verify.sh looks for kernel warnings from here on (the VMX bed's
# emulated CPU draws two at boot: topology and XSAVE size, not KVM's).
mark job
# load [KVM-PARAMS...]: the kvm modules (the build kernel-check checks, shared;
# boot-check.sh adds them to the initramfs), kvm with the given parameters.
load() {
	insmod $MODS/irqbypass.ko 2>/dev/null
	grep -q '^irqbypass ' /proc/modules || bed_fail "insmod $MODS/irqbypass.ko failed"
	insmod $MODS/kvm.ko "$@" || bed_fail "insmod $MODS/kvm.ko $* failed"
	insmod $MODS/$VENDOR.ko || bed_fail "insmod $MODS/$VENDOR.ko failed"
	[ -c /dev/kvm ] || bed_fail "/dev/kvm did not appear after insmod $VENDOR.ko"
	[ -r $TABLE ] || bed_fail "$TABLE is missing"
	for p in exit_stats exit_stats_interval exit_stats_cpuid_leaves; do
		[ -w $P/$p ] || bed_fail "$P/$p is missing or not writable"
	done
}
load
grep -c ^processor /proc/cpuinfo >ncpus
# The defaults, before anything is set: all off.
cat $P/exit_stats >exit_stats.default
cat $P/exit_stats_interval >interval.default
cat $P/exit_stats_cpuid_leaves >cpuid_leaves.default

# scenario NAME INTERVAL EXITGEN-ARGS...: one exitgen run with the current
# kvm.exit_stats and kvm.exit_stats_cpuid_leaves, and exit_stats_interval set.
scenario() {
	name=$1 interval=$2
	shift 2
	mkdir -p "$name"
	set_param exit_stats_interval "$interval"
	cat $P/exit_stats >"$name/counting"
	cat $P/exit_stats_cpuid_leaves >"$name/leaves"
	echo "$*" >"$name/args"
	bed_hist_start
	cat $TABLE >"$name/table.before"
	mark "$name begin"
	t0=$(cut -d' ' -f1 /proc/uptime)
	exitgen --json --kvm-stats "$@" >"$name/exitgen.json" 2>"$name/exitgen.err"
	echo $? >"$name/exitgen.rc"
	awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >"$name/seconds"
	mark "$name end"
	cat $TABLE >"$name/table.after"
	bed_hist_stop "$name/hist.txt"
	echo "boot-job: $name: exitgen $* -> status $(cat "$name/exitgen.rc") in $(cat "$name/seconds") s"
}

# Every CPUID leaf query before and after the known exits, the undefined
# and the defined but unhandled reasons (the first two of the tree's list).
UNH=$(head -n 2 unhandled | sed 's/^/leaf:0x4ffffffe:/' | tr '\n' ' ')
UNH_C=$(head -n 1 unhandled | sed 's/^/leaf:0x4fffffff:/')
if [ $ISA = svm ]; then
	# io, cpuid, msr, hlt; undefined 0x0a7, 0x3ff, 0x404, 0x80000001,
	# 0xfffffffb.
	QUERIES="leaf:0x4ffffffc leaf:0x4ffffffd leaf:0x4ffffffe:0x7b leaf:0x4fffffff:0x7b
		leaf:0x4ffffffe:0x72 leaf:0x4fffffff:0x72 leaf:0x4ffffffe:0x7c leaf:0x4ffffffe:0x78"
	ODD="leaf:0x4ffffffe:0xa7 leaf:0x4fffffff:0xa7 leaf:0x4ffffffe:0x3ff leaf:0x4ffffffe:0x404
		leaf:0x4fffffff:0x80000001 leaf:0x4ffffffe:0xfffffffb $UNH $UNH_C"
	# The leaves when the VM may not read them, each next to the unused
	# leaf 0x4ffffffb with the same ECX: the answers must be the same.
	NOSEE="leaf:0x4ffffffb leaf:0x4ffffffc leaf:0x4ffffffd leaf:0x4ffffffb:0x7b
		leaf:0x4ffffffe:0x7b leaf:0x4fffffff:0x7b"
else
	# io 30, cpuid 10, msr read 31 and write 32, hlt 12; undefined 35, 38,
	# 86, 0x3ff, 0xfffffffb.
	QUERIES="leaf:0x4ffffffc leaf:0x4ffffffd leaf:0x4ffffffe:0x1e leaf:0x4fffffff:0x1e
		leaf:0x4ffffffe:0xa leaf:0x4fffffff:0xa leaf:0x4ffffffe:0x1f leaf:0x4ffffffe:0x20
		leaf:0x4ffffffe:0xc"
	ODD="leaf:0x4ffffffe:0x23 leaf:0x4fffffff:0x23 leaf:0x4ffffffe:0x26 leaf:0x4ffffffe:0x56
		leaf:0x4ffffffe:0x3ff leaf:0x4ffffffe:0xfffffffb $UNH $UNH_C"
	NOSEE="leaf:0x4ffffffb leaf:0x4ffffffc leaf:0x4ffffffd leaf:0x4ffffffb:0x1e
		leaf:0x4ffffffe:0x1e leaf:0x4fffffff:0x1e"
fi

# QUERIES, each after the unused leaf 0x4ffffffb with the same ECX: for a
# VM that may not read the statistics, the two answers must be the same.
PAIRED=
for q in $QUERIES; do
	ecx=${q#leaf:0x4ffffff?}
	PAIRED="$PAIRED leaf:0x4ffffffb$ecx $q"
done

# The defaults: nothing counted (the hist still sees the exits), no table,
# and the guest reads no statistics.
# shellcheck disable=SC2086
scenario default 1000 --mode 64 out:1500 cpuid:200 $NOSEE hlt
# Counting on at run time; leaves for opted-in VMs only, and this one did not.
set_param exit_stats 1
set_param exit_stats_cpuid_leaves 1
# shellcheck disable=SC2086
scenario nooptin 0 --mode 64 out:300 $NOSEE hlt
# shellcheck disable=SC2086
scenario long64 1000 --mode 64 --exit-stats-cpuid $QUERIES out:2000 in:500 cpuid:500 rdmsr:40 \
	wrmsr:60 mmio:30 $QUERIES $ODD hlt $QUERIES
# The course-style setting: every VM reads them, without opting in.
set_param exit_stats_cpuid_leaves 2
# shellcheck disable=SC2086
scenario real16 1000 --mode 16 $QUERIES out:700 cpuid:300 mmio:10 hlt $QUERIES
set_param exit_stats_cpuid_leaves 1
# exitstat-cpuid's own queries (every code of the ISA), answered by the
# patched KVM; the host replays the answers through the tool.
# shellcheck disable=SC2046
scenario cpuidtool 0 --mode 64 --exit-stats-cpuid $(exitstat-cpuid --isa $ISA --exitgen-steps)

# vm_tables NAME PID: the debugfs tables of exitgen PID's VM (the VM's and
# each vCPU's), while its vCPUs stand at the wait step.
vm_tables() {
	set -- "$1" "$2" /sys/kernel/debug/kvm/"$2"-*
	[ -r "$3/exit_stats" ] || bed_fail "no debugfs table for the VM of pid $2 ($3/exit_stats)"
	cat "$3/exit_stats" >"$1.table"
	for v in "$3"/vcpu*; do
		cat "$v/exit_stats" >"$1.$(basename "$v").table" || bed_fail "cannot read $v/exit_stats"
	done
}

# Two VMs at once, both opted in, with different known exits (exitgen.json,
# and peer.json with peer.args): both stop at their wait step (ready = every
# vCPU is there, and exitgen has read its vCPUs' binary stats), so both exist
# and have run before either asks the leaves; the job then reads each VM's
# debugfs tables, and both go on.
twovm() {
	name=twovm
	mkdir -p $name
	set_param exit_stats_interval 0
	cat $P/exit_stats >$name/counting
	cat $P/exit_stats_cpuid_leaves >$name/leaves
	mkfifo /tmp/ready-a /tmp/ready-b /tmp/go-a /tmp/go-b || bed_fail "mkfifo failed"
	# shellcheck disable=SC2086
	set -- --mode 64 out:400 cpuid:100 wait $PAIRED out:100 hlt $PAIRED
	echo "$*" >$name/args
	# shellcheck disable=SC2086
	peer="--mode 64 out:250 cpuid:60 rdmsr:7 wait $PAIRED out:30 hlt $PAIRED"
	echo "$peer" >$name/peer.args
	bed_hist_start
	cat $TABLE >$name/table.before
	mark "$name begin"
	t0=$(cut -d' ' -f1 /proc/uptime)
	(exitgen --json --kvm-stats --timeout 600 --exit-stats-cpuid --ready-file /tmp/ready-a \
		--go-file /tmp/go-a "$@" >$name/exitgen.json 2>$name/exitgen.err; echo $? >$name/exitgen.rc) &
	a=$!
	# shellcheck disable=SC2086
	(exitgen --json --kvm-stats --timeout 600 --exit-stats-cpuid --ready-file /tmp/ready-b \
		--go-file /tmp/go-b $peer >$name/peer.json 2>$name/peer.err; echo $? >$name/peer.rc) &
	b=$!
	# A FIFO's open blocks until exitgen opens it to say ready; one that
	# failed before never does (then the timeout, and the verifier says so).
	ra=$(timeout 120 cat /tmp/ready-a)
	rb=$(timeout 120 cat /tmp/ready-b)
	echo "$ra / $rb" >$name/ready
	vm_tables $name/vm-a "${ra#ready }"
	vm_tables $name/vm-b "${rb#ready }"
	echo g >/tmp/go-a
	echo g >/tmp/go-b
	wait $a $b
	awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >$name/seconds
	mark "$name end"
	cat $TABLE >$name/table.after
	bed_hist_stop $name/hist.txt
	echo "boot-job: $name: exitgen (x2) $* -> status $(cat $name/exitgen.rc) and $(cat $name/peer.rc) in $(cat $name/seconds) s"
}
twovm

# The fastpath re-entry (the VMX bed; on SVM, QEMU's TCG has no NRIP save):
# exitgen with KVM's in-kernel irqchip, its guests in x2APIC mode writing the
# ICR in the form handle_fastpath_set_msr_irqoff() completes inside
# vcpu_enter_guest()'s IRQs-off loop and re-enters the guest from
# (EXIT_FASTPATH_REENTER_GUEST). The oracle, independent of the patch: a hist
# on kvm:kvm_msr keyed by MSR and the event's flags. The fastpath traces its
# write with IRQs off (flag 0x1); the slow path's ->handle_exit() runs after
# local_irq_enable() (IA32_APIC_BASE, and the ICR if the fastpath declined).
MSR_HIST='hist:keys=ecx,write,common_flags:vals=hitcount'
fastpath() {
	echo "$MSR_HIST" >/sys/kernel/tracing/events/kvm/kvm_msr/trigger ||
		bed_fail "cannot set the hist trigger on kvm:kvm_msr"
	scenario fastpath 0 --mode 64 --vcpus 2 --irqchip out:100 icr:3000 wrmsr:40 cpuid:50 icr:500
	cat /sys/kernel/tracing/events/kvm/kvm_msr/hist >fastpath/msr-hist.txt
	echo "!$MSR_HIST" >/sys/kernel/tracing/events/kvm/kvm_msr/trigger
}
[ $ISA = svm ] || fastpath

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
fi
# Off: no table may appear.
scenario off 0 --mode 64 out:3000 cpuid:100
# A table after every exit: the rate limit must hold them to ten per 5 s.
# Wait out the window the tables above opened, so the storm gets all ten.
sleep 6
scenario storm 1 --mode 64 out:6000 cpuid:1000
# Counting turned off at run time: nothing more is counted. The leaves
# follow their own parameter (1 here): the opted-in VM still reads them,
# its stats as they stand (all 0).
set_param exit_stats 0
# shellcheck disable=SC2086
scenario stopped 1 --mode 64 --exit-stats-cpuid $QUERIES out:500 cpuid:50 $QUERIES

# Unload and load again, this time with the parameters at load time: the
# statistics start from zero and count again; no warning on the way.
mark "unload begin"
rmmod "$(echo $VENDOR | tr - _)" || bed_fail "rmmod $VENDOR failed"
rmmod kvm || bed_fail "rmmod kvm failed"
[ ! -e $TABLE ] || bed_fail "$TABLE is still there after rmmod kvm"
load exit_stats=1 exit_stats_cpuid_leaves=2
mark "unload end"
# shellcheck disable=SC2086
scenario reload 0 --mode 64 $QUERIES out:800 cpuid:100 hlt $QUERIES
exit 0
