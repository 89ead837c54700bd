#!/usr/bin/env bash
# `make check-explain-vmx`: in the VMX bed (kvm_intel under Bochs), where the
# exit's RIP and an EPT violation's address are not in vcpu_vmx at tp_btf
# time: exitstat --hotspots live (it attaches the classic tracepoint and reads
# guest_rip) and record --hotspots + report --hotspots: the exits at each of
# exitgen's steps' RIPs (exitgen --layout, on the host) == the step's n per
# vCPU, every exit with a RIP, each reason's exits == the kernel's hist; and
# explain of an ftrace text trace with kvm:kvm_page_fault: every EPT violation
# named by its page (none `gpa ?`), their sum == the hist's EPT_VIOLATION
# count, the MMIO step's page (0xf0000) written once (KVM marks it MMIO
# after the first write: EPT_MISCONFIG from then on) and each vCPU's code
# page (the layout's code_gpa) read once (its first fetch).
# usage: vmx-bed.sh [--results DIR] [--verify-only]
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/assert.sh"
. "$REPO/tests/lib/hotspot-steps.sh"
. "$REPO/tests/realkvm/hist.sh"
results=$REPO/build/explain-vmx
run=1
while (($#)); do
	case $1 in
	--results) results=$2; shift 2 ;;
	--verify-only) run=0; shift ;;
	*) echo "vmx-bed: unknown option $1" >&2; exit 2 ;;
	esac
done
ARGS="--mode 64 --vcpus 2 out:150 in:70 cpuid:30 rdmsr:40 wrmsr:25 mmio:35 hlt"
ES=$REPO/build/exitstat
echo "check-where: VMX bed (kvm_intel under Bochs)"
for b in build/static/exitgen build/static/exitstat build/exitstat build/exitgen; do
	[[ -x $REPO/$b ]] || { echo "vmx-bed: no $b (make; make static)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ((run)); then
	echo "$ARGS" >"$tmp/hot-args"
	# Bochs: ~3 minutes of CPU; the timeout leaves room for a busy machine
	bash "$REPO/tests/realkvm/bed.sh" --vmx run --script "$HERE/vmx-bed-job.sh" \
		--add "$tmp/hot-args:/etc/bed/hot-args" --timeout 1500 --results "$results" \
		>"$tmp/bed.out" 2>&1
	brc=$?
	grep -E '^vmx-hotspots-job:|^bed:|bed-guest:' "$tmp/bed.out"
	((brc == 0)) || { bad "the VMX bed run failed (status $brc)"; tail -n 15 "$tmp/bed.out"; }
fi
# shellcheck disable=SC2086 # the args are words
"$REPO/build/exitgen" --layout $ARGS >"$results/layout.json" || bad "exitgen --layout failed"

# hot_hist NAME REASONS_JSON HIST: per reason, its exits with a RIP == the kernel's count
hot_hist() {
	equal "$1: exits per reason with a RIP == kernel hist" \
		"$(jq -r '.[] | "\(.code) \(.exits)"' "$2" | sort -n | tr '\n' ' ')" \
		"$(hist_by_reason "$3" | tr '\n' ' ')"
}

d=$results
if [[ $(cat "$d/live.rc" 2>/dev/null) == 0 ]]; then
	jq .hotspots.reasons "$d/live.json" >"$d/live-reasons.json"
	check "live: the classic tracepoint on VMX, said" grep -q 'tracepoint.*--hotspots on VMX' <(jq -r .source "$d/live.json")
	equal "live: nothing lost, every exit has a RIP" \
		"$(jq -r .lost "$d/live.json") $(jq .hotspots.exits_with_rip "$d/live.json")" "0 $(jq .total "$d/live.json")"
	hot_steps "live" "$d/live-reasons.json" "$d/layout.json"
	hot_hist "live" "$d/live-reasons.json" "$d/live.hist"
else
	bad "live: status $(cat "$d/live.rc" 2>/dev/null): $(head -c 300 "$d/live.err" 2>/dev/null)"
fi
if [[ $(cat "$d/rec.rc" 2>/dev/null) == 0 ]] && "$ES" report --hotspots=0 -f json "$d/rec.exr" >"$d/rec.json" 2>"$tmp/err"; then
	jq .hotspots.reasons "$d/rec.json" >"$d/rec-reasons.json"
	hot_steps "record --hotspots, report --hotspots" "$d/rec-reasons.json" "$d/layout.json"
	hot_hist "record --hotspots, report --hotspots" "$d/rec-reasons.json" "$d/rec.hist"
else
	bad "record: status $(cat "$d/rec.rc" 2>/dev/null): $(head -c 300 "$d/rec.err" "$tmp/err" 2>/dev/null)"
fi
if [[ $(cat "$d/trace.rc" 2>/dev/null) == 0 ]] && "$ES" explain -f json "$d/trace.txt" >"$d/explain.json" 2>"$tmp/err"; then
	# gpa KEY: the exits of that EPT_VIOLATION detail key
	gpa() { jq --arg k "$1" '[.details[] | select(.reason == "EPT_VIOLATION" and .key == $k) | .count] | add // 0' "$d/explain.json"; }
	c0=$(jq -r '.vcpus[0].code_gpa' "$d/layout.json")
	c1=$(jq -r '.vcpus[1].code_gpa' "$d/layout.json")
	equal "trace: EPT violations named by page == hist's EPT_VIOLATION (48), none unknown" \
		"$(jq '[.details[] | select(.reason == "EPT_VIOLATION" and (.key | startswith("gpa 0x"))) | .count] | add // 0' "$d/explain.json") $(gpa 'gpa ? read') $(gpa 'gpa ? write')" \
		"$(hist_by_reason "$d/trace.hist" | awk '$1 == 48 {n = $2} END {print n + 0}') 0 0"
	equal "trace: the MMIO page written once, each vCPU's code page read once" \
		"$(gpa 'gpa 0xf0000 write') $(gpa "gpa $c0 read") $(gpa "gpa $c1 read")" "1 1 1"
else
	bad "trace: status $(cat "$d/trace.rc" 2>/dev/null): $(head -c 300 "$d/trace.err" "$tmp/err" 2>/dev/null)"
fi
assert_summary check-explain-vmx
