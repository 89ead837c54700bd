#!/usr/bin/env bash
# Checks the results of kernel/boot-job.sh (run in the bed on the patched
# kernel): the debugfs table, the printed tables and the CPUID leaves must
# agree with exitgen's known counts and with the kernel's own kvm:kvm_exit
# hist trigger.  Usage: boot-verify.sh [--vmx | --debug] RESULTS_DIR EXITSTAT_CPUID
# (--vmx: results of the VMX bed, kvm-intel, VMX basic exit reasons; --debug:
# of the preemptible lock-debugging build, kernel/boot-job-debug.sh, whose
# extra files kernel/dmesg-check.sh checks too). RESULTS_DIR is only read:
# what this derives from it (exitstat-cpuid's replay input and output) goes
# in a temporary directory, so it can check kernel/tests/fixtures/* in place.
set -euo pipefail

ISA=svm DEBUG=0 CHECK=kernel-boot-check
case ${1:-} in
--vmx) ISA=vmx CHECK=kernel-boot-check-vmx; shift ;;
--debug) DEBUG=1 CHECK=kernel-boot-check-debug; shift ;;
esac
R=${1:?usage: boot-verify.sh [--vmx | --debug] RESULTS_DIR EXITSTAT_CPUID}
TOOL=${2:?usage: boot-verify.sh [--vmx | --debug] RESULTS_DIR EXITSTAT_CPUID}
. "$(dirname "${BASH_SOURCE[0]}")/../tests/realkvm/hist.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/assert.sh"
. "$(dirname "${BASH_SOURCE[0]}")/dmesg-check.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# slurp VAR FILE: VAR = the first line of FILE. The self-test runs this script
# 16 times; on a busy machine every $(...) fork costs, so the per-row and
# per-leaf paths fork nothing (printf -v, read) and jq runs once per question.
slurp() { IFS= read -r "$1" < "$2" || true; }

# The scenarios the job runs, in order (smp only on the two-CPU SVM bed,
# fastpath only on VMX).
SCENARIOS=(default nooptin long64 real16 cpuidtool twovm)
[[ $ISA == vmx ]] && SCENARIOS+=(fastpath)
[[ $ISA == svm ]] && SCENARIOS+=(smp)
SCENARIOS+=(off storm stopped reload)

# Every file the job writes, each must be there and not empty: a verifier
# that skips what is missing passes on a run that never happened.
files_ok=1
need_file() {
	if [[ ! -e $R/$1 ]]; then
		bad "result file $R/$1 is missing"; files_ok=0
	elif [[ ! -s $R/$1 ]]; then
		bad "result file $R/$1 is empty"; files_ok=0
	fi
}
for f in isa ncpus unhandled dmesg.txt exit_stats.default interval.default cpuid_leaves.default; do
	need_file "$f"
done
if ((DEBUG)); then
	for f in uname tainted lockdep_stats lockdep_classes; do need_file "$f"; done
fi
for s in "${SCENARIOS[@]}"; do
	for f in args seconds counting leaves exitgen.rc exitgen.json hist.txt table.before table.after; do
		need_file "$s/$f"
	done
done
need_file twovm/peer.json
need_file twovm/peer.rc
need_file twovm/peer.args
need_file twovm/ready
for f in vm-a.table vm-a.vcpu0.table vm-b.table vm-b.vcpu0.table; do need_file "twovm/$f"; done
[[ $ISA == svm ]] && need_file smp/cpu-hist.txt
[[ $ISA == vmx ]] && need_file fastpath/msr-hist.txt
if ((files_ok)); then
	ok "all result files there and not empty"
else
	assert_summary "$CHECK" || exit 1
fi
slurp v "$R/isa"
equal "job ran on the $ISA bed (results' isa file)" "$v" "$ISA"

# Per ISA (codes in decimal): the reasons the APM/SDM defines (exitstat's
# catalogue, src/core/reasons.c, through exitstat-cpuid --defined), the rows
# debugfs must have (one per defined reason), the codes exitgen's known exits
# land on (MSR_R/MSR_W: rdmsr/wrmsr; NPF: the nested page faults its MMIO
# causes), and the defined reasons KVM has no handler for (from the tree's
# handler tables at build time, kernel/handled.sh; the job asks their CPUID
# leaves: all zero).
declare -A DEFINED=()
while read -r v; do DEFINED[$((v))]=1; done < <("$TOOL" --isa "$ISA" --defined)
reason_defined() { [[ -n ${DEFINED[$1]:-} ]]; }
ROWS=${#DEFINED[@]}
mapfile -t UNHANDLED < <(while read -r v; do echo $((v)); done < "$R/unhandled")
for v in "${UNHANDLED[@]}"; do
	reason_defined "$v" || bad "unhandled reason $(printf 0x%x "$v") is not one the catalogue defines"
done
if [[ $ISA == svm ]]; then
	DEFINED_WHERE=APM
	IO=$((0x7b)) CPUID=$((0x72)) MSR_R=$((0x7c)) MSR_W=$((0x7c)) HLT=$((0x78))
	NPF=($((0x400)))
else
	DEFINED_WHERE=SDM
	IO=30 CPUID=10 MSR_R=31 MSR_W=32 HLT=12
	NPF=(48 49)	# EPT violation, misconfig
fi
for v in "$IO" "$CPUID" "$MSR_R" "$MSR_W" "$HLT"; do
	[[ " ${UNHANDLED[*]} " != *" $v "* ]] ||
		bad "reason $(printf 0x%x "$v") that exitgen's exits land on is listed as unhandled"
done
# The leaf 0x4ffffffc signature "KVMExitStats" (EBX, ECX, EDX).
SIG_EBX=$((0x454d564b)) SIG_ECX=$((0x53746978)) SIG_EDX=$((0x73746174))

# load_table FILE PREFIX: PREFIX_count[code] / PREFIX_cycles[code] /
# PREFIX_name[code] (decimal codes), PREFIX_total / PREFIX_total_cycles,
# PREFIX_lines.
load_table() {
	local file=$1 p=$2 isa code count cycles name
	declare -gA "${p}_count=()" "${p}_cycles=()" "${p}_name=()"
	declare -g "${p}_lines=0" "${p}_total=" "${p}_total_cycles="
	while read -r isa code count cycles name; do
		case $isa in
		"$ISA")
			eval "${p}_count[$((code))]=$count; ${p}_cycles[$((code))]=$cycles"
			eval "${p}_name[$((code))]=\$name"
			eval "${p}_lines=\$((${p}_lines + 1))" ;;
		\#)
			if [[ $code == total ]]; then
				eval "${p}_total=$count; ${p}_total_cycles=$cycles"
			fi ;;
		*)
			bad "$file: line '$isa $code $count $cycles $name' is not an $ISA row"
			;;
		esac
	done < "$file"
}

