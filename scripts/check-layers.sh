#!/bin/bash
# The layering of src/ (docs/architecture.md): every file lives in one role
# directory, and a file may include headers of its own layer or a lower one,
# never a higher one:
#
#     core < sources < live < analysis < output < cmd
#
# Usage: check-layers.sh [SRCDIR]   (default src). Prints each wrong include as
# FILE:LINE and the two layers, and exits 1 if there is any; 0 when clean.
# Also refused: a file outside the role directories, and a quoted include
# that does not name its role ("stats.h" for "core/stats.h"), which would
# hide the layer it comes from. src/live/bpf/ is the BPF program's own tree
# (built by clang with -Isrc/live/bpf): its files include each other by name.
set -u
LAYERS=(core sources live analysis output cmd)
src=${1:-src}
[[ -d $src ]] || { echo "check-layers: no source directory $src" >&2; exit 2; }

declare -A rank
ORDER=${LAYERS[*]}
ORDER=${ORDER// / < }
for i in "${!LAYERS[@]}"; do rank[${LAYERS[$i]}]=$i; done

bad=0
fail() { echo "check-layers: $*"; bad=1; }

while IFS= read -r -d '' f; do
	rel=${f#"$src"/}
	role=${rel%%/*}
	if [[ $rel != */* || -z ${rank[$role]+x} ]]; then
		fail "$f: not in a layer directory (${LAYERS[*]})"
		continue
	fi
	[[ $rel == live/bpf/* ]] && continue
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		[[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] || continue
		inc=${BASH_REMATCH[1]}
		irole=${inc%%/*}
		if [[ $inc != */* ]]; then
			# Generated headers (BPF skeleton) live in the build directory.
			[[ -e $src/$role/$inc || -e $(dirname "$f")/$inc ]] &&
				fail "$f:$n: includes \"$inc\" without its role: write \"$role/$inc\""
			continue
		fi
		if [[ -z ${rank[$irole]+x} ]]; then
			fail "$f:$n: includes \"$inc\": $irole is not a layer (${LAYERS[*]})"
			continue
		fi
		if ((rank[$irole] > rank[$role])); then
			fail "$f:$n: $role includes $irole (\"$inc\"): $role is below $irole" \
				"($ORDER)"
		fi
	done <"$f"
done < <(find "$src" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)

((bad)) && exit 1
echo "check-layers: $src: every include goes down the layers ($ORDER)"
exit 0
