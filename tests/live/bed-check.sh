#!/usr/bin/env bash
# `make check-live-realkvm`: exitstat's live collection (BPF and perf
# backends) and record + report, run inside the real-KVM bed (Debian 6.12,
# kvm_amd under QEMU TCG) on exitgen workloads. For every scenario and method,
# three independent accounts must agree, per SVM exit code:
#   exitgen's "expected" (io, cpuid, msr, hlt), the guest kernel's hist
#   trigger on kvm:kvm_exit (every code, npf and interrupts included), and
#   exitstat's JSON report. Exact, or (perf, record) short by exactly the
#   number of exits exitstat says it lost: each code's kernel - exitstat >= 0,
#   their sum == "lost" (the backends cannot tell which reasons they lost);
#   the in-kernel BPF counts must never lose any.
# The machine is loaded on purpose: two busy loops on the host for the whole
# bed run, and the load-* scenarios run with CPU hogs inside the guest
# (bed-job.sh), so a backend that falls behind is caught undercounting.
# Methods: bpf (tp_btf + CO-RE), bpf-tp (BPF on the classic tracepoint), notime
# (BPF, --no-time: exact counts, no exit timed), bpf-hash (BPF with one row:
# a second vCPU thread counts in the exit_stats hash instead), perf,
# record (exitstat record + report), lost (a recorder stopped while its ring
# overflows: the lost count must be shown, and recorded + lost == the kernel's),
# perf-lost (the same for the perf backend: exitstat stopped while exitgen
# runs, its 1 MiB ring overflows, and it must count and say what it lost),
# detail (--detail's keys) and hotspots (--hotspots: the exits at each of
# exitgen's steps' RIPs, from exitgen --layout).
# usage: bed-check.sh [--methods "bpf bpf-tp perf record lost"] [--results DIR] [--verify-only]
set -uo pipefail

echo "check-where: real-KVM bed (kvm_amd under QEMU TCG)"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/realkvm/hist.sh"
methods="bpf bpf-tp bpf-hash notime perf record lost perf-lost every kill9 detail hotspots"
results=$REPO/build/live-realkvm
run=1
while (($#)); do
	case $1 in
	--methods) methods=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--verify-only) run=0; shift ;;
	*) echo "bed-check: unknown option $1" >&2; exit 2 ;;
	esac
done
SVM_CPUID=114 SVM_HLT=120 SVM_IO=123 SVM_MSR=124

. "$REPO/tests/lib/assert.sh"
. "$REPO/tests/lib/hotspot-steps.sh"
. "$REPO/tests/lib/memslot-regions.sh"

if ((run)); then
	for b in exitgen exitstat; do
		[[ -x $REPO/build/static/$b ]] || { echo "bed-check: no build/static/$b (make static)" >&2; exit 1; }
	done
	# One guest CPU: with two, QEMU TCG now and then oopses on the int3 the
	# guest kernel patches into its text when a tracepoint's static key flips
	# (seen in __schedule); exitgen's 2-vCPU scenario still runs 2 vCPU threads.
	tmp=$(mktemp -d)
	hogs=()
	trap '((${#hogs[@]})) && kill "${hogs[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
	echo "$methods" >"$tmp/methods"
	# Host load for the whole bed run: QEMU's TCG threads get less of the CPUs.
	for _ in 1 2; do
		(while :; do :; done) &
		hogs+=($!)
	done
	bash "$REPO/tests/realkvm/bed.sh" run --script "$HERE/bed-job.sh" \
		--add "$HERE/scenarios.txt:/etc/live/scenarios" --add "$tmp/methods:/etc/live/methods" \
		--smp 1 --timeout 1500 --results "$results" >"$tmp/bed.out" 2>&1
	brc=$?
	kill "${hogs[@]}" 2>/dev/null
	wait "${hogs[@]}" 2>/dev/null
	hogs=()
	grep -E '^live-job:|^bed:|bed-guest:' "$tmp/bed.out"
	if ((brc != 0)); then
		bad "the bed run failed (status $brc); its output and the console tail:"
		tail -n 15 "$tmp/bed.out"
		tail -n 30 "$results/console.log"
	fi
