#!/bin/sh
# Guest job of `make check-live-realkvm` (runs inside the real-KVM bed): every
# scenario of /etc/live/scenarios under every method of /etc/live/methods,
# each into /out/<scenario>.<method>/ with the kernel's own hist count.
# A scenario named load-* runs with CPU hogs beside it: the guest has one CPU,
# so exitgen, exitstat and the hogs share it (exitstat must keep up or count
# what it lost).
. /lib/bed/lib.sh
HOGS=2
for p in exitgen exitstat; do
	command -v $p >/dev/null || bed_fail "no $p in the initramfs (make static)"
done
methods=$(cat /etc/live/methods)
grep -v '^[[:space:]]*\(#\|$\)' /etc/live/scenarios | while read -r name args; do
	for m in $methods; do
		case $m in bpf | bpf-tp | bpf-hash | notime | perf | record) ;; *) continue ;; esac
		d=/out/$name.$m
		mkdir -p "$d"
		echo "$args" >"$d/args"
		hogs=
		case $name in
		load-*)
			for _ in $(seq $HOGS); do
				sh -c 'while :; do :; done' &
				hogs="$hogs $!"
			done
			;;
		esac
		bed_hist_start
		t0=$(cut -d' ' -f1 /proc/uptime)
		# shellcheck disable=SC2086 # args are words for exitgen
		case $m in
		bpf | perf)
			exitstat --backend "$m" --per-vm --format json -o "$d/exitstat.json" \
				-- exitgen --json $args >"$d/exitgen.json" 2>"$d/exitstat.err"
			echo $? >"$d/exitstat.rc"
			;;
		bpf-hash)
			# the fallback path: vCPU threads beyond the first get no row
			EXITSTAT_TEST_BPF_ROWS=1 exitstat --backend bpf --per-vm --format json -o "$d/exitstat.json" \
				-- exitgen --json $args >"$d/exitgen.json" 2>"$d/exitstat.err"
			echo $? >"$d/exitstat.rc"
			;;
		notime)
			exitstat --backend bpf --no-time --per-vm --format json -o "$d/exitstat.json" \
				-- exitgen --json $args >"$d/exitgen.json" 2>"$d/exitstat.err"
			echo $? >"$d/exitstat.rc"
			;;
		bpf-tp)
			exitstat --backend bpf --bpf-attach tracepoint --per-vm --format json \
				-o "$d/exitstat.json" -- exitgen --json $args >"$d/exitgen.json" 2>"$d/exitstat.err"
			echo $? >"$d/exitstat.rc"
			;;
		record)
			exitstat record -o "$d/rec.exr" -- exitgen --json $args \
				>"$d/exitgen.json" 2>"$d/exitstat.err"
			rc=$?
			# exitstat's report command, or the format's own reader until it reads recordings
			if ! exitstat report --per-vm --format json "$d/rec.exr" >"$d/exitstat.json" 2>>"$d/exitstat.err"; then
				echo "exitstat report cannot read it: using record_tool report" >>"$d/exitstat.err"
				record_tool report "$d/rec.exr" >"$d/exitstat.json" 2>>"$d/exitstat.err" ||
					rc=$((rc + 100))
			fi
			echo $rc >"$d/exitstat.rc"
			ls -l "$d/rec.exr" >>"$d/exitstat.err"
			;;
		esac
		awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >"$d/seconds"
		bed_hist_stop "$d/hist.txt"
		if [ -n "$hogs" ]; then
			# shellcheck disable=SC2086 # the hogs' pids
			kill $hogs
			wait $hogs 2>/dev/null
		fi
		echo "live-job: $d: status $(cat "$d/exitstat.rc") in $(cat "$d/seconds") s"
	done
done

