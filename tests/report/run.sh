#!/usr/bin/env bash
# End-to-end tests of `exitstat report FILE|-` on real traces.
#
# Ground truth, never the code under test:
# - tests/fixtures/bed/NAME.hist (SVM) and tests/fixtures/bed-vmx/NAME.hist
#   (VMX, kvm_intel under Bochs): the kernel's hist trigger of the same run
#   (exact per-reason counts), and NAME.exitgen.json: what exitgen made the
#   guest do (io, cpuid, msr, hlt counts);
# - tests/fixtures/public/SOURCES.md: hand counts of the published samples;
# - for built traces, the number of copies of real lines this script chose.
#
# Usage: tests/report/run.sh   (from anywhere; EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/realkvm/hist.sh
EXITSTAT=${EXITSTAT:-build/exitstat}
BED=tests/fixtures/bed
BED_VMX=tests/fixtures/bed-vmx
PUB=tests/fixtures/public
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-report.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

. tests/lib/assert.sh
. tests/report/lib.sh

need_built "$EXITSTAT"

. tests/report/lib.sh

sum_counts() { awk '{ s += $3 } END { print s + 0 }'; }

# Sum of the count column of the final report's CSV rows of one kind (reason, other, total, vm).
csv_kind_sum() {
	local kind=$1
	shift
	"$EXITSTAT" report --format csv "$@" 2>/dev/null |
		awk -F, -v k="$kind" '$1 == "final" && $2 == k { s += $8 } END { print s + 0 }'
}

# "reason delta" for every exit of the trace text with a following entry of the
# same thread: the time in exit, computed here from the timestamps (decimal
# seconds give ns; integer timestamps are ticks, kept as they are).
exit_times() {
	awk '{
		ts = ""; tid = ""; reason = ""
		for (i = 1; i <= NF; i++) {
			if (ts == "" && $i ~ /^[0-9]+(\.[0-9]+)?:$/) ts = substr($i, 1, length($i) - 1)
			if (tid == "" && $i ~ /^\[[0-9]+\]$/ && i > 1) { tid = $(i - 1); sub(/.*-/, "", tid) }
			if ($i == "reason") reason = $(i + 1)
		}
		if (ts == "" || tid == "") next
		if (index(ts, ".")) { split(ts, p, "."); t = p[1] * 1e9 + substr(p[2] "000000000", 1, 9) }
		else t = ts + 0
		if ($0 ~ / kvm_exit: /) { pend[tid] = t; why[tid] = reason }
		else if ($0 ~ / kvm_entry: / && (tid in pend)) {
			printf "%s %.0f\n", why[tid], t - pend[tid]
			delete pend[tid]
		}
	}' "$1"
}

# Per reason from exit_times: "reason timed total max p50 p99", p50/p99 the exact
# nearest-rank percentiles of the times.
exit_time_stats() {
	exit_times "$1" | sort -k1,1 -k2,2n | awk '
		function flush() {
			if (r == "") return
			i50 = int((n * 50 + 99) / 100); i99 = int((n * 99 + 99) / 100)
			print r, n, s, v[n], v[i50], v[i99]
		}
		$1 != r { flush(); r = $1; n = 0; s = 0 }
		{ v[++n] = $2; s += $2 }
		END { flush() }'
}

