#!/usr/bin/env bash
# make kernel-check: apply the series to a fresh copy of Debian's 6.12 tree,
# build kvm.ko, kvm-amd.ko and kvm-intel.ko with CONFIG_KVM_WERROR=y, and run
# checkpatch --strict on every patch. The object tree and ccache persist in
# ${EXITSTAT_CACHE:-/var/cache/exitstat}/ between runs.
set -euo pipefail

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"

CACHE=${EXITSTAT_CACHE:-/var/cache/exitstat}
WORK=$CACHE/linux/check
SRC=$WORK/src
OBJ=$WORK/obj
export CCACHE_DIR=$CACHE/ccache
JOBS=$(nproc)
KMAKE=(make -s -C "$SRC" O="$OBJ" CC="ccache gcc" -j"$JOBS")
FRAGMENT=$KERNEL_DIR/configs/kvm-modules.config
MODULES=(arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko arch/x86/kvm/kvm-intel.ko)
total_start=$(date +%s)
lock_work "$WORK"

start=$(date +%s)
PRISTINE=$("$KERNEL_DIR/linux-tree.sh")
echo "kernel: pristine tree $PRISTINE ($(( $(date +%s) - start )) s)"

step "git apply --check, then apply the series to a fresh copy" fresh_tree "$PRISTINE" "$SRC"

step "configure (x86_64 defconfig + $(basename "$FRAGMENT"))" kconfig_configure defconfig

step "modules_prepare" "${KMAKE[@]}" modules_prepare

build_modules() {
	local log=$WORK/build.log
	# Without vmlinux, modpost cannot resolve core-kernel symbols: warn only,
	# then check the symbols the vendor modules take from kvm.ko ourselves.
	if ! "${KMAKE[@]}" KBUILD_MODPOST_WARN=1 "${MODULES[@]}" > "$log" 2>&1; then
		grep -v 'modpost: "' "$log" | tail -40 >&2
		echo "kernel: build failed, full log: $log" >&2
		return 1
	fi
	grep -v 'modpost: \|vmlinux.o is missing\|Modules may not have\|You may get many\|You can set KBUILD_MODPOST_WARN\|if you want to proceed' "$log" || true
	local ko sym missing=0 exports imports
	exports=$(nm "$OBJ/arch/x86/kvm/kvm.ko" | awk '$3 ~ /^__ksymtab_/ { sub(/^__ksymtab_/, "", $3); print $3 }')
	for ko in kvm-amd kvm-intel; do
		imports=$(nm "$OBJ/arch/x86/kvm/$ko.ko" | awk '$1 == "U" && $2 ~ /^kvm_exit_stats_/ { print $2 }')
		for sym in $imports; do
			if ! grep -qx "$sym" <<< "$exports"; then
				echo "kernel: $ko.ko needs $sym, which kvm.ko does not export" >&2
				missing=1
			fi
		done
		if ! grep -qx kvm_exit_stats_record <<< "$imports"; then
			echo "kernel: $ko.ko does not call kvm_exit_stats_record" >&2
			missing=1
		fi
	done
	grep -q '^CONFIG_KVM_WERROR=y$' "$OBJ/.config" || { echo "kernel: CONFIG_KVM_WERROR is off" >&2; return 1; }
	ls -l "${MODULES[@]/#/$OBJ/}"
	return "$missing"
}
step "build kvm.ko kvm-amd.ko kvm-intel.ko (KVM_WERROR)" build_modules

run_checkpatch() {
	local p out bad=0
	for p in $(series); do
		out=$(cd "$SRC" && ./scripts/checkpatch.pl --strict "$p" 2>&1 | sed -n '/^total:/p') || true
		if [[ $out != "total: 0 errors, 0 warnings, 0 checks, "* ]]; then
			(cd "$SRC" && ./scripts/checkpatch.pl --strict "$p") >&2 || true
			bad=1
		fi
		echo "kernel: checkpatch --strict $(basename "$p"): $out"
	done
	return "$bad"
}
step "checkpatch --strict" run_checkpatch

# Upstream expects every patch to build on its own (bisection): build the
# modules after each shorter prefix of the series, in a second object tree.
build_prefixes() {
	local n k prefix_src=$WORK/prefix-src prefix_obj=$WORK/prefix-obj
	n=$(series | wc -l)
	mkdir -p "$prefix_obj"
	cp "$OBJ/.config" "$prefix_obj/.config"
	for ((k = 1; k < n; k++)); do
		fresh_tree "$PRISTINE" "$prefix_src" "$k"
		if ! make -s -C "$prefix_src" O="$prefix_obj" CC="ccache gcc" -j"$JOBS" olddefconfig modules_prepare ||
			! make -s -C "$prefix_src" O="$prefix_obj" CC="ccache gcc" -j"$JOBS" KBUILD_MODPOST_WARN=1 \
				"${MODULES[@]}" > "$WORK/prefix.log" 2>&1; then
			grep -v 'modpost: "' "$WORK/prefix.log" | tail -30 >&2
			echo "kernel: the series does not build with only its first $k patch(es): $(series | sed -n "${k}p")" >&2
			return 1
		fi
		echo "kernel: patches 1-$k build"
	done
}
step "each patch builds on its own (prefixes of the series)" build_prefixes

echo "kernel-check: passed in $(( $(date +%s) - total_start )) s"
