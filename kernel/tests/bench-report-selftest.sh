#!/usr/bin/env bash
# Shows that the count checks of `make bench-kernel` (kernel/bench.sh
# --report-only) can fail: they must pass on a real bed run's results
# (tests/fixtures/bench/: 2 rounds of 2,000 exits per workload) and fail,
# naming the file, on copies damaged in one place each.
# Usage: bench-report-selftest.sh FIXTURE_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../../tests/lib/selftest.sh" FIXTURE_DIR "$@"
. "$here/selftest-lib.sh"
fixture=$1
# The report passes with its table (a "| on" row); each count it rejects is
# one "bench-kernel: " line naming the file.
run=(bash "$here/../bench.sh" --report-only --results DIR)
pass_line='^| on ' fail_line='^bench-kernel: .*'

case_ "real results" "" true
case_ "counting on: an io exit too many" "io.on.1.table: io (0x07b) 2001, exitgen expected 2000" \
	bump io.on.1.table svm 0x07b
case_ "counting on: a cpuid exit too many" "cpuid.on.2.table: cpuid (0x072) 2001, exitgen expected 2000" \
	bump cpuid.on.2.table svm 0x072
case_ "counting on: the hlt missing" "io.on.2.table: hlt (0x078) 0, exitgen expected 1" \
	sed -i '/^svm 0x078 /d' io.on.2.table
case_ "count round: a reason the hist does not have" "cpuid.on.0.table differs from the hist per reason" \
	bump cpuid.on.0.table svm 0x400
case_ "counting on: no cycles" "io.on.1.table: counting on but no cycles" \
	sed -i 's/^# total \([0-9]*\) [0-9]*$/# total \1 0/' io.on.1.table
case_ "counting off: a count" "io.off.2.table: counting off but the table counted" \
	bump io.off.2.table svm 0x07b
case_ "counting off: the total not 0" "cpuid.off.1.table: counting off but the table counted" \
	sed -i 's/^# total 0 0$/# total 0 5/' cpuid.off.1.table
case_ "a table missing" "io.on.1.table is missing or empty" \
	rm io.on.1.table
case_ "a table empty" "cpuid.off.0.table is missing or empty" \
	truncate -s 0 cpuid.off.0.table
case_ "an exitgen run failed" "io.unpatched.2.json: exitgen did not succeed" \
	json io.unpatched.2.json '.ok = false'
case_ "the hist empty" "io.unpatched.0.hist: the hist saw no exit" \
	truncate -s 0 io.unpatched.0.hist

assert_summary bench-report-selftest
