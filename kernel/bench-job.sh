#!/bin/sh
# Guest job of `make bench-kernel` (kernel/bench.sh), in the real-KVM bed
# booted with the patched kernel build. Three module configurations, each
# loaded afresh (rmmod kvm_amd kvm, insmod) before every run:
#   unpatched  the same tree and config without the series (/lib/exitstat-kvm/unpatched)
#   off        the patched kvm.ko with its defaults (kvm.exit_stats=0: static key off)
#   on         the patched kvm.ko with exit_stats=1
# Each round runs every workload of /etc/kbench/workloads ("name
# exitgen-args" lines) under every configuration, the configurations in an
# order rotated by the round. Round 0 is the count round: the guest kernel's
# hist trigger counts kvm_exit beside each run (its times are not used).
# Per run, in /out: W.C.R.json (exitgen), W.C.R.table (debugfs
# kvm/exit_stats after the run: the module was loaded just before, so it is
# this run's exits; patched only), W.C.R.load (seconds the reload took),
# W.C.0.hist (round 0).
. /lib/bed/lib.sh
M=/lib/exitstat-kvm
P=/sys/module/kvm/parameters
TABLE=/sys/kernel/debug/kvm/exit_stats
rounds=$(cat /etc/kbench/rounds) || bed_fail "no /etc/kbench/rounds"
configs="unpatched off on"
command -v exitgen >/dev/null || bed_fail "no exitgen in the initramfs"
for f in irqbypass.ko unpatched/kvm.ko unpatched/kvm-amd.ko patched/kvm.ko patched/kvm-amd.ko; do
	[ -r $M/$f ] || bed_fail "$M/$f is missing (kernel/bench.sh adds it)"
done
insmod $M/irqbypass.ko || bed_fail "insmod $M/irqbypass.ko failed"

# load CONFIG: unload kvm_amd and kvm, load CONFIG's pair, check that it is
# what was asked (the unpatched kvm has no exit_stats parameter).
load() {
	if grep -q '^kvm_amd ' /proc/modules; then rmmod kvm_amd || bed_fail "rmmod kvm_amd failed"; fi
	if grep -q '^kvm ' /proc/modules; then rmmod kvm || bed_fail "rmmod kvm failed"; fi
	case $1 in
	unpatched) insmod $M/unpatched/kvm.ko || bed_fail "insmod $M/unpatched/kvm.ko failed" ;;
	off) insmod $M/patched/kvm.ko || bed_fail "insmod $M/patched/kvm.ko failed" ;;
	on) insmod $M/patched/kvm.ko exit_stats=1 || bed_fail "insmod $M/patched/kvm.ko exit_stats=1 failed" ;;
	esac
	d=patched
	[ "$1" = unpatched ] && d=unpatched
	insmod $M/$d/kvm-amd.ko || bed_fail "insmod $M/$d/kvm-amd.ko failed"
	[ -c /dev/kvm ] || bed_fail "/dev/kvm did not appear after loading the $1 modules"
	case $1 in
	unpatched)
		[ ! -e $P/exit_stats ] && [ ! -e $TABLE ] ||
			bed_fail "the unpatched kvm.ko has $P/exit_stats or $TABLE"
		;;
	off) [ "$(cat $P/exit_stats)" = N ] || bed_fail "$P/exit_stats is $(cat $P/exit_stats), not N" ;;
	on) [ "$(cat $P/exit_stats)" = Y ] || bed_fail "$P/exit_stats is $(cat $P/exit_stats), not Y" ;;
	esac
}

# run CONFIG PREFIX EXITGEN-ARGS...: reload, one exitgen run (exitgen times
# only its guest: elapsed_ns), the debugfs table after it.
run() {
	c=$1 p=$2
	shift 2
	t0=$(cut -d' ' -f1 /proc/uptime)
	load "$c"
	awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >$p.load
	[ "${p##*.}" = 0 ] && bed_hist_start
	exitgen --json "$@" >$p.json
	echo "bench-kernel-job: $p status $?"
	[ "${p##*.}" = 0 ] && bed_hist_stop $p.hist
	if [ "$c" != unpatched ]; then cat $TABLE >$p.table || bed_fail "cannot read $TABLE"; fi
}

grep -v '^[[:space:]]*\(#\|$\)' /etc/kbench/workloads >/tmp/workloads
r=0
while [ "$r" -le "$rounds" ]; do
	# this round's order: the configurations rotated by r
	# shellcheck disable=SC2086 # one word each
	order=$(bed_rotate $r $configs)
	while read -r w args; do
		for c in $order; do
			# shellcheck disable=SC2086 # args are words for exitgen
			run $c /out/$w.$c.$r $args
		done
	done </tmp/workloads
	r=$((r + 1))
done
rmmod kvm_amd kvm
dmesg >/out/dmesg.txt
