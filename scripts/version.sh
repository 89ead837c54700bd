#!/usr/bin/env bash
# exitstat's version, the one place it is decided (the Makefile puts it in
# build/exitstat_version.h: exitstat --version, --help, the man page):
# - in a git tree with a v* tag: `git describe` (v0.2.0-3-gabc1234 -> 0.2.0-3-gabc1234);
# - in a git tree without one: the VERSION file and the commit (0.1.0-gabc1234);
# - outside git (a tarball): the VERSION file.
# "-dirty" when the tree has uncommitted changes.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if d=$(git -C "$top" describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	echo "${d#v}"
	exit 0
fi
if ! base=$(tr -d ' \n' <"$top/VERSION" 2>/dev/null) || [[ -z $base ]]; then
	echo "version.sh: $top/VERSION is missing or empty, and no git tag v* gives the version" >&2
	exit 1
fi
if h=$(git -C "$top" describe --always --dirty --abbrev=12 2>/dev/null); then
	echo "$base-g$h"
else
	echo "$base"
fi
