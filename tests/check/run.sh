#!/usr/bin/env bash
# check-make-check: the `make check` loop (top-level Makefile + scripts/check.sh)
# on fake test groups (tests/check/check.mk), through the real `make check` with
# CHECKS, SLOW_CHECKS, CHECK_JOBS and CHECK_LOGS set on its command line.
# What the groups do is written here per scenario, so what is true is known
# without asking the loop: which ran, which failed, what each printed and where.
# Two slow groups prove they ran side by side by a FIFO handshake (each blocks
# until the other opens its end; run one after the other, the first times out),
# and the harness releases a group only when the loop has printed a given line:
# no sleeps, an order that does not depend on the machine's load.
set -uo pipefail
cd "$(dirname "$0")/../.."

. tests/lib/assert.sh

tmp=$(mktemp -d /tmp/exitstat-check-make-check.XXXXXX) || { echo "check-make-check: mktemp failed"; exit 1; }
trap '[[ -n ${KEEP:-} ]] || rm -rf "$tmp"' EXIT

# scenario NAME: a fresh directory D for the fake groups' scripts, FIFOs and logs.
scenario() {
	D=$tmp/$1
	mkdir -p "$D"
	echo "-- $1"
}

# group NAME <<'EOF' ... : the script of fake group NAME in this scenario ($D is exported).
group() { cat >"$D/fake-check-$1.sh"; }

# run_check MAKE-ARGS...: `make check MAKE-ARGS`, its output into $D/out and
# $OUT, RC its exit status. The first line matching ON[i] (if any) makes the
# harness write one line to FIFO[i]: a fake group blocked reading it goes on.
run_check() {
	local line i fired=()
	: >"$D/out"
	(
		export D
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory check \
			FAKE_CHECK_DIR="$D" CHECK_LOGS="$D/logs" SLOW_CHECKS='fake-check-slow%' "$@" </dev/null 2>&1
		echo "@@harness-exit $?"
	) | while IFS= read -r line; do
		printf '%s\n' "$line" >>"$D/out"
		for i in "${!ON[@]}"; do
			[[ -z ${fired[i]:-} && $line =~ ${ON[i]} ]] || continue
			fired[i]=1
			timeout 60 bash -c 'echo go >"$1"' _ "${FIFO[i]}" ||
				echo "@@harness: nobody read ${FIFO[i]}" >>"$D/out"
		done
	done
	RC=$(sed -n 's/^@@harness-exit //p' "$D/out")
	OUT=$(grep -v '^@@harness-exit ' "$D/out")
	ON=() FIFO=()
}
ON=() FIFO=()

# The lines of OUT from the one matching FROM to the one matching TO (both excluded).
between() { awk -v a="$1" -v b="$2" '$0 ~ b && on { exit } on { print } $0 ~ a { on = 1 }' <<<"$OUT"; }
# Line number in OUT of the first line matching REGEX (0: none).
line_of() { awk -v r="$1" '$0 ~ r { print NR; f = 1; exit } END { if (!f) print 0 }' <<<"$OUT"; }
# The summary row of GROUP, blanks squeezed.
row() { between '^==== make check: summary$' '^total wall time' | awk -v g="$1" '$1 == g' | tr -s ' '; }
before() { # name, regex A, regex B: A's line comes before B's, both present
	local a b
	a=$(line_of "$2") b=$(line_of "$3")
	if ((a > 0 && b > 0 && a < b)); then ok "$1"; else bad "$1 (lines $a and $b)"; fi
}

# ---- 1. Two slow groups side by side, two quick ones first; slow2 ends first.
scenario parallel
mkfifo "$D/s1-to-s2" "$D/release-slow1" "$D/release-slow2"
group q1 <<'EOF'
echo "q1: hello"
echo "check-where: fake place Q1"
EOF
group q2 <<'EOF'
echo "q2: hello"
EOF
group slow1 <<'EOF'
echo "slow1: line 1"
timeout 30 bash -c 'echo hi >"$1"' _ "$D/s1-to-s2" || { echo "slow1: slow2 never read: not side by side"; exit 1; }
echo "slow1: line 2"
timeout 60 bash -c 'read -r x <"$1"' _ "$D/release-slow1" || { echo "slow1: never released"; exit 1; }
echo "check-where: fake bed S1"
echo "slow1: line 3"
EOF
group slow2 <<'EOF'
echo "slow2: line 1"
timeout 30 bash -c 'read -r x <"$1"' _ "$D/s1-to-s2" || { echo "slow2: slow1 never wrote: not side by side"; exit 1; }
timeout 60 bash -c 'read -r x <"$1"' _ "$D/release-slow2" || { echo "slow2: never released"; exit 1; }
echo "slow2: line 2"
EOF
# slow2 is released once the heartbeat names both; slow1 once it names slow1
# alone (slow2 has ended and been reported).
ON=('^==== still running: fake-check-slow[12] \([0-9]+ s\) fake-check-slow[12] \([0-9]+ s\)$'
	'^==== still running: fake-check-slow1 \([0-9]+ s\)$')
