#!/bin/sh
# Guest job of `make bench-live`: the same exitgen workload with no tracing,
# under exitstat's BPF backend, its perf backend and exitstat record,
# alternating, ROUNDS times. exitgen times its own guests (elapsed_ns).
. /lib/bed/lib.sh
args=$(cat /etc/live/bench-args)
rounds=$(cat /etc/live/bench-rounds)
r=1
while [ "$r" -le "$rounds" ]; do
	for m in none bpf perf record; do
		# shellcheck disable=SC2086 # args are words for exitgen
		case $m in
		none) exitgen --json $args >/out/$m.$r.json ;;
		bpf | perf) exitstat --backend $m --format json -o /out/$m.$r.es -- exitgen --json $args >/out/$m.$r.json ;;
		record) exitstat record -o /tmp/rec.exr -- exitgen --json $args >/out/$m.$r.json 2>/out/$m.$r.err ;;
		esac
		echo "bench-job: round $r $m status $?"
	done
	r=$((r + 1))
done
