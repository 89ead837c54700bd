#!/usr/bin/env bash
# `make bench-live` (and so `make bench`): what each way of counting VM exits
# costs the VM, side by side in ONE real-KVM bed boot (Debian 6.12 kvm_amd in
# QEMU TCG: every time is TCG-slow, so read the ratios, not the microseconds).
# Tools: exitstat (default, --no-time, --bpf-attach tracepoint, --detail all, --backend
# perf, record), the peers from Debian's packages (perf stat, perf record,
# perf kvm stat record, bpftrace, a tracefs hist trigger) and the floors (a
# minimal libbpf tp_btf counter of our own, tests/live/floor.bpf.c; floor-time:
# the same with time in exit, the least a tool that times exits adds).
# Each round runs every tool on each workload plus a run with no tracing;
# a tool's cost is its run time over the no-tracing run of the same round
# (paired), the median over the rounds. Round 0 checks counts instead: each
# tool's count of kvm_exit against the guest kernel's hist trigger.
# usage: bench.sh [--rounds N] [--results DIR] [--report-only]
#   BENCH_CPUID / BENCH_IO: the exits of each workload (default 100000)
#   BENCH_TOOLS: a subset of the tools ("none" must be in it)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/bed-bench.sh
. "$REPO/tests/lib/bed-bench.sh"
rounds=5
res=$REPO/build/live-bench
run=1
bench_options bench-live "$@"
TOOLS=${BENCH_TOOLS:-"none exitstat no-time bpf-tp detail es-perf record perf-stat perf-record perf-kvm bpftrace hist floor floor-time"}
WORKLOADS="cpuid --mode 64 cpuid:${BENCH_CPUID:-100000}
io --mode 64 out:${BENCH_IO:-100000}"

if ((run)); then
	for b in exitgen exitstat floor; do
		[[ -x $REPO/build/static/$b ]] || { echo "bench-live: no build/static/$b (make static)" >&2; exit 1; }
	done
	for b in perf bpftrace bpftool; do
		command -v $b >/dev/null || { echo "bench-live: no $b on this host (scripts/setup.sh installs it)" >&2; exit 1; }
	done
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "$rounds" >"$tmp/rounds"
	echo "$TOOLS" >"$tmp/tools"
	echo "$WORKLOADS" >"$tmp/workloads"
	echo "bench-live: $rounds rounds of ($(echo "$WORKLOADS" | cut -d' ' -f1 | tr '\n' ' ')) x ($TOOLS) in one real-KVM bed boot, plus a count round"
	echo "bench-live: host $(uname -n), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
	t0=$(date +%s)
	# bpftrace and perf come with every library ldd lists (bpftrace's LLVM: ~200 MB).
	if ! bash "$REPO/tests/realkvm/bed.sh" run --script "$HERE/bench-job.sh" --smp 1 --mem 3G \
		--add-dyn "$(command -v perf)" --add-dyn "$(command -v bpftrace)" --add-dyn "$(command -v bpftool)" \
		--add "$tmp/rounds:/etc/live/bench-rounds" --add "$tmp/tools:/etc/live/bench-tools" \
		--add "$tmp/workloads:/etc/live/bench-workloads" \
		--timeout 7200 --results "$res" >"$tmp/bed.out" 2>&1; then
		tail -n 20 "$tmp/bed.out"
		echo "bench-live: the bed run failed (results in $res)"
		exit 1
	fi
	bench_ran bench-live "$t0"
fi
bench_reload

. "$REPO/tests/realkvm/hist.sh"
# Every exit the guest kernel's hist trigger counted.
hist_total() { hist_by_reason "$1" | awk '{n += $2} END {if (NR) print n}'; }

