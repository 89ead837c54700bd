#!/usr/bin/env bash
# End-to-end tests of `exitstat report FILE|-` on real traces.
#
# Ground truth, never the code under test:
# - tests/fixtures/bed/NAME.hist (SVM) and tests/fixtures/bed-vmx/NAME.hist
#   (VMX, kvm_intel under Bochs): the kernel's hist trigger of the same run
#   (exact per-reason counts), and NAME.exitgen.json: what exitgen made the
#   guest do (io, cpuid, msr, hlt counts);
# - tests/fixtures/public/SOURCES.md: hand counts of the published samples;
# - for built traces, the number of copies of real lines this script chose.
#
# Usage: tests/report/run.sh   (from anywhere; EXITSTAT=path overrides the binary)
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/realkvm/hist.sh
EXITSTAT=${EXITSTAT:-build/exitstat}
BED=tests/fixtures/bed
BED_VMX=tests/fixtures/bed-vmx
PUB=tests/fixtures/public
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exitstat-report.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

. tests/lib/assert.sh

if [[ ! -x $EXITSTAT ]]; then
	bad "$EXITSTAT is missing: run make first"
	assert_summary "" || exit 1
fi

# `isa code count` per reason (code in decimal, summed over vCPUs) of the final CSV report.
report_counts() {
	local kind isa code name count rest
	"$EXITSTAT" report --format csv "$@" 2>"$TMP/stderr" |
		while IFS=, read -r kind isa code name count rest; do
			[[ $kind == final ]] && echo "$isa $((code)) $count"
		done | sort
	return "${PIPESTATUS[0]}"
}

# The same from the kernel's hist trigger file $1 of a bed of ISA $2 (default svm).
hist_counts() {
	hist_by_reason "$1" | awk -v isa="${2:-svm}" '{ print isa, $1, $2 }' | sort
}

sum_counts() { awk '{ s += $3 } END { print s + 0 }'; }