fi


# "vcpu code count" of the same hist.
hist_vcpu_codes() {
	hist_vcpu_rows "$1" | sort -n -k1,1 -k2,2
}

# How far exitstat's "key count" lines ($2) fall short of the kernel's ($1),
# summed over keys; fails (prints nothing) if exitstat has more for any key.
short_by() {
	join -a 1 -a 2 -e 0 -o 0,1.2,2.2 <(echo "$1" | sort -k1,1) <(echo "$2" | sort -k1,1) |
		awk '{ if ($3 > $2) bad = 1; s += $2 - $3 } END { if (bad) exit 1; print s + 0 }'
}

# "code:kernel-exitstat" for the codes where they differ.
short_by_code() {
	join -a 1 -a 2 -e 0 -o 0,1.2,2.2 <(echo "$1" | sort -k1,1) <(echo "$2" | sort -k1,1) |
		sort -n | awk '$2 != $3 { printf "%s%s:%d", sep, $1, $2 - $3; sep = " " } END { if (!sep) printf "none" }'
}

es_codes() {
	jq -r '[.reasons[] | select(.isa == "svm")] | group_by(.code)[] | "\(.[0].code) \(map(.count) | add)"' "$1" | sort -n
}

check_one() {
	local name=$1 m=$2 d=$results/$1.$2
	if [[ ! -d $d ]]; then
		bad "$name/$m: no results (see $results/job.log)"
		return
	fi
	local rc
	rc=$(cat "$d/exitstat.rc" 2>/dev/null || echo missing)
	if [[ $rc != 0 ]]; then
		bad "$name/$m: exitstat status $rc: $(head -c 600 "$d/exitstat.err")"
		return
	fi
	if ! jq -e .reasons "$d/exitstat.json" >/dev/null 2>&1; then
		bad "$name/$m: no per-reason JSON report: $(head -c 300 "$d/exitstat.json")"
		return
	fi
	local kern es lost total exp short
	kern=$(hist_by_reason "$d/hist.txt")
	es=$(es_codes "$d/exitstat.json")
	lost=$(jq -r .lost "$d/exitstat.json")
	total=$(jq -r .total "$d/exitstat.json")
	if [[ -z $kern ]]; then
		bad "$name/$m: the kernel hist counted nothing"
	elif [[ $kern == "$es" && $lost == 0 ]]; then
		ok "$name/$m: exitstat == kernel hist for every exit code ($(echo $kern | tr ' ' ':' | sed 's/:\([0-9]*\):/=\1 /g')), total $total, 0 lost"
	elif [[ $m == bpf || $m == bpf-tp || $m == bpf-hash || $m == notime ]]; then
		bad "$name/$m: exitstat != kernel hist (code count) or lost $lost (in-kernel counts must be exact): kernel [$(echo $kern)] exitstat [$(echo $es)]"
	elif short=$(short_by "$kern" "$es") && [[ $short == "$lost" ]]; then
		ok "$name/$m: exitstat + the $lost exits it says it lost == kernel hist (kernel - exitstat per code: $(short_by_code "$kern" "$es"))"
	else
		bad "$name/$m: exitstat != kernel hist (code count) by ${short:-a negative amount} while it says $lost lost: kernel [$(echo $kern)] exitstat [$(echo $es)]"
	fi
	# Every exit but each vCPU's last (its final HLT, after which the thread
	# ends) must have been paired with its entry: time in exit for all others.
	# With events lost (perf: the note says how many entries), at most the
	# final HLTs and the exits whose entry was lost lack a time (a lost final
	# HLT has none to lack).
	local unpaired vcpus lost_entries
	unpaired=$(jq -r .unpaired_exits "$d/exitstat.json")
	vcpus=$(jq -r .vcpus "$d/exitgen.json")
	if [[ $m == notime ]]; then
		local timed
		timed=$(jq -r '[.reasons[] | .time_total_ns // 0] | add' "$d/exitstat.json")
		[[ $unpaired == "$total" && $timed == 0 ]] && ok "$name/$m: --no-time: no exit timed ($unpaired of $total untimed)" ||
			bad "$name/$m: --no-time: $unpaired of $total exits untimed, total time $timed ns (want all, 0)"
	elif [[ $lost == 0 ]]; then
		[[ $unpaired == "$vcpus" ]] && ok "$name/$m: time in exit for every exit but the $vcpus final HLT(s)" ||
			bad "$name/$m: $unpaired exits without time in exit, want $vcpus (one final HLT per vCPU)"
	elif [[ $m == perf ]]; then
		lost_entries=$(jq -r '.note // ""' "$d/exitstat.json" | sed -n 's/.* exits and \([0-9]*\) entries were never read.*/\1/p')
		if [[ -n $lost_entries ]] && ((unpaired <= vcpus + lost_entries)); then
			ok "$name/$m: $unpaired exits without time in exit, at most the $vcpus final HLT(s) + $lost_entries entries lost"
		else
			bad "$name/$m: $unpaired exits without time in exit, want at most $vcpus final HLT(s) + '$lost_entries' entries lost"
		fi
	fi
	# A perf report that lost exits says so in its note: how many, a total, per CPU.
	if [[ $m == perf && $lost != 0 ]]; then
		local note
		note=$(jq -r '.note // ""' "$d/exitstat.json")
		[[ $note == *"overflowed: $lost exits"*"a total"*"cpu "* ]] &&
			ok "$name/$m: the report says what it lost: ${note#*: }" ||
			bad "$name/$m: $lost exits lost but the note says: '$note'"
	fi
	if [[ $name == sleep && $m != notime ]]; then
		local tmax p50
		read -r tmax p50 < <(jq -r '[.reasons[] | select(.isa == "svm" and .code == 123)][0] | "\(.time_max_ns) \(.time_p50_ns_max)"' "$d/exitstat.json")
		if ((tmax >= 300000000 && tmax < 3000000000 && p50 < 300000000)); then
			ok "$name/$m: time in exit: the OUT exitgen slept 300 ms in took ${tmax} ns (max); the median OUT < ${p50} ns"
		else
			bad "$name/$m: time in exit: io max $tmax ns (want >= 300 ms, < 3 s), median bound $p50 ns (want < 300 ms)"
		fi
	fi
	if [[ $m == record ]]; then
		local bpe
		bpe=$(sed -n 's/.*bytes, \([0-9.]*\) bytes\/exit.*/\1/p' "$d/exitstat.err")
		if [[ -n $bpe ]] && awk -v b="$bpe" 'BEGIN {exit !(b <= 8)}'; then
			ok "$name/$m: $bpe bytes per exit on disk (at most 8)"
		else
			bad "$name/$m: bytes per exit '$bpe' (want <= 8): $(head -c 300 "$d/exitstat.err")"
		fi
	fi
	# exitgen's expected counts: exitstat's when nothing was lost, else the
	# kernel's (and exitstat's at most that).
	local want got kgot key code miss=""
	for key in io:$SVM_IO cpuid:$SVM_CPUID msr:$SVM_MSR hlt:$SVM_HLT; do
		code=${key#*:}
		want=$(jq -r ".expected.${key%%:*}" "$d/exitgen.json")
		got=$(echo "$es" | awk -v c="$code" '$1 == c {print $2} END {}')
		kgot=$(echo "$kern" | awk -v c="$code" '$1 == c {print $2} END {}')
		if [[ $lost == 0 ]]; then
			[[ ${got:-0} == "$want" ]] || miss+=" ${key%%:*}: exitgen $want exitstat ${got:-0};"
		elif [[ ${kgot:-0} != "$want" ]] || ((${got:-0} > want)); then
			miss+=" ${key%%:*}: exitgen $want kernel ${kgot:-0} exitstat ${got:-0};"
		fi
	done
	if [[ -z $miss && $lost == 0 ]]; then
		ok "$name/$m: exitstat == exitgen expected (io, cpuid, msr, hlt)"
	elif [[ -z $miss ]]; then
		ok "$name/$m: kernel hist == exitgen expected (io, cpuid, msr, hlt), exitstat at most that"
	else
		bad "$name/$m: exitstat != exitgen:$miss"
	fi
	# Per vCPU when the run had more than one: exitstat's per-VM/vCPU totals vs the hist's.
	if [[ $(jq -r '.vcpus' "$d/exitgen.json") -gt 1 ]]; then
		local kv ev
		kv=$(hist_vcpu_codes "$d/hist.txt" | awk '{n[$1] += $3} END {for (v in n) print v, n[v]}' | sort -n)
		ev=$(jq -r '.vms[]? | "\(.vcpu) \(.count)"' "$d/exitstat.json" | sort -n)
		if [[ -n $kv && $kv == "$ev" && $lost == 0 ]]; then
			ok "$name/$m: per-vCPU totals == kernel hist ($(echo $kv))"
		elif [[ -n $kv && $lost != 0 && $(short_by "$kv" "$ev") == "$lost" ]]; then
			ok "$name/$m: per-vCPU totals + the $lost lost == kernel hist (kernel [$(echo $kv)] exitstat [$(echo $ev)])"
		else
			bad "$name/$m: per-vCPU totals differ: kernel [$(echo $kv)] exitstat [$(echo $ev)] lost $lost"
		fi
	fi
}

while read -r name _; do
	for m in $methods; do
		case $m in lost | perf-lost | every | kill9 | detail | hotspots) ;; *) check_one "$name" "$m" ;; esac
	done
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$HERE/scenarios.txt")