# ---- 1. every bed trace (SVM and VMX beds) against the kernel's hist counts of its run ----
for bed in svm:$BED vmx:$BED_VMX; do
	isa=${bed%%:*} dir=${bed#*:}
	for name in ftrace-16 ftrace-64 ftrace-64-vcpus2 perf-16 perf-64 trace-cmd-16 trace-cmd-64 \
		trace-cmd-noplugin-16 trace-cmd-noplugin-64; do
		# the SVM bed's two-vCPU trace is checked per vCPU below
		[[ $isa == svm && $name == ftrace-64-vcpus2 ]] && continue
		txt=$dir/$name.txt
		hist=$dir/${name/-noplugin/}.hist
		if [[ ! -f $txt || ! -f $hist ]]; then
			bad "$txt: fixture missing"
			continue
		fi
		got=$(report_counts "$txt")
		rc=$?
		want=$(hist_counts "$hist" "$isa")
		if [[ $rc -eq 0 && -n $want && $got == "$want" ]]; then
			ok "$txt: per-reason counts equal the kernel's hist ($(sum_counts <<<"$want") exits)"
		else
			bad "$txt: rc $rc; report: $(tr '\n' ';' <<<"$got") hist: $(tr '\n' ';' <<<"$want") $(head -c 300 "$TMP/stderr")"
		fi
	done
done

# Two vCPUs: per vCPU too (--per-vm adds exits per VM and vCPU to the JSON).
got=$(report_counts "$BED/ftrace-64-vcpus2.txt")
want=$(hist_counts "$BED/ftrace-64-vcpus2.hist")
if [[ -n $want && $got == "$want" ]]; then
	ok "ftrace-64-vcpus2.txt (two vCPUs): per-reason counts equal the kernel's hist"
else
	bad "ftrace-64-vcpus2.txt: report $(tr '\n' ';' <<<"$got") hist $(tr '\n' ';' <<<"$want")"
fi

# A ring buffer too small for the run: the events it overwrote are reported as
# lost, equal to the ring buffer's own overrun count.
for dir in "$BED" "$BED_VMX"; do
	overrun=$(awk '/^overrun:/ { s += $2 } END { print s + 0 }' "$dir/ftrace-64-overrun.ringbuffer-stats")
	lost=$("$EXITSTAT" report --format json "$dir/ftrace-64-overrun.txt" 2>/dev/null | sed -n 's/.*"lost":\([0-9]*\).*/\1/p' | head -1)
	if [[ $overrun -gt 0 && $lost == "$overrun" ]]; then
		ok "$dir/ftrace-64-overrun.txt: $lost lost events reported, the ring buffer's overrun"
	else
		bad "$dir/ftrace-64-overrun.txt: report says lost '$lost', ring buffer overrun $overrun"
	fi
done

# ---- 2. the exits exitgen caused, the same in every renderer ----
# exitgen's expected counts (its JSON): io (0x7b=123), cpuid (0x72=114), msr (0x7c=124), hlt (0x78=120).
for txt in "$BED"/*-{16,64}.txt "$BED/ftrace-64-vcpus2.txt"; do
	json=${txt%.txt}
	json=${json/-noplugin/}.exitgen.json
	[[ -f $json ]] || { bad "$txt: no exitgen json"; continue; }
	# the whole VM's "expected" (the per_vcpu ones come after it)
	top=$(sed 's/"per_vcpu".*//' "$json")
	exp=
	for pair in cpuid:114 hlt:120 io:123 msr:124; do
		n=$(sed -n "s/.*\"expected\":{[^}]*\"${pair%%:*}\":\([0-9]*\).*/\1/p" <<<"$top")
		[[ -n $n && $n -gt 0 ]] && exp+="svm ${pair#*:} $n;"
	done
	got=$(report_counts "$txt" | awk '$2 == 114 || $2 == 120 || $2 == 123 || $2 == 124' | tr '\n' ';')
	if [[ -n $exp && "$got" == "$exp" ]]; then
		ok "$txt: io, cpuid, msr, hlt equal exitgen's steps"
	else
		bad "$txt: report $got, exitgen $exp"
	fi
done

# ---- 3. one trace.dat rendered with and without the kvm plugin: identical reports ----
for mode in 16 64; do
	# report,kind,isa,code,name; count; timed; time_total (not the source's name, in the total row)
	a=$("$EXITSTAT" report --format csv "$BED/trace-cmd-$mode.txt" 2>/dev/null | cut -d, -f1-5,8,11,13)
	b=$("$EXITSTAT" report --format csv "$BED/trace-cmd-noplugin-$mode.txt" 2>/dev/null | cut -d, -f1-5,8,11,13)
	if [[ -n $a && $a == "$b" ]]; then
		ok "trace-cmd-$mode: plugin and kernel renderings give identical counts and times in exit"
	else
		bad "trace-cmd-$mode: renderings differ"
	fi
done

# ---- 4. the published samples against SOURCES.md ----
# Total exits: `kvm_exit event lines`; the `<truncated>` ones are counted as
# reason_cut_off (isa none) and each is said on stderr.
while IFS= read -r line; do
	case $line in
	"## "*) file=${line#\#\# } ;;
	"- kvm_exit event lines: "*)
		n=${line#- kvm_exit event lines: }
		n=${n%%;*}
		;;
	"- Per-reason (event lines): "*)
		trunc=$(sed -n 's/.*<truncated>=\([0-9]*\).*/\1/p' <<<"$line")
		got=$(report_counts "$PUB/$file")
		rc=$?
		total=$(sum_counts <<<"$got")
		cutoff=$(awk '$1 == "none" { s += $3 } END { print s + 0 }' <<<"$got")
		said=$(grep -c 'record cut short, counted as one exit whose reason was cut off' "$TMP/stderr")
		# a record cut short is an incomplete read: exit 1
		want_rc=$(( ${trunc:-0} > 0 ))
		if [[ $rc -eq $want_rc && $total -eq $n && $cutoff -eq ${trunc:-0} && $said -eq ${trunc:-0} ]]; then
			ok "$file: $total exits, ${trunc:-0} truncated counted as reason_cut_off and said, as SOURCES.md counts, exit $rc"
		else
			bad "$file: rc $rc (want $want_rc), $total exits, $cutoff cut off, $said said; SOURCES.md: $n exits, ${trunc:-0} truncated"
		fi
		;;
	esac
