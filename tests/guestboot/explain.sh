#!/usr/bin/env bash
# The worked example's drill-down, checked against the kernel (make
# check-explain-realkvm, after live.sh with GUESTBOOT_TRACE=1): the bed's guest
# boot as ftrace text (boot-trace.txt.gz, kvm_exit and kvm_msr in an instance
# whose buffer holds the whole run), read by `exitstat explain`, against the
# bed kernel's hist triggers of the same run (trace.hist):
#   - every exit: explain's exits == the boot.hist total, none lost (the
#     trace's own entries-in-buffer/entries-written, the ring buffer's overrun);
#   - every io exit per (port, direction, size): explain's count == the hist
#     keyed by exit_reason and info1, decoded here by the APM's IOIO layout
#     (port 31:16, IN bit 0, STR bit 2, SZ8/16/32 bits 4-6), not by exitstat;
#   - the top io ports include 0xcf8 and 0xcfc (the PCI scan), and the IDE
#     disk's command block 0x1f0-0x1f7, 0x3f6 and its bus-master DMA ports;
#   - every MSR exit per (index, direction): explain's count (the index from
#     the kvm_msr that follows the exit) == the kvm_msr hist keyed by ecx and
#     write, and those add up to the hist's msr exits (exit_reason 124);
#   - MSRs by name: the most frequent ones carry their kernel names.
# usage: explain.sh EXITSTAT RESULTS
set -uo pipefail
ES=${1:?usage: explain.sh EXITSTAT RESULTS}
R=${2:?usage: explain.sh EXITSTAT RESULTS}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/assert.sh"
. "$REPO/tests/realkvm/hist.sh"
need_built "$ES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in boot-trace.txt.gz trace.hist boot.hist trace.ringbuffer-stats; do
	[[ -s $R/$f ]] || { bad "$R/$f is missing (run live.sh with GUESTBOOT_TRACE=1)"; assert_summary check-explain-realkvm; exit 1; }
done

if ! "$ES" explain -f json "$R/boot-trace.txt.gz" >"$tmp/x.json" 2>"$tmp/err"; then
	bad "explain: status $?: $(head -c 300 "$tmp/err")"
	assert_summary check-explain-realkvm
	exit 1
fi
equal "every exit: explain's == the kernel's hist total, the trace whole (no note, no overrun)" \
	"$(jq -r '"\(.exits) \(.exits_with_info) \(.note)"' "$tmp/x.json") $(awk '/^overrun:/ { n += $2 } END { print n + 0 }' "$R/trace.ringbuffer-stats")" \
	"$(hist_total "$R/boot.hist") $(hist_total "$R/boot.hist") null 0"

# hex in awk (Debian's mawk has no strtonum)
HEX='function hex(s,  i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }'
# the hist's rows `{ exit_reason: R, info1: HEX } hitcount: N` as "R HEX N"
awk '/exit_reason:.*info1:/ { gsub(/[{},]/, " "); print $2, $4, $6 }' "$R/trace.hist" >"$tmp/ri.txt"
# io per port, direction, size (and string), in explain's key spelling
want=$(awk "$HEX"'$1 == 123 { v = hex($2); port = int(v / 65536) % 65536
		dir = (v % 2) ? "in" : "out"; sz = (int(v / 64) % 2) ? 4 : (int(v / 32) % 2) ? 2 : 1
		k = sprintf("0x%04x %s %d%s", port, dir, sz, (int(v / 4) % 2) ? " string" : "")
		c[k] += $3 } END { for (k in c) print k ": " c[k] }' "$tmp/ri.txt" | sort)
got=$(jq -r '.details[] | select(.reason == "io") | "\(.key): \(.count)"' "$tmp/x.json" | sort)
equal "io per port, direction and size == the kernel's exit_reason,info1 hist ($(wc -l <<<"$want") keys)" "$got" "$want"
# the top ports (both directions and sizes together)
top=$(jq -r '[.details[] | select(.reason == "io") | {p: (.key | split(" ")[0]), c: .count}] |
	group_by(.p) | map({p: .[0].p, c: (map(.c) | add)}) | sort_by(-.c) | .[:16] | map(.p) | join(" ")' "$tmp/x.json")
for p in 0x0cf8 0x0cfc 0x01f7 0x03f6 0x01f2 0x01f6; do
	check "the top 16 io ports include $p ($top)" grep -qw -- "$p" <<<"$top"
done
check "the two top io ports are 0xcf8 and 0xcfc, the PCI scan ($top)" \
	grep -qE '^(0x0cf8 0x0cfc|0x0cfc 0x0cf8) ' <<<"$top"
# the IDE controller's bus-master DMA block: the ports after 0xc000 (its BAR4, as the hist says)
bm=$(awk "$HEX"'$1 == 123 { p = int(hex($2) / 65536) % 65536; if (p >= 49152 && p < 49168) n += $3 }
	END { print n + 0 }' "$tmp/ri.txt")
equal "the bus-master DMA ports 0xc000-0xc00f: explain == the hist ($bm)" \
	"$(jq '[.details[] | select(.reason == "io" and (.key | test("^0xc00[0-9a-f] "))) | .count] | add // 0' "$tmp/x.json")" "$bm"

# MSRs per index and direction: the kvm_msr hist `{ ecx: HEX, write: W } hitcount: N`
want=$(awk '/ecx:.*write:/ { gsub(/[{},]/, " "); printf "msr 0x%s %s: %d\n", $2, $4 ? "write" : "read", $6 }' \
	"$R/trace.hist" | sort)
got=$(jq -r '.details[] | select(.reason == "msr") | (.key | capture("^msr (?<i>0x[0-9a-f]+|\\?) .*(?<d>read|write)$")) as $k |
	"msr \($k.i) \($k.d): \(.count)"' "$tmp/x.json" | sort)
equal "MSRs per index and direction == the kernel's kvm_msr hist ($(wc -l <<<"$want") keys)" "$got" "$want"
equal "... and they are all the msr exits (the hist's exit_reason 124)" \
	"$(jq '[.details[] | select(.reason == "msr") | .count] | add // 0' "$tmp/x.json")" \
	"$(awk '$1 == 124 { n += $3 } END { print n + 0 }' "$tmp/ri.txt")"
# by name: the most frequent MSR exits (the x2APIC timer and EOI of this boot) are named
named=$(jq -r '[.details[] | select(.reason == "msr")] | sort_by(-.count) | .[:2] | map(.name) | join(",")' "$tmp/x.json")
check "the two most frequent MSRs have names ($named)" grep -qE '^[^,]+,[^,]+$' <<<"$named"
assert_summary check-explain-realkvm
