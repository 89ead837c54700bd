# shellcheck shell=bash
# What the hotspot checks share (tests/explain/hotspots.sh, tests/live/bed-check.sh,
# tests/explain/vmx-bed.sh): exitgen --layout gives each step's exiting RIP per
# vCPU; the exits at that RIP of the step's reasons must be the step's n.
# Needs assert.sh's equal.

# hot_class OP: the reasons (SVM and VMX names) an op's exiting instruction is seen as
hot_class() {
	case $1 in
	out | in | sleep | wait) echo '["io","IO_INSTRUCTION"]' ;;
	cpuid | leaf) echo '["cpuid","CPUID"]' ;;
	rdmsr) echo '["msr","MSR_READ"]' ;;
	wrmsr) echo '["msr","MSR_WRITE"]' ;;
	mmio) echo '["npf","EPT_MISCONFIG","EPT_VIOLATION"]' ;;
	touch) echo '["npf","EPT_VIOLATION"]' ;;
	hlt) echo '["hlt","HLT"]' ;;
	esac
}

# hot_steps NAME REASONS_JSON LAYOUT: REASONS_JSON is explain --hotspots' "reasons"
# array (or a report's .hotspots.reasons); the exits at each distinct (rip, op) of
# every vCPU (real mode shares offsets across vCPUs), and the final HLT once per
# vCPU, == exitgen's steps
hot_steps() {
	local name=$1 j=$2 layout=$3 got="" want="" rip op n c
	while read -r rip op n; do
		c=$(jq --arg rip "$rip" --argjson cls "$(hot_class "$op")" \
			'[.[] | select(.reason as $r | $cls | index($r)) | .hotspots[] |
			  select(.rip == $rip) | .count] | add // 0' "$j")
		got+=" $op@$rip=$c"
		want+=" $op@$rip=$n"
	done < <(jq -r '[.vcpus[] | (.steps[] | select(.exit_rip) | {rip: .exit_rip, op, n}),
			 {rip: .final_hlt_rip, op: "hlt", n: 1}] | group_by(.rip, .op)[] |
			"\(.[0].rip) \(.[0].op) \(map(.n) | add)"' "$layout")
	equal "$name: exits at each step's RIP == exitgen's steps" "$got" "$want"
}
