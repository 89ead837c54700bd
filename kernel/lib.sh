# Helpers shared by kernel/check.sh and kernel/boot-check.sh (sourced).

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

# fresh_tree PRISTINE DEST [N]: DEST becomes a hard-linked copy of PRISTINE
# with the series (or its first N patches) applied; every file the series
# touches is a private copy first, so the pristine tree is never written.
fresh_tree() {
	local pristine=$1 dest=$2 f patches
	mapfile -t patches < <(series | head -n "${3:-1000}")
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	cp -al "$pristine" "$dest"
	(
		cd "$dest"
		git apply --numstat "${patches[@]}" | awk '{ print $3 }' | sort -u |
		while read -r f; do
			if [[ -e $f ]]; then
				cp --remove-destination "$pristine/$f" "$f"
			fi
		done
		# One at a time: --check cannot see what earlier patches of the
		# same invocation would create.
		for f in "${patches[@]}"; do
			git apply --check "$f" || { echo "kernel: $(basename "$f") does not apply" >&2; exit 1; }
			git apply "$f"
		done
	)
}

# kconfig_merge OBJ FRAGMENT: merges FRAGMENT into OBJ/.config and fails if a
# symbol did not end up with the requested value (a missing dependency).
kconfig_merge() {
	local obj=$1 fragment=$2 line sym
	"$SRC"/scripts/config --file "$obj/.config" $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/--enable \1/p; s/^CONFIG_\([A-Z0-9_]*\)=m$/--module \1/p; s/^# CONFIG_\([A-Z0-9_]*\) is not set$/--disable \1/p' "$fragment")
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
# FRAGMENT, kept as it is when neither FRAGMENT nor the tree's Makefile changed
# since it was made (uses SRC, OBJ, FRAGMENT, PRISTINE and KMAKE).
kconfig_configure() {
	local base=$1 want have=
	want=$(cat "$FRAGMENT" "$PRISTINE/Makefile" | sha256sum | cut -c1-16)
	[[ -r $OBJ/.exitstat-config ]] && have=$(cat "$OBJ/.exitstat-config")
	if [[ -r $OBJ/.config && $want == "$have" ]]; then
		echo "kernel: configuration unchanged, kept"
		return 0
	fi
	mkdir -p "$OBJ"
	"${KMAKE[@]}" "$base"
	kconfig_merge "$OBJ" "$FRAGMENT"
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
