#!/usr/bin/env bash
# For editing the series: makes DIR a small git repository whose first commit
# holds the pristine Debian versions of every file the series touches, then
# `git am`s the patches, one commit each. Edit or rebase there, then:
#   git -C DIR format-patch --cover-letter -o NEWDIR "$(git -C DIR rev-list --max-parents=0 HEAD)"..HEAD
# and carry the cover letter's text over from patches/0000-cover-letter.patch.
# Usage: series-repo.sh DIR
set -euo pipefail
KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$KERNEL_DIR/lib.sh"
dir=${1:?usage: series-repo.sh DIR}
[[ ! -e $dir ]] || { echo "series-repo: $dir exists; give a new directory" >&2; exit 1; }
pristine=$("$KERNEL_DIR/linux-tree.sh")
mapfile -t patches < <(series)
mkdir -p "$dir"
git -C "$dir" init -q
(cd "$dir" && git apply --numstat "${patches[@]}") | awk '{ print $3 }' | sort -u | while read -r f; do
	if [[ -e $pristine/$f ]]; then
		mkdir -p "$dir/$(dirname "$f")"
		cp "$pristine/$f" "$dir/$f"
	fi
done
git -C "$dir" add -A
git -C "$dir" -c user.name="exitstat developers" -c user.email=exitstat@invalid \
	commit -q -m "Linux $(basename "$pristine") (Debian linux-source-6.12), files the series touches"
git -C "$dir" -c user.name="exitstat developers" -c user.email=exitstat@invalid am -q "${patches[@]}"
git -C "$dir" log --oneline
