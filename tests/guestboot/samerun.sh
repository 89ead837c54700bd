#!/usr/bin/env bash
# make check-samerun: the kernel's own bed traces of ONE run in all three
# renderings (ftrace text, perf script, trace-cmd report with and without
# plugins; tests/fixtures/samerun/) must give exitstat identical per-reason
# counts, equal to the kernel's hist trigger of that run, with nothing lost,
# and in the same order (cumulative tables every 50 exits are identical).
# A self-test then damages copies and requires the comparison to fail.
set -uo pipefail
EXITSTAT=${EXITSTAT:-build/exitstat}
DIR=${SAMERUN_DIR:-tests/fixtures/samerun}
RENDERINGS=(ftrace.txt perf.txt trace-cmd.txt trace-cmd-noplugin.txt)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
[[ -x $EXITSTAT ]] || { echo "samerun: $EXITSTAT is missing (make)" >&2; exit 1; }
for f in "${RENDERINGS[@]}" samerun.hist exitgen.json; do
	[[ -f $DIR/$f ]] || { echo "samerun: $DIR/$f is missing (bash tests/fixtures/samerun/make.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../realkvm/hist.sh"

# "svm CODE COUNT" lines of the hist (summed over vCPUs), sorted by code.
hist_counts() {
	hist_by_reason "$1" | awk '{ print "svm", $1, $2 }'
}

# "ISA CODE COUNT" lines of exitstat's report, sorted by code; "lost N" and
# "skipped N" lines too, so a rendering that lost events cannot match the hist.
report_counts() {
	"$EXITSTAT" report --format json "$1" >"$tmp/report.json" || return 1
	jq -r '.reasons[] | "\(.isa) \(.code) \(.count)"' "$tmp/report.json" | sort -k2,2n
	jq -r '"lost \(.lost)", "skipped \(.skipped_lines)"' "$tmp/report.json"
}

# Cumulative per-reason tables every 50 exits: equal only if the exits came in
# the same order, i.e. the renderings are of the same run.
every_counts() {
	"$EXITSTAT" report --every=50 --format json "$1" |
		jq -c '[.total, ([.reasons[] | [.isa, .code, .count]] | sort)]'
}

# Compares one directory's renderings with its hist; prints ok/FAIL lines.
compare_dir() {
	local d=$1 f want got
	want=$(hist_counts "$d/samerun.hist"; echo "lost 0"; echo "skipped 0")
	if ! grep -q '^    Dropped: 0$' "$d/samerun.hist"; then
		bad "$d/samerun.hist: the hist trigger dropped entries"
	fi
	for f in "${RENDERINGS[@]}"; do
		if ! got=$(report_counts "$d/$f"); then
			bad "$d/$f: exitstat report failed"
		elif [[ $got == "$want" ]]; then
			ok "$f: per-reason counts = hist ($(hist_total "$d/samerun.hist") exits, nothing lost)"
		else
			bad "$f: per-reason counts differ from the hist"
			diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
		fi
	done
	every_counts "$d/${RENDERINGS[0]}" >"$tmp/every0"
	for f in "${RENDERINGS[@]:1}"; do
		if every_counts "$d/$f" | cmp -s - "$tmp/every0"; then
			ok "$f: same exits in the same order as ${RENDERINGS[0]} (tables every 50 exits)"
		else
			bad "$f: tables every 50 exits differ from ${RENDERINGS[0]}"
		fi
	done
}
hist_total() { awk '/^    Hits:/ {print $2}' "$1"; }

echo "== $DIR: one run, four recorders"
printf '%-8s %-6s %8s\n' isa code hist
hist_counts "$DIR/samerun.hist" | awk '{printf "%-8s %-6s %8s\n", $1, $2, $3}'
compare_dir "$DIR"

# Ground truth from exitgen: the exits its guest was built to make.
for pair in io:123 cpuid:114 msr:124 hlt:120; do
	want=$(jq -r ".expected.${pair%%:*}" "$DIR/exitgen.json")
	got=$(hist_counts "$DIR/samerun.hist" | awk -v c="${pair#*:}" '$2 == c {print $3}')
	if [[ ${got:-0} == "$want" ]]; then
		ok "hist ${pair%%:*} = exitgen expected $want"
	else
		bad "hist ${pair%%:*} = ${got:-0}, exitgen expected $want"
	fi
done

# Self-test: each damage must make compare_dir fail, the intact copy pass.
echo "== self-test: damaged copies must fail"
selftest() {
	local name=$1 d=$tmp/$1 out
	shift
	mkdir -p "$d"
	cp "$DIR"/*.txt "$DIR"/samerun.hist "$d"/
	(cd "$d" && eval "$*")
	out=$(pass=0 fail=0; compare_dir "$d" >/dev/null; echo "$fail")
	if [[ $name == intact ]]; then
		[[ $out == 0 ]] && ok "self-test intact copy passes" || bad "self-test intact copy fails ($out)"
	else
		[[ $out != 0 ]] && ok "self-test $name is caught" || bad "self-test $name is NOT caught"
	fi
}
selftest intact true
# one kvm_exit line (the 100th) gone from the perf rendering
selftest perf-missing-exit "awk '/kvm:kvm_exit/ && ++n == 100 {next} {print}' perf.txt >x && mv x perf.txt"
# the hist counts one io exit more
selftest hist-io-plus-one "awk '/exit_reason: +123 / {sub(/hitcount: +[0-9]+/, \"hitcount: \" \$NF + 1)} {print}' samerun.hist >x && mv x samerun.hist"
# two ftrace exits swap reasons (io <-> cpuid): same total, different order
selftest ftrace-reordered "awk '!a && /reason io / {sub(/reason io /, \"reason cpuid \"); a = 1; print; next} !b && /reason cpuid / {sub(/reason cpuid /, \"reason io \"); b = 1} {print}' ftrace.txt >x && mv x ftrace.txt"

assert_summary samerun