# load_kvm_stats JSON WHEN PREFIX: exitgen --kvm-stats's binary stats of all
# the VM's vCPUs (WHEN: wait or end), summed, by exit code (decimal):
# PREFIX_count[code], PREFIX_cycles[code], PREFIX_total. The arrays' index is
# the patch's slot: VMX basic reason; SVM code, with 0x400-0x403 at 0xa7-0xaa,
# -1..-4 at 0xab-0xae; the last slot is "unmapped" (code -1 here).
load_kvm_stats() {
	local json=$1 when=$2 p=$3 kind slot n code
	declare -gA "${p}_count=()" "${p}_cycles=()"
	declare -g "${p}_total=0" "${p}_taken=0"
	while read -r kind slot n; do
		if [[ $kind == taken ]]; then eval "${p}_taken=$slot"; continue; fi
		code=$slot
		if [[ $ISA == svm ]]; then
			if ((slot >= 0xa7 && slot <= 0xaa)); then code=$((0x400 + slot - 0xa7))
			elif ((slot >= 0xab && slot <= 0xae)); then code=$((0xffffffff - (slot - 0xab)))
			elif ((slot > 0xae)); then code=-1
			fi
		elif ((slot > 85)); then
			code=-1
		fi
		if [[ $kind == exits ]]; then
			eval "${p}_count[\$code]=\$(( \${${p}_count[\$code]:-0} + n )); ${p}_total=\$(( ${p}_total + n ))"
		else
			eval "${p}_cycles[\$code]=\$(( \${${p}_cycles[\$code]:-0} + n ))"
		fi
	done < <(jq -r --arg w "$when" '
		"taken \([.kvm_stats[]? | .[$w] | select(. != null)] | length)",
		(.kvm_stats[]? | .[$w] | select(. != null) | (.exits | to_entries[] | "exits \(.key) \(.value)"),
		 (.cycles | to_entries[] | "cycles \(.key) \(.value)"))' "$json")
}

# known_until_wait JSON: "io cpuid msr hlt" exitgen's steps cause on each
# vCPU up to and including its wait step: out/in N, the wait and sleep steps
# one OUT each, leaf one CPUID. (For the whole run, exitgen's .expected.)
known_until_wait() {
	jq -r '(.steps | map(.op) | index("wait")) as $last
		| [.steps[0:$last + 1][] | {op, n: (.n // 1)}]
		| [(map(select(.op == "out" or .op == "in") | .n) | add // 0)
		   + (map(select(.op == "wait" or .op == "sleep")) | length),
		   (map(select(.op == "cpuid") | .n) | add // 0) + (map(select(.op == "leaf")) | length),
		   (map(select(.op == "rdmsr" or .op == "wrmsr") | .n) | add // 0),
		   (map(select(.op == "hlt")) | length)] | map(tostring) | join(" ")' "$1"
}

# verify_kvm_known NAME PREFIX "IO CPUID MSR HLT": a VM's binary stats
# (load_kvm_stats PREFIX) against its known exits, each reason exactly, and
# the cycles of the reasons with exits.
verify_kvm_known() {
	local name=$1 p=$2 io cpuid msr hlt c n cyc kind want hex
	read -r io cpuid msr hlt <<< "$3"
	for kind in io cpuid msr hlt; do
		case $kind in
		io) set -- "$IO"; want=$io ;;
		cpuid) set -- "$CPUID"; want=$cpuid ;;
		hlt) set -- "$HLT"; want=$hlt ;;
		msr) want=$msr; if ((MSR_W == MSR_R)); then set -- "$MSR_R"; else set -- "$MSR_R" "$MSR_W"; fi ;;
		esac
		n=0 cyc=0 hex=
		for c in "$@"; do
			eval "n=\$(( n + \${${p}_count[$c]:-0} )); cyc=\$(( cyc + \${${p}_cycles[$c]:-0} ))"
			printf -v hex '%s%s0x%03x' "$hex" "${hex:++}" "$c"
		done
		equal "$name: $kind ($hex) binary stats == exitgen's known exits" "$n" "$want"
		if ((want > 0 && cyc == 0)); then bad "$name: $kind binary-stats cycles are 0"; fi
	done
}

# The printed tables of one scenario: dmesg between its begin and end marks,
# one "T total cycles" line per header then "C code count cycles" per row.
printed_tables() {
	awk -v isa="$ISA" -v b="boot-job: mark $1 begin" -v e="boot-job: mark $1 end" '
		index($0, b) { on = 1; next }
		index($0, e) { on = 0 }
		!on { next }
		{ sub(/^\[[^]]*\] */, "") }
		$0 ~ "^kvm: exit_stats: " isa " table after "  { sub(/\)$/, "", $11); print "T", $6, $8, $11; next }
		$0 ~ "^kvm: exit_stats: " isa " 0x" {
			n = $7
			for (i = 8; i <= NF; i++) n = n " " $i
			print "C", $4, $5, $6, n; next
		}
		/^kvm: exit_stats: end of table/ { print "E" }
	' "$R/dmesg.txt"
}

slurp NCPUS "$R/ncpus"
# Safe defaults: nothing counted, printed or answered unless asked for.
slurp v "$R/exit_stats.default"
equal "kvm.exit_stats default (counting off)" "$v" N
slurp v "$R/interval.default"
equal "kvm.exit_stats_interval default (no table)" "$v" 0
slurp v "$R/cpuid_leaves.default"
equal "kvm.exit_stats_cpuid_leaves default (no guest reads them)" "$v" 0
# No kernel report of any kind (kernel/dmesg-check.sh): in the whole log on
# SVM; on VMX from the job's start (its "job" mark) on, since the VMX bed's
# emulated CPU draws boot-time warnings that are not KVM's. --debug: also
# PREEMPT, no taint, lockdep on to the end, the log kept from boot.
kernel_log_verify "$R" "$([[ $ISA == vmx ]] && echo 1 || echo 0)" "$DEBUG"
if ((DEBUG)); then
	# lockdep validated the series' own locks: the one that turns counting
	# and the leaves on and off, and the printed table's.
	for v in exit_stats_lock exit_stats_print_lock; do
		if grep -qE "[: ]$v$" "$R/lockdep_classes"; then
			ok "debug kernel: lockdep saw $v taken"
		else
			bad "debug kernel: $v is not a lock class lockdep saw (lockdep_classes)"
		fi
	done
fi

# verify_scenario NAME INTERVAL [COUNTING LEAVES]: the scenario's results;
# COUNTING (Y/N) and LEAVES (0/1/2) are what the job set, checked against the
# kvm parameters it read back (files counting, leaves).
verify_scenario() {
	local name=$1 interval=$2 d=$R/$1 code n expected args secs rc hex counting leaves
	local -A want=() peer=()
	slurp args "$d/args"
	slurp secs "$d/seconds"
	slurp rc "$d/exitgen.rc"
	slurp counting "$d/counting"
	slurp leaves "$d/leaves"
	echo "== $name: exitgen $args ($secs s; kvm.exit_stats=$counting, exit_stats_cpuid_leaves=$leaves)"
	[[ -z ${3:-} ]] || equal "$name: kvm.exit_stats read back" "$counting" "$3"
	[[ -z ${4:-} ]] || equal "$name: kvm.exit_stats_cpuid_leaves read back" "$leaves" "$4"
	equal "$name: exitgen status" "$rc" 0
	if [[ $rc != 0 ]]; then
		echo "     exitgen said: $(head -c 600 "$d/exitgen.err")"
	fi
	# exitgen's verdict and known counts, one jq run.
	read -r 'want[ok]' 'want[io]' 'want[cpuid]' 'want[msr]' 'want[hlt]' 'want[mmio]' 'want[optin]' < <(jq -r \
		'[.ok, .expected.io, .expected.cpuid, .expected.msr, .expected.hlt, .expected.mmio, .exit_stats_cpuid] | map(tostring) | join(" ")' \
		"$d/exitgen.json") || true
	equal "$name: exitgen ok" "${want[ok]}" true
	# A second VM run at the same time (twovm): its exits count too.
	if [[ -f $d/peer.json ]]; then
		slurp rc "$d/peer.rc"
		equal "$name: second VM's exitgen status" "$rc" 0
		read -r 'peer[ok]' 'peer[io]' 'peer[cpuid]' 'peer[msr]' 'peer[hlt]' 'peer[mmio]' 'peer[optin]' < <(jq -r \
			'[.ok, .expected.io, .expected.cpuid, .expected.msr, .expected.hlt, .expected.mmio, .exit_stats_cpuid] | map(tostring) | join(" ")' \
			"$d/peer.json") || true
		equal "$name: second VM's exitgen ok" "${peer[ok]}" true
		equal "$name: both VMs opted in" "${want[optin]} ${peer[optin]}" "true true"
		for kind in io cpuid msr hlt mmio; do want[$kind]=$((want[$kind] + peer[$kind])); done
	fi

	load_table "$d/table.before" B
	load_table "$d/table.after" A
	local undefined_rows=0
	equal "$name: debugfs rows (one per $DEFINED_WHERE-defined $ISA reason)" "$A_lines" "$ROWS"
	for code in "${!A_count[@]}"; do
		reason_defined "$code" || undefined_rows=$((undefined_rows + 1))
	done
	equal "$name: debugfs rows for codes the $DEFINED_WHERE does not define" "$undefined_rows" 0

	# Kernel tracepoint vs debugfs: every reason, exactly; nothing at all
	# while counting is off (the hist still sees the exits).
	declare -A H=()
	while read -r code n; do H[$code]=$n; done < <(hist_by_reason "$d/hist.txt")
	local mism=0 htotal=0 codes
	codes=$(printf '%s\n' "${!H[@]}" "${!A_count[@]}" | sort -un)
	for code in $codes; do
		n=$(( ${A_count[$code]:-0} - ${B_count[$code]:-0} ))
		htotal=$((htotal + ${H[$code]:-0}))
		if [[ $counting == N ]]; then
			if ((n != 0 || ${A_cycles[$code]:-0} != ${B_cycles[$code]:-0})); then
				printf -v hex 0x%03x "$code"
				bad "$name: reason $hex: debugfs grew by $n exits while counting was off"
				mism=$((mism + 1))
			fi
		elif ((n != ${H[$code]:-0})); then
			printf -v hex 0x%03x "$code"
			bad "$name: reason $hex: debugfs delta $n, kvm_exit hist ${H[$code]:-0}"
			mism=$((mism + 1))
		fi
	done
	if [[ $counting == N ]]; then
		((mism == 0)) && ok "$name: counting off: debugfs unchanged while the guest took $htotal exits"
		equal "$name: debugfs total unchanged with counting off" "$((A_total - B_total)) $((A_total_cycles - B_total_cycles))" "0 0"
		if ((htotal > 0)); then ok "$name: kvm_exit hist saw $htotal exits"; else bad "$name: kvm_exit hist saw no exit"; fi
		load_kvm_stats "$d/exitgen.json" end KE
		equal "$name: exitgen read its vCPUs' binary stats at the end" "$KE_taken" "$(jq .vcpus "$d/exitgen.json")"
		equal "$name: binary stats total with counting off" "$KE_total" 0
		verify_leaves "$name" "$d" N "$leaves" "${want[optin]}"
		verify_printed "$name" "$interval" "$d" "$counting"
		return 0
	fi
	((mism == 0)) && ok "$name: debugfs delta == kvm_exit hist for every reason ($htotal exits)"
	equal "$name: debugfs total delta == kvm_exit hist total" "$((A_total - B_total))" "$htotal"

	# exitgen's known counts (VMX splits MSR exits into read and write).
	local kind codes_of c cyc
	for kind in io cpuid msr hlt; do
		case $kind in
		io) codes_of=$IO ;; cpuid) codes_of=$CPUID ;; hlt) codes_of=$HLT ;;
		msr) codes_of=$MSR_R; ((MSR_W == MSR_R)) || codes_of+=" $MSR_W" ;;
		esac
		expected=${want[$kind]} n=0 cyc=0 hex=
		for c in $codes_of; do
			n=$((n + ${A_count[$c]:-0} - ${B_count[$c]:-0}))
			cyc=$((cyc + ${A_cycles[$c]:-0} - ${B_cycles[$c]:-0}))
			printf -v hex '%s%s0x%03x' "$hex" "${hex:++}" "$c"
		done
		equal "$name: $kind ($hex) debugfs delta == exitgen expected" "$n" "$expected"
		if ((expected > 0)); then
			if ((cyc > 0)); then
				ok "$name: $kind cycles grew ($cyc)"
			else
				bad "$name: $kind cycles did not grow"
			fi
		fi
	done
	expected=${want[mmio]} n=0
	for c in "${NPF[@]}"; do n=$((n + ${A_count[$c]:-0} - ${B_count[$c]:-0})); done
	if ((n >= expected)); then ok "$name: npf delta $n >= mmio $expected"; else bad "$name: npf delta $n < mmio $expected"; fi

	# Each VM's own binary stats (exitgen --kvm-stats, KVM_GET_STATS_FD on
	# its vCPUs at the end): with the other VM's, every reason == the hist;
	# alone, each reason == that VM's known exits.
	load_kvm_stats "$d/exitgen.json" end KE
	equal "$name: exitgen read its vCPUs' binary stats at the end" "$KE_taken" "$(jq .vcpus "$d/exitgen.json")"
	declare -gA KP_count=() KP_cycles=()
	KP_total=0
	if [[ -f $d/peer.json ]]; then
		load_kvm_stats "$d/peer.json" end KP
		equal "$name: second VM read its vCPUs' binary stats" "$KP_taken" 1
	fi
	mism=0
	codes=$(printf '%s\n' "${!H[@]}" "${!KE_count[@]}" "${!KP_count[@]}" | sort -un)
	for code in $codes; do
		if (( ${KE_count[$code]:-0} + ${KP_count[$code]:-0} != ${H[$code]:-0} )); then
			printf -v hex 0x%03x "$code"
			bad "$name: reason $hex: binary stats $(( ${KE_count[$code]:-0} + ${KP_count[$code]:-0} )) (the VMs' vCPUs), kvm_exit hist ${H[$code]:-0}"
			mism=$((mism + 1))
		fi
	done
	((mism == 0)) && ok "$name: the VM's binary stats == kvm_exit hist for every reason ($((KE_total + KP_total)) exits)"
	verify_kvm_known "$name" KE "$(jq -r '[.expected.io, .expected.cpuid, .expected.msr, .expected.hlt] | map(tostring) | join(" ")' "$d/exitgen.json")"
	if [[ -f $d/peer.json ]]; then
		verify_kvm_known "$name (second VM)" KP "$(jq -r '[.expected.io, .expected.cpuid, .expected.msr, .expected.hlt] | map(tostring) | join(" ")' "$d/peer.json")"
	fi

	verify_leaves "$name" "$d" Y "$leaves" "${want[optin]}"
	[[ ! -f $d/peer.json ]] || verify_leaves "$name (second VM)" "$d" Y "$leaves" "${peer[optin]}" peer.json
	verify_printed "$name" "$interval" "$d" "$counting"
}

