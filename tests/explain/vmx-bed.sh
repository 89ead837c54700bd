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
. "$REPO/tests/lib/memslot-regions.sh"
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
ARGS="--mode 64 --vcpus 2 out:150 in:70 cpuid:30 rdmsr:40 wrmsr:25 mmio:35 touch:6 hlt"
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
# --detail's EPT violation pages (kvm_page_fault: BPF on tp_btf and on the classic
# tracepoint, perf, recorded) against the text trace of the same run and
# exitgen's layout.
# ept_pages JSON: "KEY COUNT" per EPT_VIOLATION detail, sorted
ept_pages() { jq -r '.details[] | select(.reason == "EPT_VIOLATION") | "\(.key) \(.count)"' "$1" | sort; }
# ept_known JSON: each page exitgen's layout knows, with its exits (want: 1 each):
# the MMIO page (written once, then KVM's MMIO: EPT_MISCONFIG), each vCPU's code
# page (its first fetch), each touch step's pages (one write each, first access)
ept_known() {
	local j=$1 keys=() k first n i
	keys+=("gpa $(jq -r .mmio_page "$d/layout.json") write")
	while read -r k; do keys+=("gpa $k read"); done < <(jq -r '.vcpus[].code_gpa' "$d/layout.json")
	while read -r first n; do
		for ((i = 0; i < n; i++)); do keys+=("$(printf 'gpa %#x write' $((first + i * 4096)))"); done
	done < <(jq -r '.vcpus[].steps[] | select(.op == "touch") | "\(.first_page) \(.n)"' "$d/layout.json")
	for k in "${keys[@]}"; do
		printf '%s=%s ' "$k" "$(jq --arg k "$k" '[.details[] | select(.reason == "EPT_VIOLATION" and .key == $k) | .count] | add // 0' "$j")"
	done
}
# ept_check NAME JSON TRACE_EXPLAIN HIST: 0 when every EPT violation has its page,
# the pages and their counts are the text trace's, exitgen's known pages once each,
# and they sum to the hist; else 1, saying what differs (no count: the caller asserts)
ept_check() {
	local name=$1 j=$2 tj=$3 h=$4 rc=0 known want n48 named
	n48=$(hist_by_reason "$h" | awk '$1 == 48 {n = $2} END {print n + 0}')
	named=$(jq '[.details[] | select(.reason == "EPT_VIOLATION" and (.key | startswith("gpa 0x"))) | .count] | add // 0' "$j")
	[[ $named == "$n48" ]] || { echo "     $name: EPT violations with a page $named, the hist's EPT_VIOLATION $n48"; rc=1; }
	[[ $(ept_pages "$j") == "$(ept_pages "$tj")" ]] ||
		{ echo "     $name: pages differ from the text trace's: $(diff <(ept_pages "$j") <(ept_pages "$tj") | grep '^[<>]' | head -n 6 | tr '\n' ' ')"; rc=1; }
	known=$(ept_known "$j")
	want=$(sed 's/=[0-9]*/=1/g' <<<"$known")
	[[ $known == "$want" ]] || { echo "     $name: exitgen's pages: $known"; rc=1; }
	return $rc
}
for m in btf tp perf record nopf; do
	d=$results/detail.$m
	if [[ $(cat "$d/exitstat.rc" 2>/dev/null) != 0 ]]; then
		bad "detail.$m: status $(cat "$d/exitstat.rc" 2>/dev/null): $(head -c 300 "$d/exitstat.err" 2>/dev/null)"
		continue
	fi
	if ! "$ES" explain -f json "$d/trace.txt" >"$d/trace-explain.json" 2>"$tmp/err"; then
		bad "detail.$m: explain of the text trace failed: $(head -c 300 "$tmp/err")"
		continue
	fi
	cp "$results/layout.json" "$d/layout.json"
	ept_check "detail.$m (the text trace itself)" "$d/trace-explain.json" "$d/trace-explain.json" "$d/hist.txt" ||
		bad "detail.$m: the text trace of the run lacks pages (kvm_page_fault lines)"
	case $m in
	record)
		for v in report explain; do
			if [[ $v == report ]]; then
				"$ES" report --detail all -f json "$d/rec.exr" >"$d/$v.json" 2>"$tmp/err"
			else
				"$ES" explain -f json "$d/rec.exr" >"$d/$v.json" 2>"$tmp/err"
			fi || { bad "detail.record: $v of the recording failed: $(head -c 300 "$tmp/err")"; continue; }
			[[ $v == report ]] && equal "detail.record: the recording's header says how kvm_exit was hooked (the classic tracepoint on VMX)" \
				"$(jq -r .source "$d/$v.json" | grep -o 'bpf [a-z_]*' | head -n 1)" "bpf tracepoint"
			if ept_check "detail.record ($v)" "$d/$v.json" "$d/trace-explain.json" "$d/hist.txt"; then
				ok "detail.record ($v of the recording): each EPT violation's page == the text trace's, exitgen's pages once each, sum == hist"
			else
				bad "detail.record ($v of the recording): EPT violation pages (above)"
			fi
			# record hooks kvm_page_fault on tp_btf: each page's memslot is kept
			regions_check "detail.record ($v of the recording)" "$d/$v.json" "$d/layout.json" true
		done
		;;
	nopf)
		# the planted fault: no page program, so the same check must fail
		if ept_check "detail.nopf" "$d/exitstat.json" "$d/trace-explain.json" "$d/hist.txt" >"$tmp/nopf"; then
			bad "detail.nopf: without the page program the EPT violation check still passed"
		else
			ok "detail.nopf (planted fault: no kvm_page_fault program): the check fails ($(head -n 1 "$tmp/nopf" | sed 's/^ *//'))"
		fi
		;;
	*)
		[[ $(jq -r .lost "$d/exitstat.json") == 0 ]] || bad "detail.$m: exits lost: $(jq -r .note "$d/exitstat.json")"
		src=$(jq -r .source "$d/exitstat.json")
		case $m in
		btf) want="EPT violation pages from tp_btf/kvm_page_fault" ;;
		tp) want="EPT violation pages from tracepoint/kvm_page_fault" ;;
		perf) want="kvm:kvm_page_fault (EPT violation pages)" ;;
		esac
		if [[ $src == *"$want"* ]]; then ok "detail.$m: the source says '$want'"; else bad "detail.$m: source '$src', want '$want' in it"; fi
		if ept_check "detail.$m" "$d/exitstat.json" "$d/trace-explain.json" "$d/hist.txt"; then
			ok "detail.$m: each EPT violation's page == the text trace's, exitgen's pages once each, sum == hist"
		else
			bad "detail.$m: EPT violation pages (above)"
		fi
		# memslots: only the tp_btf page program has the vCPU to read them from
		regions_check "detail.$m" "$d/exitstat.json" "$d/layout.json" "$([[ $m == btf ]] && echo true || echo false)"
		# a text trace cannot know them (no line says which memslot a page is in)
		[[ $m == btf ]] && regions_check "detail.btf (the text trace beside it)" "$d/trace-explain.json" "$d/layout.json" false
		;;
	esac
done
assert_summary check-explain-vmx
