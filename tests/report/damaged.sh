#!/usr/bin/env bash
# Damaged and cut input (issue 13 items 1, 2, 8), end to end through
# `exitstat report`: a real recording (docs/worked-example/ide/boot.rec,
# 122096 exits: its report.json) with flipped bytes in a block header, a
# block body and the trailer, and cut at each tenth of its length.
#
# Ground truth, never the code under test: the block layout is walked here,
# in Python, from docs/record-format.md (magic, compressed length, exits per
# block), so the exits of every intact block are known; each damaged copy
# must give exactly those, exit 1, name the damaged offset on stdout (the
# report's note) and finish in time (no hang).
#
# Usage: tests/report/damaged.sh   (EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
EXITSTAT=${EXITSTAT:-build/exitstat}
REC=docs/worked-example/ide/boot.rec
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-damaged.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

. tests/lib/assert.sh

need_built "$EXITSTAT"

total=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"])' \
	docs/worked-example/ide/report.json)

# "start end exits type" per block of a recording (version 1 or 2 header layout).
blocks() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off = 64
while off + 48 <= len(d):
    magic, typ, clen, rlen, nev = struct.unpack_from('<IIIII', d, off)
    assert magic == 0x31425845, off
    print(off, off + 48 + clen, nev, typ)
    off += 48 + clen
EOF
}

blocks "$REC" >"$TMP/blocks" || { bad "cannot walk the blocks of $REC"; assert_summary "" || exit 1; }
nblocks=$(wc -l <"$TMP/blocks")
sum=$(awk '{ s += $3 } END { print s }' "$TMP/blocks")
equal "$REC: the blocks hold report.json's $total exits ($nblocks blocks)" "$sum" "$total"

# Copy of REC with 4 bytes at OFF xor 0xff.
flip() {
	python3 - "$REC" "$2" "$1" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
o = int(sys.argv[3])
for i in range(4):
    d[o + i] ^= 0xff
open(sys.argv[2], 'wb').write(d)
EOF
}

# Runs the report of FILE (10 s at most); sets rc, got (exits in the header
# line) and note (the report's note line).
run_report() {
	timeout 10 "$EXITSTAT" report "$1" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	got=$(sed -n '1s/^exitstat: \([0-9]*\) exits from .*/\1/p' "$TMP/out")
	note=$(grep '^note: ' "$TMP/out")
}

# One damaged copy: exits of the blocks not containing [off, off+4), exit 1,
# the damaged block's offset in the note.
flip_case() {
	local what=$1 off=$2 want start
	read -r start want < <(awk -v o="$off" '$1 <= o && o < $2 { s = $1 } $1 > o || $2 <= o { w += $3 }
		END { print s, w }' "$TMP/blocks")
	flip "$off" "$TMP/f.rec"
	run_report "$TMP/f.rec"
	if [[ $rc -eq 1 && $got == "$want" && $note == *"offset $start"* ]]; then
		ok "flipped bytes in $what (offset $off): $got exits (every intact block), exit 1, note names offset $start"
	else
		bad "flipped bytes in $what (offset $off): exit $rc, $got exits (want $want), note '$note', stderr $(head -c 300 "$TMP/err")"
	fi
}

mid=$(awk -v n="$nblocks" 'NR == int(n / 2) { print $1 }' "$TMP/blocks")
mid_end=$(awk -v n="$nblocks" 'NR == int(n / 2) { print $2 }' "$TMP/blocks")
flip_case "a block header (exits count)" $((mid + 16))
flip_case "a block body" $(((mid + mid_end) / 2))
trailer=$(awk '$4 == 2 { print $1 }' "$TMP/blocks")
# The trailer holds no exits: all are read, the run still fails and says so.
flip "$((trailer + 50))" "$TMP/t.rec"
run_report "$TMP/t.rec"
if [[ $rc -eq 1 && $got == "$total" && $note == *"offset $trailer"* && $note == *"no trailer"* ]]; then
	ok "flipped bytes in the trailer: all $total exits, exit 1, note names offset $trailer and the missing trailer"
else
	bad "flipped bytes in the trailer: exit $rc, $got exits (want $total), note '$note'"
fi

# Streamed through a pipe the reader cannot seek: it stops at the damage, says so, exit 1.
flip "$((mid + 16))" "$TMP/f.rec"
want=$(awk -v o="$mid" '$1 < o { w += $3 } END { print w }' "$TMP/blocks")
cat "$TMP/f.rec" | timeout 10 "$EXITSTAT" report - >"$TMP/out" 2>"$TMP/err"
rc=${PIPESTATUS[1]}
got=$(sed -n '1s/^exitstat: \([0-9]*\) exits from .*/\1/p' "$TMP/out")
if [[ $rc -eq 1 && $got == "$want" ]] && grep -q "offset $mid" "$TMP/out"; then
	ok "damaged recording on a pipe: the $want exits before the damage, exit 1, offset $mid named"
else
	bad "damaged recording on a pipe: exit $rc, $got exits (want $want), stderr $(head -c 300 "$TMP/err")"
fi

# Cut at each tenth: the exits of the blocks wholly before the cut.
size=$(stat -c %s "$REC")
for i in 1 2 3 4 5 6 7 8 9; do
	cutat=$((size * i / 10))
	head -c "$cutat" "$REC" >"$TMP/c.rec"
	want=$(awk -v c="$cutat" '$2 <= c { w += $3 } END { print w + 0 }' "$TMP/blocks")
	at=$(awk -v c="$cutat" '$2 <= c { e = $2 } END { print e + 0 }' "$TMP/blocks")
	run_report "$TMP/c.rec"
	if [[ $rc -eq 1 && $got == "$want" && $note == *"offset $at"* ]]; then
		ok "cut at $i/10 ($cutat bytes): $got exits (every whole block), exit 1, note names offset $at"
	else
		bad "cut at $i/10 ($cutat bytes): exit $rc, $got exits (want $want), note '$note', stderr $(head -c 300 "$TMP/err")"
	fi
done

# getline() out of memory is an error, never the end of the input (it was:
# the exits before the line were reported, exit 0): 100 lines of a trace,
# one 300 MB line under a 200 MB address-space limit, the rest of the trace.
if (ulimit -v 200000 2>/dev/null); then
	src=tests/fixtures/bed/ftrace-16.txt
	{ head -n 100 "$src"; head -c 300000000 /dev/zero | tr '\0' a; echo; tail -n +101 "$src"; } |
		(ulimit -v 200000; "$EXITSTAT" report - >"$TMP/out" 2>"$TMP/err")
	rc=$?
	if [[ $rc -eq 1 ]] && grep -q "<stdin>:101: out of memory reading the line" "$TMP/err"; then
		ok "a line too long for memory: exit 1, '<stdin>:101: out of memory reading the line'"
	else
		bad "a line too long for memory: exit $rc, stderr $(head -c 300 "$TMP/err")"
	fi
else
	skip "a line too long for memory: ulimit -v is not allowed here"
fi

assert_summary "check-report-damaged"