# ---- 1. every bed trace (SVM and VMX beds) against the kernel's hist counts of its run ----
for bed in svm:$BED vmx:$BED_VMX; do
	isa=${bed%%:*} dir=${bed#*:}
	for name in ftrace-16 ftrace-64 ftrace-64-vcpus2 perf-16 perf-64 trace-cmd-16 trace-cmd-64 \
		trace-cmd-noplugin-16 trace-cmd-noplugin-64; do
		# the SVM bed's two-vCPU trace is checked per vCPU below
		[[ $isa == svm && $name == ftrace-64-vcpus2 ]] && continue
		txt=$dir/$name.txt
		hist=$dir/${name/-noplugin/}.hist
		if [[ ! -f $txt || ! -f $hist ]]; then
			bad "$txt: fixture missing"
			continue
		fi
		got=$(report_counts "$txt")
		rc=$?
		want=$(hist_counts "$hist" "$isa")
		if [[ $rc -eq 0 && -n $want && $got == "$want" ]]; then
			ok "$txt: per-reason counts equal the kernel's hist ($(sum_counts <<<"$want") exits)"
		else
			bad "$txt: rc $rc; report: $(tr '\n' ';' <<<"$got") hist: $(tr '\n' ';' <<<"$want") $(head -c 300 "$TMP/stderr")"
		fi
	done
done

# Two vCPUs: per vCPU too (--per-vm adds exits per VM and vCPU to the JSON).
got=$(report_counts "$BED/ftrace-64-vcpus2.txt")
want=$(hist_counts "$BED/ftrace-64-vcpus2.hist")
if [[ -n $want && $got == "$want" ]]; then
	ok "ftrace-64-vcpus2.txt (two vCPUs): per-reason counts equal the kernel's hist"
else
	bad "ftrace-64-vcpus2.txt: report $(tr '\n' ';' <<<"$got") hist $(tr '\n' ';' <<<"$want")"
fi

# A ring buffer too small for the run: the events it overwrote are reported as
# lost, equal to the ring buffer's own overrun count.
for dir in "$BED" "$BED_VMX"; do
	overrun=$(awk '/^overrun:/ { s += $2 } END { print s + 0 }' "$dir/ftrace-64-overrun.ringbuffer-stats")
	lost=$("$EXITSTAT" report --format json "$dir/ftrace-64-overrun.txt" 2>/dev/null | sed -n 's/.*"lost":\([0-9]*\).*/\1/p' | head -1)
	if [[ $overrun -gt 0 && $lost == "$overrun" ]]; then
		ok "$dir/ftrace-64-overrun.txt: $lost lost events reported, the ring buffer's overrun"
	else
		bad "$dir/ftrace-64-overrun.txt: report says lost '$lost', ring buffer overrun $overrun"
	fi
done

# ---- 2. the exits exitgen caused, the same in every renderer ----
# exitgen's expected counts (its JSON): io (0x7b=123), cpuid (0x72=114), msr (0x7c=124), hlt (0x78=120).
for txt in "$BED"/*-{16,64}.txt "$BED/ftrace-64-vcpus2.txt"; do
	json=${txt%.txt}
	json=${json/-noplugin/}.exitgen.json
	[[ -f $json ]] || { bad "$txt: no exitgen json"; continue; }
	# the whole VM's "expected" (the per_vcpu ones come after it)
	top=$(sed 's/"per_vcpu".*//' "$json")
	exp=
	for pair in cpuid:114 hlt:120 io:123 msr:124; do
		n=$(sed -n "s/.*\"expected\":{[^}]*\"${pair%%:*}\":\([0-9]*\).*/\1/p" <<<"$top")
		[[ -n $n && $n -gt 0 ]] && exp+="svm ${pair#*:} $n;"
	done
	got=$(report_counts "$txt" | awk '$2 == 114 || $2 == 120 || $2 == 123 || $2 == 124' | tr '\n' ';')
	if [[ -n $exp && "$got" == "$exp" ]]; then
		ok "$txt: io, cpuid, msr, hlt equal exitgen's steps"
	else
		bad "$txt: report $got, exitgen $exp"
	fi
done

# ---- 3. one trace.dat rendered with and without the kvm plugin: identical reports ----
for mode in 16 64; do
	a=$("$EXITSTAT" report --format csv "$BED/trace-cmd-$mode.txt" 2>/dev/null | cut -d, -f1-5,8-9)
	b=$("$EXITSTAT" report --format csv "$BED/trace-cmd-noplugin-$mode.txt" 2>/dev/null | cut -d, -f1-5,8-9)
	if [[ -n $a && $a == "$b" ]]; then
		ok "trace-cmd-$mode: plugin and kernel renderings give identical counts and times in exit"
	else
		bad "trace-cmd-$mode: renderings differ"
	fi
done

# ---- 4. the published samples against SOURCES.md ----
# Total exits: `kvm_exit event lines` minus the `<truncated>` ones, read with --skip-bad.
while IFS= read -r line; do
	case $line in
	"## "*) file=${line#\#\# } ;;
	"- kvm_exit event lines: "*)
		n=${line#- kvm_exit event lines: }
		n=${n%%;*}
		;;
	"- Per-reason (event lines): "*)
		trunc=$(sed -n 's/.*<truncated>=\([0-9]*\).*/\1/p' <<<"$line")
		want=$((n - ${trunc:-0}))
		got=$(report_counts --skip-bad "$PUB/$file" | sum_counts)
		skipped=$(grep -c '(skipped)' "$TMP/stderr")
		if [[ $got -eq $want && $skipped -eq ${trunc:-0} ]]; then
			ok "$file: $got exits, ${trunc:-0} truncated line(s) skipped, as SOURCES.md counts"
		else
			bad "$file: $got exits and $skipped skipped; SOURCES.md: $want exits, ${trunc:-0} truncated"
		fi
		;;
	esac
done <"$PUB/SOURCES.md"

# ---- 5. a corrupted line: file:line, non-zero exit; --skip-bad lists it and goes on ----
src=$BED/ftrace-64.txt
total=$(hist_counts "$BED/ftrace-64.hist" | sum_counts)
line=$(grep -n 'kvm_exit: ' "$src" | sed -n '100p' | cut -d: -f1)
bad_file=$TMP/corrupt.txt
# Cut the record inside its reason, as a copy from a live trace_pipe does.
awk -v L="$line" 'NR == L { sub(/reason .*/, "reason i") } { print }' "$src" >"$bad_file"
"$EXITSTAT" report "$bad_file" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [[ $rc -ne 0 ]] && grep -q "^$bad_file:$line: .*kvm_exit: vcpu 0 reason i$" "$TMP/err"; then
	ok "corrupted line: exit $rc, says $bad_file:$line and the text"
else
	bad "corrupted line: exit $rc, stderr: $(head -c 300 "$TMP/err")"
fi
got=$(report_counts --skip-bad "$bad_file" | sum_counts)
rc=$?
if [[ $rc -eq 0 && $got -eq $((total - 1)) ]] && grep -q ":$line: .*(skipped)" "$TMP/stderr"; then
	ok "corrupted line with --skip-bad: $got exits (one fewer), line $line listed"