FIFO=("$D/release-slow2" "$D/release-slow1")
CHECK_HEARTBEAT=1 run_check CHECKS="fake-check-slow1 fake-check-q1 fake-check-slow2 fake-check-q2" CHECK_JOBS=2
equal "parallel: make check exits 0" "$RC" 0
before "parallel: quick q1 runs before quick q2" '^==== fake-check-q1$' '^==== fake-check-q2$'
before "parallel: the quick groups run before the slow ones (listed first)" '^==== fake-check-q2 passed' \
	'^==== fake-check-slow1 started'
before "parallel: slow1 starts before slow2 (CHECKS order)" '^==== fake-check-slow1 started' \
	'^==== fake-check-slow2 started'
before "parallel: slow2 ends first" '^==== fake-check-slow2 passed' '^==== fake-check-slow1 passed'
check "parallel: the handshake went through (side by side)" grep -q '^slow2: line 2$' <<<"$OUT"
equal "parallel: slow1's output printed whole, not interleaved" \
	"$(between '^==== fake-check-slow1: its output$' '^==== fake-check-slow1 passed')" \
	"$(printf 'slow1: line 1\nslow1: line 2\ncheck-where: fake bed S1\nslow1: line 3')"
equal "parallel: slow2's output printed whole" \
	"$(between '^==== fake-check-slow2: its output$' '^==== fake-check-slow2 passed')" \
	"$(printf 'slow2: line 1\nslow2: line 2')"
equal "parallel: slow1's log is its whole output" "$(cat "$D/logs/fake-check-slow1.log")" \
	"$(printf 'slow1: line 1\nslow1: line 2\ncheck-where: fake bed S1\nslow1: line 3')"
equal "parallel: q1's log" "$(cat "$D/logs/fake-check-q1.log")" "$(printf 'q1: hello\ncheck-where: fake place Q1')"
equal "parallel: the shared prerequisite was made once" "$(wc -l <"$D/shared-prereq.count")" 1
before "parallel: ... before the slow groups started" "^==== the slow groups' prerequisites, once: .*shared-prereq" \
	'^==== fake-check-slow1 started'
equal "parallel: summary rows in CHECKS order (quick first), whatever ended first" \
	"$(between '^==== make check: summary$' '^total wall time' | awk 'NR > 1 { print $1 }' | paste -sd' ')" \
	"fake-check-q1 fake-check-q2 fake-check-slow1 fake-check-slow2"
check "parallel: q1 row: passed, seconds, its check-where" grep -Eq \
	'^fake-check-q1 passed [0-9]+ fake place Q1$' <<<"$(row fake-check-q1)"
check "parallel: q2 row: no check-where line: host" grep -Eq '^fake-check-q2 passed [0-9]+ host$' \
	<<<"$(row fake-check-q2)"
check "parallel: slow1 row: where it said" grep -Eq '^fake-check-slow1 passed [0-9]+ fake bed S1$' \
	<<<"$(row fake-check-slow1)"
check "parallel: slow2 row: host" grep -Eq '^fake-check-slow2 passed [0-9]+ host$' <<<"$(row fake-check-slow2)"
check "parallel: the total wall time" grep -Eq '^total wall time: [0-9]+ s ' <<<"$OUT"
equal "parallel: the last line" "$(tail -n 1 <<<"$OUT")" "make check: all 4 test groups passed"

# ---- 2. A slow group fails while another runs: make check fails, shows its log,
# lets the running one finish and starts no more.
scenario parallel-failure
mkfifo "$D/release-slow2"
group q1 <<'EOF'
echo "q1: fine"
EOF
group slow1 <<'EOF'
echo "slow1: about to fail"
echo "check-where: fake bed F"
exit 3
EOF
group slow2 <<'EOF'
timeout 60 bash -c 'read -r x <"$1"' _ "$D/release-slow2" || { echo "slow2: never released"; exit 1; }
echo "slow2: released"
EOF
group slow3 <<'EOF'
touch "$D/slow3-ran"
EOF
ON=('^==== fake-check-slow1 FAILED') FIFO=("$D/release-slow2")
run_check CHECKS="fake-check-q1 fake-check-slow1 fake-check-slow2 fake-check-slow3" CHECK_JOBS=2
check "parallel failure: make check exits non-zero" test "$RC" -ne 0
equal "parallel failure: the failed group's output is shown (and make's word on it)" \
	"$(between '^==== fake-check-slow1: its output$' '^==== fake-check-slow1 FAILED' |
		sed -E 's/^make(\[[0-9]+\])?: \*\*\* .*(fake-check-slow1\] Error 3)$/make: \2/')" \
	"$(printf 'slow1: about to fail\ncheck-where: fake bed F\nmake: fake-check-slow1] Error 3')"
