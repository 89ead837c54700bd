#!/usr/bin/env bash
# End-to-end tests of `exitstat report` on the binary recordings users have:
# trace-cmd's trace.dat (read through libtracecmd by its fields) and perf.data
# (read by `perf script` as a child), recorded in the real-KVM beds
# (tests/fixtures/binary/ SVM, tests/fixtures/binary-vmx/ VMX; README.md there).
#
# Ground truth, never the code under test: NAME.hist, the guest kernel's hist
# trigger of the same run (exact per-reason counts), and for time in exit
# `trace-cmd report -t` (trace-cmd's own rendering of the same trace.dat,
# with ns timestamps).
#
# Usage: tests/report/binary.sh   (from anywhere; EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/realkvm/hist.sh
EXITSTAT=${EXITSTAT:-build/exitstat}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-binary.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

. tests/lib/assert.sh

need_built "$EXITSTAT"

. tests/report/lib.sh

# `isa code time_total_ns` per reason of the JSON report of ARGS.
report_times() {
	"$EXITSTAT" report --format json "$@" 2>/dev/null |
		jq -r '.reasons[] | "\(.isa) \(.code) \(.time_total_ns)"' | sort
}

# ---- 1. every recording's per-reason counts are the kernel's hist of its run ----
for bed in "tests/fixtures/binary svm" "tests/fixtures/binary-vmx vmx"; do
	read -r dir isa <<<"$bed"
	if [[ ! -d $dir ]]; then
		bad "$dir is missing"
		continue
	fi
	# perf reads only the file itself: unpack the stored .xz copies here.
	for x in "$dir"/*.data.xz; do
		xz -dc "$x" >"$TMP/$isa-$(basename "${x%.xz}")" || bad "cannot unpack $x"
	done
	# trace-cmd-instance.dat: trace-cmd record -B, the events in a buffer instance
	for f in "$dir/trace-cmd.dat" "$dir/trace-cmd-instance.dat" "$TMP/$isa-perf.data" \
		"$TMP/$isa-perf-kvm-stat.data"; do
		base=$(basename "$f")
		base=${base#"$isa"-}
		hist=$dir/${base%.*}.hist
		got=$(report_counts "$f")
		rc=$?
		equal "$isa $base: exit status" "$rc" 0
		equal "$isa $base: per-reason counts equal the kernel's hist ($(hist_total "$hist") exits)" \
			"$got" "$(hist_counts "$hist" "$isa")"
		src=$("$EXITSTAT" report --format json "$f" 2>/dev/null | jq -r .source)
		case $base in
		*.dat) want="trace-cmd trace.dat $f" ;;
		*) want="perf.data $f (read by perf script)" ;;
		esac
		equal "$isa $base: the report names its source" "$src" "$want"
	done

	# Time in exit: the same as from trace-cmd's own ns rendering of the file.
	trace-cmd report -t -i "$dir/trace-cmd.dat" >"$TMP/$isa-tc.txt" 2>/dev/null ||
		bad "$isa: trace-cmd report -t -i $dir/trace-cmd.dat failed"
	equal "$isa trace-cmd.dat: time in exit per reason (ns) equals that of trace-cmd report -t" \
		"$(report_times "$dir/trace-cmd.dat")" "$(report_times "$TMP/$isa-tc.txt")"

	# The same file on stdin (a file, which libtracecmd and perf can seek in).
	equal "$isa trace-cmd.dat on stdin: per-reason counts equal the hist" \
		"$(report_counts - <"$dir/trace-cmd.dat")" "$(hist_counts "$dir/trace-cmd.hist" "$isa")"
	equal "$isa perf.data on stdin: per-reason counts equal the hist" \
		"$(report_counts - <"$TMP/$isa-perf.data")" "$(hist_counts "$dir/perf.hist" "$isa")"
done

# ---- 2. lost events: perf.data of a one-page buffer ----
# perf's own account (perf report --stats, per event): LOST_SAMPLES of kvm_exit
# and kvm_entry. The report's lost events must be their sum, and its exits plus
# the kvm_exit ones lost must be the kernel's hist of the run. The SVM bed's
# always loses (make-binary-fixtures.sh insists); the VMX bed's is kept when
# perf lost events under Bochs that time.
lost_of() {
	awk -v ev="$2" '/^[a-z_]+:[a-z_]+ stats:/ {cur = $1} cur ~ ev && /LOST_SAMPLES events:/ {n += $3}
		END {print n + 0}' "$1"
}
for L in tests/fixtures/binary/perf-lost tests/fixtures/binary-vmx/perf-lost; do
	[[ $L == *-vmx/* && ! -f $L.data.xz ]] && continue
	xz -dc $L.data.xz >"$TMP/perf-lost.data" || bad "cannot unpack $L.data.xz"
	# lost events: incomplete, so status 1 (the one input rule), and 0 with --partial-ok
	"$EXITSTAT" report --format json "$TMP/perf-lost.data" >"$TMP/lost.json" 2>"$TMP/lost.err"
	equal "$L.data: exit status 1 (events were lost)" "$?" 1
	"$EXITSTAT" report --partial-ok --format json "$TMP/perf-lost.data" >/dev/null 2>&1
	equal "$L.data: exit status with --partial-ok" "$?" 0
	exit_lost=$(lost_of $L.stats '^kvm:kvm_exit$')
	all_lost=$(lost_of $L.stats '^kvm:kvm_(exit|entry)$')
	((exit_lost > 0)) || bad "$L.stats: perf lost no kvm_exit samples (the fixture shows nothing)"
	equal "$L.data: lost events = perf's LOST_SAMPLES of kvm_exit + kvm_entry ($all_lost)" \
		"$(jq .lost "$TMP/lost.json")" "$all_lost"
	equal "$L.data: exits read + kvm_exit samples perf lost ($exit_lost) = the kernel's hist" \
		"$(($(jq .total "$TMP/lost.json") + exit_lost))" "$(hist_total $L.hist)"
	if grep -q "perf script: .*lost" "$TMP/lost.err"; then
		ok "$L.data: perf's warning passed on: $(grep "perf script: .*lost" "$TMP/lost.err")"
	else
		bad "$L.data: perf's warning about lost samples not passed on: $(head -c 300 "$TMP/lost.err")"
	fi
done

# ---- 3. what cannot be read says why ----
D=tests/fixtures/binary
P=$TMP/svm-perf.data
# No perf in PATH (exitstat itself is run by its path).
PATH=/nonexistent "$EXITSTAT" report "$P" >/dev/null 2>"$TMP/err"
rc=$?
if [[ $rc -ne 0 ]] && grep -q "reading it needs \`perf\`, which is not installed (Debian package linux-perf)" "$TMP/err"; then
	ok "perf.data without perf installed: exit $rc, $(head -1 "$TMP/err")"
else
	bad "perf.data without perf installed: exit $rc, stderr: $(head -c 300 "$TMP/err")"
fi
head -c 3000 "$P" >"$TMP/cut.data"
report_fails "perf.data cut short: perf's own error and exit status passed on" \
	"\`perf script -i $TMP/cut.data\` failed (exit [1-9][0-9]*): ." "$TMP/cut.data"
head -c 12000 "$D/trace-cmd.dat" >"$TMP/cut.dat"
report_fails "trace.dat cut short: named, with the library that could not read it" \
	"$TMP/cut.dat: libtracecmd" "$TMP/cut.dat"
xz -c "$D/trace-cmd.dat" >"$TMP/tc.dat.xz"
report_fails "xz-compressed trace.dat: says to unpack it" \
	"a xz-compressed trace-cmd trace.dat, which libtracecmd reads only from the file itself: unpack it first (xz -dk FILE)" \
	"$TMP/tc.dat.xz"
gzip -c "$P" >"$TMP/p.data.gz"
report_fails "gzip-compressed perf.data: says to unpack it" "a gzip-compressed perf.data" "$TMP/p.data.gz"
report_fails "trace.dat on a pipe: says to give the file" \
	"<stdin>: a trace-cmd trace.dat on a pipe, which libtracecmd must read from a file" \
	- < <(cat "$D/trace-cmd.dat")
report_fails "perf.data on a pipe: says to give the file" \
	"<stdin>: a perf.data on a pipe, which perf must read from a file" - < <(cat "$P")

assert_summary ""
