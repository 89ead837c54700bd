#!/usr/bin/env bash
# make kernel-check: apply the series to a fresh copy of Debian's 6.12 tree,
# build the kernel both kernel checks share (lib.sh kernel_build: tinyconfig +
# configs/kvm.config, bzImage and kvm.ko, kvm-amd.ko, kvm-intel.ko with
# CONFIG_KVM_WERROR=y, modpost against vmlinux), run checkpatch --strict on
# every patch, and build the modules after each shorter prefix of the series.
# The tree, object tree and ccache persist in ${EXITSTAT_CACHE:-/var/cache/exitstat}/.
set -euo pipefail

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"

echo "check-where: host (kernel build; no KVM needed)"
total_start=$(date +%s)
kernel_build

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

# Upstream expects every patch to build on its own (bisection): take the
# patches off the shared tree one at a time, last first, and build the
# modules again each time (modpost against vmlinux; only what a patch touched
# is rebuilt). The next fresh_tree puts the whole series back.
build_prefixes() {
	local k patches
	mapfile -t patches < <(series)
	for ((k = ${#patches[@]} - 1; k >= 1; k--)); do
		(cd "$SRC" && git apply -R "${patches[k]}") ||
			{ echo "kernel: cannot take $(basename "${patches[k]}") off the tree" >&2; return 1; }
		if ! make_logged "$WORK/prefix.log" modules; then
			echo "kernel: the series does not build with only its first $k patch(es): $(basename "${patches[k - 1]}") is the last" >&2
			return 1
		fi
		echo "kernel: patches 1-$k build"
	done
}
step "each patch builds on its own (prefixes of the series)" build_prefixes

echo "kernel-check: passed in $(( $(date +%s) - total_start )) s"