# Lost events are counted, never hidden. The command exitstat runs first
# stops exitstat itself (its parent), then runs exitgen to the end and only
# then lets exitstat go on: the 1 MiB ring overflows for certain, and the
# events lost are the run's last ones, after which nothing more is written
# (the case where perf's own PERF_RECORD_LOST never comes).
STOP_PARENT='kill -STOP $PPID; exitgen --json "$@"; rc=$?; kill -CONT $PPID; exit $rc'
if grep -qw lost /etc/live/methods; then
	d=/out/lost
	mkdir -p $d
	bed_hist_start
	exitstat record --ringbuf 1 -o $d/rec.exr -- sh -c "$STOP_PARENT" sh --mode 64 out:60000 cpuid:20000 \
		>$d/exitgen.json 2>$d/exitstat.err
	echo $? >$d/exitstat.rc
	bed_hist_stop $d/hist.txt
	record_tool report $d/rec.exr >$d/exitstat.json 2>>$d/exitstat.err
	echo "live-job: $d: status $(cat $d/exitstat.rc)"
fi

# The perf backend the same way: a 1 MiB ring per CPU, exitstat stopped while
# exitgen runs, so it reads only the first exits; the rest must be reported
# lost, exactly (checked as scenario perf-lost, method perf).
if grep -qw perf-lost /etc/live/methods; then
	d=/out/perf-lost.perf
	mkdir -p $d
	echo "--mode 64 out:20000 cpuid:20000 hlt" >$d/args
	bed_hist_start
	# shellcheck disable=SC2046 # args are words for exitgen
	exitstat --backend perf --ringbuf 1 --per-vm --format json -o $d/exitstat.json \
		-- sh -c "$STOP_PARENT" sh $(cat $d/args) >$d/exitgen.json 2>$d/exitstat.err
	echo $? >$d/exitstat.rc
	bed_hist_stop $d/hist.txt
	echo "live-job: $d: status $(cat $d/exitstat.rc)"
fi

# --every N: a cumulative table each time the count crosses a multiple of N.
if grep -qw every /etc/live/methods; then
	d=/out/every
	mkdir -p $d
	bed_hist_start
	exitstat --every=2000 --format json -o $d/exitstat.json -- exitgen --json --mode 64 out:6000 cpuid:4000 \
		>$d/exitgen.json 2>$d/exitstat.err
	echo $? >$d/exitstat.rc
	bed_hist_stop $d/hist.txt
	echo "live-job: $d: status $(cat $d/exitstat.rc)"
fi

# The drill-down methods (issue 17): NAME, exitgen's steps, then exitstat's
# options for live, record, report and explain. Live with tp_btf, the classic
# tracepoint and perf; then a recording read back by report and explain, and
# the same exits recorded without the option (what it costs on disk).
drill_runs() {
	name=$1 args=$2 live_opt=$3 rec_opt=$4 report_opt=$5 explain_opt=$6
	for m in live tp perf; do
		d=/out/$name.$m
		mkdir -p "$d"
		echo "$args" >"$d/args"
		be="--backend bpf --bpf-attach tp_btf"
		[ $m = tp ] && be="--backend bpf --bpf-attach tracepoint"
		[ $m = perf ] && be="--backend perf"
		bed_hist_start
		# shellcheck disable=SC2086 # args are words for exitgen, be and the options for exitstat
		exitstat $be $live_opt --format json -o "$d/exitstat.json" \
			-- exitgen --json $args >"$d/exitgen.json" 2>"$d/exitstat.err"
		echo $? >"$d/exitstat.rc"
		bed_hist_stop "$d/hist.txt"
		echo "live-job: $d: status $(cat "$d/exitstat.rc")"
	done
	d=/out/$name.record
	mkdir -p "$d"
	echo "$args" >"$d/args"
	bed_hist_start
	# shellcheck disable=SC2086 # args are words for exitgen, the options for exitstat
	exitstat record $rec_opt -o "$d/rec.exr" -- exitgen --json $args \
		>"$d/exitgen.json" 2>"$d/exitstat.err"
	echo $? >"$d/exitstat.rc"
	bed_hist_stop "$d/hist.txt"
	# shellcheck disable=SC2086 # the options are words for exitstat
	exitstat report $report_opt --format json "$d/rec.exr" >"$d/exitstat.json" 2>>"$d/exitstat.err"
	echo $? >"$d/report.rc"
	# shellcheck disable=SC2086 # the options are words for exitstat
	exitstat explain $explain_opt --format json "$d/rec.exr" >"$d/explain.json" 2>>"$d/exitstat.err"
	echo $? >"$d/explain.rc"
	# shellcheck disable=SC2086 # args are words for exitgen
	exitstat record -o "$d/plain.exr" -- exitgen --json $args >"$d/plain-exitgen.json" 2>>"$d/plain.err"
	wc -c <"$d/rec.exr" >"$d/rec.bytes"
	wc -c <"$d/plain.exr" >"$d/plain.bytes"
	echo "live-job: $d: status $(cat "$d/exitstat.rc") $(cat "$d/report.rc") $(cat "$d/explain.rc")"
}

