# Helpers shared by kernel/check.sh and kernel/boot-check.sh (sourced), and
# the one patched tree and kernel build they share (kernel_build).

# step NAME CMD...: runs CMD, prints how long it took, stops the script on failure.
step() {
	local name=$1 start rc
	shift
	start=$(date +%s.%N)
	echo "kernel: $name ..."
	# A subshell with errexit of its own: a failing command inside a step's
	# function fails the step (a bare call here would run with errexit off).
	set +e
	(set -e; "$@")
	rc=$?
	set -e
	printf 'kernel: %s: %s after %.1f s\n' "$name" "$([[ $rc -eq 0 ]] && echo ok || echo FAILED)" \
		"$(echo "$(date +%s.%N) - $start" | bc)"
	[[ $rc -eq 0 ]] || exit "$rc"
}

# series: the patch files in order, without the cover letter.
series() {
	local p
	for p in "$KERNEL_DIR"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
		[[ $p == */0000-cover-letter.patch ]] || echo "$p"
	done
}

# fresh_tree PRISTINE DEST [N]: DEST becomes PRISTINE with the series (or its
# first N patches) applied. The files the series does not touch are hard
# links to PRISTINE, made once per pristine tree (DEST.pristine names it);
# the touched ones are patched in a scratch tree from PRISTINE's copies each
# time, then put into DEST as private copies, so the pristine tree is never
# written. A touched file whose content DEST already has keeps its time stamp,
# so make rebuilds only what really changed (the object tree was built from
# DEST as it was).
fresh_tree() {
	local pristine=$1 dest=$2 scratch=$2.patched f all patches touched have=
	mapfile -t all < <(series)
	patches=("${all[@]:0:${3:-${#all[@]}}}")
	mapfile -t touched < <(cd "$pristine" && git apply --numstat "${all[@]}" | awk '{ print $3 }' | sort -u)
	[[ -d $dest && -r $dest.pristine ]] && have=$(< "$dest.pristine")
	if [[ $have != "$pristine" ]]; then
		rm -rf "$dest" "$dest.new" "$dest.pristine"
		mkdir -p "$(dirname "$dest")"
		cp -al "$pristine" "$dest.new"
		mv "$dest.new" "$dest"
		echo "$pristine" > "$dest.pristine"
	fi
	rm -rf "$scratch"
	mkdir -p "$scratch"
	for f in "${touched[@]}"; do
		if [[ -e $pristine/$f ]]; then
			(cd "$pristine" && cp --parents "$f" "$scratch/")
		fi
	done
	(
		cd "$scratch"
		# One at a time: --check cannot see what earlier patches of the
		# same invocation would create.
		for f in "${patches[@]}"; do
			git apply --check "$f" || { echo "kernel: $(basename "$f") does not apply" >&2; exit 1; }
			git apply "$f"
		done
	)
	for f in "${touched[@]}"; do
		if [[ ! -e $scratch/$f ]]; then
			rm -f "$dest/$f"
		elif [[ ! -f $dest/$f ]] || ! cmp -s "$scratch/$f" "$dest/$f" ||
			(($(stat -c %h "$dest/$f") != 1)); then
			mkdir -p "$(dirname "$dest/$f")"
			cp --remove-destination "$scratch/$f" "$dest/$f"
		fi
	done
	rm -rf "$scratch"
}

# kconfig_merge OBJ FRAGMENT: merges FRAGMENT (=y, =m, =NUMBER, "is not set")
# into OBJ/.config and fails if a symbol did not end up with the requested
# value (a missing dependency).
kconfig_merge() {
	local obj=$1 fragment=$2 line sym
	"$SRC"/scripts/config --file "$obj/.config" $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/--enable \1/p; s/^CONFIG_\([A-Z0-9_]*\)=m$/--module \1/p; s/^CONFIG_\([A-Z0-9_]*\)=\([0-9][0-9]*\)$/--set-val \1 \2/p; s/^# CONFIG_\([A-Z0-9_]*\) is not set$/--disable \1/p' "$fragment")
	make -s -C "$SRC" O="$obj" olddefconfig
	while read -r line; do
		case $line in
		CONFIG_*=*)
			if ! grep -qx "$line" "$obj/.config"; then
				echo "kernel: $fragment: $line did not stick (dependency missing?)" >&2
				return 1
			fi ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			if grep -q "^$sym=" "$obj/.config"; then
				echo "kernel: $fragment: $sym should be off" >&2
				return 1
			fi ;;
		esac
	done < "$fragment"
}

# kconfig_configure BASE: OBJ/.config = `make BASE` (defconfig, tinyconfig) +
# each of FRAGMENTS in turn, kept as it is when neither the fragments nor the
# tree's Makefile changed since it was made (uses SRC, OBJ, FRAGMENTS,
# PRISTINE and KMAKE).
kconfig_configure() {
	local base=$1 want have='' f
	want=$(cat "${FRAGMENTS[@]}" "$PRISTINE/Makefile" | sha256sum | cut -c1-16)
	[[ -r $OBJ/.exitstat-config ]] && have=$(cat "$OBJ/.exitstat-config")
	if [[ -r $OBJ/.config && $want == "$have" ]]; then
		echo "kernel: configuration unchanged, kept"
		return 0
	fi
	mkdir -p "$OBJ"
	"${KMAKE[@]}" "$base"
	for f in "${FRAGMENTS[@]}"; do
		kconfig_merge "$OBJ" "$f"
	done
	echo "$want" > "$OBJ/.exitstat-config"
}

# lock_work DIR: one run at a time per work tree (two `make check`s on the same
# machine would otherwise delete each other's source tree); held until exit.
lock_work() {
	mkdir -p "$(dirname "$1")"
	exec 9>"$1.lock"
	if ! flock -n 9; then
		echo "kernel: another run holds $1.lock; waiting"
		flock 9
	fi
}

