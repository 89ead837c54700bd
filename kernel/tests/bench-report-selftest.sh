#!/usr/bin/env bash
# Shows that the count checks of `make bench-kernel` (kernel/bench.sh
# --report-only) can fail: they must pass on a real bed run's results
# (tests/fixtures/bench/: 2 rounds of 2,000 exits per workload) and fail,
# naming the file, on copies damaged in one place each.
# Usage: bench-report-selftest.sh FIXTURE_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$here/../bench.sh
fixture=${1:?usage: bench-report-selftest.sh FIXTURE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/../../tests/lib/assert.sh"

# case_ NAME EXPECTED-MESSAGE-SUBSTRING DAMAGE-COMMAND...: copy, damage, report.
case_() {
	local name=$1 want=$2 out rc
	shift 2
	rm -rf "$tmp/r"
	cp -r "$fixture" "$tmp/r"
	(cd "$tmp/r" && "$@")
	set +e
	out=$(bash "$bench" --report-only --results "$tmp/r" 2>&1)
	rc=$?
	set -e
	if [[ -z $want ]]; then
		if ((rc == 0)) && grep -q '^| on ' <<<"$out"; then ok "$name: the report passes"
		else bad "$name: the report failed on undamaged results (exit $rc):"; grep '^bench-kernel:' <<<"$out"; fi
	elif ((rc != 0)) && grep -qF "$want" <<<"$out"; then
		ok "$name: caught ($(grep -m1 -F "$want" <<<"$out"))"
	else
		bad "$name: exit $rc, no line with '$want'"
	fi
}

# bump TABLE CODE: one more exit in that debugfs row.
bump() {
	awk -v code="$2" '$1 == "svm" && $2 == code { $3 += 1 } 1' "$1" >"$1.new" && mv "$1.new" "$1"
}

case_ "real results" ""
case_ "counting on: an io exit too many" "io.on.1.table: io (0x07b) 2001, exitgen expected 2000" \
	bump io.on.1.table 0x07b
case_ "counting on: a cpuid exit too many" "cpuid.on.2.table: cpuid (0x072) 2001, exitgen expected 2000" \
	bump cpuid.on.2.table 0x072
case_ "counting on: the hlt missing" "io.on.2.table: hlt (0x078) 0, exitgen expected 1" \
	sed -i '/^svm 0x078 /d' io.on.2.table
case_ "count round: a reason the hist does not have" "cpuid.on.0.table differs from the hist per reason" \
	bump cpuid.on.0.table 0x400
case_ "counting on: no cycles" "io.on.1.table: counting on but no cycles" \
	sed -i 's/^# total \([0-9]*\) [0-9]*$/# total \1 0/' io.on.1.table
case_ "counting off: a count" "io.off.2.table: counting off but the table counted" \
	bump io.off.2.table 0x07b
case_ "counting off: the total not 0" "cpuid.off.1.table: counting off but the table counted" \
	sed -i 's/^# total 0 0$/# total 0 5/' cpuid.off.1.table
case_ "a table missing" "io.on.1.table is missing or empty" \
	rm io.on.1.table
case_ "a table empty" "cpuid.off.0.table is missing or empty" \
	truncate -s 0 cpuid.off.0.table
case_ "an exitgen run failed" "io.unpatched.2.json: exitgen did not succeed" \
	sh -c 'jq -c ".ok = false" io.unpatched.2.json >x && mv x io.unpatched.2.json'
case_ "the hist empty" "io.unpatched.0.hist: the hist saw no exit" \
	truncate -s 0 io.unpatched.0.hist

assert_summary bench-report-selftest