# The tool's own count of kvm_exit in round 0 ($1: W.T prefix).
tool_count() {
	local p=$res/$1.0 t=${1#*.}
	case $t in
	exitstat | no-time | bpf-tp | detail) jq -r .total "$p.count" ;;
	es-perf) jq -r 'if .lost > 0 then "\(.total)+\(.lost) lost" else .total end' "$p.count" ;;
	record) sed -n 's/^exitstat record: \([0-9]*\) exits in .*/\1/p' "$p.count" ;;
	perf-stat) awk -F, '$3 ~ /kvm:kvm_exit/ {print $1}' "$p.count" ;;
	perf-record | perf-kvm) cat "$p.count" ;;
	bpftrace) awk -F': ' '/^@\[/ {n += $2} END {print n + 0}' "$p.count" ;;
	hist) sed -n 's/^ *Hits: *\([0-9]*\).*/\1/p' "$p.count" ;;
	floor | floor-time) sed -n 's/^total //p' "$p.count" ;;
	esac
}

elapsed() { jq -r .elapsed_ns "$1" 2>/dev/null; }

# The BPF programs' own cost per kvm_exit the kernel counted ($2): the run
# time of every program the tool had attached (bpftool, round 0) over the exits.
prog_cost() {
	[[ -s $1 && -n $2 ]] || { echo -; return; }
	jq -r --argjson n "$2" '[.[] | .run_time_ns // 0] | add // 0 |
		if . > 0 then (. / $n * 10 | round / 10 | tostring) else "-" end' "$1" 2>/dev/null || echo -
}

# "  TOOL: NAME NS/run xRUNS INSNS; ..." for the programs that ran ($1: W.T.0.progs).
prog_list() {
	[[ -s $1 ]] || return 0
	jq -r --arg t "$2" '[.[] | select((.run_cnt // 0) > 0) |
		"\(.name) \(.run_time_ns / .run_cnt | round) ns x\(.run_cnt) \(.bytes_xlated / 8) insns"] |
		select(length > 0) | "- \($t): " + join("; ")' "$1" 2>/dev/null
}

# pct A B: A over B as a signed percentage (ratios or us/exit)
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f%%", (a / b - 1) * 100}'; }
share() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", a / b * 100}'; }

# Issue #11's targets for this workload, from the table's medians (only the
# lines whose tools ran). floor-time is the bound: the least any tool that
# times exits adds, so a timing tool's target below it cannot be met here.
targets() {
	local out=""
	[[ -n ${MED[floor]:-} && -n ${MED[exitstat]:-} ]] &&
		out+="- default within 3% of the floor: exitstat $(pct "${MED[exitstat]:-}" "${MED[floor]:-}")"$'\n'
	if [[ -n ${MED[floor]:-} && -n ${MED[floor-time]:-} ]]; then
		out+="  (bound: floor-time $(pct "${MED[floor-time]:-}" "${MED[floor]:-}"), the least a timing tool adds"
		[[ -n ${MED[exitstat]:-} ]] && out+="; exitstat over floor-time $(pct "${MED[exitstat]:-}" "${MED[floor-time]:-}")"
		out+=")"$'\n'
	fi
	[[ -n ${MED[floor]:-} && -n ${MED[no-time]:-} ]] &&
		out+="- --no-time equal to the floor within noise: $(pct "${MED[no-time]:-}" "${MED[floor]:-}"), paired ranges $(awk -v a="${LO[no-time]:-}" -v b="${HI[floor]:-}" 'BEGIN {print (a <= b ? "overlap" : "apart")}')"$'\n'
	[[ -n ${ADDED[perf-record]:-} && -n ${ADDED[record]:-} ]] &&
		out+="- record at most 1/3 of perf record's added cost: $(share "${ADDED[record]:-}" "${ADDED[perf-record]:-}"); ${BYTES[record]:-} bytes/exit (at most 8)"$'\n'
	[[ -n ${ADDED[perf-record]:-} && -n ${ADDED[floor-time]:-} ]] &&
		out+="  (bound: floor-time alone $(share "${ADDED[floor-time]:-}" "${ADDED[perf-record]:-}"))"$'\n'
	[[ -n ${ADDED[perf-record]:-} && -n ${ADDED[es-perf]:-} ]] &&
		out+="- perf backend no dearer than perf record: $(share "${ADDED[es-perf]:-}" "${ADDED[perf-record]:-}") of its added cost"$'\n'
	[[ -n $out ]] && printf '\nTargets (issue #11), from the medians above:\n%s' "$out"
	return 0
}