# unlock_work: lets the next run have the work tree before this one exits.
unlock_work() {
	flock -u 9
}

# --- The shared build -------------------------------------------------------
# Both kernel checks use ONE patched tree and ONE configuration (tinyconfig +
# configs/kvm.config: bootable in the bed, KVM, KVM_AMD, KVM_INTEL as modules,
# CONFIG_KVM_WERROR=y) and one object tree: kernel-check builds it and checks
# the modules, kernel-boot-check boots its bzImage with its modules. Whichever
# runs second finds everything built (ccache covers what fresh_tree re-touches).
#
# KERNEL_FLAVOR=debug (set before sourcing; kernel-boot-check-debug): the same
# series and kvm.config plus configs/debug.config (PREEMPT, DEBUG_PREEMPT,
# PROVE_LOCKING, DEBUG_ATOMIC_SLEEP), in a work tree of its own, so neither
# build invalidates the other's objects and the two can build side by side.
CACHE=${EXITSTAT_CACHE:-/var/cache/exitstat}
FRAGMENTS=("$KERNEL_DIR/configs/kvm.config")
case ${KERNEL_FLAVOR:-} in
"") WORK=$CACHE/linux/kvm ;;
debug)
	WORK=$CACHE/linux/kvm-debug
	FRAGMENTS+=("$KERNEL_DIR/configs/debug.config") ;;
*) echo "kernel: KERNEL_FLAVOR '$KERNEL_FLAVOR' is neither empty nor debug" >&2; exit 2 ;;
esac
SRC=$WORK/src
OBJ=$WORK/obj
export CCACHE_DIR=$CACHE/ccache
KMAKE=(make -s -C "$SRC" O="$OBJ" CC="ccache gcc" -j"$(nproc)")
# In insmod order (kvm needs irqbypass; kvm-amd and kvm-intel need kvm).
MODULES=(virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko arch/x86/kvm/kvm-intel.ko)

# make_logged LOG TARGET...: runs the kernel make, the output in LOG; prints
# its warnings, or on failure its last lines and where the log is.
make_logged() {
	local log=$1
	shift
	if ! "${KMAKE[@]}" "$@" > "$log" 2>&1; then
		tail -40 "$log" >&2
		echo "kernel: make $* failed, full log: $log" >&2
		return 1
	fi
	cat "$log"
}

# check_modules: the vendor modules call __kvm_exit_stats_record behind the
# static key kvm_exit_stats_key, kvm.ko exports every (__)kvm_exit_stats_
# symbol they use (modpost checked the rest of their symbols against
# vmlinux), and the build had CONFIG_KVM_WERROR.
check_modules() {
	local ko sym missing=0 exports imports
	grep -q '^CONFIG_KVM_WERROR=y$' "$OBJ/.config" || { echo "kernel: CONFIG_KVM_WERROR is off" >&2; return 1; }
	for ko in "${MODULES[@]}"; do
		[[ -f $OBJ/$ko ]] || { echo "kernel: $OBJ/$ko was not built" >&2; return 1; }
	done
	exports=$(nm "$OBJ/arch/x86/kvm/kvm.ko" | awk '$3 ~ /^__ksymtab_/ { sub(/^__ksymtab_/, "", $3); print $3 }')
	for ko in kvm-amd kvm-intel; do
		imports=$(nm "$OBJ/arch/x86/kvm/$ko.ko" | awk '$1 == "U" && $2 ~ /^(__)?kvm_exit_stats_/ { print $2 }')
		for sym in $imports; do
			if ! grep -qx "$sym" <<< "$exports"; then
				echo "kernel: $ko.ko needs $sym, which kvm.ko does not export" >&2
				missing=1
			fi
		done
		if ! grep -qx __kvm_exit_stats_record <<< "$imports" || ! grep -qx kvm_exit_stats_key <<< "$imports"; then
			echo "kernel: $ko.ko does not call __kvm_exit_stats_record behind kvm_exit_stats_key" >&2
			missing=1
		fi
	done
	return "$missing"
}

build_kernel() {
	make_logged "$WORK/build.log" bzImage modules
	check_modules
	ls -l "$OBJ/arch/x86/boot/bzImage" "${MODULES[@]/#/$OBJ/}"
}

# retire_old_work: the separate trees of the two checks before they shared
# one (linux/check, linux/boot, several GB), removed when no run holds them.
retire_old_work() {
	local d
	for d in "$CACHE/linux/check" "$CACHE/linux/boot"; do
		[[ -e $d ]] || continue
		(
			exec 8>"$d.lock"
			flock -n 8 || exit 0
			echo "kernel: removing $d (no longer used: both checks share $WORK)"
			rm -rf "$d"
		)
	done
}

# kernel_build: lock the shared work tree (until the script exits), apply the
# series to a fresh copy, configure, build bzImage + modules, check them.
kernel_build() {
	local start
	lock_work "$WORK"
	retire_old_work
	start=$(date +%s)
	PRISTINE=$("$KERNEL_DIR/linux-tree.sh")
	echo "kernel: pristine tree $PRISTINE ($(( $(date +%s) - start )) s)"
	step "git apply --check, then apply the series to a fresh copy" fresh_tree "$PRISTINE" "$SRC"
	step "configure (tinyconfig + $(basename -a "${FRAGMENTS[@]}" | paste -sd+ | sed 's/+/ + /g'))" kconfig_configure tinyconfig
	step "build bzImage + kvm, kvm-amd, kvm-intel modules (KVM_WERROR)" build_kernel
}