# verify_hidden NAME LEAVES...: a VM that may not read the statistics gets
# for each leaf what the unused leaf 0x4ffffffb with the same ECX gives (the
# answer of a KVM without the patch), never the signature. LEAVES: lines
# "EAX_IN ECX_IN EAX EBX ECX EDX".
verify_hidden() {
	local name=$1 ein cin eax ebx ecx edx checked=0 bad_before=$fail
	shift
	local -A unused=()
	for l in "$@"; do
		read -r ein cin eax ebx ecx edx <<< "$l"
		[[ $ein == 0x4ffffffb ]] && unused[$((cin))]="$((eax)) $((ebx)) $((ecx)) $((edx))"
	done
	for l in "$@"; do
		read -r ein cin eax ebx ecx edx <<< "$l"
		[[ $ein == 0x4ffffffb ]] && continue
		checked=$((checked + 1))
		if ((ebx == SIG_EBX && ecx == SIG_ECX && edx == SIG_EDX)); then
			bad "$name: leaf $ein:$cin carries the KVMExitStats signature: the guest reads the statistics"
		elif [[ -z ${unused[$((cin))]:-} ]]; then
			bad "$name: leaf $ein:$cin has no 0x4ffffffb:$cin answer next to it to compare with"
		elif [[ "$((eax)) $((ebx)) $((ecx)) $((edx))" != "${unused[$((cin))]}" ]]; then
			bad "$name: leaf $ein:$cin gave $((eax)) $((ebx)) $((ecx)) $((edx)), the unused leaf 0x4ffffffb gave ${unused[$((cin))]}"
		fi
	done
	if ((checked == 0)); then
		bad "$name: no exit-statistics leaf was asked"
	elif ((fail == bad_before)); then
		ok "$name: the guest reads no statistics: $checked leaf answers == those of the unused leaf 0x4ffffffb"
	fi
}

