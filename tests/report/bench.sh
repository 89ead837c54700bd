#!/usr/bin/env bash
# Reading speed of `exitstat report`: a trace of about a million lines, made of
# copies of the bed's real ftrace, perf script and trace-cmd traces. Prints
# lines per second for each renderer.
set -eu
cd "$(dirname "$0")/../.."
EXITSTAT=${EXITSTAT:-build/exitstat}
out=${BUILD:-build}/bench
mkdir -p "$out"
for name in ftrace-64 perf-64 trace-cmd-64; do
	src=tests/fixtures/bed/$name.txt
	big=$out/$name.x700.txt
	[[ -s $big ]] || for ((i = 0; i < 700; i++)); do cat "$src"; done >"$big"
	lines=$(wc -l <"$big")
	t0=$(date +%s%N)
	"$EXITSTAT" report --format csv "$big" >/dev/null
	t1=$(date +%s%N)
	ns=$((t1 - t0))
	echo "bench-trace-read: $name x700: $lines lines in $((ns / 1000000)) ms: $((lines * 1000000000 / ns)) lines/s"
done
