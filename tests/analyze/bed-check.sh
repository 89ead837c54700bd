#!/usr/bin/env bash
# check-analyze-realkvm: the analysis on real recordings from the real-KVM bed
# (tests/realkvm/README.md). exitgen runs io, a 600 ms silence, cpuid, a
# 600 ms silence, io again (bed-job.sh) while `exitstat record` and the
# ftrace text record it. The truth is exitgen's program (the order and the
# lengths of the silences) and the guest kernel's hist trigger (the exact
# count per reason), not the code under test.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
EXITSTAT=$BUILD/exitstat
OUT=$BUILD/tests/analyze-bed
. tests/lib/assert.sh

# REUSE=1: check the results of the last run again without booting.
if [[ ${REUSE:-0} != 1 ]]; then
	echo "check-where: real-KVM bed (kvm_amd under QEMU TCG)"
	bash tests/realkvm/bed.sh run --script tests/analyze/bed-job.sh --results "$OUT" --timeout 300 ||
		{ echo "check-analyze-realkvm: the bed run failed (see $OUT/console.log)"; exit 1; }
fi
check "exitgen under exitstat record succeeded" grep -qx 0 "$OUT/record.rc"

# The kernel's exact count per reason: SVM codes -> names as exitstat prints them.
declare -A hist
while read -r code n; do
	case $code in
	96) hist[interrupt]=$n ;; 114) hist[cpuid]=$n ;; 120) hist[hlt]=$n ;;
	123) hist[io]=$n ;; 124) hist[msr]=$n ;; 1024) hist[npf]=$n ;; *) hist[code$code]=$n ;;
	esac
done < <(awk '/^\{.*exit_reason:/ { gsub(/[{},]/, " "); for (i = 1; i <= NF; i++) {
	if ($i == "exit_reason:") c = $(i + 1); if ($i == "hitcount:") n = $(i + 1) } ; s[c] += n }
	END { for (c in s) print c, s[c] }' "$OUT/hist.txt")
echo "kernel hist: $(for r in "${!hist[@]}"; do printf '%s=%s ' "$r" "${hist[$r]}"; done)"
check "hist: io = 6000 + 2 sleeps + exitgen's own (>= 6002), cpuid = 3000" \
	test "${hist[io]:-0}" -ge 6002 -a "${hist[cpuid]:-0}" -eq 3000

for src in rec.exr trace.txt; do
	J=$OUT/analysis-$src.json
	# --partial-ok: a text buffer that overran is an incomplete read; lost is checked below
	if ! "$EXITSTAT" report --analyze --partial-ok --format json "$OUT/$src" >"$J" 2>"$OUT/analysis-$src.err"; then
		bad "$src: analysis failed: $(head -3 "$OUT/analysis-$src.err")"
		continue
	fi
	ok "$src: analysed ($(jq -r '[.phases[] | "\(.kind) \(.start_s | . * 1000 | round / 1000)-\(.end_s | . * 1000 | round / 1000) \(.reasons[0].name // "-")"] | join(", ")' "$J"))"
	lost=$(jq .lost "$J")
	# Counts equal the kernel's when nothing was lost.
	if [[ $lost == 0 ]]; then
		bad=0
		for r in "${!hist[@]}"; do
			got=$(jq --arg r "$r" '[.reasons[] | select(.name == $r) | .count] | add // 0' "$J")
			[[ $got == "${hist[$r]}" ]] || { echo "  $src: $r: analysis $got, kernel ${hist[$r]}"; bad=1; }
		done
		check "$src: exits per reason = the kernel's hist" test $bad = 0
	else
		echo "  $src: $lost events lost: counts not compared"
	fi
	check "$src: phases: busy, idle, busy, idle, busy" \
		jq -e '[.phases[].kind | if . == "idle" then "idle" else "busy" end] ==
			["busy", "idle", "busy", "idle", "busy"]' "$J"
	check "$src: the busy phases are led by io, cpuid, io (exitgen's order)" \
		jq -e '[.phases[] | select(.kind != "idle") | .reasons[0].name] == ["io", "cpuid", "io"]' "$J"
	check "$src: each silence lasts 600 ms (+- 2 windows)" \
		jq -e '[.phases[] | select(.kind == "idle") | .duration_s] as $d | ($d | length) == 2 and
			all($d[]; (. - 0.6 | fabs) <= 2 * $J.window_s)' --argjson J "$(jq '{window_s}' "$J")" "$J"
	check "$src: plot well-formed" bash -c "'$EXITSTAT' plot '$OUT/$src' -o '$OUT/$src.svg' && xmllint --noout '$OUT/$src.svg'"
done
assert_summary check-analyze-realkvm