# verify_leaves NAME DIR COUNTING LEAVES OPTED_IN [JSON]: walks exitgen's
# steps in order, keeping the known exits so far, and checks each CPUID leaf
# result: the VM's own exits, so each known reason == the known exits up to
# that step, exactly, even with a second VM running; totals and cycles within
# the debugfs delta (every VM's exits over the run). Whether the VM may read
# the leaves: LEAVES 2, or 1 and it opted in (OPTED_IN true); else
# verify_hidden. With COUNTING N the leaves still answer (their own
# parameter decides), from the VM's stats as they stand: nothing counted.
verify_leaves() {
	local name=$1 d=$2 json=${6:-exitgen.json} op n ein cin eax ebx ecx edx i=0 nleaves nasked
	# Not the caller's "leaves" (the kvm parameter it passes as $4).
	local -a leaves
	local io=0 cpuid=0 rdmsr=0 wrmsr=0 hlt=0 known=0 v bad_before=$fail argsf=args
	# Each known exit adds `c` to the known counts: 0 while nothing is counted.
	local c=1
	[[ $3 == N ]] && c=0
	declare -A last_cycles=()
	local last_total_cycles=0 dtotal=$((A_total - B_total)) dcycles=$((A_total_cycles - B_total_cycles))
	[[ $json == peer.json ]] && argsf=peer.args
	mapfile -t leaves < <(jq -r '.leaves[] | "\(.eax_in) \(.ecx_in) \(.eax) \(.ebx) \(.ecx) \(.edx)"' "$d/$json")
	nleaves=${#leaves[@]}
	# As many results as the job asked (an emptied list must not pass).
	nasked=$(tr ' ' '\n' < "$d/$argsf" | grep -c '^leaf:' || true)
	equal "$name: CPUID leaf results == leaf steps the job gave" "$nleaves" "$nasked"
	((nleaves == 0)) && return 0
	if ! [[ $4 == 2 || ($4 == 1 && $5 == true) ]]; then
		verify_hidden "$name" "${leaves[@]}"
		return 0
	fi
	while read -r op n; do
		[[ $n =~ ^[0-9]+$ ]] && n=$((n * c))
		case $op in
		out | in) io=$((io + n)); known=$((known + n)) ;;
		cpuid) cpuid=$((cpuid + n)); known=$((known + n)) ;;
		rdmsr) rdmsr=$((rdmsr + n)); known=$((known + n)) ;;
		wrmsr) wrmsr=$((wrmsr + n)); known=$((known + n)) ;;
		mmio) known=$((known + n)) ;;
		hlt) hlt=$((hlt + c)); known=$((known + c)) ;;
		wait | sleep) io=$((io + c)); known=$((known + c)) ;;
		leaf)
			cpuid=$((cpuid + c)); known=$((known + c))
			read -r ein cin eax ebx ecx edx <<< "${leaves[i]}"
			i=$((i + 1))
			eax=$((eax)) ebx=$((ebx)) ecx=$((ecx)) edx=$((edx)) cin=$((cin))
			local where
			printf -v where '%s: leaf %s:0x%x (#%d)' "$name" "$ein" "$cin" "$i"
			case $ein in
			0x4ffffffc)
				if ((ebx != SIG_EBX || ecx != SIG_ECX || edx != SIG_EDX)); then
					bad "$where: no KVMExitStats signature (EBX ECX EDX = $ebx $ecx $edx)"
				fi
				if ((eax < known % (1 << 32) || eax > dtotal)); then
					bad "$where: total exits $eax not in [$known, $dtotal] (known so far, debugfs delta)"
				fi ;;
			0x4ffffffd)
				v=$(((ebx << 32) | ecx))
				if ((eax != 0 || edx != 0 || v > dcycles || v < last_total_cycles)); then
					bad "$where: total cycles $v not in [0, $dcycles] (debugfs delta) or not monotonic"
				fi
				last_total_cycles=$v ;;
			0x4ffffffe | 0x4fffffff)
				if ! reason_defined "$cin"; then
					if ((eax || ebx || ecx || edx != 0xffffffff)); then
						bad "$where: undefined reason gave $eax $ebx $ecx $edx, want 0 0 0 0xffffffff"
					fi
				elif [[ " ${UNHANDLED[*]} " == *" $cin "* ]]; then
					if ((eax || ebx || ecx || edx)); then
						bad "$where: defined but unhandled reason gave $eax $ebx $ecx $edx, want all 0"
					fi
				elif [[ $ein == 0x4ffffffe ]]; then
					v=
					((cin == IO)) && v=$io
					((cin == CPUID)) && v=$cpuid
					((cin == HLT)) && v=$hlt
					((cin == MSR_R || cin == MSR_W)) && v=$(( (cin == MSR_R ? rdmsr : 0) + (cin == MSR_W ? wrmsr : 0) ))
					if [[ -n $v ]] && ((eax != v % (1 << 32) || ebx || ecx || edx)); then
						bad "$where: got $eax ($ebx $ecx $edx), want $v: the VM's own known exits so far"
					fi
				else
					v=$(((ebx << 32) | ecx))
					if ((eax || edx || v > ${A_cycles[$cin]:-0} - ${B_cycles[$cin]:-0} || v < ${last_cycles[$cin]:-0})); then
						bad "$where: cycles $v not in [0, $(( ${A_cycles[$cin]:-0} - ${B_cycles[$cin]:-0} ))] (debugfs delta) or not monotonic"
					fi
					last_cycles[$cin]=$v
				fi ;;
			esac ;;
		esac
	done < <(jq -r '.steps[] | "\(.op) \(.n)"' "$d/$json")
	equal "$name: leaf results read" "$i" "$nleaves"
	if ((fail == bad_before)); then
		if ((c)); then
			ok "$name: all $nleaves CPUID leaf results are the VM's own known counts (within debugfs)"
		else
			ok "$name: counting off, the leaves still answer: all $nleaves results carry the signature and 0 counts"
		fi
	fi
	return 0
}