check_lost() {
	local d=$results/lost rec lost kern total hist_total rl
	if [[ ! -f $d/exitstat.err ]]; then
		bad "lost: no results"
		return
	fi
	# "exitstat record: N exits in FILE (... bytes/exit), L lost, kernel counted K (...)"
	read -r rec lost kern < <(sed -n 's/^exitstat record: \([0-9]*\) exits in .*), \([0-9]*\) lost, kernel counted \([0-9]*\) .*/\1 \2 \3/p' "$d/exitstat.err")
	hist_total=$(hist_by_reason "$d/hist.txt" | awk '{n += $2} END {print n + 0}')
	rl=$(jq -r .lost "$d/exitstat.json" 2>/dev/null)
	total=$(jq -r .total "$d/exitstat.json" 2>/dev/null)
	if [[ -n $lost && $lost -gt 0 ]]; then
		ok "lost: the stopped recorder's ring overflowed and it says so: $lost lost, $rec recorded"
	else
		bad "lost: no lost events reported (lost '$lost'): $(head -c 400 "$d/exitstat.err")"
	fi
	[[ -n $rec && $((rec + lost)) == "$kern" && $kern == "$hist_total" ]] &&
		ok "lost: recorded $rec + lost $lost == kernel-side count $kern == hist total $hist_total" ||
		bad "lost: recorded $rec + lost $lost vs kernel-side $kern vs hist $hist_total"
	[[ $rl == "$lost" && $total == "$rec" ]] &&
		ok "lost: the report of the file shows lost $rl and $total exits" ||
		bad "lost: the report shows lost '$rl' total '$total' (want $lost, $rec)"
}
[[ " $methods " == *" lost "* ]] && check_lost

