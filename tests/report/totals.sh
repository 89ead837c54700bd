#!/usr/bin/env bash
# End-to-end tests of `exitstat report` on other tools' tables of totals:
# perf kvm stat report / live, perf report --sort trace -n, kvm_stat.
#
# Ground truth, never the code under test:
# - tests/fixtures/totals/NAME.hist: the guest kernel's hist trigger of the
#   bed run the table was made in (exact per-reason counts), NAME.exitgen.json
#   what exitgen made the guest do;
# - the tables' own numbers read here with awk (times, Total Samples);
# - tests/fixtures/totals/public/README.md: hand counts of the published tables;
# - for built tables, the numbers this script wrote.
#
# Usage: tests/report/totals.sh   (from anywhere; EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/realkvm/hist.sh
EXITSTAT=${EXITSTAT:-build/exitstat}
TOT=tests/fixtures/totals
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-totals.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

. tests/lib/assert.sh
. tests/report/lib.sh

need_built "$EXITSTAT"

# The hist's `svm code count`; with a second argument, one exit fewer of code 120
# (hlt): perf kvm stat counts an exit when its vCPU enters the guest again, and
# exitgen's last exit, the hlt that ends its guest, never does.
hist_counts() {
	hist_by_reason "$1" | awk -v last="${2:-}" '{ n = $2; if (last != "" && $1 == 120) n--;
		if (n) print "svm", $1, n }' | sort
}

# ---- 1. perf kvm stat report from the bed: counts as the kernel's hist, times as perf's ----
for f in kvm-stat-report kvm-stat-report-time kvm-stat-report-vcpu0; do
	got=$(report_counts "$TOT/$f.txt")
	equal "$f.txt: per-reason counts equal the kernel's hist, but exitgen's last hlt (no entry after it)" \
		"$got" "$(hist_counts "$TOT/kvm-stat.hist" last)"
done
# perf's own Avg and Max time per reason (us, 2 decimals) are the report's mean and max.
want=$(awk '/ \( \+- / { n = NF; avg = $(n - 4); max = $(n - 5); sub(/us/, "", avg); sub(/us/, "", max);
	printf "%s %.0f %.0f\n", $1, avg * 1000, max * 1000 }' "$TOT/kvm-stat-report.txt" | sort)
got=$("$EXITSTAT" report --format json "$TOT/kvm-stat-report.txt" 2>/dev/null |
	jq -r '.reasons[] | "\(.name) \(.time_mean_ns) \(.time_max_ns)"' | sort)
equal "kvm-stat-report.txt: mean and max per reason are perf's Avg and Max time" "$got" "$want"
got=$("$EXITSTAT" report --format json "$TOT/kvm-stat-report.txt" 2>/dev/null |
	jq -r '[.reasons[] | .time_p50_ns_max, .time_p99_ns_max] | unique | @text')
equal "kvm-stat-report.txt: p50/p99 are null (perf gives no per-exit times)" "$got" "[null]"
"$EXITSTAT" report "$TOT/kvm-stat-report.txt" >"$TMP/out" 2>&1
if grep -q '^exitstat: [0-9]* exits from perf kvm stat report table of totals ' "$TMP/out" &&
	grep -q '^note: `perf kvm stat report` totals, no timeline' "$TMP/out" &&
	grep -q 'p50 and p99 unknown' "$TMP/out"; then
	ok "kvm-stat-report.txt: the report names the tool and says there is no timeline"
else
	bad "kvm-stat-report.txt: report: $(head -c 600 "$TMP/out")"
fi
got=$("$EXITSTAT" report --per-vm --format csv "$TOT/kvm-stat-report-vcpu0.txt" 2>/dev/null |
	awk -F, '$1 == "final" && $2 == "vm" { print $7, $8 }')
equal "kvm-stat-report-vcpu0.txt (--vcpu 0): the exits are vCPU 0's" "$got" \
	"0 $(hist_counts "$TOT/kvm-stat.hist" last | awk '{ s += $3 } END { print s }')"
equal "kvm-stat-report.txt --every=100: no interim reports (a table has no order of exits), one final" \
	"$("$EXITSTAT" report --every=100 "$TOT/kvm-stat-report.txt" 2>/dev/null | grep -c '^exitstat: ')" 1
