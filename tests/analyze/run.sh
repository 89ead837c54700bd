#!/usr/bin/env bash
# check-analyze: `exitstat report --analyze` and `exitstat plot` on traces of
# known structure. The traces are kernel-format ftrace text (the line layout
# of tests/fixtures/bed/ftrace-*.txt) written by gen-trace.awk from a spec of
# segments (start, end, rate, reason mix) we choose; the ground truth is that
# spec and the generator's own tally of what it wrote, never exitstat's output.
# Also: the real bed traces (totals must equal `exitstat report`), the SVG's
# drawn numbers against `exitstat report --format json`, errors, escaping, and
# everything again under ASan+UBSan.
set -uo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
EXITSTAT=$BUILD/exitstat
DRIVER=$BUILD/tests/analyze-driver
SAN_DRIVER=$BUILD/san/tests/analyze-driver
OUT=$BUILD/tests/analyze
rm -rf "$OUT" && mkdir -p "$OUT"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1

. tests/lib/assert.sh
run_to() { # run_to FILE CMD...: CMD's stdout to FILE
	local f=$1; shift
	"$@" >"$f"
}

for t in "$EXITSTAT" "$DRIVER" "$SAN_DRIVER"; do
	[[ -x $t ]] || { echo "check-analyze: $t is missing (make it first)"; exit 1; }
done

# The commands under test. Until the CLI dispatches `report --analyze` and
# `plot`, the driver runs the very same functions (cmd_analyze, cmd_plot).
if "$EXITSTAT" report --analyze --help >/dev/null 2>&1 &&
   "$EXITSTAT" report --analyze --help 2>&1 | grep -q -- '--window'; then
	analyze() { "$EXITSTAT" report --analyze "$@"; }
	cli_analyze=1
else
	analyze() { "$DRIVER" analyze "$@"; }
	cli_analyze=0
fi
if "$EXITSTAT" plot --help 2>&1 | grep -q -- '--top'; then
	plot() { "$EXITSTAT" plot "$@"; }
	cli_plot=1
else
	plot() { "$DRIVER" plot "$@"; }
	cli_plot=0
fi
echo "analysis via $([[ $cli_analyze == 1 ]] && echo "$EXITSTAT report --analyze" || echo "$DRIVER analyze")," \
	"plot via $([[ $cli_plot == 1 ]] && echo "$EXITSTAT plot" || echo "$DRIVER plot")"

gen() { # gen NAME SEED SPEC-LINES...: OUT/NAME.txt and OUT/NAME.truth
	local name=$1 seed=$2; shift 2
	printf '%s\n' "$@" >"$OUT/$name.spec"
	awk -v seed="$seed" -v truth="$OUT/$name.truth" -f tests/analyze/gen-trace.awk \
		"$OUT/$name.spec" >"$OUT/$name.txt"
}

truth_first() { awk '$1 == "first_s" { print $2 }' "$OUT/$1.truth"; }

# phases_are NAME JSON "kind kind ...": the phase kinds in order.
phases_are() {
	local got
	got=$(jq -r '[.phases[].kind] | join(" ")' "$2")
	[[ $got == "$3" ]] || { echo "  $1: phases are '$got', expected '$3'" >&2; return 1; }
}

# boundary_near NAME JSON INDEX FIELD TRUE_S: phase INDEX's FIELD (start_s/end_s)
# is within one window of TRUE_S (seconds from the trace start in the spec,
# shifted to seconds from the first exit as exitstat counts them).
boundary_near() {
	local name=$1 json=$2 idx=$3 field=$4 true_s=$5 first
	first=$(truth_first "$name")
	jq -e --argjson i "$idx" --arg f "$field" --argjson t "$true_s" --argjson first "$first" '
		(.phases[$i][$f]) as $got | ($t - $first) as $want |
		(($got - $want) | fabs) <= .window_s + 1e-9' "$json" >/dev/null ||
		{ echo "  $name: phase $idx $field = $(jq ".phases[$idx].$field" "$json")," \
			"expected $true_s - $first (+-$(jq .window_s "$json") s)" >&2; return 1; }
}

