#!/usr/bin/env bash
# `make check-live-realkvm`: exitstat's live collection (BPF and perf
# backends) and record + report, run inside the real-KVM bed (Debian 6.12,
# kvm_amd under QEMU TCG) on exitgen workloads. For every scenario and method,
# three independent accounts must agree exactly, per SVM exit code:
#   exitgen's "expected" (io, cpuid, msr, hlt), the guest kernel's hist
#   trigger on kvm:kvm_exit (every code, npf and interrupts included), and
#   exitstat's JSON report; and exitstat must report 0 lost events.
# usage: bed-check.sh [--methods "bpf perf record"] [--results DIR] [--verify-only]
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
methods="bpf perf record"
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

pass=0 fail=0
ok() { echo "PASS  $*"; pass=$((pass + 1)); }
bad() { echo "FAIL  $*"; fail=$((fail + 1)); }

if ((run)); then
	for b in exitgen exitstat; do
		[[ -x $REPO/build/static/$b ]] || { echo "bed-check: no build/static/$b (make static)" >&2; exit 1; }
	done
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "$methods" >"$tmp/methods"
	bash "$REPO/tests/realkvm/bed.sh" run --script "$HERE/bed-job.sh" \
		--add "$HERE/scenarios.txt:/etc/live/scenarios" --add "$tmp/methods:/etc/live/methods" \
		--smp 2 --timeout 1200 --results "$results" >"$tmp/bed.out" 2>&1
	brc=$?
	grep -E '^live-job:|^bed:|bed-guest:' "$tmp/bed.out"
	if ((brc != 0)); then
		bad "the bed run failed (status $brc); its output and the console tail:"
		tail -n 15 "$tmp/bed.out"
		tail -n 30 "$results/console.log"
	fi
fi

# "code count" per exit code of a kvm_exit hist keyed by vcpu_id,exit_reason (summed over vCPUs).
hist_codes() {
	awk '/^\{ *vcpu_id:/ { gsub(/[{},:]/, " ")
		for (i = 1; i < NF; i++) { if ($i == "exit_reason") r = $(i + 1); if ($i == "hitcount") n = $(i + 1) }
		c[r] += n } END { for (r in c) print r, c[r] }' "$1" | sort -n
}

# "vcpu code count" of the same hist.
hist_vcpu_codes() {
	awk '/^\{ *vcpu_id:/ { gsub(/[{},:]/, " ")
		for (i = 1; i < NF; i++) { if ($i == "vcpu_id") v = $(i + 1); if ($i == "exit_reason") r = $(i + 1); if ($i == "hitcount") n = $(i + 1) }
		print v, r, n }' "$1" | sort -n -k1,1 -k2,2
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
	local kern es lost total exp
	kern=$(hist_codes "$d/hist.txt")
	es=$(es_codes "$d/exitstat.json")
	lost=$(jq -r .lost "$d/exitstat.json")
	total=$(jq -r .total "$d/exitstat.json")
	if [[ -z $kern ]]; then
		bad "$name/$m: the kernel hist counted nothing"
	elif [[ $kern == "$es" ]]; then
		ok "$name/$m: exitstat == kernel hist for every exit code ($(echo $kern | tr ' ' ':' | sed 's/:\([0-9]*\):/=\1 /g')), total $total"
	else
		bad "$name/$m: exitstat != kernel hist (code count): kernel [$(echo $kern)] exitstat [$(echo $es)]"
	fi
	if [[ $lost == 0 ]]; then
		ok "$name/$m: 0 events lost"
	else
		bad "$name/$m: exitstat reports $lost events lost"
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
	local want got key code miss=""
	for key in io:$SVM_IO cpuid:$SVM_CPUID msr:$SVM_MSR hlt:$SVM_HLT; do
		code=${key#*:}
		want=$(jq -r ".expected.${key%%:*}" "$d/exitgen.json")
		got=$(echo "$es" | awk -v c="$code" '$1 == c {print $2} END {}')
		[[ ${got:-0} == "$want" ]] || miss+=" ${key%%:*}: exitgen $want exitstat ${got:-0};"
	done
	if [[ -z $miss ]]; then
		ok "$name/$m: exitstat == exitgen expected (io, cpuid, msr, hlt)"
	else
		bad "$name/$m: exitstat != exitgen:$miss"
	fi
	# Per vCPU when the run had more than one (JSON of --per-vm, if the report has it).
	if [[ $(jq -r '.vcpus' "$d/exitgen.json") -gt 1 ]] && jq -e '.per_vm' "$d/exitstat.json" >/dev/null 2>&1; then
		local kv ev
		kv=$(hist_vcpu_codes "$d/hist.txt")
		ev=$(jq -r '.per_vm[] | .vcpus[]? | . as $v | .reasons[] | "\($v.vcpu) \(.code) \(.count)"' "$d/exitstat.json" 2>/dev/null | sort -n -k1,1 -k2,2)
		if [[ $kv == "$ev" ]]; then
			ok "$name/$m: per-vCPU counts == kernel hist"
		else
			bad "$name/$m: per-vCPU counts differ: kernel [$(echo $kv)] exitstat [$(echo $ev)]"
		fi
	fi
}

while read -r name _; do
	for m in $methods; do
		check_one "$name" "$m"
	done
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$HERE/scenarios.txt")

echo "$pass passed, $fail failed"
((fail == 0))
