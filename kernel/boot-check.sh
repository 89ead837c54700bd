#!/usr/bin/env bash
# make kernel-boot-check: build the kernel both kernel checks share (lib.sh
# kernel_build: tinyconfig + configs/kvm.config with the series applied; KVM,
# KVM_AMD, KVM_INTEL as modules), boot its bzImage in the real-KVM bed
# (tests/realkvm/bed.sh --kernel) with its irqbypass, kvm and kvm-amd modules,
# run kernel/boot-job.sh there (it loads them) and check its results with
# kernel/boot-verify.sh. After kernel-check, the build step finds everything
# built.
set -euo pipefail

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$KERNEL_DIR/.." && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"

RESULTS=$REPO/build/kernel/boot
echo "check-where: host (kernel build) + real-KVM bed (QEMU TCG, no host KVM needed)"
total_start=$(date +%s)

for f in build/static/exitgen build/static/exitstat-cpuid build/exitstat-cpuid; do
	[[ -x $REPO/$f ]] || { echo "kernel: $f is missing (make all static)" >&2; exit 1; }
done

kernel_build

# The bed boots copies, so the shared tree's lock can go before the boot (a
# kernel-check waiting for it need not wait for the bed). The job loads the
# modules from /lib/exitstat-kvm/, in this order.
IMAGE=$REPO/build/kernel/image
rm -rf "$IMAGE"
mkdir -p "$IMAGE"
cp "$OBJ/arch/x86/boot/bzImage" "$IMAGE/"
ADDS=()
for ko in "${MODULES[@]}"; do
	[[ $ko == */kvm-intel.ko ]] && continue
	cp "$OBJ/$ko" "$IMAGE/"
	ADDS+=(--add "$IMAGE/$(basename "$ko"):/lib/exitstat-kvm/$(basename "$ko")")
done
unlock_work

# Two CPUs, so that the per-CPU sums are tested. (The kernel needs ACPI for
# them, and for HPET/PM timer: without those, the TSC calibration can fail
# under TCG and KVM then never enters a guest, spinning on a 0 kHz TSC.)
# A run takes 30-60 s; two-CPU TCG guests sometimes hang, and bed.sh boots
# once more when the job never finishes, so the timeout only bounds a hang.
step "boot in the real-KVM bed and run kernel/boot-job.sh" \
	bash "$REPO/tests/realkvm/bed.sh" run --kernel "$IMAGE/bzImage" "${ADDS[@]}" --smp 2 \
	--script "$KERNEL_DIR/boot-job.sh" --results "$RESULTS" --timeout 240

step "verify printed tables, debugfs and CPUID leaves against exitgen and kvm:kvm_exit" \
	bash "$KERNEL_DIR/boot-verify.sh" "$RESULTS" "$REPO/build/exitstat-cpuid"

echo "kernel-boot-check: passed in $(( $(date +%s) - total_start )) s"