done <"$PUB/SOURCES.md"

# ---- 5. damaged records: counted, each said with file:line; the rest as the kernel's hist ----
src=$BED/ftrace-64.txt
want=$(hist_counts "$BED/ftrace-64.hist")
mapfile -t lines < <(grep -n 'kvm_exit: ' "$src" | sed -n '100p;110p;120p' | cut -d: -f1)
bad_file=$TMP/corrupt.txt
# Cut one record inside its reason (as a copy from a live trace_pipe does),
# one inside ` rip`, and abridge one to its reason (as authors do).
awk -v A="${lines[0]}" -v B="${lines[1]}" -v C="${lines[2]}" '
	NR == A { sub(/reason .*/, "reason i") }
	NR == B { sub(/ rip .*/, " ri") }
	NR == C { sub(/ rip .*/, "") }
	{ print }' "$src" >"$bad_file"
# The reason of the one cut inside its name, from the original line (svm names, hist codes).
lost=$(sed -n "${lines[0]}p" "$src" | sed -E 's/.* reason ([a-z]+) rip.*/\1/')
declare -A code_of=([interrupt]=96 [cpuid]=114 [hlt]=120 [io]=123 [msr]=124 [npf]=1024)
expect=$(awk -v c="${code_of[$lost]}" '$2 == c { $3 -= 1 } $3 > 0 { print }' <<<"$want"; echo "none 4294967295 1")
got=$(report_counts "$bad_file")
rc=$?
equal "damaged records: the hist's counts, the one cut inside its reason ($lost) as reason_cut_off, exit 1 (cut records)" \
	"1 $(sort <<<"$expect" | tr '\n' ';')" "$rc $(tr '\n' ';' <<<"$got")"
if grep -q "^exitstat report: $bad_file:${lines[0]}: record cut short, counted as one exit whose reason was cut off: .*kvm_exit: vcpu 0 reason i$" "$TMP/stderr" &&
	grep -q "^exitstat report: $bad_file:${lines[1]}: record cut short, counted as the exit reason it shows (its time in exit is unknown): .* ri$" "$TMP/stderr" &&
	grep -q "^exitstat report: $bad_file:${lines[2]}: record cut short, counted as the exit reason it shows" "$TMP/stderr"; then
	ok "damaged records: each said with $bad_file:LINE and the text"
else
	bad "damaged records: stderr: $(head -c 600 "$TMP/stderr")"
fi
"$EXITSTAT" report "$bad_file" >"$TMP/out" 2>/dev/null
if grep -q "^note: INCOMPLETE: 3 kvm records cut short or abridged (3 exits counted without a time in exit, 1 of them of a reason cut off); lines ${lines[0]},${lines[1]},${lines[2]}$" "$TMP/out"; then
	ok "damaged records: the report's note lists their lines"
else
	bad "damaged records: report: $(tail -3 "$TMP/out")"
