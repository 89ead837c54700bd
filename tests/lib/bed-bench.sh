# shellcheck shell=bash disable=SC2034 # rounds, res, run: the caller's
# Sourced by the benchmarks that run in one real-KVM bed boot
# (tests/live/bench.sh: bench-live, kernel/bench.sh: bench-kernel): their
# options, what they keep beside the results for --report-only, the
# medians. The caller sets the defaults of rounds, res and WORKLOADS first.

# bench_options NAME ARGS...: --rounds N, --results DIR, --report-only into
# rounds, res and run (the caller sets 1: boot the bed; 0: report on res only).
bench_options() {
	local name=$1
	shift
	while (($#)); do
		case $1 in
		--rounds) rounds=$2; shift 2 ;;
		--results) res=$2; shift 2 ;;
		--report-only) run=0; shift ;;
		*) echo "$name: unknown option $1 (--rounds N, --results DIR, --report-only)" >&2; exit 2 ;;
		esac
	done
	[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "$name: --rounds $rounds: not a positive count" >&2; exit 2; }
}

# bench_ran NAME T0: after the bed run started at T0 (date +%s): says how
# long it ran, and keeps the time, host, load, workloads and rounds in res.
bench_ran() {
	echo "$1: the bed ran $(($(date +%s) - $2)) s; load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	{ date -u +%FT%TZ; uname -n; nproc; cut -d' ' -f1-3 /proc/loadavg; } >"$res/host.txt"
	echo "$WORKLOADS" >"$res/workloads.txt"
	echo "$rounds" >"$res/rounds.txt"
}

# bench_reload: the workloads and rounds of the run in res (for --report-only).
bench_reload() {
	[[ -f $res/workloads.txt ]] && WORKLOADS=$(cat "$res/workloads.txt")
	[[ -f $res/rounds.txt ]] && rounds=$(cat "$res/rounds.txt")
	return 0
}

# "median min max" of sorted numbers on stdin, in format $1; "- - -" if none.
median_range() {
	awk -v f="$1" '$1 != "" {a[++n] = $1} END {
		if (!n) { print "- - -"; exit }
		printf f " " f " " f "\n", a[int((n + 1) / 2)], a[1], a[n] }'
}

# "MEDIAN SPREAD%" of the baseline's run times (one number a line, sorted):
# the spread is (max - min) / median.
baseline_spread() {
	awk '{a[NR] = $1} END {m = a[int((NR + 1) / 2)]; printf "%.0f %.1f\n", m, m ? 100 * (a[NR] - a[1]) / m : 0}'
}
