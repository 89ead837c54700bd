#!/usr/bin/env bash
# Turns one live.sh results directory into a worked example: the recording and
# the kernel's own counts, exitstat's table, analysis and plot (SVG + PNG),
# the io exits by port, and the console marks in seconds from the first exit.
#   bash tests/guestboot/ship.sh RESULTS_DIR DEST_DIR
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
EXITSTAT=${EXITSTAT:-$REPO/build/exitstat}
die() { echo "guestboot/ship.sh: $*" >&2; exit 1; }
(($# == 2)) || die "usage: ship.sh RESULTS_DIR DEST_DIR"
src=$1 dest=$2
for f in boot.rec boot.hist detail.hist marks inner-console.log command qemu-version kernel-release \
	kernel-package record.err disk; do
	[[ -f $src/$f ]] || die "$src/$f is missing (a live.sh results directory?)"
done
command -v rsvg-convert >/dev/null || die "rsvg-convert not found (Debian package librsvg2-bin)"
size=$(stat -c %s "$src/boot.rec")
((size < 2 * 1024 * 1024)) || die "$src/boot.rec is $size bytes: too big to ship (keep < 2 MiB)"

mkdir -p "$dest"
for f in boot.rec boot.hist detail.hist marks inner-console.log command qemu-version kernel-release \
	kernel-package disk; do
	cp "$src/$f" "$dest/"
done
cp "$src/record.err" "$dest/record.log"
disk=$(cat "$dest/disk")
"$EXITSTAT" report "$dest/boot.rec" >"$dest/report.txt"
"$EXITSTAT" report --format json "$dest/boot.rec" >"$dest/report.json"
# The seed's view: the cumulative table every 10,000 exits, as its dmesg showed.
"$EXITSTAT" report --every=10000 "$dest/boot.rec" >"$dest/every-10000.txt"
"$EXITSTAT" report --analyze "$dest/boot.rec" >"$dest/analyze.txt"
"$EXITSTAT" report --analyze --format json "$dest/boot.rec" >"$dest/analyze.json"
"$EXITSTAT" plot "$dest/boot.rec" -o "$dest/boot.svg" \
	--title "Linux guest boot + $disk disk I/O under the bed's KVM (SVM, nested)"
rsvg-convert -o "$dest/boot.png" "$dest/boot.svg"
# The recording's paths in the outputs: relative to the repository.
sed -i "s|$REPO/||g" "$dest"/report.txt "$dest"/report.json "$dest"/every-10000.txt "$dest"/analyze.txt "$dest"/analyze.json "$dest"/boot.svg

bash "$HERE/ports.sh" "$dest/detail.hist" >"$dest/io-ports.txt"
# npf exits by guest-physical address (the second hist of detail.hist), most first.
awk '/^# trigger info/ {sec++} sec == 2 && /^\{ info2:/ {printf "%7d  0x%s\n", $6, $3}' "$dest/detail.hist" |
	sort -k1,1nr -k2 | head -n 30 >"$dest/npf-addresses.txt"
# The inner console and L1's marks in seconds from the first recorded exit
# (timeline.t0_ns), terminal escapes removed, blank lines left out.
t0=$(jq -r .timeline.t0_ns "$dest/analyze.json")
{
	grep '^[0-9.]* L1 ' "$dest/marks"
	cat "$dest/inner-console.log"
} | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' |
	awk -v t0="$t0" 'NF > 1 {printf "%9.3f s  %s\n", $1 - t0 / 1e9, substr($0, index($0, $2))}' |
	sort -n >"$dest/console-from-first-exit.txt"
du -sh "$dest"
