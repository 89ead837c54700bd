#!/usr/bin/env bash
# `make bench-report` (and so `make bench`): how fast `exitstat report` reads a
# long recording and a long ftrace text trace, and how much memory it takes,
# at 1M and at 10M exits (memory must not grow with the length). Host only.
#
# The inputs are made from a real trace of the real-KVM bed
# (tests/fixtures/bed/ftrace-64.txt, 742 exits of an exitgen guest):
# - text: its kvm_exit/kvm_entry lines repeated by awk (gen-ftrace.awk) with the
#   timestamps moved on at every copy, exactly N exits: not exitstat's writing;
# - recording: the same exits, in the same order, through the library's record
#   writer (gen_record.c; `exitstat record` needs a KVM whose kvm_exit fires).
# Both are checked first: the report's count of each reason must equal what
# the generator wrote (gen_record's own tally), or the bench fails.
#
# Timing: ROUNDS runs of each under GNU time; wall seconds (best), CPU seconds
# (user + sys, least) and peak RSS (largest). The machine may be shared: wall
# time then includes waiting for a CPU, so exits/s is given both ways and the
# targets (docs/bench.md: >= 20M exits/s from a recording, >= 3M from text)
# are judged on CPU time, the reader's own cost; the load average is printed.
#
# Peers, in the same table: `perf script` on a perf.data and `trace-cmd report`
# on a trace.dat of as many exits (peers.sh: a real one from the bed, replayed).
#
#   BENCH_REPORT_EXITS (10000000), BENCH_REPORT_SMALL (1000000), BENCH_REPORT_ROUNDS (3),
#   BENCH_REPORT_PEER_ROUNDS (1: perf script takes ~40 s of CPU per 10M exits)
set -uo pipefail
cd "$(dirname "$0")/../.."
EXITSTAT=${EXITSTAT:-build/exitstat}
GEN_RECORD=${GEN_RECORD:-build/tests/gen_record}
out=${BUILD:-build}/bench
big=${BENCH_REPORT_EXITS:-10000000}
small=${BENCH_REPORT_SMALL:-1000000}
rounds=${BENCH_REPORT_ROUNDS:-3}
fixture=tests/fixtures/bed/ftrace-64.txt
gen_text=tests/bench/gen-ftrace.awk
REC_TARGET=20000000
TEXT_TARGET=3000000

say() { echo "bench-report: $*"; }
die() { echo "bench-report: $*" >&2; exit 1; }

for v in big small rounds; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v=${!v}: not a positive count (BENCH_REPORT_EXITS, _SMALL, _ROUNDS)"
done
[[ -x $EXITSTAT ]] || die "no $EXITSTAT (make)"
[[ -x $GEN_RECORD ]] || die "no $GEN_RECORD (make $GEN_RECORD)"
/usr/bin/time -f %M true >/dev/null 2>&1 || die "no GNU time at /usr/bin/time (Debian package time; scripts/setup.sh installs it)"
mkdir -p "$out" || die "cannot create $out"

# An input is made again when the fixture or its generator's source is newer
# (the recording's binary is relinked at every library change: not that).
fresh() {
	local f=$1 d
	[[ -s $f ]] || return 1
	shift
	for d in "$fixture" "$gen_text" "$@"; do [[ $f -nt $d ]] || return 1; done
}

# The text trace of N exits, and the recording of the same N exits with the
# generator's tally of each reason (NAME COUNT lines) beside it.
make_inputs() {
	local n=$1 txt=$out/report-ftrace-$1.txt rec=$out/report-$1.rec
	if ! fresh "$txt"; then
		say "making $txt ($n exits, awk)"
		awk -v n="$n" -f "$gen_text" "$fixture" >"$txt.tmp" && mv "$txt.tmp" "$txt" ||
			die "generating $txt failed"
	fi
	if ! fresh "$rec" tests/bench/gen_record.c || [[ ! -s $rec.counts ]]; then
		say "making $rec ($n exits, gen_record)"
		awk -v template=1 -f "$gen_text" "$fixture" | "$GEN_RECORD" "$n" "$rec.tmp" >"$rec.counts.tmp" &&
			mv "$rec.tmp" "$rec" && mv "$rec.counts.tmp" "$rec.counts" || die "generating $rec failed"
	fi
}

