#!/usr/bin/env bash
# One rule for incomplete input (issue 13 item 1) in every command that reads
# input: report (table, JSON, CSV), report --analyze (text, JSON) and plot.
#
# - Nothing could be read (an empty file, a directory, a damaged perf.data or
#   trace.dat, a perf kvm stat table cut before its total, a missing file, a trace
#   whose first kvm line is bad): exit 1, one line on stderr naming the file,
#   NO report at all on stdout (no empty table, no `{}`, no CSV header) and
#   no picture written.
# - Something was skipped, cut, lost or left unread: the report of what was
#   read, its note naming what is missing and where (line or offset) in every
#   format, said once on stderr, exit 1; --partial-ok: the same output, exit 0.
#
# Ground truth, never the code under test: the line and offset of each fault
# are where this script put it (or where grep finds the trace's own
# lost-events header), the block layout of the recording is walked here from
# docs/record-format.md.
#
# Usage: tests/report/partial.sh   (EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
EXITSTAT=${EXITSTAT:-build/exitstat}
BED=tests/fixtures/bed
REC=docs/worked-example/ide/boot.rec
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-partial.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

. tests/lib/assert.sh

need_built "$EXITSTAT"

# The seven ways to read FILE: "NAME|ARGS" (plot writes $TMP/p.svg).
outputs=(
	"report table|report"
	"report json|report -f json"
	"report csv|report -f csv"
	"report --analyze text|report --analyze"
	"report --analyze json|report --analyze -f json"
	"plot|plot -o $TMP/p.svg"
)

# run ARGS... FILE [EXTRA...]: stdout to $TMP/out, stderr to $TMP/err, status in rc.
run() {
	rm -f "$TMP/p.svg"
	# shellcheck disable=SC2086 # ARGS is a word list
	timeout 20 "$EXITSTAT" $1 "${@:2}" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# ---- 1. nothing could be read: exit 1, one stderr line naming the file, no output ----
: >"$TMP/empty.txt"
mkdir "$TMP/dir"
printf 'PERFILE2' >"$TMP/perf.data"
head -c 4000 /dev/zero >>"$TMP/perf.data"
printf '\x17\x08\x44tracing6' >"$TMP/trace.dat"
head -c 4000 /dev/zero >>"$TMP/trace.dat"
printf '%s\n' 'Analyze events for all VMs, all VCPUs:' '' \
	'             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time' \
	'                 HLT       1043    57.34%    99.93%      1.64us  10012.58us   1968.05us ( +-   4.09% )' \
	>"$TMP/perf-kvm-stat.txt"
# A recording killed before its first block: its 64-byte header only.
head -c 64 "$REC" >"$TMP/header-only.rec"
# A real trace from its first kvm_exit on, that one's reason made unknown: the read stops at line 1.
first=$(grep -n -m1 ' kvm_exit: ' "$BED/ftrace-16.txt" | cut -d: -f1)
tail -n +"$first" "$BED/ftrace-16.txt" |
	awk 'NR == 1 { sub(/reason [a-z]+/, "reason nosuchname") } { print }' >"$TMP/bad-first.txt"
declare -A why=(
	[empty.txt]="empty.txt: no kvm_exit or kvm_entry events in 0 lines"
	[dir]="dir: is a directory, not a trace or a recording"
	[perf.data]="perf.data\` failed (exit 255): incompatible file format"
	[trace.dat]="trace.dat: libtracecmd cannot read it as a trace.dat"
	[perf-kvm-stat.txt]="perf-kvm-stat.txt:1: this perf kvm stat table has no \`Total Samples:\` line after it: the output is cut"
	[missing]="cannot open $TMP/missing: No such file or directory"
	[bad-first.txt]="bad-first.txt:1: unknown exit reason"
	[header-only.rec]="header-only.rec: no exit could be read: no trailer"
)
for f in "${!why[@]}"; do
	for o in "${outputs[@]}"; do
		name=${o%%|*}
		run "${o#*|}" "$TMP/$f"
		lines=$(wc -l <"$TMP/err")
		# (a recording's reader says where it stopped first, as it does for every damage)
		max=1
		[[ $f == *.rec ]] && max=2
		if [[ $rc -eq 1 && ! -s $TMP/out && ! -e $TMP/p.svg && $lines -le $max ]] &&
			tail -1 "$TMP/err" | grep -qF -- "${why[$f]}"; then
			ok "$f, $name: exit 1, no output, says: $(tail -1 "$TMP/err" | cut -c1-100)"
		else
			bad "$f, $name: exit $rc, $(wc -c <"$TMP/out") bytes of output, $lines stderr lines: $(head -c 300 "$TMP/err")"
		fi
	done
done

# ---- 2. something was read, something was not: said in every format, once on stderr ----
# The text where.sh finds in each output: the report's note (table `note:`,
# JSON .note, CSV note row), the analysis' INCOMPLETE line and JSON .note,
# the picture's #incomplete text.
said_in_output() { # NAME WHERE: does the output of NAME say WHERE (and mark it incomplete)?
	local name=$1 where=$2
	case $name in
	"report table") grep -q "^note: INCOMPLETE: .*$where" "$TMP/out" ;;
	"report json") jq -e --arg w "$where" '.note | startswith("INCOMPLETE: ") and contains($w)' "$TMP/out" >/dev/null ;;
	"report csv") python3 -c 'import csv, sys
