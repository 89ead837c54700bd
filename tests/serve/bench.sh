#!/usr/bin/env bash
# `make bench-serve`: figures, not checks.
#  1. The cost of one exposition (what serve's main thread writes every
#     --refresh) with 64 vCPUs x 40 reasons of one VM: ms, bytes, lines.
#  2. A scrape's latency with 64 vCPUs x 40 reasons of series (serve --replay
#     of a synthetic trace with those keys), against the server's / page.
#  3. Where this host has kvm tracepoints: a scrape's latency from a live
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
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] * 1000 }'; }
"$MB" 64 40 21
# 2. A scrape of 64 vCPUs x 40 reasons: serve --replay of a synthetic trace with those keys
# (raw tracepoint fields, 30 timed exits per key), median of 20 curl time_total, against /.
awk 'BEGIN {
	for (v = 0; v < 64; v++) for (r = 0; r < 40; r++) for (i = 0; i < 30; i++) {
		code = r < 32 ? 96 + r : r - 32; t += 0.000003
		printf "  vcpu-%d [000] .... %.6f: kvm_exit: [FAILED TO PARSE] exit_reason=%d guest_rip=0x1 isa=2 vcpu_id=%d\n", 1000 + v, t, code, v
		t += 0.000001 * (1 + i % 7)
		printf "  vcpu-%d [000] .... %.6f: kvm_entry: vcpu %d, rip 0x1\n", 1000 + v, t, v
	} }' >"$tmp/keys.txt"
mkfifo "$tmp/rp"
exec 4<>"$tmp/rp"
"$ES" serve --replay "$tmp/keys.txt" --listen 127.0.0.1:0 --ready-file "$tmp/rp" 2>"$tmp/rp.err" &
rpid=$!
if read -t 120 -r _ <&4; then
	rport=$(sed -n 's|^exitstat serve: serving http://127.0.0.1:\([0-9]*\)/metrics .*|\1|p' "$tmp/rp.err")
	m=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$rport/metrics"; done | median)
	b=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$rport/"; done | median)
	size=$(curl -s "http://127.0.0.1:$rport/metrics" | wc -c)
	keys=$(curl -s "http://127.0.0.1:$rport/metrics" | grep -c '^kvm_exits_total{')
	echo "scrape of $keys keys ($size bytes, serve --replay): /metrics $m ms, / $b ms (baseline), ratio $(awk -v a="$m" -v b="$b" 'BEGIN { printf "%.1f", a / b }')"
else
	echo "serve --replay did not start: $(cat "$tmp/rp.err")"
fi
kill $rpid 2>/dev/null
wait $rpid 2>/dev/null
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
m=$(for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; done | median)
b=$(for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/"; done | median)
size=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
echo "scrape latency on this host (${line%%:*}; $size-byte body): /metrics $m ms, / $b ms (baseline), ratio $(awk -v a="$m" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