# The perf backend, stopped while its ring overflows: it must have lost
# exits (else this proves nothing), and every check_one account must still
# hold, short by exactly what it says it lost.
check_perf_lost() {
	local d=$results/perf-lost.perf lost
	lost=$(jq -r .lost "$d/exitstat.json" 2>/dev/null)
	if [[ $lost =~ ^[0-9]+$ ]] && ((lost > 0)); then
		ok "perf-lost: the 1 MiB ring overflowed while exitstat was stopped: $lost exits lost, $(jq -r .total "$d/exitstat.json") counted"
	else
		bad "perf-lost: no lost exits reported (lost '$lost'): $(head -c 400 "$d/exitstat.err")"
	fi
	check_one perf-lost perf
}
[[ " $methods " == *" perf-lost "* ]] && check_perf_lost

check_every() {
	local d=$results/every n seqs totals final kern
	[[ $(cat "$d/exitstat.rc" 2>/dev/null) == 0 ]] || { bad "every: exitstat failed: $(head -c 300 "$d/exitstat.err")"; return; }
	n=$(jq -s 'length' "$d/exitstat.json")
	seqs=$(jq -s -r '[.[] | select(.final == false) | .seq] | map(tostring) | join(" ")' "$d/exitstat.json")
	totals=$(jq -s -r '[.[] | select(.final == false) | .total] | map(tostring) | join(" ")' "$d/exitstat.json")
	final=$(jq -s -r '[.[] | select(.final == true) | .total][0]' "$d/exitstat.json")
	kern=$(hist_by_reason "$d/hist.txt" | awk '{n += $2} END {print n + 0}')
	# Interim k was printed at the first poll with total >= k * 2000.
	if awk -v t="$totals" 'BEGIN {n = split(t, a, " "); if (n < 5) exit 1
		for (i = 1; i <= n; i++) if (a[i] < i * 2000 || (i > 1 && a[i] <= a[i - 1])) exit 1}'; then
		ok "every: $((n - 1)) interim tables (seq $seqs) at totals $totals, each past its multiple of 2000"
	else
		bad "every: interim totals '$totals' (seq '$seqs'): want >= 5, the k-th >= k*2000, increasing"
	fi
	[[ $final == "$kern" ]] && ok "every: the final table's total $final == kernel hist $kern" ||
		bad "every: final total $final != kernel hist $kern"
}
[[ " $methods " == *" every "* ]] && check_every