fail=0
for w in $(echo "$WORKLOADS" | cut -d' ' -f1); do
	# round 1: round 0's exitgen has a last wait step (the BPF snapshot)
	exits=$(jq -r '[.expected[]] | add' "$res/$w.none.1.json" 2>/dev/null)
	# Baseline: the no-tracing runs, their median and spread ((max - min) / median).
	read -r bmed bspread < <(for r in $(seq "$rounds"); do elapsed "$res/$w.none.$r.json"; done | sort -n | baseline_spread)
	echo
	echo "workload $w: exitgen $(echo "$WORKLOADS" | awk -v w="$w" '$1 == w {$1 = ""; print}'), $exits exits expected;" \
		"no tracing: median $(awk -v b="$bmed" -v n="$exits" 'BEGIN {printf "%.1f", b / n / 1000}') us/exit, spread $bspread% over $rounds rounds"
	progs=""
	declare -A MED=() LO=() HI=() ADDED=() BYTES=()
	printf '| %-12s | %7s | %13s | %13s | %10s | %11s | %9s | %9s |\n' tool ratio "paired range" "added us/exit" bytes/exit "BPF ns/exit" counted "hist"
	printf '|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n' -------------- --------- --------------- --------------- ------------ ------------- ----------- -----------
	for t in $TOOLS; do
		[[ $t == none ]] && continue
		# paired: this tool's run over the same round's no-tracing run
		pairs=$(for r in $(seq "$rounds"); do
			echo "$(elapsed "$res/$w.$t.$r.json") $(elapsed "$res/$w.none.$r.json")"
		done | awk -v n="$exits" '$1 > 0 && $2 > 0 {printf "%.6f %.6f\n", $1 / $2, ($1 - $2) / n / 1000}')
		read -r med lo hi < <(echo "$pairs" | cut -d' ' -f1 | sort -g | median_range "%.3f")
		read -r added _ < <(echo "$pairs" | cut -d' ' -f2 | sort -g | median_range "%.1f")
		bytes=-
		if [[ -f $res/$w.$t.1.bytes ]]; then
			bytes=$(for r in $(seq "$rounds"); do cat "$res/$w.$t.$r.bytes"; done | sort -n |
				awk -v n="$exits" '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / n}')
		fi
		got=$(tool_count "$w.$t")
		kern=$(hist_total "$res/$w.$t.0.hist" 2>/dev/null)
		mark=""
		if [[ ! ${got% lost} =~ ^[0-9]+(\+[0-9]+)?$ || -z $kern || $((${got% lost})) != "$kern" ]]; then
			mark=" (!)"
			fail=1
		fi
		bpfns=$(prog_cost "$res/$w.$t.0.progs" "$kern")
		MED[$t]=$med LO[$t]=$lo HI[$t]=$hi ADDED[$t]=$added BYTES[$t]=$bytes
		printf '| %-12s | %7s | %13s | %13s | %10s | %11s | %9s | %9s |\n' "$t" "$med" "$lo-$hi" "$added" "$bytes" "$bpfns" "${got:-?}$mark" "${kern:-?}"
		line=$(prog_list "$res/$w.$t.0.progs" "$t")
		[[ -n $line ]] && progs+="$line"$'\n'
	done
	if [[ -n $progs ]]; then
		echo
		echo "BPF programs in the count round (kernel.bpf_stats_enabled): ns per run, runs, instructions (xlated):"
		printf '%s' "$progs"
	fi
	targets
done
echo
echo "ratio: median over the rounds of (run time / the same round's run with no tracing); added us/exit: median"
echo "paired difference per exit; counted: the tool's own count of kvm_exit in the count round, beside the"
echo "guest kernel's hist trigger (hist); (!) where they differ (N+L lost: counted N, said it lost L)."
echo "Times are exitgen's own (its guests only); bytes/exit: the recording's size over the exits."
if ((fail)); then
	echo "bench-live: some tool's count differs from the kernel's (marked (!))"
	exit 1
fi
