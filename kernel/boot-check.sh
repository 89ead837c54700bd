#!/usr/bin/env bash
# make kernel-boot-check: build a small bzImage (tinyconfig + configs/boot.config,
# KVM and KVM_AMD built in) with the series applied, boot it in the real-KVM bed
# (tests/realkvm/bed.sh --kernel), run kernel/boot-job.sh there and check its
# results with kernel/boot-verify.sh. Object tree and ccache persist in
# ${EXITSTAT_CACHE:-/var/cache/exitstat}/ between runs.
set -euo pipefail

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$KERNEL_DIR/.." && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"

CACHE=${EXITSTAT_CACHE:-/var/cache/exitstat}
WORK=$CACHE/linux/boot
SRC=$WORK/src
OBJ=$WORK/obj
export CCACHE_DIR=$CACHE/ccache
KMAKE=(make -s -C "$SRC" O="$OBJ" CC="ccache gcc" -j"$(nproc)")
FRAGMENT=$KERNEL_DIR/configs/boot.config
RESULTS=$REPO/build/kernel/boot
total_start=$(date +%s)
lock_work "$WORK"

for f in build/static/exitgen build/static/exitstat-cpuid build/exitstat-cpuid; do
	[[ -x $REPO/$f ]] || { echo "kernel: $f is missing (make all static)" >&2; exit 1; }
done

start=$(date +%s)
PRISTINE=$("$KERNEL_DIR/linux-tree.sh")
echo "kernel: pristine tree $PRISTINE ($(( $(date +%s) - start )) s)"

step "git apply --check, then apply the series to a fresh copy" fresh_tree "$PRISTINE" "$SRC"

step "configure (tinyconfig + $(basename "$FRAGMENT"))" kconfig_configure tinyconfig

build() {
	local log=$WORK/build.log
	if ! "${KMAKE[@]}" bzImage > "$log" 2>&1; then
		tail -40 "$log" >&2
		echo "kernel: build failed, full log: $log" >&2
		return 1
	fi
	ls -l "$OBJ/arch/x86/boot/bzImage"
}
step "build bzImage (KVM, KVM_AMD built in)" build

# Two CPUs, so that the per-CPU sums are tested. (The kernel needs ACPI for
# them, and for HPET/PM timer: without those, the TSC calibration can fail
# under TCG and KVM then never enters a guest, spinning on a 0 kHz TSC.)
# A run takes 30-60 s; two-CPU TCG guests sometimes hang, and bed.sh boots
# once more when the job never finishes, so the timeout only bounds a hang.
step "boot in the real-KVM bed and run kernel/boot-job.sh" \
	bash "$REPO/tests/realkvm/bed.sh" run --kernel "$OBJ/arch/x86/boot/bzImage" --smp 2 \
	--script "$KERNEL_DIR/boot-job.sh" --results "$RESULTS" --timeout 240

step "verify printed tables, debugfs and CPUID leaves against exitgen and kvm:kvm_exit" \
	bash "$KERNEL_DIR/boot-verify.sh" "$RESULTS" "$REPO/build/exitstat-cpuid"

echo "kernel-boot-check: passed in $(( $(date +%s) - total_start )) s"
