#!/usr/bin/env bash
# `make bench-live`: what exitstat adds per VM exit, in the real-KVM bed
# (Debian 6.12 kvm_amd in QEMU TCG: every number is TCG-slow, so read the
# ratios and the differences, not the absolute times). The same exitgen
# workload runs with no tracing and under each backend, alternating, in one
# boot; exitgen's own elapsed_ns times only its guests.
# usage: bench.sh [ROUNDS] [EXITGEN ARGS...]
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
rounds=${1:-3}
shift || true
args=${*:-out:20000 cpuid:20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "--mode 64 $args" >"$tmp/args"
echo "$rounds" >"$tmp/rounds"
res=$REPO/build/live-bench
echo "bench-live: exitgen --mode 64 $args, $rounds rounds of none/bpf/perf/record in the real-KVM bed"
if [[ ${BENCH_REUSE:-} != 1 ]] && ! bash "$REPO/tests/realkvm/bed.sh" run --script "$HERE/bench-job.sh" \
	--add "$tmp/args:/etc/live/bench-args" --add "$tmp/rounds:/etc/live/bench-rounds" \
	--timeout 1500 --results "$res" >"$tmp/bed.out" 2>&1; then
	tail -n 20 "$tmp/bed.out"
	echo "bench-live: the bed run failed"
	exit 1
fi
# Exits per run: exitgen's expected total (io + cpuid + msr + mmio + hlt).
exits=$(jq -r '[.expected[]] | add' "$res/none.1.json")
printf '%-8s %14s %14s %16s %8s\n' method "median ms" "ns/exit" "added ns/exit" ratio
base=""
for m in none bpf perf record; do
	med=$(for f in "$res"/$m.*.json; do jq -r .elapsed_ns "$f"; done | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	[[ $m == none ]] && base=$med
	awk -v m="$m" -v t="$med" -v b="$base" -v n="$exits" 'BEGIN {
		printf "%-8s %14.1f %14.0f %16.0f %8.2f\n", m, t / 1e6, t / n, (t - b) / n, t / b }'
done
echo "($exits exits per run; median of $rounds runs; ratio = time / time without tracing)"
