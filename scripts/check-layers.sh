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
#
# The error convention (core/error.h): only src/cmd/ prints. A file of another
# layer that names stderr/stdout (or their fds) or calls printf, puts, perror
# and the like is refused, FILE:LINE; output/ prints to the FILE * it is given
# (fprintf(out, ...)), which is not a standard stream by name. Comments and
# string literals are not looked at.
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

# The lines of C file $1 with comments and string/char literals blanked (line numbers kept).
code_only() {
	perl -0777 -pe 's{(/\*.*?\*/)|(//[^\n]*)|("(?:[^"\\\n]|\\.)*")|(\x27(?:[^\x27\\\n]|\\.)*\x27)}
		{ defined $1 ? ($1 =~ s/[^\n]//gr) : defined $2 ? "" : defined $3 ? q("") : q(0) }gse' "$1"
}
# Writing to the standard streams by name, or through the calls that do.
STREAMS='(^|[^A-Za-z0-9_])(stderr|stdout|STDERR_FILENO|STDOUT_FILENO|(v?printf|puts|putchar|perror|error|warnx?|errx?)[[:space:]]*\()'

while IFS= read -r -d '' f; do
	rel=${f#"$src"/}
	role=${rel%%/*}
	if [[ $rel != */* || -z ${rank[$role]+x} ]]; then
		fail "$f: not in a layer directory (${LAYERS[*]})"
		continue
	fi
	[[ $rel == live/bpf/* ]] && continue
	if [[ $role != cmd ]]; then
		while IFS=: read -r ln text; do
			[[ $text =~ $STREAMS ]]
			what=${BASH_REMATCH[2]%%[[:space:](]*}
			fail "$f:$ln: $role writes to the standard streams ($what):" \
				"only cmd/ prints; return the error or say it on a diag (core/error.h)"
		done < <(code_only "$f" | grep -nE "$STREAMS")
	fi
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
echo "check-layers: $src: every include goes down the layers ($ORDER); only cmd/ prints"
exit 0