check_kill9() {
	local d=$results/kill9 events
	[[ $(cat "$d/exitstat.rc" 2>/dev/null) == 0 ]] || { bad "kill9: reading the killed recording failed: $(head -c 300 "$d/report.err")"; return; }
	events=$(jq -r .total "$d/exitstat.json")
	if grep -qE "no trailer|ends inside a block" "$d/report.err" && ((events > 0)); then
		ok "kill9: the killed recording reads ($events exits) and says it is cut: $(grep -E 'no trailer|ends inside' "$d/report.err" | head -n 1)"
	else
		bad "kill9: events $events, reader said: $(head -c 300 "$d/report.err")"
	fi
}
[[ " $methods " == *" kill9 "* ]] && check_kill9

# --detail: per key against exitgen's steps (its JSON: the steps, the vCPUs,
# the MSR index), and per reason against the kernel's hist (io, msr, npf).
SVM_NPF=1024
# steps OP JSON: the exits exitgen made with step OP, all vCPUs
steps() { jq --arg op "$1" '([.steps[] | select(.op == $op) | .n] | add // 0) * .vcpus' "$2"; }
# dkey KEY JSON: that detail key's count; dsum CODE JSON: the details of an SVM code, summed
dkey() { jq --arg k "$1" '[.details[] | select(.key == $k) | .count] | add // 0' "$2"; }
dsum() { jq --argjson c "$1" '[.details[] | select(.isa == "svm" and .code == $c) | .count] | add // 0' "$2"; }
hist_code() { hist_by_reason "$1" | awk -v c="$2" '$1 == c {n = $2} END {print n + 0}'; }

# detail_keys NAME JSON EXITGEN MSRKEY: the keys exitgen's steps made (MSRKEY: how its MSR shows)
detail_keys() {
	local name=$1 j=$2 eg=$3 msr=$4 got want
	got="out $(dkey '0x00e0 out 4' "$j") in $(dkey '0x00e4 in 4' "$j")"
	got+=" rdmsr $(dkey "msr $msr read" "$j") wrmsr $(dkey "msr $msr write" "$j")"
	want="out $(steps out "$eg") in $(steps in "$eg") rdmsr $(steps rdmsr "$eg") wrmsr $(steps wrmsr "$eg")"
	if [[ $(steps mmio "$eg") != 0 ]]; then
		got+=" mmio $(dkey 'gpa 0xf0000 write' "$j")"
		want+=" mmio $(steps mmio "$eg")"
	fi
	equal "$name: exits per detail key == exitgen's steps" "$got" "$want"
}