check "parallel failure: its closing line names the exit status and the log" grep -Fq \
	"==== fake-check-slow1 FAILED (exit 2) after" <<<"$OUT"
check "parallel failure: ... and the log path" grep -Eq "^==== fake-check-slow1 FAILED .*log: $D/logs/fake-check-slow1.log$" <<<"$OUT"
check "parallel failure: the running group finished" grep -Eq '^fake-check-slow2 passed [0-9]+ host$' \
	<<<"$(row fake-check-slow2)"
check "parallel failure: summary row: FAILED, where, log" grep -Eq \
	"^fake-check-slow1 FAILED [0-9]+ fake bed F \(log: $D/logs/fake-check-slow1.log\)$" <<<"$(row fake-check-slow1)"
equal "parallel failure: no group started after the failure" "$(row fake-check-slow3)" "fake-check-slow3 not run - -"
check "parallel failure: ... and it really did not run" test ! -e "$D/slow3-ran"
check "parallel failure: the last line names the group and its log" grep -Fxq \
	"make check: FAILED: fake-check-slow1 (logs: $D/logs/fake-check-slow1.log)" <<<"$(tail -n 2 <<<"$OUT")"

# ---- 3. A quick group fails: nothing after it runs.
scenario quick-failure
group q1 <<'EOF'
echo "q1: broken"
exit 4
EOF
group q2 <<'EOF'
touch "$D/q2-ran"
EOF
group slow1 <<'EOF'
touch "$D/slow1-ran"
EOF
run_check CHECKS="fake-check-q1 fake-check-q2 fake-check-slow1" CHECK_JOBS=2
check "quick failure: make check exits non-zero" test "$RC" -ne 0
check "quick failure: its output is shown" grep -Fxq "q1: broken" <<<"$OUT"
check "quick failure: summary row FAILED with its log" grep -Eq \
	"^fake-check-q1 FAILED [0-9]+ host \(log: $D/logs/fake-check-q1.log\)$" <<<"$(row fake-check-q1)"
equal "quick failure: the next quick group did not run" "$(row fake-check-q2)" "fake-check-q2 not run - -"
equal "quick failure: the slow group did not run" "$(row fake-check-slow1)" "fake-check-slow1 not run - -"
check "quick failure: ... really" test ! -e "$D/q2-ran" -a ! -e "$D/slow1-ran"

# ---- 4. CHECK_JOBS=1: slow groups one after the other, output live; check-where lines merged.
scenario one-job
group q1 <<'EOF'
echo "check-where: place A"
echo "check-where: place B"
EOF
group slow1 <<'EOF'
echo "slow1: alone"
echo "check-where: fake bed"
echo "check-where: fake bed"
EOF
group slow2 <<'EOF'
echo "slow2: alone"
EOF
run_check CHECKS="fake-check-slow1 fake-check-slow2 fake-check-q1" CHECK_JOBS=1
equal "one job: make check exits 0" "$RC" 0
before "one job: q1 first" '^==== fake-check-q1$' '^==== fake-check-slow1$'
before "one job: slow1 before slow2, live" '^slow1: alone$' '^==== fake-check-slow2$'
check "one job: nothing started side by side" bash -c '! grep -q "started (up to" <<<"$1"' _ "$OUT"
check "one job: two different check-where lines: both" grep -Eq '^fake-check-q1 passed [0-9]+ place A; place B$' \
	<<<"$(row fake-check-q1)"
check "one job: the same line twice: once" grep -Eq '^fake-check-slow1 passed [0-9]+ fake bed$' \
	<<<"$(row fake-check-slow1)"

# ---- 5. A bad CHECK_JOBS: one message naming it, non-zero.
scenario bad-jobs
group q1 <<'EOF'
touch "$D/q1-ran"
EOF
run_check CHECKS="fake-check-q1" CHECK_JOBS=two
check "bad CHECK_JOBS: make check exits non-zero" test "$RC" -ne 0
check "bad CHECK_JOBS: says so" grep -Fq "CHECK_JOBS/--jobs is 'two': it must be a number of at least 1" <<<"$OUT"
check "bad CHECK_JOBS: no group ran" test ! -e "$D/q1-ran"

assert_summary check-make-check