fi
# A line that is not a cut record (an unknown name) still stops the read; --skip-bad skips it.
awk -v L="${lines[0]}" 'NR == L { sub(/reason [a-z]+/, "reason nosuchname") } { print }' "$src" >"$bad_file"
report_fails "unknown reason name: says $bad_file:${lines[0]} and --skip-bad" \
	"^exitstat report: $bad_file:${lines[0]}: unknown exit reason.* (--skip-bad skips such lines, counts them and reads on)$" \
	"$bad_file"
got=$(report_counts --skip-bad "$bad_file")
rc=$?
got=$(sum_counts <<<"$got")
total=$(sum_counts <<<"$want")
# a skipped line is an incomplete read: exit 1, said once on stderr with its line
if [[ $rc -eq 1 && $got -eq $((total - 1)) ]] && grep -q ":${lines[0]}: .*(skipped)" "$TMP/stderr" &&
	[[ $(grep -c "incomplete input .*1 malformed line skipped (--skip-bad): line ${lines[0]}$" "$TMP/stderr") -eq 1 ]]; then
	ok "unknown reason name with --skip-bad: $got exits (one fewer), line ${lines[0]} listed, exit 1"
else
	bad "unknown reason name with --skip-bad: rc $rc, $got exits (want $((total - 1))), stderr: $(head -c 300 "$TMP/stderr")"
fi
got=$(report_counts --skip-bad --partial-ok "$bad_file")
equal "unknown reason name with --skip-bad --partial-ok: exit 0, the same counts" \
	"$? $(sum_counts <<<"$got")" "0 $((total - 1))"

# ---- 6. --every=10000 on 35,000 exits: three interim reports and a final one ----
# 700 real exits (and the entries between them) of the bed's ftrace trace, copied 50
# times with timestamps moved on by 1 s per copy: 35,000 exits by construction.
big=$TMP/35000.txt
slice=$TMP/slice.txt
awk '/^#/ { next } { print } / kvm_exit: / && ++n == 700 { getline; print; exit }' "$src" >"$slice"
if [[ $(grep -c ' kvm_exit: ' "$slice") -ne 700 ]]; then
	bad "could not take 700 exits from $src"
else
	awk 'BEGIN { for (r = 0; r < 50; r++) { while ((getline l < ARGV[1]) > 0) {
		n = split(l, f, " ")
		for (i = 1; i <= n; i++) if (f[i] ~ /^[0-9]+\.[0-9]+:$/) { ts = f[i]; break }
		ts = substr(ts, 1, length(ts) - 1)
		p = index(l, ts ":")
		print substr(l, 1, p - 1) sprintf("%.6f", ts + r * 1.0) substr(l, p + length(ts))
	} close(ARGV[1]) } }' "$slice" >"$big"
	"$EXITSTAT" report --every=10000 --format json "$big" >"$TMP/every.json" 2>"$TMP/err"
	rc=$?
	interim=$(grep -c '"final":false' "$TMP/every.json")
	finals=$(grep -c '"final":true' "$TMP/every.json")
	totals=$(sed -n 's/.*"total":\([0-9]*\),.*/\1/p' "$TMP/every.json" | head -4 | tr '\n' ' ')
	if [[ $rc -eq 0 && $interim -eq 3 && $finals -eq 1 && $totals == "10000 20000 30000 35000 " ]]; then
		ok "--every=10000 on 35,000 exits: 3 interim reports (10000 20000 30000) and a final 35000"
	else
		bad "--every=10000: rc $rc, $interim interim, $finals final, totals $totals $(head -c 200 "$TMP/err")"
	fi
	# Per reason: 50 x the slice's count of each reason (counted here with grep).
	want=$(for r in interrupt cpuid hlt io msr npf; do
		c=$(grep -c " reason $r rip" "$slice")
		[[ $c -gt 0 ]] && echo "$r $((c * 50))"
	done | sort)
	got=$("$EXITSTAT" report --format csv "$big" 2>/dev/null | awk -F, '$1 == "final" && $2 == "reason" { print $5, $8 }' | sort)
	if [[ $got == "$want" ]]; then
		ok "35,000-exit trace: per-reason counts are 50 x the slice's"
	else
		bad "35,000-exit trace: $(tr '\n' ';' <<<"$got") want $(tr '\n' ';' <<<"$want")"
	fi
	"$EXITSTAT" report --every=10000 "$big" >"$TMP/every.txt" 2>&1
	tables=$(grep -c '^isa  *code  *reason' "$TMP/every.txt")
	if [[ $tables -eq 4 ]]; then
		ok "--every=10000 table output: 4 tables"
	else
		bad "--every=10000 table output: $tables tables"
	fi