ok = any(r[1] == "note" and r[25].startswith("INCOMPLETE: ") and sys.argv[1] in r[25]
         for r in csv.reader(open(sys.argv[2])) if len(r) > 25)
sys.exit(0 if ok else 1)' "$where" "$TMP/out" ;;
	"report --analyze text") grep -q "^INCOMPLETE: .*$where" "$TMP/out" ;;
	"report --analyze json") jq -e --arg w "$where" '.incomplete and (.note | contains($w))' "$TMP/out" >/dev/null ;;
	plot) python3 -c 'import sys, xml.etree.ElementTree as ET
t = [e for e in ET.parse(sys.argv[2]).iter() if e.get("id") == "incomplete"]
sys.exit(0 if t and sys.argv[1] in "".join(t[0].itertext()) else 1)' "$where" "$TMP/p.svg" ;;
	esac
}

# case FILE WHERE STDERR-REGEX DESC: every output says WHERE, stderr says STDERR-REGEX once.
incomplete_case() {
	local f=$1 where=$2 said=$3 desc=$4 o name n
	for o in "${outputs[@]}"; do
		name=${o%%|*}
		run "${o#*|}" "$f"
		n=$(grep -c -- "$said" "$TMP/err")
		if [[ $rc -eq 1 && $n -eq 1 ]] && said_in_output "$name" "$where"; then
			ok "$desc, $name: exit 1, the output says '$where', stderr once"
		else
			bad "$desc, $name: exit $rc, stderr said it $n times: $(head -c 300 "$TMP/err"); out: $(grep -a -m2 -i 'incomplete' "$TMP/out" "$TMP/p.svg" 2>/dev/null | head -c 300)"
		fi
		cp "$TMP/out" "$TMP/out.1"
		[[ -e $TMP/p.svg ]] && cp "$TMP/p.svg" "$TMP/p.1.svg"
		run "${o#*|} --partial-ok" "$f"
		if [[ $rc -eq 0 ]] && cmp -s "$TMP/out" "$TMP/out.1" && { [[ $name != plot ]] || cmp -s "$TMP/p.svg" "$TMP/p.1.svg"; }; then
			ok "$desc, $name --partial-ok: exit 0, the same output"
		else
			bad "$desc, $name --partial-ok: exit $rc, output differs: $(head -c 200 "$TMP/err")"
		fi
	done
}

# The ring buffer overwrote events: its header line says so.
f=$BED/ftrace-64-overrun.txt
l=$(grep -n -m1 '^# entries-in-buffer/entries-written:' "$f" | cut -d: -f1)
incomplete_case "$f" "events were lost at line $l" "incomplete input .*lost at line $l" "lost events (ftrace-64-overrun.txt)"

