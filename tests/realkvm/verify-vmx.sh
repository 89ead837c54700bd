#!/usr/bin/env bash
# Checks the results of one VMX-bed run of guest/vmx-job.sh (make check-vmx):
# per scenario, three independent accounts of the same exitgen run per VMX
# exit reason:
#   1. exitgen's "expected" (what its guest program was built to do), mapped to
#      the VMX reasons those instructions exit with under the scenario's
#      kvm_intel parameters (the rules below; measured, see README.md);
#   2. the guest kernel's hist trigger on kvm:kvm_exit (exact, never drops);
#   3. exitstat: its report of the run's ftrace text, its live JSON (BPF tp_btf,
#      BPF tracepoint, perf) or its report of the run's recording.
# Names: exitstat's name for each code must be the kernel uapi's
# (asm/vmx.h, EXIT_REASON_*), and exitstat must time every exit it counts.
# usage: verify-vmx.sh RESULTS_DIR SCENARIOS_FILE
set -uo pipefail

BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BED_DIR/../.." && pwd)
. "$BED_DIR/hist.sh"
. "$REPO/tests/lib/assert.sh"
EXITSTAT=${EXITSTAT:-$REPO/build/exitstat}
VMX_H=${VMX_H:-/usr/include/x86_64-linux-gnu/asm/vmx.h}
results=${1:?usage: verify-vmx.sh RESULTS_DIR SCENARIOS_FILE}
scenarios=${2:?usage: verify-vmx.sh RESULTS_DIR SCENARIOS_FILE}

[[ -r $VMX_H ]] || { echo "verify-vmx: $VMX_H not found (Debian package linux-libc-dev)" >&2; exit 1; }
[[ -x $EXITSTAT ]] || { echo "verify-vmx: $EXITSTAT not found (make)" >&2; exit 1; }
# code -> uapi name (EXIT_REASON_IO_INSTRUCTION 30 -> 30 IO_INSTRUCTION)
declare -A UAPI=()
while read -r name code; do
	UAPI[$code]=$name
