#!/usr/bin/env bash
# Checks the results of one bed run of guest/check-job.sh: for every scenario,
# three independent accounts of the same exitgen run must agree per reason:
#   1. exitgen's own "expected" totals (what the guest program was built to do),
#   2. the guest kernel's hist trigger on kvm:kvm_exit (exact, never drops),
#   3. exitstat's report of the ftrace text recorded during that run.
# usage: verify.sh RESULTS_DIR SCENARIOS_FILE
set -uo pipefail

BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BED_DIR/../.." && pwd)
. "$BED_DIR/hist.sh"
EXITSTAT=${EXITSTAT:-$REPO/build/exitstat}
results=${1:?usage: verify.sh RESULTS_DIR SCENARIOS_FILE}
scenarios=${2:?usage: verify.sh RESULTS_DIR SCENARIOS_FILE}

# SVM exit codes (arch/x86/include/uapi/asm/svm.h) of what exitgen causes.
SVM_INTR=96 SVM_CPUID=114 SVM_HLT=120 SVM_IO=123 SVM_MSR=124 SVM_NPF=1024
# Nested page faults that are not exitgen's MMIO: the first touch of each guest
# page (page tables, GDT/TSS, the vCPU's code and data) faults once while KVM
# builds the nested page table. exitgen's memory is (vcpus + 1) * 64 KiB, so
# one fault per 4 KiB page of it bounds them (measured: 1 to 5, see README.md).
NPF_SETUP_PER_PAGE_REGION=16

. "$REPO/tests/lib/assert.sh"
skipped_why=()
skipped() {
	skip "$*"
	skipped_why+=("$*")
}


# Count for one exit code ($2), all vCPUs or only vCPU $3.
hist_count() {
	hist_vcpu_rows "$1" | awk -v code="$2" -v vcpu="${3:-}" \
		'$2 == code && (vcpu == "" || $1 == vcpu) {n += $3} END {print n + 0}'
}


# Does this exitstat have the report command yet?
exitstat_report_state() {
	if [[ ! -x $EXITSTAT ]]; then
		echo "$EXITSTAT does not exist (make; exitstat's report command is the lead's)"
	elif ! "$EXITSTAT" report --help >/dev/null 2>&1 &&
		! "$EXITSTAT" --help 2>&1 | grep -qw report; then
		echo "$EXITSTAT has no 'report' command yet (the lead is wiring it up)"
	fi
}
report_missing=$(exitstat_report_state)

# One row of a scenario's table; sets row_ok=0 on a mismatch.
row() {
	local name=$1 code=$2 want=$3 kernel=$4 es=$5 rule=$6 verdict=ok
	case $rule in
	exact) [[ $kernel == "$want" ]] || verdict=MISMATCH ;;
	npf) ((kernel >= want && kernel <= want + npf_bound)) || verdict=MISMATCH ;;
	report) verdict="(reported)" ;;
	esac
	if [[ $es != - && $es != "$kernel" && $rule != report ]]; then
		[[ $exitstat_exact == 1 ]] && verdict=MISMATCH
	fi
	[[ $verdict == MISMATCH ]] && row_ok=0
	printf '      %-9s %#6x %12s %12s %12s   %s\n' "$name" "$code" "$want" "$kernel" "$es" "$verdict"
}

