#!/usr/bin/env bash
# Ctrl-C (SIGINT) and SIGTERM on a streaming `exitstat report -` (issue 13
# item 2): the final report of what was read, marked INTERRUPTED, exit
# 128 + the signal (130, 143).
#
# The input is a fifo whose writer never closes it (as `cat trace_pipe |
# exitstat report -`): exactly the first 300 kvm_exit records of a real bed
# trace, so whatever the timing the exits read are those 300 once the third
# interim report (--every=100) is out. That report is the readiness signal:
# the script reads exitstat's output from a second fifo and sends the signal
# only after it has seen it (no sleep). Ground truth: the slice's own
# per-reason counts (grep), never the code under test.
#
# Usage: tests/report/interrupt.sh   (EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
EXITSTAT=${EXITSTAT:-build/exitstat}
SRC=tests/fixtures/bed/ftrace-64.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-interrupt.XXXXXX") || exit 2
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

. tests/lib/assert.sh

need_built "$EXITSTAT"

# The trace up to and including its 300th kvm_exit line.
last=$(grep -n ' kvm_exit: ' "$SRC" | sed -n '300p' | cut -d: -f1)
head -n "$last" "$SRC" >"$TMP/slice.txt"
want=$(grep -o ' reason [a-z_]* ' "$TMP/slice.txt" | awk '{ print $2 }' | sort | uniq -c |
	awk '{ print $2, $1 }' | sort)
equal "the slice holds 300 exits" "$(grep -c ' kvm_exit: ' "$TMP/slice.txt")" 300

# interrupt SIG FORMAT: runs the report on a never-ending fifo, waits for the
# third interim report, sends SIG; sets rc and leaves the output in $TMP/out.
interrupt() {
	local sig=$1 fmt=$2 line seen=0 pid writer
	rm -f "$TMP/in" "$TMP/outp"
	mkfifo "$TMP/in" "$TMP/outp"
	# the writer: the slice, then hold the fifo open until killed
	{ cat "$TMP/slice.txt"; exec sleep 600; } >"$TMP/in" &
	writer=$!
	pids+=("$writer")
	"$EXITSTAT" report --every=100 -f "$fmt" - <"$TMP/in" >"$TMP/outp" 2>"$TMP/err" &
	pid=$!
	pids+=("$pid")
	exec 5<"$TMP/outp"
	: >"$TMP/out"
	# the readiness signal: the third interim report (table: its title; CSV: its total row)
	while IFS= read -r -t 60 line <&5; do
		printf '%s\n' "$line" >>"$TMP/out"
		if [[ $fmt == table && $line == *"interim report 3"* ]] ||
			[[ $fmt == csv && $line == 3,total,* ]]; then
			seen=1
			break
		fi
	done
	if ((seen)); then
		kill -s "$sig" "$pid"
		cat <&5 >>"$TMP/out"
	else
		kill "$pid"
	fi
	exec 5<&-
	wait "$pid"
	rc=$?
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	return $((!seen))
}

# CSV, SIGINT: the final rows are the slice's exits, the note says INTERRUPTED (SIGINT).
if interrupt INT csv; then
	got=$(awk -F, '$1 == "final" && $2 == "reason" { print $5, $8 }' "$TMP/out" | sort)
	note=$(python3 -c 'import csv, sys
for r in csv.reader(open(sys.argv[1])):
    if r[0] == "final" and r[1] == "note": print(r[25])' "$TMP/out")
	if [[ $rc -eq 130 && -n $got && $got == "$want" && $note == "INTERRUPTED (SIGINT): reading stopped at <stdin>:"*"reading interrupted"* ]]; then
		ok "SIGINT on report - (CSV): exit 130, final rows = the 300 exits written, note '$(cut -c1-80 <<<"$note")'"
	else
		bad "SIGINT on report - (CSV): exit $rc, final $(tr '\n' ';' <<<"$got") want $(tr '\n' ';' <<<"$want"), note '$note', stderr $(head -c 300 "$TMP/err")"
	fi
	n=$(grep -c 'reading interrupted' "$TMP/err")
	equal "SIGINT on report -: stderr says it once" "$n" 1
else
	bad "SIGINT on report - (CSV): no third interim report within 60 s: $(head -c 300 "$TMP/err")"
fi

# Table, SIGTERM: exit 143, the final table's total and its INTERRUPTED note.
if interrupt TERM table; then
	total=$(awk '/^exitstat: [0-9]+ exits from / { n = $2 } END { print n }' "$TMP/out")
	if [[ $rc -eq 143 && $total == 300 ]] && grep -q '^note: INTERRUPTED (SIGTERM): ' "$TMP/out" &&
		[[ $(grep -c '^exitstat: [0-9]* exits from ' "$TMP/out") -eq 4 ]]; then
		ok "SIGTERM on report - (table): exit 143, 3 interim tables and a final one of 300 exits, marked INTERRUPTED (SIGTERM)"
	else
		bad "SIGTERM on report - (table): exit $rc, final total '$total', $(grep -c '^exitstat: ' "$TMP/out") tables, note $(grep '^note' "$TMP/out")"
	fi
else
	bad "SIGTERM on report - (table): no third interim report within 60 s: $(head -c 300 "$TMP/err")"
fi

assert_summary "check-report-interrupt"
