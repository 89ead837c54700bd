#!/usr/bin/env bash
# make kernel-boot-check: build the kernel both kernel checks share (lib.sh
# kernel_build: tinyconfig + configs/kvm.config with the series applied; KVM,
# KVM_AMD, KVM_INTEL as modules), boot its bzImage in the real-KVM bed
# (tests/realkvm/bed.sh --kernel) with its irqbypass, kvm and kvm-amd modules,
# run kernel/boot-job.sh there (it loads them) and check its results with
# kernel/boot-verify.sh. After kernel-check, the build step finds everything
# built.
#
# With --vmx (make kernel-boot-check-vmx): the same kernel in the VMX bed
# (tests/realkvm/bed.sh --vmx: Bochs, one CPU) with kvm-intel instead of kvm-amd.
set -euo pipefail

ISA=svm
if [[ ${1:-} == --vmx ]]; then
	ISA=vmx
	shift
fi
(($# == 0)) || { echo "kernel/boot-check.sh: unknown argument '$1' (usage: boot-check.sh [--vmx])" >&2; exit 2; }

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$KERNEL_DIR/.." && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"

if [[ $ISA == vmx ]]; then
	RESULTS=$REPO/build/kernel/boot-vmx IMAGE=$REPO/build/kernel/image-vmx
	SKIP=kvm-amd.ko BED=(--vmx) BOOT=(--smp 1 --timeout 900) VERIFY=(--vmx)
	echo "check-where: host (kernel build) + VMX bed (Bochs, kvm_intel; no host KVM needed)"
else
	RESULTS=$REPO/build/kernel/boot IMAGE=$REPO/build/kernel/image
	SKIP=kvm-intel.ko BED=() BOOT=(--smp 2 --timeout 240) VERIFY=()
	echo "check-where: host (kernel build) + real-KVM bed (QEMU TCG, no host KVM needed)"
fi
total_start=$(date +%s)

for f in build/static/exitgen build/static/exitstat-cpuid build/exitstat-cpuid; do
	[[ -x $REPO/$f ]] || { echo "kernel: $f is missing (make all static)" >&2; exit 1; }
done

kernel_build

# The bed boots copies, so the shared tree's lock can go before the boot (a
# kernel-check waiting for it need not wait for the bed). The job loads the
# modules from /lib/exitstat-kvm/, in this order.
rm -rf "$IMAGE"
mkdir -p "$IMAGE"
cp "$OBJ/arch/x86/boot/bzImage" "$IMAGE/"
ADDS=()
for ko in "${MODULES[@]}"; do
	[[ $ko == */$SKIP ]] && continue
	cp "$OBJ/$ko" "$IMAGE/"
	ADDS+=(--add "$IMAGE/$(basename "$ko"):/lib/exitstat-kvm/$(basename "$ko")")
done
# The reasons the SDM/APM defines (exitstat's catalogue) that this tree has
# no exit handler for (its handler tables, kernel/handled.sh): the job asks
# their CPUID leaves, the verifier wants zeros.
handled_reasons() {
	bash "$KERNEL_DIR/handled.sh" "$SRC" "$OBJ" "$ISA" > "$IMAGE/handled"
	"$REPO/build/exitstat-cpuid" --isa "$ISA" --defined | grep -vxFf "$IMAGE/handled" > "$IMAGE/unhandled" || true
	[[ -s $IMAGE/unhandled ]] || { echo "kernel: no $ISA reason without a handler: the derivation is broken" >&2; return 1; }
	echo "kernel: $(wc -l < "$IMAGE/handled") $ISA reasons handled, $(wc -l < "$IMAGE/unhandled") defined but unhandled ($(head -n 2 "$IMAGE/unhandled" | tr '\n' ' ')...)"
}
step "defined but unhandled $ISA reasons, from the tree's exit handler tables" handled_reasons
ADDS+=(--add "$IMAGE/unhandled:/lib/exitstat-kvm/unhandled")
unlock_work

# Two CPUs, so that the per-CPU sums are tested. (The kernel needs ACPI for
# them, and for HPET/PM timer: without those, the TSC calibration can fail
# under TCG and KVM then never enters a guest, spinning on a 0 kHz TSC.)
# A run takes 30-60 s; two-CPU TCG guests sometimes hang, and bed.sh boots
# once more when the job never finishes, so the timeout only bounds a hang.
# Bochs boots take 2-6 minutes on a busy machine.
step "boot in the $ISA bed and run kernel/boot-job.sh" \
	bash "$REPO/tests/realkvm/bed.sh" "${BED[@]}" run --kernel "$IMAGE/bzImage" "${ADDS[@]}" "${BOOT[@]}" \
	--script "$KERNEL_DIR/boot-job.sh" --results "$RESULTS"

step "verify printed tables, debugfs and CPUID leaves against exitgen and kvm:kvm_exit" \
	bash "$KERNEL_DIR/boot-verify.sh" "${VERIFY[@]}" "$RESULTS" "$REPO/build/exitstat-cpuid"

echo "kernel-boot-check$([[ $ISA == svm ]] || echo -vmx): passed in $(( $(date +%s) - total_start )) s"