done < <(awk '$1 == "#define" && $2 ~ /^EXIT_REASON_/ && $3 ~ /^[0-9]+$/ {print substr($2, 13), $3}' "$VMX_H")
((${#UAPI[@]} > 50)) || { echo "verify-vmx: no EXIT_REASON_* codes in $VMX_H" >&2; exit 1; }
code_of() {
	local c
	for c in "${!UAPI[@]}"; do [[ ${UAPI[$c]} == "$1" ]] && { echo "$c"; return; }; done
	echo "verify-vmx: no EXIT_REASON_$1 in $VMX_H" >&2
	exit 1
}
EXC=$(code_of EXCEPTION_NMI) EXTINT=$(code_of EXTERNAL_INTERRUPT) CPUID=$(code_of CPUID)
HLT=$(code_of HLT) IO=$(code_of IO_INSTRUCTION) RDMSR=$(code_of MSR_READ) WRMSR=$(code_of MSR_WRITE)
EPTV=$(code_of EPT_VIOLATION) EPTM=$(code_of EPT_MISCONFIG)
# First-touch faults of exitgen's (vcpus + 1) * 64 KiB of guest memory: at
# most one per 4 KiB page (EPT violations, or #PF exits with shadow paging).
PER_REGION=16

# The expected VMX counts of a scenario: sets want_exact[code] and the
# bounded sum lo..hi of the codes in $bounded (MMIO plus first touches).
declare -A want_exact=()
bounded="" lo=0 hi=0 rule="" hlt_code=""
expect() {
	local json=$1 params=$2 mode vcpus io cpuid rd wr mmio hlt ept ug irqchip icr
	want_exact=()
	read -r mode vcpus io cpuid mmio hlt irqchip icr < <(jq -r '"\(.mode) \(.vcpus) \(.expected.io) \(.expected.cpuid) \(.expected.mmio) \(.expected.hlt) \(.irqchip // false) \((.x2apic_icr.writes // 0) + (.x2apic_icr.apic_base_writes // 0))"' "$json")
	rd=$(jq -r '[.steps[] | select(.op == "rdmsr") | .n] | add // 0' "$json")
	wr=$(jq -r '[.steps[] | select(.op == "wrmsr") | .n] | add // 0' "$json")
	# icr steps (exitgen --irqchip): IA32_APIC_BASE and x2APIC ICR writes, all vCPUs
	rd=$((rd * vcpus)) wr=$((wr * vcpus + icr))
	ept=$(sed -n 's/^ept=//p' "$params")
	ug=$(sed -n 's/^unrestricted_guest=//p' "$params")
	want_exact[$IO]=$io
	want_exact[$CPUID]=$cpuid
	lo=$mmio hi=$((mmio + (vcpus + 1) * PER_REGION))
	if [[ $ept == Y ]]; then
		# MMIO: the first write to a page is an EPT violation, after which KVM
		# marks the page misconfigured and every later write is EPT_MISCONFIG.
		# The MMIO page (one for all vCPUs) thus costs exactly one violation.
		bounded="$EPTV $EPTM"
		rule="EPT_VIOLATION + EPT_MISCONFIG in [mmio, mmio + $((hi - lo))]"
		want_exact[$EPTM]=$((mmio > 0 ? mmio - 1 : 0))
	else
		# Shadow paging: MMIO and first touches are #PF exception exits.
		bounded="$EXC"
		rule="EXCEPTION_NMI in [mmio + privileged faults, + $((hi - lo))]"
		want_exact[$EPTV]=0
		want_exact[$EPTM]=0
	fi
	if [[ $ug == N && $mode == 16 ]]; then
		# vm86: HLT, RDMSR and WRMSR #GP and exit as exceptions (KVM emulates them).
		hlt_code=$EXC
		want_exact[$HLT]=0
		want_exact[$RDMSR]=0
		want_exact[$WRMSR]=0
		if [[ $ept == Y ]]; then
			want_exact[$EXC]=$((hlt + rd + wr))
		else
			lo=$((lo + hlt + rd + wr)) hi=$((hi + hlt + rd + wr))
		fi
	else
		hlt_code=$HLT
		# With an irqchip each vCPU ends on an OUT (exitgen), untimed instead.
		[[ $irqchip == true ]] && hlt_code=$IO
		want_exact[$HLT]=$hlt
		want_exact[$RDMSR]=$rd
		want_exact[$WRMSR]=$wr
		[[ $ept == Y ]] && want_exact[$EXC]=0
	fi
}

# Per-code counts "code count" of exitstat's JSON report (VMX rows).
es_counts() { jq -r '.reasons[] | select(.isa == "vmx") | "\(.code) \(.count)"' "$1"; }

# check_fastpath NAME DIR MSR_WRITES: KVM's fastpath's own account of the
# run (guest/vmx-job.sh fastpath): what handle_fastpath_set_msr_irqoff()
# returned on every MSR_WRITE exit (kretprobe, fastpath-hist.txt; 1 =
# EXIT_FASTPATH_REENTER_GUEST, 0 = EXIT_FASTPATH_NONE) against exitgen's
# x2APIC ICR writes, and the kvm:kvm_msr hist keyed by flags (msr-hist.txt;
# IRQs off = traced in the fastpath), the oracle kernel-boot-check-vmx's
# fastpath scenario uses where there are no kprobes: the two must agree.
check_fastpath() {
	local name=$1 dir=$2 writes=$3 icr ret n r0=0 r1=0 rx=0 ecx write flags fast=0
	icr=$(jq -r '.x2apic_icr.writes // 0' "$dir/exitgen.json")
	if ! ((icr > 0)); then
		bad "$name: exitgen made no x2APIC ICR write: no fastpath to see"
		return
	fi
	while read -r ret n; do
		case $ret in 0) r0=$((r0 + n)) ;; 1) r1=$((r1 + n)) ;; *) rx=$((rx + n)) ;; esac
	done < <(hist_rows "$dir/fastpath-hist.txt" ret)
	while read -r ecx write flags n; do
		((ecx == 0x830 && write == 1 && flags & 1)) && fast=$((fast + n))
	done < <(hist_rows "$dir/msr-hist.txt" ecx write common_flags)
	[[ $(hist_dropped "$dir/fastpath-hist.txt") == 0 && $(hist_dropped "$dir/msr-hist.txt") == 0 ]] ||
		bad "$name: a fastpath hist dropped entries (or is missing): its count is not exact"
	[[ $r1 == "$icr" ]] && ok "$name: handle_fastpath_set_msr_irqoff returned REENTER_GUEST $r1 times == exitgen's ICR writes" ||
		bad "$name: handle_fastpath_set_msr_irqoff returned REENTER_GUEST $r1 times, exitgen wrote the ICR $icr times"
	[[ $r0 == $((writes - icr)) && $rx == 0 ]] &&
		ok "$name: it returned NONE for the other $r0 MSR_WRITE exits (IA32_APIC_BASE, filtered), nothing else" ||
		bad "$name: it returned NONE $r0 times (want $((writes - icr)) = MSR_WRITE $writes - ICR $icr) and other values $rx times (want 0)"
	[[ $fast == "$r1" ]] && ok "$name: kvm:kvm_msr with IRQs off (kernel-boot-check-vmx's oracle) == REENTER_GUEST returns ($fast)" ||
		bad "$name: kvm:kvm_msr ICR writes with IRQs off $fast, REENTER_GUEST returns $r1"
}