# The tables printed during the scenario: consistent, within the debugfs
# before/after bounds, none when off (interval 0 or counting off),
# rate-limited in a storm.
verify_printed() {
	local name=$1 interval=$2 d=$3 counting=$4 kind a b c nm tables=0 rows=0 sum=0 total=0 bad_before=$fail
	local -A prev=()	# host-wide total at the last table of each CPU
	while read -r kind a b c nm; do
		case $kind in
		T)
			tables=$((tables + 1)); total=$a; sum=0
			if ((a < B_total || a > A_total)); then
				bad "$name: table $tables total $a not in [$B_total, $A_total]"
			fi
			# A CPU prints after handling `interval` exits itself, so the
			# host-wide total grows at least that much between its tables
			# (rate-limited tables only widen the gap).
			if [[ -n ${prev[$c]:-} ]] && ((a - ${prev[$c]} < interval)); then
				bad "$name: cpu $c tables only $((a - ${prev[$c]})) exits apart (interval $interval)"
			fi
			prev[$c]=$a ;;
		C)
			rows=$((rows + 1)); sum=$((sum + b)); a=$((a))
			if ((b == 0 || b < ${B_count[$a]:-0} || b > ${A_count[$a]:-0})); then
				bad "$name: table $tables row $(printf 0x%03x "$a") count $b not in [${B_count[$a]:-0}, ${A_count[$a]:-0}] or zero"
			fi
			if ((c < ${B_cycles[$a]:-0} || c > ${A_cycles[$a]:-0})); then
				bad "$name: table $tables row $(printf 0x%03x "$a") cycles $c outside the debugfs bounds"
			fi
			if [[ $nm != "${A_name[$a]:-}" ]]; then
				bad "$name: table $tables row $(printf 0x%03x "$a") named '$nm', debugfs says '${A_name[$a]:-}'"
			fi ;;
		E)
			((sum == total)) || bad "$name: table $tables rows sum to $sum, header says $total" ;;
		esac
	done < <(printed_tables "$name")
	local delta=$((A_total - B_total)) secs
	slurp secs "$d/seconds"
	if [[ $counting == N ]]; then
		equal "$name: tables printed with kvm.exit_stats off (interval $interval)" "$tables" 0
	elif ((interval == 0)); then
		equal "$name: tables printed with exit_stats_interval=0" "$tables" 0
	elif ((interval == 1)); then
		# Ten per window of five seconds; the job waited for a fresh window.
		local limit=$(( (10 * (${secs%.*} / 5 + 2)) ))
		if ((tables >= 10 && tables <= limit)); then
			ok "$name: $tables tables for $delta exits in $secs s with interval 1 (rate limit: 10..$limit)"
		else
			bad "$name: $tables tables for $delta exits in $secs s with interval 1, want 10..$limit"
		fi
	else
		# Each CPU may carry up to interval - 1 exits since its last table.
		local want=$((delta / interval - NCPUS))
		if ((tables >= want && tables >= 1)); then
			ok "$name: $tables tables ($rows rows) for $delta exits at interval $interval"
		else
			bad "$name: $tables tables for $delta exits at interval $interval, want >= $want"
		fi
	fi
	((fail == bad_before)) && ok "$name: printed tables consistent and within debugfs bounds"
	return 0
}