check_scenario() {
	local name=$1 kb=$2 args=$3 dir=$results/$1
	local -A es=()
	echo "---- $name: exitgen $args"
	if [[ ! -d $dir ]]; then
		bad "$name: no results directory (did the guest job stop early? see $results/job.log)"
		return
	fi
	local rc
	rc=$(cat "$dir/exitgen.rc" 2>/dev/null || echo missing)
	if [[ $rc != 0 ]]; then
		bad "$name: exitgen exited with status $rc: $(head -c 400 "$dir/exitgen.err" 2>/dev/null)"
		return
	fi
	local json=$dir/exitgen.json
	if ! jq -e '.expected' "$json" >/dev/null 2>&1; then
		bad "$name: exitgen.json has no \"expected\" object"
		return
	fi
	local e_io e_cpuid e_msr e_mmio e_hlt vcpus
	read -r e_io e_cpuid e_msr e_mmio e_hlt < <(jq -r \
		'.expected | "\(.io) \(.cpuid) \(.msr) \(.mmio) \(.hlt)"' "$json")
	vcpus=$(jq -r '(.per_vcpu | length) // 1' "$json")
	((vcpus > 0)) || vcpus=1
	npf_bound=$(((vcpus + 1) * NPF_SETUP_PER_PAGE_REGION))

	local hist=$dir/hist.txt dropped
	dropped=$(hist_dropped "$hist")
	if [[ $dropped != 0 ]]; then
		bad "$name: the kernel's hist trigger dropped entries ($dropped): its count is not exact"
	fi

	# Side 3: exitstat's report of this run's trace text.
	local es_note="" exitstat_exact=0 overrun=0
	if [[ -f $dir/trace.txt.stats ]]; then
		overrun=$(awk '/^overrun:/ {n += $2} END {print n + 0}' "$dir/trace.txt.stats")
		((overrun == 0)) || echo "      the ftrace text buffer overran: $overrun events lost from the text (the hist trigger does not lose any)"
	fi
	if [[ ! -f $dir/trace.txt ]]; then
		es_note="no trace recorded for this scenario"
	elif [[ -n $report_missing ]]; then
		es_note="skipped: $report_missing"
	else
		# --partial-ok: an overrun text buffer is an incomplete read (exit 1); its lost
		# count is checked against the ring buffer's own below
		if ! "$EXITSTAT" report --partial-ok --format json "$dir/trace.txt" >"$dir/exitstat.json" 2>"$dir/exitstat.err"; then
			bad "$name: exitstat report --format json failed: $(head -c 400 "$dir/exitstat.err")"
			es_note="failed"
		else
			while read -r code count; do
				es[$code]=$count
			done < <(jq -r '.reasons[] | select(.isa == "svm") | "\(.code) \(.count)"' "$dir/exitstat.json")
			# A ring buffer that overran holds only the newest events: then
			# exitstat's counts are a lower bound, shown but not asserted.
			if ((overrun == 0)); then
				exitstat_exact=1
			else
				es_note="ring buffer overran by $overrun events: exitstat column is informational"
			fi
		fi
	fi
	esc() { if [[ -n ${es_note} && $exitstat_exact == 0 && ${#es[@]} == 0 ]]; then echo -; else echo "${es[$1]:-0}"; fi; }

	local k_io k_cpuid k_msr k_hlt k_npf k_intr k_total
	k_io=$(hist_count "$hist" $SVM_IO)
	k_cpuid=$(hist_count "$hist" $SVM_CPUID)
	k_msr=$(hist_count "$hist" $SVM_MSR)
	k_hlt=$(hist_count "$hist" $SVM_HLT)
	k_npf=$(hist_count "$hist" $SVM_NPF)
	k_intr=$(hist_count "$hist" $SVM_INTR)
	k_total=$(hist_total "$hist")

	printf '      %-9s %6s %12s %12s %12s\n' reason code exitgen kernel-hist exitstat
	row_ok=1
	row io $SVM_IO "$e_io" "$k_io" "$(esc $SVM_IO)" exact
	row cpuid $SVM_CPUID "$e_cpuid" "$k_cpuid" "$(esc $SVM_CPUID)" exact
	row msr $SVM_MSR "$e_msr" "$k_msr" "$(esc $SVM_MSR)" exact
	row hlt $SVM_HLT "$e_hlt" "$k_hlt" "$(esc $SVM_HLT)" exact
	row npf $SVM_NPF "$e_mmio" "$k_npf" "$(esc $SVM_NPF)" npf
	row interrupt $SVM_INTR - "$k_intr" "$(esc $SVM_INTR)" report
	local other=$((k_total - k_io - k_cpuid - k_msr - k_hlt - k_npf - k_intr))
	printf '      %-9s %6s %12s %12s\n' other - - "$other"
	printf '      %-9s %6s %12s %12s %12s\n' total - - "$k_total" \
		"$(if ((${#es[@]})); then jq -r '.total' "$dir/exitstat.json"; else echo -; fi)"
	echo "      (npf must lie in [mmio, mmio + $npf_bound]: exitgen's MMIO plus first-touch faults; seconds in guest: $(cat "$dir/seconds" 2>/dev/null))"

	# Kernel vs exitgen; the FAIL line names each row that differs.
	local diffs="" r k e
	for r in io:$k_io:$e_io cpuid:$k_cpuid:$e_cpuid msr:$k_msr:$e_msr hlt:$k_hlt:$e_hlt; do
		IFS=: read -r r k e <<<"$r"
		[[ $k == "$e" ]] || diffs+="${diffs:+; }$r kernel $k, exitgen $e"
	done
	((k_npf >= e_mmio && k_npf <= e_mmio + npf_bound)) ||
		diffs+="${diffs:+; }npf kernel $k_npf, want $e_mmio..$((e_mmio + npf_bound))"
	((other == 0)) || diffs+="${diffs:+; }other kernel $other, want 0"
	if [[ -z $diffs ]]; then
		ok "$name: kernel hist == exitgen (io $k_io, cpuid $k_cpuid, msr $k_msr, hlt $k_hlt, npf $k_npf for mmio $e_mmio)"
	else
		bad "$name: kernel hist != exitgen: $diffs (table above)"
	fi

	# Per vCPU, when exitgen ran more than one.
	if ((vcpus > 1)); then
		local v vdiffs="" want got reason key
		for ((v = 0; v < vcpus; v++)); do
			for reason in io:$SVM_IO cpuid:$SVM_CPUID msr:$SVM_MSR hlt:$SVM_HLT; do
				key=${reason%%:*}
				want=$(jq -r --argjson v "$v" '.per_vcpu[$v].expected.'"$key" "$json")
				got=$(hist_count "$hist" "${reason#*:}" "$v")
				[[ $want == "$got" ]] || vdiffs+="${vdiffs:+; }vcpu $v $key kernel $got, exitgen $want"
			done
		done
		if [[ -z $vdiffs ]]; then
			ok "$name: kernel hist == exitgen for each of $vcpus vCPUs"
		else
			bad "$name: per-vCPU counts differ: $vdiffs"
		fi
	fi

	# User-space exits: KVM_RUN returns as exitgen counted them vs kvm_userspace_exit.
	local e_user k_user
	e_user=$(jq -r 'if .userspace_exits then [.userspace_exits[]] | add else empty end' "$json")
	k_user=$(awk '/^\{ *reason:/ {sub(/.*hitcount: */, ""); n += $1; f = 1} END {if (f) print n}' \
		"$dir/userspace-hist.txt" 2>/dev/null)
	if [[ -n $e_user && -n $k_user ]]; then
		if [[ $e_user == "$k_user" ]]; then
			ok "$name: kvm_userspace_exit == exitgen's userspace_exits ($k_user)"
		else
			bad "$name: kvm_userspace_exit $k_user != exitgen's userspace_exits $e_user"
		fi
	fi

	# exitstat vs kernel.
	if ((exitstat_exact)); then
		local code k ediffs=""
		for code in $({ hist_vcpu_rows "$hist" | awk '{print $2}'; printf '%s\n' "${!es[@]}"; } | sort -un); do
			k=$(hist_count "$hist" "$code")
			[[ ${es[$code]:-0} == "$k" ]] || ediffs+="${ediffs:+; }code $(printf '%#x' "$code") exitstat ${es[$code]:-0}, kernel $k"
		done
		if [[ -z $ediffs ]]; then
			ok "$name: exitstat report of the trace == kernel hist for every reason (total $k_total)"
		else
			bad "$name: exitstat report != kernel hist: $ediffs"
		fi
	fi
	# Lost events: the ring buffer's own overrun count (per-CPU stats, not the
	# text) against what exitstat says it lost; the text header shows it too
	# (entries-in-buffer/entries-written).
	if [[ -f $dir/exitstat.json && $es_note != failed ]]; then
		local lost
		lost=$(jq -r '.lost // "missing"' "$dir/exitstat.json")
		if [[ $lost == "$overrun" ]]; then
			ok "$name: exitstat's lost events == the ring buffer's overrun ($overrun)"
		else
			bad "$name: exitstat reports lost $lost, the ring buffer overran by $overrun events (header: $(grep -m 1 -o 'entries-in-buffer/entries-written: [0-9/]*' "$dir/trace.txt"))"
		fi
	fi
	if ((exitstat_exact)); then
		:
	elif [[ $es_note == skipped:* ]]; then
		skipped "$name: exitstat side ${es_note#skipped: }"
	elif [[ -n $es_note ]]; then
		echo "      exitstat: $es_note"
	fi
	((row_ok)) || true
}

while read -r name kb args; do
	[[ -z $name || $name == \#* ]] && continue
	check_scenario "$name" "$kb" "$args"
done <"$scenarios"

echo
if ((skips)); then
	echo "skipped (not failed): ${#skipped_why[@]} exitstat comparisons, because: $report_missing"
fi
assert_summary ""