gzip -c "$TOT/kvm-stat-report.txt" >"$TMP/k.txt.gz"
equal "kvm-stat-report.txt.gz: the same counts compressed" "$(report_counts "$TMP/k.txt.gz")" \
	"$(hist_counts "$TOT/kvm-stat.hist" last)"
line=$(grep -n 'IO Port Access' "$TOT/kvm-stat-report-ioport.txt" | cut -d: -f1)
report_fails "perf kvm stat --event=ioport: refused at its header (line $line)" \
	"kvm-stat-report-ioport.txt:$line: this perf kvm stat table counts accesses" "$TOT/kvm-stat-report-ioport.txt"

# ---- 2. perf kvm stat live from the bed: displays summed ----
# Each display counts the exits since the one before. Under TCG this perf
# displayed fewer exits than the run made (see the fixtures' README: the
# hist has them all), so the truth here is perf's own rows, summed with awk
# per reason (SVM names to codes as the kernel's svm.h has them).
want=$(awk 'BEGIN { c["io"] = 123; c["cpuid"] = 114; c["msr"] = 124; c["npf"] = 1024; c["hlt"] = 120;
		c["interrupt"] = 96 }
	/ \( \+- / { n[$1] += $2 } END { for (r in n) print "svm", c[r], n[r] }' "$TOT/kvm-stat-live.txt" | sort)
got=$(report_counts "$TOT/kvm-stat-live.txt")
equal "kvm-stat-live.txt ($(grep -c 'Analyze events' "$TOT/kvm-stat-live.txt") displays): counts are its displays' rows summed" \
	"$got" "$want"
equal "kvm-stat-live.txt: their total is the sum of its Total Samples lines" \
	"$(awk '{ s += $3 } END { print s + 0 }' <<<"$got")" \
	"$(sed -n 's/^Total Samples:\([0-9]*\),.*/\1/p' "$TOT/kvm-stat-live.txt" | awk '{ s += $1 } END { print s + 0 }')"
"$EXITSTAT" report "$TOT/kvm-stat-live.txt" 2>/dev/null >"$TMP/out"
if grep -q 'from perf kvm stat live table of totals' "$TMP/out" && grep -q 'displays summed' "$TMP/out"; then
	ok "kvm-stat-live.txt: named as perf kvm stat live, its displays summed"
else
	bad "kvm-stat-live.txt: $(head -c 600 "$TMP/out")"
fi

# ---- 3. perf report --sort trace from the bed ----
equal "perf-report-n.txt (-n --sort trace): per-reason counts equal the kernel's hist" \
	"$(report_counts "$TOT/perf-report-n.txt")" "$(hist_counts "$TOT/perf-report.hist")"
line=$(grep -n '^# Overhead' "$TOT/perf-report.txt" | head -1 | cut -d: -f1)
report_fails "perf-report.txt (no -n): refused, percentages only (line $line)" \
	"perf-report.txt:$line: perf report without its Samples column: percentages only, the counts are unknown" \
	"$TOT/perf-report.txt"
equal "perf-report.txt (no -n): no report printed (nothing was counted), only the message" \
	"$("$EXITSTAT" report "$TOT/perf-report.txt" 2>/dev/null | wc -c)" 0

# ---- 4. published tables against public/README.md ----
PUBT=$TOT/public
equal "kvm_stat screen quoted in a mail (2012): its kvm_exit(REASON) rows, the rest of its kvm_exit total unknown" \
	"$(report_counts "$PUBT/kvm_stat-linux-mm-2012.txt")" \
	"$(printf '%s\n' 'none 4294967295 7607984' 'vmx 0 6188458' 'vmx 1 2169' 'vmx 30 6' 'vmx 43 82' | sort)"
equal "perf kvm stat live on PVM (2024): UNKNOWN rows take perf's printed codes (reserved VMX bits: not in the catalogue)" \
	"$(report_counts "$PUBT/perf-kvm-stat-live-pvm-2024.txt")" \
	"$(printf '%s\n' 'vmx 14 18940' 'vmx 13 181' 'vmx 131072 3622' 'vmx 327680 2057' 'vmx 196608 1401' \
		'vmx 262144 1233' 'vmx 65536 115' | sort)"

# ---- 5. malformed tables: one message naming the line ----
f=$TOT/kvm-stat-report.txt
row=$(grep -n '^ *io  ' "$f" | head -1 | cut -d: -f1)
total=$(grep -n '^Total Samples:' "$f" | head -1 | cut -d: -f1)
sed "${row}d" "$f" >"$TMP/lost-row.txt"
report_fails "perf kvm stat table with a row deleted: its Total Samples does not add up (line $((total - 1)))" \
	"lost-row.txt:$((total - 1)): the rows of the table above do not add up to its Total Samples" "$TMP/lost-row.txt"
sed "${row}s/ 500 / 5x0 /" "$f" >"$TMP/bad-row.txt"
report_fails "perf kvm stat table with a damaged row: refused at that line ($row)" \
	"bad-row.txt:$row: not a row of a perf kvm stat table" "$TMP/bad-row.txt"
head -n "$row" "$f" >"$TMP/cut.txt"
start=$(grep -n '^Analyze events' "$f" | head -1 | cut -d: -f1)
report_fails "perf kvm stat table cut before its Total Samples: refused, naming the table's line ($start)" \
	"cut.txt:$start: this perf kvm stat table has no \`Total Samples:\` line after it" "$TMP/cut.txt"
f=$TOT/perf-report-n.txt
row=$(grep -n ' reason cpuid ' "$f" | head -1 | cut -d: -f1)
sed "${row}d" "$f" >"$TMP/pr-lost.txt"
sec=$(grep -n "^# Samples: .* of event 'kvm:kvm_exit'" "$f" | cut -d: -f1)
report_fails "perf report with a row deleted: its section's sample count does not add up (line $sec)" \
	"pr-lost.txt:$sec: the kvm_exit rows of this section add up to" "$TMP/pr-lost.txt"
{ head -n 40 tests/fixtures/bed/ftrace-64.txt; cat "$TOT/kvm-stat-report.txt"; } >"$TMP/mixed.txt"
report_fails "a table of totals after trace events: refused" \
	"mixed.txt:[0-9]*: a table of totals after kvm_exit/kvm_entry events" "$TMP/mixed.txt"

# ---- 6. kvm_stat -l and -l -c logs, built from kvm_stat's own print formats ----
# (tools/kvm/kvm_stat/kvm_stat: the banner is the sorted names, every 20 lines;
# each line the deltas of one interval, `%9d`, after a date and time since
# 2020; -c: `timestamp,NAME,...` and `DATE TIME,N,...`). The deltas are this
# script's: HLT 3+4+5, IO_INSTRUCTION 10+0+7, the kvm_exit column their sum.
names='kvm_entry kvm_exit kvm_exit(HLT) kvm_exit(IO_INSTRUCTION) kvm_exit(MSR_READ) kvm_pio '
{
	echo "$names"
	printf '2026-11-30 12:00:0%d %9d %9d %9d %9d %9d %9d\n' 1 13 13 3 10 0 10 2 4 4 4 0 0 0 3 12 12 5 7 0 7
} >"$TMP/log.txt"
want=$(printf '%s\n' 'vmx 12 12' 'vmx 30 17' | sort)
equal "kvm_stat -l log: deltas summed per reason" "$(report_counts "$TMP/log.txt")" "$want"
{
	echo "timestamp,${names// /,}" | sed 's/,$//'
	printf '2026-11-30 12:00:0%d,%d,%d,%d,%d,%d,%d\n' 1 13 13 3 10 0 10 2 4 4 4 0 0 0 3 12 12 5 7 0 7
} >"$TMP/log.csv"
equal "kvm_stat -l -c log: deltas summed per reason" "$(report_counts "$TMP/log.csv")" "$want"
sed '3s/$/ 9/' "$TMP/log.txt" >"$TMP/log-bad.txt"
report_fails "kvm_stat -l line with a value more than its banner: refused at line 3" \
	"log-bad.txt:3: a kvm_stat log line with another number of values" "$TMP/log-bad.txt"

assert_summary "check-report-totals"