# counts_match_truth NAME JSON: whole-trace exits and time in exit per reason
# equal the generator's tally.
counts_match_truth() {
	local name=$1 json=$2 bad=0 r c t
	while read -r _ r _ c _ t; do
		[[ $(jq -r --arg r "$r" '.reasons[] | select(.name == $r) | "\(.count) \(.time_total_ns)"' \
			"$json") == "$c $t" ]] || { echo "  $name: $r: want $c exits $t ns, got" \
			"$(jq -c --arg r "$r" '.reasons[] | select(.name == $r) | [.count, .time_total_ns]' "$json")" >&2; bad=1; }
	done < <(grep '^reason ' "$OUT/$name.truth")
	[[ $(jq '.reasons | length' "$json") == $(grep -c '^reason ' "$OUT/$name.truth") ]] || bad=1
	return $bad
}

# same_as_report NAME TRACE JSON: per-reason count and time equal `exitstat report --format json`.
same_as_report() {
	local a b
	"$EXITSTAT" report --format json "$2" >"$OUT/$1.report.json" || return 1
	a=$(jq -c '[.reasons[] | {name, count, time_total_ns}] | sort_by(.name)' "$OUT/$1.report.json")
	b=$(jq -c '[.reasons[] | {name, count, time_total_ns}] | sort_by(.name)' "$3")
	[[ $a == "$b" && $(jq .total "$OUT/$1.report.json") == $(jq .total "$3") ]] ||
		{ echo "  $1: report says $a, analysis $b" >&2; return 1; }
}

