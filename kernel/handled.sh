#!/usr/bin/env bash
# handled.sh SRC OBJ ISA: the exit codes (hex, one a line) that the patched
# tree's vendor module has an exit handler for: the designators of
# svm_exit_handlers[] (svm/svm.c) or kvm_vmx_exit_handlers[] (vmx/vmx.c),
# preprocessed with the build's configuration (autoconf.h) so #ifdef'd
# handlers count only if built, and the SVM_EXIT_*/EXIT_REASON_* and
# *_VECTOR names resolved from the uapi headers; plus the failed VM entries
# the exit paths report to user space before they look at the table
# (svm_handle_exit(): SVM_EXIT_ERR; __vmx_handle_exit(): INVALID_STATE,
# MSR_LOAD_FAIL, MCE_DURING_VMENTRY). boot-check.sh takes these from the
# catalogue's defined reasons to get the ones the CPUID leaves must call
# unhandled: from the kernel's own tables, not from the patch under test.
set -euo pipefail
src=${1:?usage: handled.sh SRC OBJ svm|vmx} obj=${2:?usage: handled.sh SRC OBJ svm|vmx} isa=${3:?usage: handled.sh SRC OBJ svm|vmx}
case $isa in
svm) file=arch/x86/kvm/svm/svm.c table='svm_exit_handlers\[\]\)' header=svm.h
	failed_entries='SVM_EXIT_ERR' ;;
vmx) file=arch/x86/kvm/vmx/vmx.c table='kvm_vmx_exit_handlers\[\]\)' header=vmx.h
	failed_entries='EXIT_REASON_INVALID_STATE EXIT_REASON_MSR_LOAD_FAIL EXIT_REASON_MCE_DURING_VMENTRY' ;;
*) echo "handled.sh: ISA '$isa': expected svm or vmx" >&2; exit 2 ;;
esac
autoconf=$obj/include/generated/autoconf.h
for f in "$src/$file" "$src/arch/x86/include/uapi/asm/$header" "$src/arch/x86/include/uapi/asm/kvm.h" "$autoconf"; do
	[[ -s $f ]] || { echo "handled.sh: $f is missing or empty" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
	grep -E '^#define [A-Z]+_VECTOR[[:space:]]+[0-9]+' "$src/arch/x86/include/uapi/asm/kvm.h"
	echo "#include <asm/$header>"
	awk -v t="$table" '$0 ~ t { on = 1; next } on && /^};/ { exit } on' "$src/$file"
	for e in $failed_entries; do echo "[$e] = failed_entry,"; done
} > "$tmp/t.c"
grep -q '\[' "$tmp/t.c" || { echo "handled.sh: no handler table matching '$table' in $src/$file" >&2; exit 1; }
gcc -E -P -include "$autoconf" -I"$src/arch/x86/include/uapi" "$tmp/t.c" |
	grep -o '^[[:space:]]*\[[^]]*\]' | tr -d '[] \t' > "$tmp/exprs"
while read -r e; do
	printf '0x%x\n' $(( (e) & 0xffffffff ))
done < "$tmp/exprs" | sort -u