# replay SCENARIO: exitstat-cpuid --replay on the CPUID answers exitgen got
# in SCENARIO; its output in $WORK/SCENARIO/tool.txt and tool.err (jq's
# error there if the answers could not be read), its status.
replay() {
	local w=$WORK/$1
	mkdir -p "$w"
	jq -r '.leaves[] | "\(.eax_in) \(.ecx_in) \(.eax) \(.ebx) \(.ecx) \(.edx)"' \
		"$R/$1/exitgen.json" > "$w/replay.txt" 2> "$w/tool.err" || return 2
	"$TOOL" --isa "$ISA" --replay "$w/replay.txt" > "$w/tool.txt" 2> "$w/tool.err"
}

# exitstat-cpuid fed with the answers KVM gave to its queries: the same rows
# as debugfs, each within the debugfs delta (the VM's own exits; it ran alone).
verify_tool() {
	local d=$WORK/cpuidtool isa code count cycles name rows=0 bad_before=$fail hex
	if ! replay cpuidtool; then
		bad "cpuidtool: exitstat-cpuid --replay failed: $(cat "$d/tool.err")"
		return 0
	fi
	while read -r isa code count cycles name; do
		[[ $isa == "#" ]] && continue
		rows=$((rows + 1)); code=$((code))
		# The kernel's names (VMX_EXIT_REASONS, SVM_EXIT_REASONS) against
		# exitstat's own catalogue (src/core/reasons.c), where the kernel
		# has one ("-": none).
		if [[ -n ${A_name[$code]:-} && ${A_name[$code]} != - && ${A_name[$code]} != "$name" ]]; then
			bad "cpuidtool: debugfs names $(printf 0x%03x "$code") '${A_name[$code]}', exitstat's catalogue '$name'"
		fi
		if [[ -z ${A_count[$code]:-} ]]; then
			bad "cpuidtool: exitstat-cpuid row $(printf 0x%03x "$code") is not in debugfs"
		elif ((count > A_count[$code] - B_count[$code] || cycles > A_cycles[$code] - B_cycles[$code])); then
			bad "cpuidtool: exitstat-cpuid row $(printf 0x%03x "$code") $count $cycles above the debugfs delta $((A_count[$code] - B_count[$code])) $((A_cycles[$code] - B_cycles[$code]))"
		fi
	done < "$d/tool.txt"
	equal "cpuidtool: exitstat-cpuid rows == debugfs rows" "$rows" "$A_lines"
	printf -v hex 0x%03x "$IO"
	equal "cpuidtool: exitstat-cpuid io row == debugfs delta (the VM ran alone; no I/O after its queries)" \
		"$(awk -v io="$hex" '$2 == io { print $3 }' "$d/tool.txt")" "$((A_count[$IO] - B_count[$IO]))"
	for code in "$IO" "$CPUID" "$HLT" "$MSR_R" "$MSR_W" "${NPF[@]}"; do
		[[ ${A_name[$code]:-} != - ]] || bad "cpuidtool: debugfs has no name for reason $(printf 0x%03x "$code")"
	done
	# The reasons the tree has no handler for read 0 0 (and are in the table).
	local unh=0
	for code in "${UNHANDLED[@]}"; do
		printf -v hex 0x%03x "$code"
		v=$(awk -v c="$hex" '$2 == c { print $3, $4 }' "$d/tool.txt")
		[[ $v == "0 0" ]] || bad "cpuidtool: unhandled reason $hex reads '$v', want '0 0'"
		unh=$((unh + 1))
	done
	((fail == bad_before)) && ok "cpuidtool: exitstat-cpuid table (names too) agrees with debugfs; $unh unhandled reasons read 0"

	# A VM that may not read the leaves: the tool finds no signature and
	# prints nothing (its answers are what an unpatched KVM gives).
	d=$WORK/nooptin
	if replay nooptin; then
		bad "nooptin: exitstat-cpuid printed a table for a VM that may not read the leaves"
	elif grep -q 'has no KVMExitStats signature' "$d/tool.err" && [[ ! -s $d/tool.txt ]]; then
		ok "nooptin: exitstat-cpuid says the leaves have no signature, prints no table"
	else
		bad "nooptin: exitstat-cpuid failed otherwise: $(cat "$d/tool.err")"
	fi
	return 0
}