DRILL_ARGS="--mode 64 --vcpus 2 out:1500 in:700 cpuid:300 rdmsr:400 wrmsr:250 mmio:350 touch:6 hlt"

# --detail: exitgen's known ports, MSR and MMIO page, per key (tp_btf: the MSR
# index from RCX; the classic tracepoint and perf: no index); then a text
# trace of an in-kernel MSR (--no-msr-filter: KVM emulates it and traces
# kvm_msr) with live beside it.
if grep -qw detail /etc/live/methods; then
	drill_runs detail "$DRILL_ARGS" "--detail all" "--detail all" "--detail all" ""
	d=/out/detail.text
	mkdir -p $d
	args="--mode 64 --no-msr-filter out:300 rdmsr:400 wrmsr:250 hlt"
	echo "$args" >$d/args
	bed_trace_start 16384
	echo 1 >$T/events/kvm/kvm_msr/enable || bed_fail "cannot enable kvm:kvm_msr"
	bed_hist_start
	# shellcheck disable=SC2086 # args are words for exitgen
	exitstat --backend bpf --detail msr,io --format json -o $d/exitstat.json \
		-- exitgen --json $args >$d/exitgen.json 2>$d/exitstat.err
	echo $? >$d/exitstat.rc
	bed_hist_stop $d/hist.txt
	echo 0 >$T/events/kvm/kvm_msr/enable
	bed_trace_stop $d/trace.txt
	exitstat explain --format json $d/trace.txt >$d/explain.json 2>$d/explain.err
	echo $? >$d/explain.rc
	echo "live-job: $d: status $(cat $d/exitstat.rc) $(cat $d/explain.rc)"
fi

# --hotspots: each exit's guest RIP (tp_btf: SVM's saved RIP from the vCPU;
# the classic tracepoint and perf: the record's guest_rip); the host checks
# the exits at each step's RIP against exitgen --layout, and per reason
# against the hist.
if grep -qw hotspots /etc/live/methods; then
	drill_runs hotspots "$DRILL_ARGS" --hotspots=0 --hotspots --hotspots=0 --hotspots=0
fi

# kill -9 of a recorder: the file holds every block written before it, and says it is cut.
if grep -qw kill9 /etc/live/methods; then
	d=/out/kill9
	mkdir -p $d
	exitstat record -o $d/rec.exr -- exitgen --json --mode 64 out:150000 \
		>$d/exitgen.json 2>$d/exitstat.err &
	es=$!
	sleep 8
	kill -9 $es
	wait $es
	# its exitgen runs on, orphaned: stop it
	kill $(pidof exitgen) 2>/dev/null
	ls -l $d/rec.exr >>$d/exitstat.err
	record_tool report $d/rec.exr >$d/exitstat.json 2>$d/report.err
	echo $? >$d/exitstat.rc
	echo "live-job: $d: report status $(cat $d/exitstat.rc)"
fi