else
	bad "corrupted line with --skip-bad: rc $rc, $got exits (want $((total - 1))), stderr: $(head -c 300 "$TMP/stderr")"
fi

# ---- 6. --every 10000 on 35,000 exits: three interim reports and a final one ----
# 700 real exits (and the entries between them) of the bed's ftrace trace, copied 50
# times with timestamps moved on by 1 s per copy: 35,000 exits by construction.
big=$TMP/35000.txt
slice=$TMP/slice.txt
awk '/^#/ { next } { print } / kvm_exit: / && ++n == 700 { getline; print; exit }' "$src" >"$slice"
if [[ $(grep -c ' kvm_exit: ' "$slice") -ne 700 ]]; then
	bad "could not take 700 exits from $src"
else
	awk 'BEGIN { for (r = 0; r < 50; r++) { while ((getline l < ARGV[1]) > 0) {
		n = split(l, f, " ")
		for (i = 1; i <= n; i++) if (f[i] ~ /^[0-9]+\.[0-9]+:$/) { ts = f[i]; break }
		ts = substr(ts, 1, length(ts) - 1)
		p = index(l, ts ":")
		print substr(l, 1, p - 1) sprintf("%.6f", ts + r * 1.0) substr(l, p + length(ts))
	} close(ARGV[1]) } }' "$slice" >"$big"
	"$EXITSTAT" report --every 10000 --format json "$big" >"$TMP/every.json" 2>"$TMP/err"
	rc=$?
	interim=$(grep -c '"final":false' "$TMP/every.json")
	finals=$(grep -c '"final":true' "$TMP/every.json")
	totals=$(sed -n 's/.*"total":\([0-9]*\),.*/\1/p' "$TMP/every.json" | head -4 | tr '\n' ' ')
	if [[ $rc -eq 0 && $interim -eq 3 && $finals -eq 1 && $totals == "10000 20000 30000 35000 " ]]; then
		ok "--every 10000 on 35,000 exits: 3 interim reports (10000 20000 30000) and a final 35000"
	else
		bad "--every 10000: rc $rc, $interim interim, $finals final, totals $totals $(head -c 200 "$TMP/err")"
	fi
	# Per reason: 50 x the slice's count of each reason (counted here with grep).
	want=$(for r in interrupt cpuid hlt io msr npf; do
		c=$(grep -c " reason $r rip" "$slice")
		[[ $c -gt 0 ]] && echo "$r $((c * 50))"
	done | sort)
	got=$("$EXITSTAT" report --format csv "$big" 2>/dev/null | awk -F, '$1 == "final" { print $4, $5 }' | sort)
	if [[ $got == "$want" ]]; then
		ok "35,000-exit trace: per-reason counts are 50 x the slice's"
	else
		bad "35,000-exit trace: $(tr '\n' ';' <<<"$got") want $(tr '\n' ';' <<<"$want")"
	fi
	"$EXITSTAT" report --every 10000 "$big" >"$TMP/every.txt" 2>&1
	tables=$(grep -c '^isa  *code  *reason' "$TMP/every.txt")
	if [[ $tables -eq 4 ]]; then
		ok "--every 10000 table output: 4 tables"
	else
		bad "--every 10000 table output: $tables tables"
	fi
fi

# ---- 7. stdin, CRLF line ends, a file with no kvm events ----
want=$(report_counts "$BED/perf-64.txt")
got=$(report_counts - <"$BED/perf-64.txt")
if [[ -n $want && $got == "$want" ]]; then ok "stdin (-) reads like a file"; else bad "stdin: $got"; fi
sed 's/$/\r/' "$BED/trace-cmd-16.txt" >"$TMP/crlf.txt"
got=$(report_counts "$TMP/crlf.txt")
want=$(hist_counts "$BED/trace-cmd-16.hist")
if [[ $got == "$want" ]]; then ok "CRLF line ends"; else bad "CRLF: $got"; fi
"$EXITSTAT" report "$BED/kvm_exit.format" >/dev/null 2>"$TMP/err"
rc=$?
if [[ $rc -ne 0 ]] && grep -q "no kvm_exit or kvm_entry events" "$TMP/err"; then
	ok "a file without kvm events: exit $rc and says so"
else
	bad "a file without kvm events: exit $rc, $(head -c 200 "$TMP/err")"
fi

assert_summary ""