verify_scenario default 1000 N 0
verify_scenario nooptin 0 Y 1
verify_scenario long64 1000 Y 1
verify_scenario real16 1000 Y 2
verify_scenario cpuidtool 0 Y 1
verify_tool
# Both VMs existed at once: each said ready (all vCPUs at the wait step)
# before either was let go.
slurp v "$R/twovm/ready"
if [[ $v =~ ^ready\ [0-9]+\ /\ ready\ [0-9]+$ ]]; then ok "twovm: both VMs ready at once ($v)"; else bad "twovm: ready file says '$v'"; fi
verify_scenario twovm 0 Y 1
# While both VMs stood at their wait step (their vCPUs out of KVM_RUN): each
# VM's debugfs tables, kvm/<pid>-<fd>/exit_stats and .../vcpu0/exit_stats,
# == the binary stats its exitgen read then through KVM_GET_STATS_FD, every
# reason, counts and cycles; and those == the VM's known exits up to there.
verify_wait_tables() {
	local name=$1 json=$R/twovm/$2 t=$R/twovm/$3 code hex bad_before=$fail
	load_kvm_stats "$json" wait KW
	equal "twovm $name: exitgen read its binary stats at the wait step" "$KW_taken" 1
	verify_kvm_known "twovm $name at the wait step" KW "$(known_until_wait "$json")"
	load_table "$t.table" T
	load_table "$t.vcpu0.table" V
	equal "twovm $name: VM debugfs table rows" "$T_lines" "$ROWS"
	equal "twovm $name: vCPU debugfs table rows" "$V_lines" "$ROWS"
	for code in "${!T_count[@]}"; do
		printf -v hex 0x%03x "$code"
		if ((T_count[$code] != ${KW_count[$code]:-0} || T_cycles[$code] != ${KW_cycles[$code]:-0})); then
			bad "twovm $name: reason $hex: debugfs VM table ${T_count[$code]} ${T_cycles[$code]}, binary stats ${KW_count[$code]:-0} ${KW_cycles[$code]:-0}"
		fi
		if ((${V_count[$code]:-0} != T_count[$code] || ${V_cycles[$code]:-0} != T_cycles[$code])); then
			bad "twovm $name: reason $hex: debugfs vcpu0 table ${V_count[$code]:-} ${V_cycles[$code]:-}, VM table ${T_count[$code]} ${T_cycles[$code]} (one vCPU)"
		fi
	done
	for code in "${!KW_count[@]}"; do
		[[ -n ${T_count[$code]:-} ]] || bad "twovm $name: binary stats count $code (${KW_count[$code]}), not a row of debugfs"
	done
	equal "twovm $name: debugfs VM table total == binary stats total" "$T_total" "$KW_total"
	((fail == bad_before)) && ok "twovm $name: debugfs VM and vCPU tables == its binary stats at the wait step ($KW_total exits)"
	return 0
}
verify_wait_tables "first VM" exitgen.json vm-a
verify_wait_tables "second VM" peer.json vm-b