# detail_hist NAME JSON HIST [CODES]: the details of each code (io, msr, npf) sum to the kernel's count of it
detail_hist() {
	local name=$1 j=$2 h=$3 codes=${4:-$SVM_IO $SVM_MSR $SVM_NPF} got="" want=""
	for c in $codes; do
		got+=" $c:$(dsum "$c" "$j")"
		want+=" $c:$(hist_code "$h" "$c")"
	done
	equal "$name: details per reason (code:count) == kernel hist" "$got" "$want"
}

# disk_cost NAME WHAT DIR: DIR's rec.exr costs at most 4 bytes per exit more than
# plain.exr, the same exitgen run recorded without WHAT (rec.bytes, plain.bytes)
disk_cost() {
	local name=$1 what=$2 d=$3 exits extra
	exits=$(jq -r .total "$d/exitstat.json")
	extra=$(awk -v a="$(cat "$d/rec.bytes")" -v b="$(cat "$d/plain.bytes")" -v n="$exits" 'BEGIN {printf "%.3f", (a - b) / n}')
	awk -v e="$extra" 'BEGIN {exit !(e <= 4)}' &&
		ok "$name: $what cost $extra bytes per exit on disk (at most 4; $(cat "$d/rec.bytes") vs $(cat "$d/plain.bytes") bytes, $exits exits)" ||
		bad "$name: $what cost $extra bytes per exit (want <= 4)"
}

check_detail() {
	local d m eg msr layout=$results/detail.layout.json
	# shellcheck disable=SC2046 # the args are words
	"$REPO/build/exitgen" --layout $(cat "$results/detail.live/args" 2>/dev/null) >"$layout" ||
		bad "detail: exitgen --layout failed (build/exitgen: make)"
	for m in live tp perf record; do
		d=$results/detail.$m
		if [[ $(cat "$d/exitstat.rc" 2>/dev/null) != 0 ]]; then
			bad "detail.$m: exitstat status $(cat "$d/exitstat.rc" 2>/dev/null): $(head -c 400 "$d/exitstat.err" 2>/dev/null)"
			continue
		fi
		eg=$d/exitgen.json
		# tp_btf reads the MSR index from RCX; the classic tracepoint's record has none
		msr=$(jq -r .msr.index "$eg")
		[[ $m == tp || $m == perf ]] && msr="?"
		[[ $(jq -r .lost "$d/exitstat.json") == 0 ]] || bad "detail.$m: exits lost: $(jq -r .note "$d/exitstat.json")"
		detail_keys "detail.$m" "$d/exitstat.json" "$eg" "$msr"
		detail_hist "detail.$m" "$d/exitstat.json" "$d/hist.txt"
		# the touch pages' NPFs, and each page's memslot: tp_btf (live, record) reads the
		# VM's memslots from the vCPU; the classic tracepoint and perf have no vCPU
		touch_pages "detail.$m" "$d/exitstat.json" "$layout"
		regions_check "detail.$m" "$d/exitstat.json" "$layout" \
			"$([[ $m == live || $m == record ]] && echo true || echo false)"
	done
	d=$results/detail.record
	if [[ $(cat "$d/report.rc" "$d/explain.rc" 2>/dev/null | tr '\n' ' ') == "0 0 " ]]; then
		detail_keys "detail.record (explain of the recording)" "$d/explain.json" "$d/exitgen.json" \
			"$(jq -r .msr.index "$d/exitgen.json")"
		regions_check "detail.record (explain of the recording)" "$d/explain.json" "$layout" true
		disk_cost detail.record "the details" "$d"
	else
		bad "detail.record: report/explain status $(cat "$d/report.rc" "$d/explain.rc" 2>/dev/null | tr '\n' ' '): $(tail -c 400 "$d/exitstat.err")"
	fi
	d=$results/detail.text
	if [[ $(cat "$d/exitstat.rc" "$d/explain.rc" 2>/dev/null | tr '\n' ' ') == "0 0 " ]]; then
		eg=$d/exitgen.json
		# KVM emulates exitgen's fallback MSR (0x8b) and traces kvm_msr after each exit
		msr="$(jq -r .msr.index "$eg") MSR_IA32_UCODE_REV"
		[[ $(jq -r .msr.to_userspace "$eg") == false ]] || bad "detail.text: exitgen sent its MSR to user space"
		local lines
		lines=$(grep -c 'kvm_msr: *msr_read 8b ' "$d/trace.txt")
		equal "detail.text: the trace has a kvm_msr line per RDMSR step" "$lines" "$(steps rdmsr "$eg")"
		detail_keys "detail.text (explain of the text trace, kvm_msr)" "$d/explain.json" "$eg" "$msr"
		detail_keys "detail.text (live beside it, RCX)" "$d/exitstat.json" "$eg" "$msr"
		detail_hist "detail.text (live, --detail msr,io)" "$d/exitstat.json" "$d/hist.txt" "$SVM_IO $SVM_MSR"
	else
		bad "detail.text: status $(cat "$d/exitstat.rc" "$d/explain.rc" 2>/dev/null | tr '\n' ' '): $(head -c 300 "$d/exitstat.err" "$d/explain.err" 2>/dev/null)"
	fi
}
[[ " $methods " == *" detail "* ]] && check_detail

