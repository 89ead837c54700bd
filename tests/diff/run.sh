#!/usr/bin/env bash
# `make check-diff`: exitstat diff on real bed runs (tests/fixtures/bed), whose
# ground truth is independent of exitstat:
#   - the change per reason (io, cpuid, msr, hlt) equals the difference of the
#     two exitgen runs' own expected counts (NAME.exitgen.json);
#   - each side's count per SVM code equals the guest kernel's hist trigger;
#   - with several runs per side, the mean, the noise verdict (|change| <=
#     2 x sqrt(sdA^2/nA + sdB^2/nB)) recomputed here in awk from the hist
#     files, for every code;
#   - bad use: one run, a missing file, -a without -b;
#   - --detail: the change per detail key (port, MSR direction, MMIO page)
#     equals the difference of the exitgen runs' steps, and with two runs a
#     side the means and noise verdict recomputed from the steps.
# usage: run.sh EXITSTAT
set -uo pipefail
ES=${1:?usage: run.sh EXITSTAT}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
F=$REPO/tests/fixtures/bed
. "$REPO/tests/lib/assert.sh"
. "$REPO/tests/realkvm/hist.sh"
need_built "$ES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SVM codes of exitgen's expected counts
declare -A CODE=([io]=123 [cpuid]=114 [msr]=124 [hlt]=120)

# pairs of runs with different (or equal) exitgen steps
for pair in "ftrace-64 ftrace-64-vcpus2" "ftrace-64-vcpus2 ftrace-64" "ftrace-16 perf-64" "trace-cmd-64 ftrace-64-vcpus2"; do
	set -- $pair
	a=$1 b=$2
	if ! "$ES" diff -f json "$F/$a.txt" "$F/$b.txt" >"$tmp/d.json" 2>"$tmp/err"; then
		bad "$a vs $b: status $?: $(head -c 300 "$tmp/err")"
		continue
	fi
	for r in io cpuid msr hlt; do
		want=$(jq -n --slurpfile A "$F/$a.exitgen.json" --slurpfile B "$F/$b.exitgen.json" \
			"\$B[0].expected.$r - \$A[0].expected.$r")
		got=$(jq -r --argjson c "${CODE[$r]}" '[.reasons[] | select(.isa == "svm" and .code == $c) | .change] | add // 0' "$tmp/d.json")
		equal "$a vs $b: $r change == exitgen's expected difference" "$(printf '%.0f' "$got")" "$want"
	done
	# each side's counts, every code, against the kernel's hist
	for side in a b; do
		f=$([[ $side == a ]] && echo "$a" || echo "$b")
		got=$(jq -r --arg s "$side" '.reasons[] | select(.[$s].count > 0) | "\(.code) \(.[$s].count)"' "$tmp/d.json" | sort -n)
		want=$(hist_by_reason "$F/$f.hist")
		equal "$a vs $b: side $side ($f) per code == the kernel's hist" "$got" "$want"
	done
done