fi

# ---- 7. stdin, CRLF line ends, a file with no kvm events ----
want=$(report_counts "$BED/perf-64.txt")
got=$(report_counts - <"$BED/perf-64.txt")
if [[ -n $want && $got == "$want" ]]; then ok "stdin (-) reads like a file"; else bad "stdin: $got"; fi
sed 's/$/\r/' "$BED/trace-cmd-16.txt" >"$TMP/crlf.txt"
got=$(report_counts "$TMP/crlf.txt")
want=$(hist_counts "$BED/trace-cmd-16.hist")
if [[ $got == "$want" ]]; then ok "CRLF line ends"; else bad "CRLF: $got"; fi
report_fails "a file without kvm events: says so" "no kvm_exit or kvm_entry events" \
	"$BED/kvm_exit.format"

# ---- 8. --per-vm in CSV: one row per vCPU, equal to the kernel's hist per vCPU ----
v2=$BED/ftrace-64-vcpus2.txt
want=$(hist_vcpu_rows "$BED/ftrace-64-vcpus2.hist" | awk '{ c[$1] += $3 } END { for (v in c) print v, c[v] }' | sort -n)
got=$("$EXITSTAT" report --format csv --per-vm "$v2" 2>/dev/null |
	awk -F, '$1 == "final" && $2 == "vm" { print $7, $8 }' | sort -n)
hits=$(hist_by_reason "$BED/ftrace-64-vcpus2.hist" | awk '{ s += $2 } END { print s + 0 }')
if [[ -n $want && $got == "$want" ]]; then
	ok "--per-vm CSV: exits per vCPU equal the kernel's hist ($(tr '\n' ';' <<<"$got"))"
else
	bad "--per-vm CSV: report $(tr '\n' ';' <<<"$got") hist $(tr '\n' ';' <<<"$want")"
fi
vms=$(csv_kind_sum vm --per-vm "$v2")
tot=$(csv_kind_sum total --per-vm "$v2")
rs=$(csv_kind_sum reason --per-vm "$v2")
if [[ $vms == "$hits" && $tot == "$hits" && $rs == "$hits" ]]; then
	ok "--per-vm CSV: vCPU rows, reason rows and the total row each sum to the hist's $hits"
else
	bad "--per-vm CSV: vCPU rows $vms, reason rows $rs, total row $tot; hist $hits"
fi
want1=$(hist_vcpu_rows "$BED/ftrace-64-vcpus2.hist" | awk '$1 == 1 { s += $3 } END { print s + 0 }')
got=$("$EXITSTAT" report --format csv --per-vm --vcpu 1 "$v2" 2>/dev/null |
	awk -F, '$1 == "final" && ($2 == "vm" || $2 == "total") { printf "%s:%s:%s ", $2, $7, $8 }')
equal "--per-vm --vcpu 1 CSV: one vCPU row and the total, the hist's vCPU 1" "$got" "total::$want1 vm:1:$want1 "
# Every CSV row has every column, the notes and the source quoted (RFC 4180).
cols=$("$EXITSTAT" report --format csv --per-vm --top 2 "$BED/ftrace-64-overrun.txt" 2>/dev/null |
	python3 -c 'import csv, sys; print(sorted({len(r) for r in csv.reader(sys.stdin)}))')