# --hotspots: the exits at each step's exiting RIP (exitgen --layout: its code
# generator, on the host, no KVM) == the step's n, per vCPU; the final HLT
# once per vCPU; every reason's exits (all have a RIP) == the kernel's hist.
# hot_hist NAME REASONS_JSON HIST: per reason, its exits with a RIP == the kernel's count
hot_hist() {
	local got want
	got=$(jq -r '.[] | select(.isa == "svm") | "\(.code) \(.exits)"' "$2" | sort -n | tr '\n' ' ')
	want=$(hist_by_reason "$3" | tr '\n' ' ')
	equal "$1: exits per reason with a RIP == kernel hist" "$got" "$want"
}
check_hotspots() {
	local d m eg layout
	layout=$results/hotspots.layout.json
	# shellcheck disable=SC2046 # the args are words
	if ! "$REPO/build/exitgen" --layout $(cat "$results/hotspots.live/args" 2>/dev/null) >"$layout"; then
		bad "hotspots: exitgen --layout failed (build/exitgen: make)"
		return
	fi
	for m in live tp perf; do
		d=$results/hotspots.$m
		if [[ $(cat "$d/exitstat.rc" 2>/dev/null) != 0 ]]; then
			bad "hotspots.$m: exitstat status $(cat "$d/exitstat.rc" 2>/dev/null): $(head -c 400 "$d/exitstat.err" 2>/dev/null)"
			continue
		fi
		[[ $(jq -r .lost "$d/exitstat.json") == 0 ]] || bad "hotspots.$m: exits lost: $(jq -r .note "$d/exitstat.json")"
		equal "hotspots.$m: every exit has a RIP" "$(jq .hotspots.exits_with_rip "$d/exitstat.json")" \
			"$(jq .total "$d/exitstat.json")"
		jq .hotspots.reasons "$d/exitstat.json" >"$d/reasons.json"
		hot_steps "hotspots.$m" "$d/reasons.json" "$layout"
		hot_hist "hotspots.$m" "$d/reasons.json" "$d/hist.txt"
	done
	d=$results/hotspots.record
	if [[ $(cat "$d/exitstat.rc" "$d/report.rc" "$d/explain.rc" 2>/dev/null | tr '\n' ' ') == "0 0 0 " ]]; then
		jq .hotspots.reasons "$d/exitstat.json" >"$d/reasons.json"
		jq .reasons "$d/explain.json" >"$d/explain-reasons.json"
		hot_steps "hotspots.record (report of the recording)" "$d/reasons.json" "$layout"
		hot_steps "hotspots.record (explain of the recording)" "$d/explain-reasons.json" "$layout"
		hot_hist "hotspots.record (report)" "$d/reasons.json" "$d/hist.txt"
		disk_cost hotspots.record "the RIPs" "$d"
	else
		bad "hotspots.record: record/report/explain status $(cat "$d/exitstat.rc" "$d/report.rc" "$d/explain.rc" 2>/dev/null | tr '\n' ' '): $(tail -c 400 "$d/exitstat.err")"
	fi
}
[[ " $methods " == *" hotspots "* ]] && check_hotspots

assert_summary ""