# several runs per side: the same 64-bit steps three ways vs the 16-bit ones three ways
A=(ftrace-64 perf-64 trace-cmd-64) B=(ftrace-16 perf-16 trace-cmd-16)
args=()
for f in "${A[@]}"; do args+=(-a "$F/$f.txt"); done
for f in "${B[@]}"; do args+=(-b "$F/$f.txt"); done
if "$ES" diff -f json "${args[@]}" >"$tmp/n.json" 2>"$tmp/err"; then
	# the rule, recomputed from the hist counts: "code mean_a mean_b within"
	want=$(for s in A B; do
		declare -n list=$s
		for f in "${list[@]}"; do hist_by_reason "$F/$f.hist" | sed "s/^/$s $f /"; done
	done | awk '{ c[$1 " " $3] = 1; n[$1 " " $3 " " $2] = $4; runs[$1 " " $2] = 1 }
		END {
			for (s in runs) { split(s, p, " "); nr[p[1]]++ }
			for (k in c) {
				split(k, p, " "); code = p[2]
				codes[code] = 1
			}
			for (code in codes) {
				for (side = 0; side < 2; side++) {
					S = side ? "B" : "A"; sum = 0; sq = 0
					for (r in runs) { split(r, p, " "); if (p[1] != S) continue
						v = n[S " " code " " p[2]] + 0; sum += v; sq += v * v }
					m[side] = sum / nr[S]; var[side] = (sq - sum * sum / nr[S]) / (nr[S] - 1)
				}
				bound = 2 * sqrt(var[0] / nr["A"] + var[1] / nr["B"])
				d = m[1] - m[0]; if (d < 0) d = -d
				printf "%d %.4f %.4f %s\n", code, m[0], m[1], (d <= bound + 1e-9) ? "true" : "false"
			}
		}' | sort -n)
	got=$(jq -r '.reasons[] | "\(.code) \(.a.count * 10000 | round / 10000) \(.b.count * 10000 | round / 10000) \(.within_noise)"' "$tmp/n.json" |
		awk '{ printf "%d %.4f %.4f %s\n", $1, $2, $3, $4 }' | sort -n)
	equal "3 runs vs 3 runs: per-code means and noise verdicts == recomputed from the hist files" "$got" "$want"
	equal "3 runs vs 3 runs: io (same steps both sides) is noise" \
		"$(jq -r '.reasons[] | select(.code == 123) | .within_noise' "$tmp/n.json")" true
else
	bad "3 runs vs 3 runs: status $?: $(head -c 300 "$tmp/err")"
fi

# bad use
"$ES" diff "$F/ftrace-64.txt" >/dev/null 2>"$tmp/err"
equal "one run: usage error" "$? $(grep -c 'give two runs' "$tmp/err")" "2 1"
"$ES" diff -a "$F/ftrace-64.txt" >/dev/null 2>"$tmp/err"
equal "-a without -b: usage error" "$? $(grep -c 'give two runs' "$tmp/err")" "2 1"
"$ES" diff "$F/ftrace-64.txt" "$tmp/none.txt" >"$tmp/out" 2>"$tmp/err"
equal "a missing run: status 1, one message naming it, no comparison on stdout" \
	"$? $(grep -c "none.txt" "$tmp/err") $(wc -c <"$tmp/out")" "1 1 0"
# the one input rule: a run that lost events (its trace buffer overran) is
# compared, said in the output's note, status 1; 0 with --partial-ok
"$ES" diff -f json "$F/ftrace-64.txt" "$F/ftrace-64-overrun.txt" >"$tmp/p.json" 2>"$tmp/err"
equal "an incomplete run: status 1, its note in the JSON" \
	"$? $(jq -r '.note | startswith("INCOMPLETE: ") and contains("ftrace-64-overrun.txt")' "$tmp/p.json")" "1 true"
"$ES" diff --partial-ok "$F/ftrace-64.txt" "$F/ftrace-64-overrun.txt" >"$tmp/p.txt" 2>/dev/null
equal "... with --partial-ok: status 0, the note in the table" "$? $(grep -c '^note: INCOMPLETE: ' "$tmp/p.txt")" "0 1"
# --detail: the change per detail key equals the difference of exitgen's steps
# (OUT to 0xe0 and IN from 0xe4 of 4 bytes, RDMSR, WRMSR, on SVM the MMIO
# page 0xf0000), each times the vCPUs; SVM and VMX bed runs
declare -A KEY=([out]="0x00e0 out 4" [in]="0x00e4 in 4" [rdmsr]="msr ? read" [wrmsr]="msr ? write"
	[mmio]="gpa 0xf0000 write")
# steps OP JSON: the exits exitgen made with step OP, all vCPUs
steps() { jq --arg op "$1" '([.steps[] | select(.op == $op) | .n] | add // 0) * .vcpus' "$2"; }
for pair in "bed/ftrace-64 bed/ftrace-64-vcpus2" "bed/trace-cmd-64 bed/perf-16" "bed-vmx/ftrace-64 bed-vmx/ftrace-64-vcpus2"; do
	set -- $pair
	a=$REPO/tests/fixtures/$1 b=$REPO/tests/fixtures/$2
	if ! "$ES" diff --detail all -f json "$a.txt" "$b.txt" >"$tmp/d.json" 2>"$tmp/err"; then
		bad "--detail $1 vs $2: status $?: $(head -c 300 "$tmp/err")"
		continue
	fi
	got="" want=""
	for op in out in rdmsr wrmsr mmio; do
		[[ $op == mmio && $1 == bed-vmx/* ]] && continue	# EPT misconfigurations carry no address
		got+=" $op $(jq -r --arg k "${KEY[$op]}" '[.details[] | select(.key == $k) | .change] | add // 0' "$tmp/d.json")"
		want+=" $op $(($(steps "$op" "$b.exitgen.json") - $(steps "$op" "$a.exitgen.json")))"
	done
	equal "--detail $1 vs $2: the change per key == exitgen's steps' difference" "$got" "$want"
done
# --detail with two runs a side: means and the noise verdict per key, recomputed from exitgen's steps
A=(ftrace-64 perf-64) B=(trace-cmd-64 ftrace-64-vcpus2)
if "$ES" diff --detail all -f json -a "$F/${A[0]}.txt" -a "$F/${A[1]}.txt" -b "$F/${B[0]}.txt" \
	-b "$F/${B[1]}.txt" >"$tmp/dn.json" 2>"$tmp/err"; then
	got="" want=""
	for op in out in rdmsr wrmsr; do
		w=$(for s in A B; do
			declare -n list=$s
			for f in "${list[@]}"; do echo "$s $(steps "$op" "$F/$f.exitgen.json")"; done
		done | awk '{ n[$1]++; s[$1] += $2; q[$1] += $2 * $2 }
			END { for (k in n) { m[k] = s[k] / n[k]; v[k] = (q[k] - s[k] * s[k] / n[k]) / (n[k] - 1) }
			      b = 2 * sqrt(v["A"] / n["A"] + v["B"] / n["B"]); c = m["B"] - m["A"]
			      printf "%g %g %s", m["A"], m["B"], (c < 0 ? -c : c) <= b ? "true" : "false" }')
		want+=" $op $w"
		got+=" $op $(jq -r --arg k "${KEY[$op]}" '.details[] | select(.key == $k) | "\(.a.count) \(.b.count) \(.within_noise)"' "$tmp/dn.json")"
	done
	equal "--detail, 2 runs a side: means and noise per key == exitgen's steps" "$got" "$want"
else
	bad "--detail, 2 runs a side: status $?: $(head -c 300 "$tmp/err")"
fi
"$ES" diff --detail all -f csv "$F/ftrace-64.txt" "$F/ftrace-64-vcpus2.txt" >"$tmp/d.csv"
equal "--detail CSV: key and name columns, the out key's change" \
	"$(head -1 "$tmp/d.csv" | cut -d, -f1-6) $(grep -c '^svm,123,io,"0x00e0 out 4","",300,400,100,' "$tmp/d.csv")" \
	"isa,code,reason,key,name,count_a 1"
printf '  qemu-1 [000] .... 1.000000: kvm_exit: reason io rip 0x1\n' >"$tmp/bare.txt"
"$ES" diff --detail all "$F/ftrace-64.txt" "$tmp/bare.txt" >"$tmp/out" 2>"$tmp/err"
equal "--detail on a trace without exit information: status 1, said, nothing on stdout" \
	"$? $(grep -c 'carry no exit information' "$tmp/err") $(wc -c <"$tmp/out")" "1 1 0"
assert_summary check-diff