# One line damaged, skipped with --skip-bad: its line number.
l=$(grep -n ' kvm_exit: ' "$BED/ftrace-64.txt" | sed -n '50p' | cut -d: -f1)
awk -v L="$l" 'NR == L { sub(/reason [a-z]+/, "reason nosuchname") } { print }' "$BED/ftrace-64.txt" >"$TMP/skip.txt"
outputs_plain=("${outputs[@]}")
for i in "${!outputs[@]}"; do outputs[i]="${outputs[i]} --skip-bad"; done
incomplete_case "$TMP/skip.txt" "line skipped (--skip-bad): line $l" "incomplete input .*: line $l\$" "a line skipped"
outputs=("${outputs_plain[@]}")

# One record cut short (the copy of a live trace_pipe stops inside the reason).
l=$(grep -n ' kvm_exit: ' "$BED/ftrace-64.txt" | sed -n '60p' | cut -d: -f1)
awk -v L="$l" 'NR == L { sub(/reason .*/, "reason i") } { print }' "$BED/ftrace-64.txt" >"$TMP/cut.txt"
incomplete_case "$TMP/cut.txt" "cut short or abridged (1 exits counted without a time in exit, 1 of them of a reason cut off); lines $l" \
	"incomplete input .*lines $l\$" "a record cut short"

# Reading stops at a damaged line (no --skip-bad): what came before, and the line.
l=$(grep -n ' kvm_exit: ' "$BED/ftrace-64.txt" | sed -n '300p' | cut -d: -f1)
awk -v L="$l" 'NR == L { sub(/reason [a-z]+/, "reason nosuchname") } { print }' "$BED/ftrace-64.txt" >"$TMP/stop.txt"
incomplete_case "$TMP/stop.txt" "reading stopped at $TMP/stop.txt:$l: unknown exit reason" "^exitstat .*: $TMP/stop.txt:$l: " \
	"reading stopped at a damaged line"

# A damaged recording block (4 bytes flipped in the middle of a block's body).
if ! start=$(python3 - "$REC" "$TMP/damaged.rec" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off, blocks = 64, []
while off + 48 <= len(d):
    magic, typ, clen = struct.unpack_from('<III', d, off)
    assert magic == 0x31425845
    blocks.append((off, off + 48 + clen))
    off += 48 + clen
s, e = blocks[len(blocks) // 2]
for i in range(4):
    d[(s + e) // 2 + i] ^= 0xff
open(sys.argv[2], 'wb').write(d)
print(s)
EOF
); then
	bad "cannot walk the blocks of $REC"
else
	incomplete_case "$TMP/damaged.rec" "damaged block skipped (" "incomplete input .*at offset $start)" \
		"a damaged recording block at offset $start"
	# the offset itself, in the report's note
	run "report" "$TMP/damaged.rec"
	if grep -q "^note: INCOMPLETE: .*at offset $start)" "$TMP/out"; then
		ok "damaged recording: the note names offset $start"
	else
		bad "damaged recording: note $(grep '^note' "$TMP/out")"
	fi
fi

# A gzip stream cut in half: what came before, and the decoder's message.
gzip -c "$BED/perf-64.txt" >"$TMP/full.gz"
head -c $(($(stat -c %s "$TMP/full.gz") / 2)) "$TMP/full.gz" >"$TMP/cut.gz"
incomplete_case "$TMP/cut.gz" "reading stopped at $TMP/cut.gz: gzip data ends" "^exitstat .*: $TMP/cut.gz: gzip data ends" \
	"a gzip file cut in half"

# A complete read exits 0 and has no INCOMPLETE mark.
for o in "${outputs[@]}"; do
	name=${o%%|*}
	run "${o#*|}" "$BED/ftrace-64.txt"
	if [[ $rc -eq 0 && ! -s $TMP/err ]] && ! grep -q 'INCOMPLETE\|"incomplete":true' "$TMP/out" && ! grep -q 'id="incomplete"' "$TMP/p.svg" 2>/dev/null; then
		ok "a complete trace, $name: exit 0, nothing on stderr, no INCOMPLETE mark"
	else
		bad "a complete trace, $name: exit $rc, stderr $(head -c 200 "$TMP/err")"
	fi
done

assert_summary "check-report-partial"
