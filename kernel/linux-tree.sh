#!/usr/bin/env bash
# Prints the path of an unpacked, pristine Debian linux-source-6.12 tree,
# unpacking /usr/src/linux-source-6.12.tar.xz into the cache the first time.
# The series is made against LINUX_SOURCE_PINNED; if Debian has moved on, the
# newest installed 6.12 is used and a note says so (the series may then need a
# refresh, which `git apply --check` will tell).
set -euo pipefail

LINUX_SOURCE_PINNED=6.12.117-1~deb12u1
cache=${EXITSTAT_CACHE:-/var/cache/exitstat}/linux

version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [[ -z $version ]]; then
	echo "linux-tree: the Debian package linux-source-6.12 is not installed (scripts/setup.sh installs it)" >&2
	exit 1
fi
if [[ $version != "$LINUX_SOURCE_PINNED" ]]; then
	echo "linux-tree: note: series made against linux-source-6.12 $LINUX_SOURCE_PINNED, using installed $version" >&2
fi

tree=$cache/$version
mkdir -p "$cache"
# One unpacker at a time: check groups running side by side may all ask first.
exec 9>"$cache/.unpack.lock"
flock 9
if [[ ! -e $tree/.exitstat-unpacked ]]; then
	tarball=/usr/src/linux-source-6.12.tar.xz
	[[ -r $tarball ]] || { echo "linux-tree: $tarball: missing" >&2; exit 1; }
	echo "linux-tree: unpacking $tarball into $tree" >&2
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xaf "$tarball" -C "$tree.tmp" --strip-components=1
	# The pristine tree is only ever hard-linked from, never written to.
	mv "$tree.tmp" "$tree"
	touch "$tree/.exitstat-unpacked"
fi
echo "$tree"