# The report's NAME COUNT per reason must be the generator's, and the total N.
check_counts() {
	local file=$1 n=$2 want=$3 got
	got=$("$EXITSTAT" report --format csv "$file" | awk -F, '$1 == "final" && $2 == "reason" {print $5, $8}' | sort)
	[[ $got == "$(sort "$want")" ]] ||
		die "FAIL: $file: exitstat's counts by reason differ from the generator's:"$'\n'"exitstat: $got"$'\n'"generator: $(sort "$want" | tr '\n' ' ')"
	[[ $(awk '{n += $2} END {print n}' <<<"$got") == "$n" ]] || die "FAIL: $file: exitstat counted other than $n exits"
}

# ROUNDS runs of CMD...: in BW, BC, BR the best wall seconds, the least CPU
# seconds (user + sys) and the largest peak RSS in KB. Only the command's own
# resources (GNU time -o); ROUNDS from $rounds unless MEASURE_ROUNDS is set.
measure() {
	local i w u s m c t
	t=$(mktemp)
	BW= BC= BR=0
	for ((i = 0; i < ${MEASURE_ROUNDS:-$rounds}; i++)); do
		/usr/bin/time -o "$t" -f '%e %U %S %M' "$@" >/dev/null 2>&1
		read -r w u s m < <(tail -n 1 "$t")
		[[ $m =~ ^[0-9]+$ ]] || { rm -f "$t"; die "FAIL: $* did not run ($(cat "$t"))"; }
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		[[ -z $BW ]] || awk -v a="$w" -v b="$BW" 'BEGIN { exit !(a < b) }' && BW=$w
		[[ -z $BC ]] || awk -v a="$c" -v b="$BC" 'BEGIN { exit !(a < b) }' && BC=$c
		((m > BR)) && BR=$m
	done
	rm -f "$t"
}

rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.2fM", n / t / 1e6; else print "-" }'; }

# One row of the table: LABEL EXITS FILE WALL CPU RSS_KB.
row() {
	local size
	size=$(stat -c %s "$3")
	printf '%-17s %10d %9.1f %7.1f %8s %11s %7s %11s %9.1f\n' "$1" "$2" \
		"$(awk -v s="$size" 'BEGIN { print s / 1048576 }')" "$(awk -v s="$size" -v n="$2" 'BEGIN { print s / n }')" \
		"$4" "$(rate "$2" "$4")" "$5" "$(rate "$2" "$5")" "$(awk -v r="$6" 'BEGIN { print r / 1024 }')"
}

make_inputs "$small"
make_inputs "$big"
# The text holds the recording's exits in the same order: the same tally.
for n in "$small" "$big"; do
	check_counts "$out/report-$n.rec" "$n" "$out/report-$n.rec.counts"
	check_counts "$out/report-ftrace-$n.txt" "$n" "$out/report-$n.rec.counts"
done
say "counts by reason equal the generators' (${small} and ${big} exits, text and recording)"
say "host $(uname -n), $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg) at the start; best of $rounds runs"

declare -A W C R
printf '%-17s %10s %9s %7s %8s %11s %7s %11s %9s\n' reader exits MB B/exit wall_s exits/s cpu_s exits/s_cpu peak_MB
for kind in recording text; do
	for n in "$small" "$big"; do
		if [[ $kind == recording ]]; then f=$out/report-$n.rec; else f=$out/report-ftrace-$n.txt; fi
		measure "$EXITSTAT" report --format csv "$f"
		W[$kind.$n]=$BW C[$kind.$n]=$BC R[$kind.$n]=$BR
		row "exitstat $kind" "$n" "$f" "$BW" "$BC" "$BR"
	done
done
. tests/bench/peers.sh
peers
say "load $(cut -d' ' -f1-3 /proc/loadavg) at the end"

fail=0
# Memory independent of the length: 10x the exits, at most 4 MB more (allocator, page noise).
for kind in recording text; do
	a=${R[$kind.$small]} b=${R[$kind.$big]}
	if ((b > a + 4096)); then
		say "FAIL: $kind: peak RSS $a KB at $small exits, $b KB at $big: grows with the length"
		fail=1
	else
		say "$kind: peak RSS $a KB at $small exits, $b KB at $big: independent of the length"
	fi
done
check_target() {
	local kind=$1 target=$2 c=${C[$1.$big]}
	if awk -v n="$big" -v c="$c" -v t="$target" 'BEGIN { exit !(c > 0 && n / c >= t) }'; then
		say "$kind: $(rate "$big" "$c") exits/s of CPU time (wall $(rate "$big" "${W[$kind.$big]}")): target >= $(rate "$target" 1) met"
	else
		say "FAIL: $kind: $(rate "$big" "$c") exits/s of CPU time: target >= $(rate "$target" 1) missed"
		fail=1
	fi
}
check_target recording "$REC_TARGET"
check_target text "$TEXT_TARGET"
((peer_fail)) && fail=1
exit $fail