check_scenario() {
	local name=$1 params_col=$2 how=$3 args=$4 dir=$results/$1
	local -A kern=() es=()
	echo "---- $name: kvm_intel ${params_col}, exitstat $how, exitgen $args"
	[[ -d $dir ]] || { bad "$name: no results directory (see $results/job.log)"; return; }
	local rc_file=$dir/exitgen.rc
	[[ $how == trace || $how == fastpath ]] || rc_file=$dir/exitstat.rc
	local rc
	rc=$(cat "$rc_file" 2>/dev/null || echo missing)
	if [[ $rc != 0 ]]; then
		bad "$name: the run exited with status $rc: $(head -c 400 "$dir/exitgen.err" "$dir/exitstat.err" 2>/dev/null)"
		return
	fi
	jq -e '.ok == true' "$dir/exitgen.json" >/dev/null 2>&1 ||
		{ bad "$name: exitgen did not say ok: $(head -c 300 "$dir/exitgen.json")"; return; }
	[[ $(hist_dropped "$dir/hist.txt") == 0 ]] ||
		bad "$name: the kernel's hist trigger dropped entries: its count is not exact"
	expect "$dir/exitgen.json" "$dir/kvm_intel.params"
	local vcpus
	vcpus=$(jq -r .vcpus "$dir/exitgen.json")

	# Side 3: exitstat.
	local esj=$dir/exitstat.json lost_want=0
	case $how in
	trace | fastpath)
		lost_want=$(awk '/^overrun:/ {n += $2} END {print n + 0}' "$dir/trace.txt.stats")
		# --partial-ok: an overrun is an incomplete read; lost_want checks its count
		"$EXITSTAT" report --partial-ok --format json "$dir/trace.txt" >"$esj" 2>"$dir/exitstat.err" ||
			bad "$name: exitstat report of the ftrace text failed: $(head -c 300 "$dir/exitstat.err")"
		;;
	record)
		"$EXITSTAT" report --format json "$dir/recording.exr" >"$esj" 2>"$dir/report.err" ||
			bad "$name: exitstat report of the recording failed: $(head -c 300 "$dir/report.err")"
		local n lost kc
		read -r n lost kc < <(sed -n 's/^exitstat record: \([0-9]*\) exits in .*, \([0-9]*\) lost, kernel counted \([0-9]*\).*/\1 \2 \3/p' "$dir/exitstat.err")
		[[ -n $n && $n == "$kc" && $lost == 0 ]] &&
			ok "$name: record says $n exits, 0 lost, kernel counted $kc" ||
			bad "$name: record's own line: $(head -c 300 "$dir/exitstat.err")"
		;;
	tp_btf | tracepoint | perf)
		local src want_src
		src=$(jq -r .source "$esj" 2>/dev/null)
		case $how in tp_btf) want_src='BPF.*tp_btf' ;; tracepoint) want_src='BPF.*tracepoint' ;; perf) want_src='perf' ;; esac
		[[ $src =~ $want_src ]] && ok "$name: source '$src' names $how" || bad "$name: source '$src' does not name $how"
		;;
	esac
	while read -r code count; do es[$code]=$count; done < <(es_counts "$esj" 2>/dev/null)
	while read -r code count; do kern[$code]=$count; done < <(hist_by_reason "$dir/hist.txt")

	# The table: expected / kernel hist / exitstat per code.
	local codes code sum_b=0 verdict diffs="" ediffs=""
	codes=$(printf '%s\n' "${!want_exact[@]}" "${!kern[@]}" "${!es[@]}" $bounded | sort -nu)
	# ... also kept next to the scenario's files as counts.txt.
	{
		echo "$name: kvm_intel $(tr '\n' ' ' <"$dir/kvm_intel.params"), exitstat $how, exitgen $args"
		printf '      %-20s %4s %10s %12s %10s\n' reason code exitgen kernel-hist exitstat
		for code in $codes; do
			local want=${want_exact[$code]:-} k=${kern[$code]:-0} e=${es[$code]:-0}
			verdict=ok
			if [[ " $bounded " == *" $code "* ]]; then
				sum_b=$((sum_b + k))
				[[ -z $want ]] && want="(sum)"
			fi
			if [[ $want == "(sum)" ]]; then
				:
			elif [[ -n $want ]]; then
				[[ $k == "$want" ]] || verdict=MISMATCH
			elif ((code == EXTINT)); then
				want="-" verdict="(host interrupts: shown)"
			else
				want=0
				((k == 0)) || verdict=MISMATCH
			fi
			[[ $verdict == MISMATCH ]] && diffs+="${diffs:+; }${UAPI[$code]:-?} kernel $k, want $want"
			[[ $e == "$k" ]] || { verdict+=" exitstat!=kernel"; ediffs+="${ediffs:+; }${UAPI[$code]:-?} exitstat $e, kernel $k"; }
			printf '      %-20s %4s %10s %12s %10s   %s\n' "${UAPI[$code]:-?}" "$code" "$want" "$k" "$e" "$verdict"
		done
		printf '      %-20s %4s %10s %12s %10s\n' total - - "$(hist_total "$dir/hist.txt")" "$(jq -r .total "$esj" 2>/dev/null)"
		echo "      $rule: $sum_b, want $lo..$hi"
	} >"$dir/counts.txt"
	tail -n +2 "$dir/counts.txt"
	((sum_b >= lo && sum_b <= hi)) || diffs+="${diffs:+; }$rule: $sum_b, want $lo..$hi"
	if [[ -z $diffs ]]; then
		ok "$name: kernel hist == exitgen for every VMX reason"
	else
		bad "$name: kernel hist != exitgen: $diffs (table above)"
	fi
	if [[ -z $ediffs ]]; then
		ok "$name: exitstat ($how) == kernel hist for every reason"
	else
		bad "$name: exitstat ($how) != kernel hist: $ediffs (table above)"
	fi

	# Per vCPU, when exitgen ran more than one.
	if ((vcpus > 1)); then
		local v vdiffs="" pair w g
		for ((v = 0; v < vcpus; v++)); do
			for pair in io:$IO cpuid:$CPUID hlt:$HLT; do
				w=$(jq -r --argjson v "$v" ".per_vcpu[\$v].expected.${pair%%:*}" "$dir/exitgen.json")
				g=$(hist_vcpu_rows "$dir/hist.txt" | awk -v v="$v" -v c="${pair#*:}" '$1 == v && $2 == c {n += $3} END {print n + 0}')
				[[ $w == "$g" ]] || vdiffs+="${vdiffs:+; }vcpu $v ${pair%%:*} kernel $g, exitgen $w"
			done
		done
		if [[ -z $vdiffs ]]; then
			ok "$name: kernel hist == exitgen for each of $vcpus vCPUs"
		else
			bad "$name: per-vCPU counts differ: $vdiffs"
		fi
	fi

	[[ $how == fastpath ]] && check_fastpath "$name" "$dir" "${kern[$WRMSR]:-0}"

	# Names: exitstat's name of each code it counted is the kernel uapi's.
	local bad_names nvmx
	nvmx=$(jq '[.reasons[] | select(.isa == "vmx")] | length' "$esj" 2>/dev/null)
	if ! ((nvmx > 0)); then
		bad "$name: exitstat's report has no VMX reasons: no names or times to check ($(head -c 300 "$dir/exitstat.err" 2>/dev/null))"
		return
	fi
	bad_names=$(jq -r '.reasons[] | select(.isa == "vmx") | "\(.code) \(.name)"' "$esj" 2>/dev/null |
		while read -r code nm; do [[ $nm == "${UAPI[$code]:-}" ]] || echo "$code: exitstat '$nm', asm/vmx.h '${UAPI[$code]:-none}'"; done)
	[[ -z $bad_names ]] && ok "$name: exitstat's reason names == asm/vmx.h's" || bad "$name: reason names differ: $bad_names"
	# Lost events: the trace's own overrun count, or 0 for live/record.
	local lost
	lost=$(jq -r '.lost // "missing"' "$esj" 2>/dev/null)
	[[ $lost == "$lost_want" ]] && ok "$name: exitstat lost $lost events (want $lost_want)" ||
		bad "$name: exitstat lost '$lost', want $lost_want"
	# Time in exit: every exit is timed (until its vCPU's next kvm_entry) but
	# each vCPU's final HLT (an exception exit in vm86), after which exitgen
	# ends that vCPU; timed time > 0.
	local untimed
	untimed=$(jq -r --argjson vcpus "$vcpus" '[.reasons[] | select(.isa == "vmx")] as $r
		| ([$r[] | .count - .timed] | add) as $u
		| ($r[] | select((.count != .timed and .code != '"$hlt_code"') or (.timed > 0 and .time_total_ns <= 0))
			| "\(.name): count \(.count) timed \(.timed) total_ns \(.time_total_ns)"),
		  (if $u > $vcpus then "\($u) exits untimed, more than the \($vcpus) final HLTs" else empty end)' "$esj" 2>/dev/null)
	[[ -z $untimed && -s $esj ]] && ok "$name: every exit but the final HLTs (OUTs with an irqchip) has its time in exit ($(jq -r '[.reasons[] | .time_total_ns] | add' "$esj") ns in all)" ||
		bad "$name: exits without a time in exit: $untimed"
}

while read -r name params how args; do
	[[ -z $name || $name == \#* ]] && continue
	check_scenario "$name" "$params" "$how" "$args"
done <"$scenarios"
echo
assert_summary ""
