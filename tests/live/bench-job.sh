#!/bin/sh
# Guest job of `make bench-live` (inside the real-KVM bed): every tool of
# /etc/live/bench-tools runs each workload of /etc/live/bench-workloads
# ("name exitgen-args" lines), ROUNDS times, interleaved: each round runs
# every (workload, tool) once, the tools in an order rotated by the round, so
# no tool always comes first or last. exitgen times only its own guests
# (elapsed_ns), so a tool's start and its end-of-run reading are not timed.
# Round 0 is the count check, untimed: the guest kernel's hist trigger
# (bed_hist_start, its own trace instance) counts beside each tool, and
# bpftool gives each BPF program's own cost (snapshot below).
# Per run, in /out: W.T.R.json (exitgen), W.T.R.count (the tool's own count
# output), W.T.R.bytes (a recorder's file size), W.T.0.hist and W.T.0.progs
# (round 0).
. /lib/bed/lib.sh
rounds=$(cat /etc/live/bench-rounds)
tools=$(cat /etc/live/bench-tools)
HIST=/sys/kernel/tracing/events/kvm/kvm_exit/trigger
for p in exitgen exitstat floor perf bpftrace bpftool; do
	command -v $p >/dev/null || bed_fail "no $p in the initramfs"
done

# run TOOL PREFIX EXITGEN-ARGS...: one run; exitgen's JSON to PREFIX.json.
run() {
	t=$1 p=$2
	shift 2
	case $t in
	none) exitgen --json "$@" >$p.json ;;
	exitstat) exitstat --format json -o $p.count -- exitgen --json "$@" >$p.json ;;
	no-time) exitstat --no-time --format json -o $p.count -- exitgen --json "$@" >$p.json ;;
	bpf-tp) exitstat --bpf-attach tracepoint --format json -o $p.count -- exitgen --json "$@" >$p.json ;;
	detail) exitstat --detail all --format json -o $p.count -- exitgen --json "$@" >$p.json ;;
	es-perf) exitstat --backend perf --format json -o $p.count -- exitgen --json "$@" >$p.json ;;
	record)
		exitstat record -o /tmp/rec.exr -- exitgen --json "$@" >$p.json 2>$p.count
		wc -c </tmp/rec.exr >$p.bytes
		rm -f /tmp/rec.exr
		;;
	perf-stat) perf stat -x, -o $p.count -e kvm:kvm_exit -- exitgen --json "$@" >$p.json ;;
	perf-record)
		perf record -q -o /tmp/perf.data -e kvm:kvm_exit -e kvm:kvm_entry -- exitgen --json "$@" >$p.json 2>/dev/null
		wc -c </tmp/perf.data >$p.bytes
		# the count only in the count round: perf script is slow under TCG
		[ "${p##*.}" = 0 ] && perf script -i /tmp/perf.data -F event 2>/dev/null | grep -c 'kvm:kvm_exit:' >$p.count
		rm -f /tmp/perf.data
		;;
	perf-kvm)
		perf kvm stat record -o /tmp/perf.data -- exitgen --json "$@" >$p.json 2>/dev/null
		wc -c </tmp/perf.data >$p.bytes
		[ "${p##*.}" = 0 ] && perf script -i /tmp/perf.data -F event 2>/dev/null | grep -c 'kvm:kvm_exit:' >$p.count
		rm -f /tmp/perf.data
		;;
	bpftrace)
		bpftrace -o $p.count -e 'tracepoint:kvm:kvm_exit { @[args->exit_reason] = count(); }' \
			-c "exitgen --json $*" >$p.json
		;;
	hist)
		echo 'hist:keys=exit_reason' >$HIST
		exitgen --json "$@" >$p.json
		cat /sys/kernel/tracing/events/kvm/kvm_exit/hist >$p.count
		echo '!hist:keys=exit_reason' >$HIST
		;;
	floor) floor -- exitgen --json "$@" >$p.json 2>$p.count ;;
	floor-time) floor --time -- exitgen --json "$@" >$p.json 2>$p.count ;;
	*) bed_fail "bench-job: unknown tool $t" ;;
	esac
	echo "bench-job: $p status $?"
}

# The count round's tool sees exitgen stop at a last `wait` step (every exit
# done, the tool still attached): bpftool saves every BPF program's run count,
# run time (kernel.bpf_stats_enabled) and size to W.T.0.progs, then lets it end.
snapshot() {
	read -r _ </tmp/ready && bpftool prog show --json >$1.progs 2>$1.progs.err
	printf '%14s' '' >/tmp/go	# a byte for each vCPU (exitgen: at most 14)
}

r=0
while [ "$r" -le "$rounds" ]; do
	# this round's order: the tool list rotated by r
	# shellcheck disable=SC2086 # one word each
	order=$(bed_rotate $r $tools)
	grep -v '^[[:space:]]*\(#\|$\)' /etc/live/bench-workloads >/tmp/workloads
	while read -r w args; do
		for t in $order; do
			[ $r = 0 ] && [ $t = none ] && continue
			if [ $r != 0 ]; then
				# shellcheck disable=SC2086 # args are words for exitgen
				run $t /out/$w.$t.$r $args
				continue
			fi
			bed_hist_start
			rm -f /tmp/ready /tmp/go
			mkfifo /tmp/ready /tmp/go
			echo 1 >/proc/sys/kernel/bpf_stats_enabled
			snapshot /out/$w.$t.0 &
			snap=$!
			# shellcheck disable=SC2086 # args are words for exitgen
			run $t /out/$w.$t.0 --ready-file /tmp/ready --go-file /tmp/go $args wait
			# exitgen failed before its wait step: the snapshot still waits for it
			kill $snap 2>/dev/null
			wait $snap
			echo 0 >/proc/sys/kernel/bpf_stats_enabled
			bed_hist_stop /out/$w.$t.0.hist
		done
	done </tmp/workloads
	r=$((r + 1))
done