equal "CSV with --top, --per-vm and notes: one table (every row 26 columns)" "$cols" "[26]"
got=$("$EXITSTAT" report --format csv "$BED/ftrace-64-overrun.txt" 2>/dev/null |
	python3 -c 'import csv, sys
for r in csv.reader(sys.stdin):
    if r[1] == "total": print("lost", r[21])
    if r[1] == "note": print("note", r[25])')
if [[ $got == "lost $overrun"*"note the source lost $overrun events"* ]]; then
	ok "CSV of a trace that lost events: the total row and a note say $overrun lost"
else
	bad "CSV of a trace that lost events: $(tr '\n' ';' <<<"$got") (overrun $overrun)"
fi
# The published samples: per-VM rows sum to the exits SOURCES.md counts.
for f in 13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt 31-firecracker-5437-nested-epyc-esxi-2025.fragment.txt; do
	want=$(awk -v f="## $f" '$0 == f { on = 1 } on && /^- kvm_exit event lines: / { sub(/^- kvm_exit event lines: /, ""); sub(/;.*/, ""); print; exit }' "$PUB/SOURCES.md")
	got=$(csv_kind_sum vm --per-vm "$PUB/$f")
	equal "$f: --per-vm CSV rows sum to SOURCES.md's $want exits" "$got" "$want"
done

# ---- 9. time in exit against the trace's own exit/entry pairs (computed here) ----
# p50/p99 are bounds: at least the exact percentile, never above the max.
for name in ftrace-16 ftrace-64 ftrace-64-vcpus2; do
	want=$(exit_time_stats "$BED/$name.txt")
	"$EXITSTAT" report --format json "$BED/$name.txt" >"$TMP/t.json" 2>/dev/null
	got=$(jq -r '.reasons[] | "\(.name) \(.timed) \(.time_total_ns) \(.time_max_ns)"' "$TMP/t.json" | sort)
	if [[ -n $want && $got == "$(awk '{ print $1, $2, $3, $4 }' <<<"$want")" ]]; then
		ok "$name: per reason, timed exits, total and max time in exit equal the trace's own pairs"
	else
		bad "$name: report $(tr '\n' ';' <<<"$got") trace $(tr '\n' ';' <<<"$want")"
	fi
	viol=$(jq -r '.reasons[] | "\(.name) \(.time_p50_ns_max) \(.time_p99_ns_max) \(.time_max_ns)"' "$TMP/t.json" |
		sort | join - <(sort <<<"$want") |
		awk '!($5 <= $2 && $9 <= $3 && $2 <= $4 && $3 <= $4) { print $1 ": p50 " $9 "<=" $2 ", p99 " $10 "<=" $3 "<= max " $4 }')
	bounds=$(jq -r '.reasons[] | "\(.time_p99_ns_max) \(.time_max_ns)"' "$TMP/t.json" | awk '$1 > $2' | wc -l)
	if [[ -z $viol && $bounds -eq 0 ]]; then
		ok "$name: exact p50 <= p50 bound, exact p99 <= p99 bound <= max, for every reason"
	else
		bad "$name: percentile bounds: $viol ($bounds above max)"
	fi
done

# ---- 10. a tick clock (trace-cmd -C x86-tsc style: integer timestamps) is printed as ticks ----
# trace-cmd-16 with each timestamp's decimal point dropped: the same run in microsecond ticks.
ticks=$TMP/ticks.txt
sed -E 's/ ([0-9]+)\.([0-9]{6}): / \1\2: /' "$BED/trace-cmd-16.txt" >"$ticks"
got=$(report_counts "$ticks")
want=$(hist_counts "$BED/trace-cmd-16.hist")
equal "tick trace: per-reason counts equal the kernel's hist" "$got" "$want"
win=$(awk '/ kvm_exit: / { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+:$/) { t = $i + 0; break }
	if (f == "") f = t; l = t } END { print l - f }' "$ticks")
tsum=$(exit_times "$ticks" | awk '{ s += $2 } END { print s + 0 }')
tmax=$(exit_times "$ticks" | awk '$2 > m { m = $2 } END { print m + 0 }')
got=$("$EXITSTAT" report --format json "$ticks" 2>/dev/null |
	jq -r '"\(.clock) \(.time_unit) \(.window_s) \(.window_ticks) \(.totals.time_total_ns) \(.totals.time_total_ticks) \(.totals.time_max_ticks) \([.reasons[].time_mean_ns] | unique)"')
equal "tick trace JSON: clock ticks, window and times in ticks (from the trace), no ns" "$got" \
	"ticks ticks null $win null $tsum $tmax [null]"
"$EXITSTAT" report "$ticks" >"$TMP/ticks.table" 2>&1
if grep -q "$win ticks from first to last exit" "$TMP/ticks.table" &&
	! grep -qE ' (ns|us|ms)( |$)|ticks ticks' "$TMP/ticks.table"; then
	ok "tick trace table: '$win ticks from first to last exit', no ns/us/ms, no 'ticks ticks'"
else
	bad "tick trace table: $(head -c 600 "$TMP/ticks.table")"
fi
got=$("$EXITSTAT" report --format csv "$ticks" 2>/dev/null | awk -F, 'NR > 1 && $2 != "note" { print $12 }' | sort -u)
equal "tick trace CSV: every row's time_unit is ticks" "$got" "ticks"
# --every: the interim reports come before the end of the read and must say ticks too.
got=$("$EXITSTAT" report --every=100 --format csv "$ticks" 2>/dev/null |
	awk -F, 'NR > 1 && $2 != "note" { print ($1 == "final" ? "final" : "interim"), $12 }' | sort -u | tr '\n' ';')
equal "tick trace CSV --every=100: interim and final rows all in ticks" "$got" "final ticks;interim ticks;"
"$EXITSTAT" report --every=100 "$ticks" >"$TMP/ticks.every" 2>&1
if [[ $(grep -c 'interim report' "$TMP/ticks.every") -ge 2 ]] &&
	! grep -qE ' (ns|us|ms)( |$)|ticks ticks' "$TMP/ticks.every"; then
	ok "tick trace table --every=100: interim tables in ticks, no ns/us/ms"
else
	bad "tick trace table --every=100: $(grep -m3 -E ' (ns|us|ms)( |$)' "$TMP/ticks.every")"
fi

# ---- 11. compressed traces (gzip, xz, zstd; files and stdin): the kernel's hist counts ----
want=$(hist_counts "$BED/perf-64.hist")
for z in gzip xz zstd; do
	"$z" -q -c "$BED/perf-64.txt" >"$TMP/perf-64.txt.$z"
	got=$(report_counts "$TMP/perf-64.txt.$z")
	equal "perf-64.txt $z-compressed: per-reason counts equal the kernel's hist" "$got" "$want"
	got=$(report_counts - <"$TMP/perf-64.txt.$z")
	equal "perf-64.txt $z-compressed on stdin: per-reason counts equal the kernel's hist" "$got" "$want"
	# through a pipe (not seekable): the magic bytes are peeked and given back
	got=$(cat "$TMP/perf-64.txt.$z" | report_counts -)
	equal "perf-64.txt $z-compressed through a pipe: per-reason counts equal the kernel's hist" "$got" "$want"
	# cut short: the decoder's message, non-zero exit
	size=$(stat -c %s "$TMP/perf-64.txt.$z")
	head -c $((size / 2)) "$TMP/perf-64.txt.$z" >"$TMP/cut.$z"
	report_fails "$z file cut in half: says the $z data is cut short" \
		"^exitstat report: $TMP/cut.$z: $z data ends in the middle of a compressed block (file cut short)$" \
		"$TMP/cut.$z"
done
# Concatenated members (gzip a >x; gzip b >>x): both are read.
{ gzip -c "$BED/perf-64.txt"; gzip -c "$BED/perf-64.txt"; } >"$TMP/twice.gz"
got=$(report_counts "$TMP/twice.gz" | sum_counts)
equal "two gzip members of perf-64.txt: twice the hist's exits" "$got" $((2 * $(sum_counts <<<"$want")))
# Damaged data in the middle: the decoder's message.
cp "$TMP/perf-64.txt.zstd" "$TMP/damaged.zst"
printf 'XXXXXXXXXXXXXXXX' | dd of="$TMP/damaged.zst" bs=1 seek=2000 conv=notrunc status=none
report_fails "damaged zstd data" "^exitstat report: $TMP/damaged.zst: zstd data " "$TMP/damaged.zst"

# ---- 12. other renderings of a real trace: the kernel's hist counts ----
# perf-64.txt is `perf script` with its default fields `comm tid [cpu] time: event: trace`.
# perf script -F prints the fields it is given in that same order, so each
# variant below is perf-64.txt with the columns -F leaves out removed. perf-prof
# prints a wall-clock date and time before each line, CRLF ends when saved on
# Windows. Expected counts: perf-64.hist, never the reader.
declare -A variant=(
	["-F comm,cpu,time,event,trace"]='s/^( *[^ ]+) +[0-9]+ +\[/\1 [/'
	["-F comm,time,event,trace"]='s/^ *([^ ]+) +[0-9]+ +\[[0-9]+\] +/\1 /'
	["-F cpu,time,event,trace"]='s/^ *[^ ]+ +[0-9]+ +//'
	["-F comm,tid,cpu,event,trace"]='s/ +[0-9]+\.[0-9]+: +/ /'
	["-F event,trace"]='s/^ *[^ ]+ +[0-9]+ +\[[0-9]+\] +[0-9.]+: +//'
	["perf-prof dated lines, CRLF"]='s/^(.*)$/2026-11-25 17:31:55.123456 \1\r/'
)
for bed in "$BED svm" "$BED_VMX vmx"; do
	read -r dir isa <<<"$bed"
	want=$(hist_counts "$dir/perf-64.hist" "$isa")
	for v in "${!variant[@]}"; do
		sed -E "${variant[$v]}" "$dir/perf-64.txt" >"$TMP/variant.txt"
		got=$(report_counts "$TMP/variant.txt")
		equal "$isa perf-64 as $v ($(head -c 60 "$TMP/variant.txt" | head -1 | tr -d '\r')): per-reason counts equal the kernel's hist" "$got" "$want"
	done
done

# ---- 13. quoted-printable mail bodies: the kernel's hist counts ----
# The bed's traces encoded by Python's quopri (RFC 2045: `=3D`, soft breaks
# at 76 columns, which fall inside the records' reasons), not by exitstat.
for bed in "$BED svm" "$BED_VMX vmx"; do
	read -r dir isa <<<"$bed"
	for name in ftrace-64 perf-64 trace-cmd-64; do
		python3 -c 'import quopri, sys; sys.stdout.buffer.write(quopri.encodestring(open(sys.argv[1], "rb").read()))' \
			"$dir/$name.txt" >"$TMP/$name.qp"
		got=$(report_counts "$TMP/$name.qp")
		equal "$isa $name.txt quoted-printable ($(grep -c '=$' "$TMP/$name.qp") soft breaks): per-reason counts equal the kernel's hist" \
			"$got" "$(hist_counts "$dir/$name.hist" "$isa")"
	done
done
python3 -c 'import quopri, sys; sys.stdout.buffer.write(quopri.encodestring(open(sys.argv[1], "rb").read()))' \
	"$BED/ftrace-64.txt" >"$TMP/ftrace-64.qp"
"$EXITSTAT" report "$TMP/ftrace-64.qp" 2>/dev/null | head -1 >"$TMP/out"
if grep -q "(quoted-printable mail text)" "$TMP/out"; then
	ok "quoted-printable: the report says the text was decoded"
else
	bad "quoted-printable: report's first line: $(cat "$TMP/out")"
fi

# ---- 14. a pipe (trace_pipe) is read as its text comes: --every's first report ----
# ---- comes while the writer still holds the pipe open (the reader's own output is the signal) ----
mkfifo "$TMP/live.in" "$TMP/live.out"
"$EXITSTAT" report --every=100 - <"$TMP/live.in" >"$TMP/live.out" 2>"$TMP/live.err" &
rpid=$!
exec 7>"$TMP/live.in" 8<"$TMP/live.out"
head -n 400 "$BED/ftrace-64.txt" >&7	# about 190 exits: the report at 100 is due
if read -t 60 -r first <&8; then
	equal "a pipe is read as it comes: the report at 100 exits before the writer is done" \
		"$first" "--- interim report 1: cumulative, after 100 exits ---"
else
	bad "a pipe is read as it comes: no report 60 s after 400 lines, the pipe still open"
fi
tail -n +401 "$BED/ftrace-64.txt" >&7
exec 7>&-
rest=$(cat <&8)
exec 8<&-
wait "$rpid"
rc=$?
equal "a pipe read as it comes: exit status and the final total" \
	"$rc $(grep -c '^--- interim report' <<<"$rest") $(grep '^summary:' <<<"$rest" | tail -n 1 | cut -d, -f1)" \
	"0 6 summary: 742 exits"

assert_summary ""
