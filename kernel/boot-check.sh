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
#
# With --debug (make kernel-boot-check-debug): the debug build (lib.sh
# KERNEL_FLAVOR=debug: configs/debug.config on top, PREEMPT, DEBUG_PREEMPT,
# PROVE_LOCKING, DEBUG_ATOMIC_SLEEP; its own tree) in the real-KVM bed, the
# same job through kernel/boot-job-debug.sh (which also keeps uname, the taint
# flags and lockdep's state), verified with boot-verify.sh --debug: the same
# checks, and no warning of any kind in the whole kernel log.
set -euo pipefail

ISA=svm
FLAVOR=
case ${1:-} in
--vmx) ISA=vmx; shift ;;
--debug) FLAVOR=debug; shift ;;
esac
(($# == 0)) || { echo "kernel/boot-check.sh: unknown argument '$1' (usage: boot-check.sh [--vmx | --debug])" >&2; exit 2; }
export KERNEL_FLAVOR=$FLAVOR

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$KERNEL_DIR/.." && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"

JOB=$KERNEL_DIR/boot-job.sh JOB_ADDS=() NAME=kernel-boot-check
if [[ $ISA == vmx ]]; then
	RESULTS=$REPO/build/kernel/boot-vmx IMAGE=$REPO/build/kernel/image-vmx
	SKIP=kvm-amd.ko BED=(--vmx) BOOT=(--smp 1 --timeout 900) VERIFY=(--vmx)
	NAME=kernel-boot-check-vmx
	echo "check-where: host (kernel build) + VMX bed (Bochs, kvm_intel; no host KVM needed)"
elif [[ $FLAVOR == debug ]]; then
	# lockdep slows every lock operation down: a longer bound on a hang.
	RESULTS=$REPO/build/kernel/boot-debug IMAGE=$REPO/build/kernel/image-debug
	SKIP=kvm-intel.ko BED=() BOOT=(--smp 2 --timeout 600) VERIFY=(--debug)
	JOB=$KERNEL_DIR/boot-job-debug.sh JOB_ADDS=(--add "$KERNEL_DIR/boot-job.sh:/lib/exitstat-kvm/boot-job.sh")
	NAME=kernel-boot-check-debug
	echo "check-where: host (debug kernel build) + real-KVM bed (QEMU TCG, no host KVM needed)"
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
# A run takes 30-60 s; bed.sh boots once more when the job never finishes
# (a hung or crashed emulator), so the timeout only bounds a hang.
# Bochs boots take 2-6 minutes on a busy machine.
step "boot in the $ISA bed and run kernel/$(basename "$JOB")" \
	bash "$REPO/tests/realkvm/bed.sh" "${BED[@]}" run --kernel "$IMAGE/bzImage" "${ADDS[@]}" "${BOOT[@]}" \
	"${JOB_ADDS[@]}" --script "$JOB" --results "$RESULTS"

step "verify printed tables, debugfs and CPUID leaves against exitgen and kvm:kvm_exit" \
	bash "$KERNEL_DIR/boot-verify.sh" "${VERIFY[@]}" "$RESULTS" "$REPO/build/exitstat-cpuid"

echo "$NAME: passed in $(( $(date +%s) - total_start )) s"