# The fastpath re-entry (VMX): exitgen --irqchip's icr steps write the
# x2APIC ICR (0x830) in the form handle_fastpath_set_msr_irqoff() handles
# with IRQs off and re-enters the guest from; each step first turns x2APIC
# on through IA32_APIC_BASE (0x1b), which only the slow path handles. The
# oracle, independent of the patch: the kvm:kvm_msr hist keyed by MSR and
# the event's flags (fastpath/msr-hist.txt), IRQs-off flag 0x1 = traced in
# the fastpath. Every ICR write must have been handled there, and MSR_WRITE
# counted once per write either way: binary stats == debugfs == kvm_exit
# hist == exitgen's known writes (ICR + IA32_APIC_BASE + its filtered MSR).
verify_fastpath() {
	local d=$R/fastpath icr base known fast=0 slow=0 bfast=0 bslow=0 other=0 ecx write flags n
	local dropped kd kh ks
	read -r icr base known < <(jq -r '[.x2apic_icr.writes, .x2apic_icr.apic_base_writes,
		.expected.msr] | map(tostring) | join(" ")' "$d/exitgen.json") || true
	if ! ((icr > 0)); then
		bad "fastpath: exitgen made no x2APIC ICR write (x2apic_icr.writes '$icr')"
		return 0
	fi
	while read -r ecx write flags n; do
		if ((write != 1)); then other=$((other + n))
		elif ((ecx == 0x830 && flags & 1)); then fast=$((fast + n))
		elif ((ecx == 0x830)); then slow=$((slow + n))
		elif ((ecx == 0x1b && flags & 1)); then bfast=$((bfast + n))
		elif ((ecx == 0x1b)); then bslow=$((bslow + n))
		else other=$((other + n))
		fi
	done < <(hist_rows "$d/msr-hist.txt" ecx write common_flags)
	dropped=$(hist_dropped "$d/msr-hist.txt")
	equal "fastpath: kvm_msr hist dropped nothing" "$dropped" 0
	equal "fastpath: x2APIC ICR writes KVM handled in the fastpath (kvm_msr with IRQs off) == exitgen's" "$fast" "$icr"
	equal "fastpath: x2APIC ICR writes the slow path handled (kvm_msr with IRQs on)" "$slow" 0
	equal "fastpath: IA32_APIC_BASE writes, all in the slow path == exitgen's" "$bfast $bslow" "0 $base"
	equal "fastpath: other kvm_msr events (the filtered MSR goes to exitgen untraced)" "$other" 0
	# MSR_WRITE (32) alone: every write counted once, fastpath or not.
	load_kvm_stats "$d/exitgen.json" end KE
	load_table "$d/table.before" B
	load_table "$d/table.after" A
	kd=$(( ${A_count[32]:-0} - ${B_count[32]:-0} ))
	kh=$(hist_by_reason "$d/hist.txt" | awk '$1 == 32 { print $2 }')
	ks=${KE_count[32]:-0}
	equal "fastpath: MSR_WRITE (0x020) binary stats, debugfs delta, kvm_exit hist == exitgen's known writes ($icr ICR + $base IA32_APIC_BASE + the rest)" \
		"$ks $kd ${kh:-0}" "$known $known $known"
	equal "fastpath: exitgen ran with the in-kernel irqchip" "$(jq -r .irqchip "$d/exitgen.json")" true
}
[[ $ISA == svm ]] || { verify_scenario fastpath 0 Y 1; verify_fastpath; }
# The VMX bed runs one CPU (Bochs); the per-CPU sums are checked on SVM.
if [[ $ISA == svm ]]; then
	verify_scenario smp 1000
	# Both vCPUs (threads on the guest's CPUs) took exits: the debugfs sums above
	# added up per-CPU counters of more than one CPU.
	for v in 0 1; do
		n=$(awk -v v="$v" '/^\{ *vcpu_id:/ { gsub(/[{},:]/, " "); if ($2 == v) for (i = 1; i < NF; i++) if ($i == "hitcount") s += $(i + 1) } END { print s + 0 }' "$R/smp/hist.txt")
		if ((n > 0)); then ok "smp: vCPU $v took $n exits"; else bad "smp: vCPU $v took no exit"; fi
	done
	cpus_used=$(awk '/^\{ *common_cpu:/ { gsub(/[{},:]/, " "); for (i = 1; i < NF; i++) if ($i == "hitcount" && $(i + 1) > 0) n++ } END { print n + 0 }' "$R/smp/cpu-hist.txt")
	equal "guest CPUs (the bed runs the job with --smp 2)" "$NCPUS" 2
	if ((cpus_used >= 2)); then
		ok "smp: exits handled on $cpus_used CPUs"
	else
		bad "smp: exits handled on only $cpus_used CPU(s)"
	fi
else
	equal "guest CPUs (the VMX bed runs the job with --smp 1)" "$NCPUS" 1
fi
verify_scenario off 0 Y 1
verify_scenario storm 1 Y 1
verify_scenario stopped 1 N 1
# After rmmod and insmod (kvm.exit_stats=1 exit_stats_cpuid_leaves=2 given
# at load time): the statistics start from zero and count again.
verify_scenario reload 0 Y 2
equal "reload: debugfs total starts from zero after rmmod/insmod" "$B_total $B_total_cycles" "0 0"

assert_summary "$CHECK"
