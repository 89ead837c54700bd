#!/usr/bin/env bash
# `make check-explain` (part): every MSR name of the catalogue (core/detail.c)
# has the index the kernel gives it: MSR_* in arch/x86/include/asm/msr-index.h
# or uapi/asm/kvm_para.h, and the x2APIC registers as APIC_BASE_MSR + (the
# xAPIC register offset >> 4) from asm/apicdef.h, in Debian's linux-source
# tree (kernel/linux-tree.sh): an oracle independent of the table.
# usage: msr-names.sh DETAIL_TOOL
set -uo pipefail
DT=${1:?usage: msr-names.sh DETAIL_TOOL}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/assert.sh"
need_built "$DT"
tree=$(bash "$REPO/kernel/linux-tree.sh") || { bad "no linux-source tree (kernel/linux-tree.sh; make setup)"; assert_summary check-explain-msrs; exit 1; }
inc=$tree/arch/x86/include
# define NAME: its value in the kernel headers ("" if none)
kdef() {
	awk -v n="$1" '$1 == "#define" && $2 == n { print $3; exit }' \
		"$inc/asm/msr-index.h" "$inc/uapi/asm/kvm_para.h" "$inc/asm/apicdef.h"
}
declare -A X2APIC=([ID]=APIC_ID [version]=APIC_LVR [TPR]=APIC_TASKPRI [EOI]=APIC_EOI [LDR]=APIC_LDR
	[SIVR]=APIC_SPIV [ICR]=APIC_ICR [LVT timer]=APIC_LVTT [timer initial count]=APIC_TMICT
	[timer current count]=APIC_TMCCT [timer divide]=APIC_TDCR [self IPI]=APIC_SELF_IPI)
base=$(kdef APIC_BASE_MSR)
n=0 wrong=0
while read -r idx name; do
	n=$((n + 1))
	if [[ $name == "x2APIC "* ]]; then
		reg=${X2APIC[${name#x2APIC }]:-}
		off=$([[ -n $reg ]] && kdef "$reg")
		if [[ -z $off || -z $base ]]; then
			bad "$name: no ${reg:-register} in apicdef.h"
			wrong=$((wrong + 1))
			continue
		fi
		want=$(printf '%#x' $((base + (off >> 4))))
	else
		v=$(kdef "$name")
		[[ -n $v ]] || { bad "$name: not defined in msr-index.h or kvm_para.h"; wrong=$((wrong + 1)); continue; }
		want=$(printf '%#x' $((v)))
	fi
	[[ $idx == "$want" ]] || { bad "$name: the catalogue says $idx, the kernel $want"; wrong=$((wrong + 1)); }
done < <("$DT" msrs)
((n > 50 && wrong == 0)) && ok "the catalogue's $n MSR names have the kernel's indexes" ||
	bad "$n MSRs in the catalogue, $wrong not as the kernel says"
assert_summary check-explain-msrs
