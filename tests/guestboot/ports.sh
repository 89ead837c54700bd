#!/usr/bin/env bash
# io exits by port and direction, from the first hist of a guestboot
# detail.hist (keys=info1.hex if exit_reason == io; SVM exit_info1: port in
# bits 31:16, bit 0 = IN). Prints "count percent port direction", most first.
set -euo pipefail
[[ -f ${1:-} ]] || { echo "ports.sh: usage: ports.sh DETAIL_HIST" >&2; exit 1; }
awk '/^# trigger info/ {sec++} sec == 1 && /^\{ info1:/ {print $3, $6}' "$1" |
	while read -r hex n; do
		v=$((16#$hex))
		printf '0x%04x %s %d\n' $((v >> 16)) "$( ((v & 1)) && echo in || echo out)" "$n"
	done |
	awk '{k = $1 " " $2; c[k] += $3; t += $3}
	END {for (k in c) printf "%7d %5.1f%%  %s\n", c[k], 100 * c[k] / t, k}' | sort -k1,1nr -k3