# phase_counts_add_up JSON: the phases' exits sum to the timeline's, and each
# phase's reasons sum to its exits.
phase_counts_add_up() {
	jq -e '([.phases[].exits] | add) == .timeline_exits and
		all(.phases[]; (([.reasons[].count] | add) // 0) == .exits) and
		([.timeline.windows[].exits] | add) == .timeline_exits and
		# time in exit per window adds up to each reason'"'"'s total
		([range(.timeline.reasons | length) as $k | [.timeline.windows[].time_ns[$k]] | add] ==
		 [.timeline.reasons[] as $r | .reasons[] | select(.name == $r.name) | .time_total_ns])' "$1" >/dev/null
}

# ---- 1. quiet stretch, burst, steady stretch ----
gen qbs 1 \
	'0 2 50 hlt:60,interrupt:40' \
	'2 2.5 40000 io:90,npf:10' \
	'2.5 6 4000 io:50,cpuid:30,msr:20'
J=$OUT/qbs.json
check "qbs: analysis runs" run_to "$J" analyze --format json "$OUT/qbs.txt"
check "qbs: phases idle, burst, steady" phases_are qbs "$J" "idle burst steady"
check "qbs: idle ends at 2.0 s" boundary_near qbs "$J" 0 end_s 2.0
check "qbs: burst starts at 2.0 s" boundary_near qbs "$J" 1 start_s 2.0
check "qbs: burst ends at 2.5 s" boundary_near qbs "$J" 1 end_s 2.5
check "qbs: steady ends at the last exit (~6 s)" boundary_near qbs "$J" 2 end_s 6.0
check "qbs: burst driven by io (90%) then npf" \
	jq -e '.phases[1].reasons[0].name == "io" and (.phases[1].reasons[0].share > 0.85) and
		.phases[1].reasons[1].name == "npf" and (.bursts == [1])' "$J"
check "qbs: burst rate > 25000/s, steady 3000-5000/s, idle < 100/s" \
	jq -e '.phases[1].rate_per_s > 25000 and .phases[2].rate_per_s > 3000 and
		.phases[2].rate_per_s < 5000 and .phases[0].rate_per_s < 100' "$J"
check "qbs: typical rate is the steady rate (3000-5000/s)" \
	jq -e '.typical_rate_per_s > 3000 and .typical_rate_per_s < 5000' "$J"
check "qbs: steady phase mix io > cpuid > msr" \
	jq -e '[.phases[2].reasons[].name] == ["io", "cpuid", "msr"]' "$J"
check "qbs: idle phase only hlt and interrupt" \
	jq -e '[.phases[0].reasons[].name] | sort == ["hlt", "interrupt"]' "$J"
check "qbs: counts and time in exit per reason = generator's" counts_match_truth qbs "$J"
check "qbs: = exitstat report --format json" same_as_report qbs "$OUT/qbs.txt" "$J"
check "qbs: most frequent io, least frequent the rarer of hlt/interrupt" \
	jq -e '.most_frequent[0].name == "io" and
		(.least_frequent[0].name | IN("hlt", "interrupt")) and
		.least_frequent[0].count == ([.reasons[].count] | min)' "$J"
check "qbs: phase and window counts add up" phase_counts_add_up "$J"
check "qbs: automatic window: 1 ms x 2^k, 100-200 windows" \
	jq -e '.windows >= 100 and .windows <= 200 and
		((.window_s / 0.001) | log2 | . == floor)' "$J"
analyze "$OUT/qbs.txt" >"$OUT/qbs.table"
check "qbs: table summary names the phases and the burst driver" \
	grep -Eq '^ +[0-9.]+ - +[0-9.]+ s +burst +[0-9]+ exits/s \([0-9.]+x typical\), driven by io' "$OUT/qbs.table"
check "qbs: table says most and least frequent" grep -q '^Most frequent: io' "$OUT/qbs.table"

# ---- 2. same rate, the reason mix changes (boot-like), then a silent gap ----
gen mix 2 \
	'0 1.5 3000 cpuid:40,msr:40,io:20' \
	'1.5 4 3000 io:70,npf:30' \
	'4 5 0 io:1' \
	'5 6 3000 io:70,npf:30'
J=$OUT/mix.json
check "mix: analysis runs" run_to "$J" analyze --format json "$OUT/mix.txt"
check "mix: phases steady, steady, idle, steady" phases_are mix "$J" "steady steady idle steady"
check "mix: mix change found at 1.5 s" boundary_near mix "$J" 0 end_s 1.5
check "mix: silence from 4 s" boundary_near mix "$J" 2 start_s 4.0
check "mix: silence until 5 s" boundary_near mix "$J" 2 end_s 5.0
check "mix: first phase led by cpuid/msr, second by io" \
	jq -e '(.phases[0].reasons[0].name | IN("cpuid", "msr")) and .phases[1].reasons[0].name == "io"' "$J"
check "mix: counts per reason = generator's" counts_match_truth mix "$J"
check "mix: phase and window counts add up" phase_counts_add_up "$J"

# ---- 3. two bursts with different drivers over a steady base ----
gen bursts 3 \
	'0 1 2000 io:80,interrupt:20' \
	'1 1.3 30000 npf:85,io:15' \
	'1.3 3 2000 io:80,interrupt:20' \
	'3 3.2 25000 io:95,interrupt:5' \
	'3.2 4 2000 io:80,interrupt:20'
J=$OUT/bursts.json
check "bursts: analysis runs" run_to "$J" analyze --format json "$OUT/bursts.txt"
check "bursts: steady burst steady burst steady" phases_are bursts "$J" "steady burst steady burst steady"
check "bursts: npf burst 1.0-1.3 s" boundary_near bursts "$J" 1 start_s 1.0
check "bursts: npf burst ends at 1.3 s" boundary_near bursts "$J" 1 end_s 1.3
check "bursts: io burst 3.0-3.2 s" boundary_near bursts "$J" 3 start_s 3.0
check "bursts: io burst ends at 3.2 s" boundary_near bursts "$J" 3 end_s 3.2
check "bursts: first driven by npf, second by io" \
	jq -e '.phases[1].reasons[0].name == "npf" and .phases[3].reasons[0].name == "io" and .bursts == [1, 3]' "$J"
check "bursts: = exitstat report --format json" same_as_report bursts "$OUT/bursts.txt" "$J"

# ---- 3b. the same structures with other random arrivals: the same phases ----
for seed in 101 102 103 104 105; do
	gen "qbs-$seed" $seed '0 2 50 hlt:60,interrupt:40' '2 2.5 40000 io:90,npf:10' \
		'2.5 6 4000 io:50,cpuid:30,msr:20'
	gen "mix-$seed" $seed '0 1.5 3000 cpuid:40,msr:40,io:20' '1.5 4 3000 io:70,npf:30' \
		'4 5 0 io:1' '5 6 3000 io:70,npf:30'
	gen "bursts-$seed" $seed '0 1 2000 io:80,interrupt:20' '1 1.3 30000 npf:85,io:15' \
		'1.3 3 2000 io:80,interrupt:20' '3 3.2 25000 io:95,interrupt:5' '3.2 4 2000 io:80,interrupt:20'
	for n in qbs mix bursts; do
		analyze --format json "$OUT/$n-$seed.txt" >"$OUT/$n-$seed.json"
	done
	check "seed $seed: qbs phases and burst edges" bash -c "
		$(declare -f phases_are boundary_near truth_first); OUT=$OUT
		phases_are qbs-$seed $OUT/qbs-$seed.json 'idle burst steady' &&
		boundary_near qbs-$seed $OUT/qbs-$seed.json 1 start_s 2.0 &&
		boundary_near qbs-$seed $OUT/qbs-$seed.json 1 end_s 2.5"
	check "seed $seed: mix change and silence" bash -c "
		$(declare -f phases_are boundary_near truth_first); OUT=$OUT
		phases_are mix-$seed $OUT/mix-$seed.json 'steady steady idle steady' &&
		boundary_near mix-$seed $OUT/mix-$seed.json 0 end_s 1.5 &&
		boundary_near mix-$seed $OUT/mix-$seed.json 2 end_s 5.0"
	check "seed $seed: two bursts" bash -c "
		$(declare -f phases_are boundary_near truth_first); OUT=$OUT
		phases_are bursts-$seed $OUT/bursts-$seed.json 'steady burst steady burst steady' &&
		boundary_near bursts-$seed $OUT/bursts-$seed.json 3 end_s 3.2"
done

# ---- 4. options ----
J=$OUT/qbs-w100.json
check "--window 0.1: runs" run_to "$J" analyze --format json --window 0.1 "$OUT/qbs.txt"
check "--window 0.1: 0.1 s windows, 59-60 of them (last < half folded)" \
	jq -e '.window_s == 0.1 and .windows >= 59 and .windows <= 60' "$J"
check "--window 0.1: same phases" phases_are qbs-w100 "$J" "idle burst steady"
check "--burst-factor 20: the 9x burst is no longer a burst" \
	bash -c "$(declare -f analyze); EXITSTAT=$EXITSTAT DRIVER=$DRIVER; analyze --format json --burst-factor 20 $OUT/qbs.txt | jq -e '[.phases[].kind] | index(\"burst\") == null' >/dev/null"
check "--pid of another VM: no exits on the timeline" \
	bash -c "$(declare -f analyze); EXITSTAT=$EXITSTAT DRIVER=$DRIVER; analyze --format json --pid 999 $OUT/qbs.txt | jq -e '.timeline_exits == 0 and .total == 0 and (.phases | length) == 0' >/dev/null"
check "stdin: same phases as the file" \
	bash -c "$(declare -f analyze); EXITSTAT=$EXITSTAT DRIVER=$DRIVER; analyze --format json - <$OUT/qbs.txt | jq -c '[.phases[] | [.kind, .exits]]' >$OUT/stdin.ph; jq -c '[.phases[] | [.kind, .exits]]' $OUT/qbs.json | cmp -s - $OUT/stdin.ph"

check "pipe: same phases as the file" \
	bash -c "$(declare -f analyze); EXITSTAT=$EXITSTAT DRIVER=$DRIVER; cat $OUT/qbs.txt | analyze --format json - | jq -c '[.phases[] | [.kind, .exits]]' >$OUT/pipe.ph; jq -c '[.phases[] | [.kind, .exits]]' $OUT/qbs.json | cmp -s - $OUT/pipe.ph"

# ---- 5. errors: one clear message, non-zero exit ----
expect_fail() { # expect_fail NAME STATUS REGEX CMD...
	local name=$1 want=$2 re=$3 st; shift 3
	"$@" >/dev/null 2>"$OUT/err"; st=$?
	if [[ $st == "$want" ]] && grep -Eq -- "$re" "$OUT/err"; then ok "$name"
	else bad "$name (status $st, stderr: $(head -c 300 "$OUT/err"))"; fi
}
expect_fail "error: --window 0" 2 "bad value '0'" analyze --window 0 "$OUT/qbs.txt"
expect_fail "error: --window x" 2 "bad value 'x'" analyze --window x "$OUT/qbs.txt"
expect_fail "error: --format csv" 2 "bad value 'csv'" analyze --format csv "$OUT/qbs.txt"
expect_fail "error: window too small for the trace" 1 "more than 131072 windows.*--window" \
	analyze --window 0.000001 "$OUT/qbs.txt"
expect_fail "error: missing file" 1 "cannot open $OUT/nope.txt" analyze "$OUT/nope.txt"
printf '# tracer: nop\n#\n' >"$OUT/empty.txt"
expect_fail "error: no kvm events" 1 "no kvm_exit or kvm_entry events" analyze "$OUT/empty.txt"
{ head -100 "$OUT/qbs.txt"; echo "   qemu-system-x86-4242    [001] d..1.  1000.500000: kvm_exit: vcpu 0 reason nosuchname rip 0x1"; } >"$OUT/bad.txt"
expect_fail "error: malformed kvm_exit line named with file:line" 1 "bad.txt:101: unknown exit reason" analyze "$OUT/bad.txt"
# A record cut short is counted (its reason cut off) and named; the read is
# incomplete: status 1, 0 with --partial-ok (docs/trace-formats.md).
{ head -100 "$OUT/qbs.txt"; echo "   qemu-system-x86-4242    [001] d..1.  1000.500000: kvm_exit: vcpu 0 reason"; } >"$OUT/bad.txt"
expect_fail "record cut short: counted, named with file:line, status 1" 1 \
	"bad.txt:101: record cut short, counted as one exit whose reason was cut off" analyze "$OUT/bad.txt"
expect_fail "record cut short with --partial-ok: status 0" 0 \
	"incomplete input .*lines 101$" analyze --partial-ok "$OUT/bad.txt"
expect_fail "plot error: no -o" 2 "-o OUT.svg" plot "$OUT/qbs.txt"
expect_fail "plot error: unwritable output" 1 "cannot create $OUT/no/such/dir.svg" \
	plot "$OUT/qbs.txt" -o "$OUT/no/such/dir.svg"
expect_fail "plot error: --top 0" 2 "bad value '0'" plot "$OUT/qbs.txt" -o "$OUT/x.svg" --top 0
# -o x.png: a PNG (rsvg-convert), the SVG's size; no converter or another kind: refused, no file.
plot "$OUT/qbs.txt" -o "$OUT/x.png" 2>"$OUT/err"
st=$?
plot "$OUT/qbs.txt" -o "$OUT/x-png.svg" 2>/dev/null
got=$(python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
print(d[:8] == b"\x89PNG\r\n\x1a\n", *struct.unpack(">II", d[16:24]))' "$OUT/x.png" 2>&1)
want="True $(sed -n 's/.*<svg [^>]*width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$OUT/x-png.svg")"
equal "plot -o x.png: status 0, PNG magic, the SVG's width and height" "$st $got" "0 $want"
expect_fail "plot -o x.png without rsvg-convert: refused, says what to install" 1 \
	"cannot write PNG $OUT/y.png: rsvg-convert is not installed \(Debian package librsvg2-bin\)" \
	env PATH=/nonexistent "$EXITSTAT" plot "$OUT/qbs.txt" -o "$OUT/y.png"
[[ ! -e $OUT/y.png ]] && ok "plot -o x.png without rsvg-convert: no file" || bad "plot -o y.png without rsvg-convert left a file"
expect_fail "plot -o x.jpg: refused before reading, names the kinds" 2 "plot draws SVG .* or PNG \(.png\), not '.jpg'" \
	plot "$OUT/nope.txt" -o "$OUT/y.jpg"
[[ ! -e $OUT/y.jpg ]] && ok "plot -o x.jpg: no file" || bad "plot -o x.jpg left a file"

# ---- 6. plots: well-formed, the drawn numbers are the report's ----
svg_attr() { # svg_attr SVG XPATH: values of the attribute XPATH selects, one a line
	xmllint --xpath "$2" "$1" 2>/dev/null | grep -o '"[^"]*"' | tr -d '"'
}
svg_counts_match() { # svg_counts_match NAME SVG REPORT_JSON TOP
	local svg=$2 rep=$3 top=$4 want got
	# The report's rows sorted by count: the first TOP by name, the rest as "other".
	want=$(jq -r --argjson k "$top" '[.reasons[] | {name, count, time_total_ns}] as $r |
		($r[:$k] | map("\(.name) \(.count) \(.time_total_ns)")) +
		(if ($r | length) > $k then ["other \([$r[$k:][].count] | add) \([$r[$k:][].time_total_ns] | add)"] else [] end) |
		.[]' "$rep")
	got=$(paste -d' ' <(svg_attr "$svg" '//*[@class="count-bar"]/@data-reason') \
		<(svg_attr "$svg" '//*[@class="count-bar"]/@data-count') \
		<(svg_attr "$svg" '//*[@class="time-bar"]/@data-time-ns'))
	[[ $want == "$got" ]] || { echo "  $1: report: $(echo $want) / svg: $(echo $got)" >&2; return 1; }
}
svg_phases_match() { # the shaded phases are the analysis' phases
	local want got
	want=$(jq -r '.phases[] | "\(.kind) \(.exits)"' "$3")
	got=$(paste -d' ' <(svg_attr "$2" '//*[@class="phase"]/@data-kind') \
		<(svg_attr "$2" '//*[@class="phase"]/@data-exits'))
	[[ $want == "$got" ]] || { echo "  $1: analysis: $(echo $want) / svg: $(echo $got)" >&2; return 1; }
}
svg_timeline_total() { # the stacked areas hold every timeline exit
	local sum
	sum=$(svg_attr "$2" '//*[@class="rate"]/@data-timeline-count' | awk '{ s += $1 } END { print s + 0 }')
	[[ $sum == $(jq .timeline_exits "$3") ]] || { echo "  $1: areas hold $sum" >&2; return 1; }
}
png_ok() { # rendered, and the PNG has the SVG's size
	rsvg-convert "$1" -o "$2" && [[ $(head -c 24 "$2" | od -An -tx1 -j16 | tr -d ' \n') == 0000049c0000035c ]]
}
for name in qbs mix bursts; do
	S=$OUT/$name.svg
	check "plot $name: written" plot "$OUT/$name.txt" -o "$S"
	check "plot $name: well-formed (xmllint)" xmllint --noout "$S"
	"$EXITSTAT" report --format json "$OUT/$name.txt" >"$OUT/$name.report.json"
	check "plot $name: bars = exitstat report --format json (top 8 + other)" \
		svg_counts_match "$name" "$S" "$OUT/$name.report.json" 8
	check "plot $name: shaded phases = the analysis' phases" svg_phases_match "$name" "$S" "$OUT/$name.json"
	check "plot $name: stacked areas hold every exit" svg_timeline_total "$name" "$S" "$OUT/$name.json"
	check "plot $name: renders to a 1180x860 PNG (rsvg-convert)" png_ok "$S" "$OUT/$name.png"
done
check "plot --top 2: two reasons by name, the rest as other" \
	bash -c "$(declare -f plot); EXITSTAT=$EXITSTAT DRIVER=$DRIVER; plot $OUT/qbs.txt -o $OUT/top2.svg --top 2"
check "plot --top 2: bars = report, top 2 + other" svg_counts_match top2 "$OUT/top2.svg" "$OUT/qbs.report.json" 2

# A source name full of XML specials stays well-formed and is shown escaped.
odd="$OUT/a&b<c>\"d'e.txt"
cp "$OUT/qbs.txt" "$odd"
check "plot: file name with & < > \" ' is escaped" plot "$odd" -o "$OUT/odd.svg"
check "plot: that SVG is well-formed" xmllint --noout "$OUT/odd.svg"
check "plot: the title shows the name" \
	bash -c "xmllint --xpath 'string(//*[local-name()=\"title\"][1])' $OUT/odd.svg | grep -qF \"a&b<c>\\\"d'e.txt\""
check "plot --title with specials" plot "$OUT/qbs.txt" -o "$OUT/title.svg" --title '<x> & "y"'
check "plot --title: well-formed" xmllint --noout "$OUT/title.svg"

# ---- 7. real traces from the bed: totals = exitstat report, sane phases ----
for f in tests/fixtures/bed/ftrace-64.txt tests/fixtures/bed/perf-64.txt \
	tests/fixtures/bed/trace-cmd-64.txt tests/fixtures/bed/ftrace-64-vcpus2.txt; do
	[[ -f $f ]] || { bad "bed fixture $f missing"; continue; }
	n=$(basename "$f" .txt)
	J=$OUT/bed-$n.json
	check "bed $n: analysis runs" run_to "$J" analyze --format json "$f"
	check "bed $n: = exitstat report --format json" same_as_report "bed-$n" "$f" "$J"
	check "bed $n: phase and window counts add up" phase_counts_add_up "$J"
	check "bed $n: io is the most frequent (exitgen did 500 OUT/IN)" \
		jq -e '.most_frequent[0].name == "io"' "$J"
	# exitgen ran out/in, then cpuid, then rdmsr/wrmsr: the phases must follow that order.
	check "bed $n: first phase led by io, a later one by cpuid or msr (exitgen's step order)" \
		jq -e '(.phases | length) >= 2 and .phases[0].reasons[0].name == "io" and
			any(.phases[1:][]; .reasons[0].name | IN("cpuid", "msr"))' "$J"
	check "bed $n: plot well-formed, bars = report" \
		bash -c "$(declare -f plot svg_counts_match svg_attr); EXITSTAT=$EXITSTAT DRIVER=$DRIVER
			plot $f -o $OUT/bed-$n.svg && xmllint --noout $OUT/bed-$n.svg &&
			svg_counts_match bed-$n $OUT/bed-$n.svg $OUT/bed-$n.report.json 8"
done

# An ftrace buffer that overran: the loss is counted, said in the summary, equal to report's.
f=tests/fixtures/bed/ftrace-64-overrun.txt
analyze --format json "$f" >"$OUT/overrun.json"
"$EXITSTAT" report --format json "$f" >"$OUT/overrun.report.json"
check "overrun: lost events = exitstat report's, and > 0" \
	jq -e --argjson r "$(jq .lost "$OUT/overrun.report.json")" '.lost == $r and .lost > 0' "$OUT/overrun.json"
check "overrun: the summary warns that quiet may be loss" \
	jq -e '.summary | test("lost [0-9]+ events")' "$OUT/overrun.json"

# ---- 7b. the published samples: any renderer, any era; totals = exitstat report ----
totals_of() { jq -c '[.total, ([.reasons[] | {name, count}] | sort_by(.name))]' "$1"; }
same_totals() { # same_totals STATUS REPORT_STATUS JSON REPORT_JSON
	[[ $1 == "$2" && $(totals_of "$3") == "$(totals_of "$4")" ]]
}
plot_or_refused() { # plot_or_refused TRACE SVG ANALYSIS_STATUS
	if plot "$1" -o "$2" 2>/dev/null; then xmllint --noout "$2"; else [[ $3 != 0 ]]; fi
}
san_clean() { # san_clean TRACE STATUS: the sanitized build says nothing and ends the same way
	local st
	"$SAN_DRIVER" analyze "$1" >/dev/null 2>"$OUT/san.err"; st=$?
	! grep -q 'Sanitizer\|runtime error' "$OUT/san.err" && [[ $st == "$2" ]]
}
for f in tests/fixtures/public/*.txt; do
	n=$(basename "$f" .txt)
	analyze --format json "$f" >"$OUT/pub-$n.json" 2>/dev/null
	st=$?
	"$EXITSTAT" report --format json "$f" >"$OUT/pub-$n.report.json" 2>/dev/null
	rst=$?
	check "public $n: same status ($st) and totals as exitstat report" \
		same_totals $st $rst "$OUT/pub-$n.json" "$OUT/pub-$n.report.json"
	check "public $n: plot well-formed (or refused, as the analysis failed)" \
		plot_or_refused "$f" "$OUT/pub-$n.svg" $st
	check "public $n: ASan+UBSan clean" san_clean "$f" $st
done

# ---- 8. under ASan+UBSan ----
for name in qbs mix bursts; do
	check "ASan+UBSan: analyze $name (json and table)" \
		bash -c "$SAN_DRIVER analyze --format json $OUT/$name.txt >/dev/null && $SAN_DRIVER analyze $OUT/$name.txt >/dev/null"
	check "ASan+UBSan: plot $name" "$SAN_DRIVER" plot "$OUT/$name.txt" -o "$OUT/san-$name.svg"
done
check "ASan+UBSan: 1 ms windows (6000 windows)" \
	bash -c "$SAN_DRIVER analyze --format json --window 0.001 $OUT/qbs.txt | jq -e '.windows > 5900' >/dev/null"
check "ASan+UBSan: odd name" "$SAN_DRIVER" plot "$odd" -o "$OUT/san-odd.svg"
check "ASan+UBSan: two vCPUs" run_to /dev/null "$SAN_DRIVER" analyze tests/fixtures/bed/ftrace-64-vcpus2.txt

assert_summary check-analyze
