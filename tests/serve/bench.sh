#!/usr/bin/env bash
# `make bench-serve`: figures, not checks.
#  1. The cost of one exposition (what serve's main thread writes every
#     --refresh) with 64 vCPUs x 40 reasons of one VM: ms, bytes, lines.
#  2. Where this host has kvm tracepoints: a scrape's latency from a live
#     `exitstat serve` (median of 50 curl time_total), /metrics against the
#     tiny / page of the same server as the baseline, and the body's size.
# usage: bench.sh METRICS_BENCH EXITSTAT EXITGEN
set -uo pipefail
MB=${1:?usage: bench.sh METRICS_BENCH EXITSTAT EXITGEN}
ES=${2:?}
EG=${3:?}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'kill $espid 2>/dev/null; rm -rf "$tmp"' EXIT
espid=
echo "bench-serve: $(date -u '+%F %T UTC'), $(nproc) CPUs, $(uname -r)"
"$MB" 64 40 21
line=$(bash "$HERE/../../scripts/host-kvm.sh" "$EG" 2>/dev/null)
if [[ ${line%%:*} == none || -z $line ]]; then
	echo "scrape latency: not measured here (no KVM tracepoints on this host: serve cannot attach)"
	exit 0
fi
mkfifo "$tmp/ready"
exec 3<>"$tmp/ready"
"$ES" serve --listen 127.0.0.1:0 --ready-file "$tmp/ready" 2>"$tmp/err" &
espid=$!
read -t 60 -r _ <&3 || { echo "serve did not start: $(cat "$tmp/err")"; exit 1; }
port=$(sed -n 's|^exitstat serve: serving http://127.0.0.1:\([0-9]*\)/metrics .*|\1|p' "$tmp/err")
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] * 1000 }'; }
m=$(for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; done | median)
b=$(for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/"; done | median)
size=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
echo "scrape latency on this host (${line%%:*}; $size-byte body): /metrics $m ms, / $b ms (baseline), ratio $(awk -v a="$m" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
