#!/usr/bin/env bash
# make check-guestboot: the real Linux guest boot recordings (a boot under the
# bed's nested KVM, then disk I/O; docs/worked-example/{ide,virtio}/, made by
# live.sh + ship.sh) checked against accounts that do not come from exitstat:
#   - the bed kernel's hist trigger of the same run (boot.hist): every exit;
#   - the inner guest's console, stamped by L1 (marks): when its init started,
#     when its disk I/O began and ended;
#   - the inner guest's own disk counters (/sys/block/DEV/stat in the marks);
#   - the bed kernel's hist of io exits by port (detail.hist).
# Asserted: exitstat report's per-reason counts = the hist, nothing lost;
# `report --analyze` shows a boot phase (phases that end by the time init
# runs, led by io) and an I/O phase (one phase covering most of the I/O
# time, not reaching back into the boot, led by the disk's own exits: io for
# IDE, npf among the top two for virtio-blk's MMIO doorbell). A self-test then
# damages copies and requires a failure.
#   bash tests/guestboot/check.sh [DIR...]   (default: docs/worked-example/ide docs/worked-example/virtio)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../realkvm/hist.sh"
EXITSTAT=${EXITSTAT:-build/exitstat}
[[ -x $EXITSTAT ]] || { echo "guestboot: $EXITSTAT is missing (make)" >&2; exit 1; }
(($#)) || set -- docs/worked-example/ide docs/worked-example/virtio
. "$HERE/../lib/assert.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT


# Mark time (L1 uptime, s) of the first console line containing $2.
mark() { awk -v m="$2" 'index($0, m) {print $1; exit}' "$1/marks"; }
# Field N (1-based) of /sys/block/DEV/stat as printed after mark $2.
disk_stat() { awk -v m="$2" -v n="$3" 'index($0, m) {print $(n + 4); exit}' "$1/marks"; }

check_dir() {
	local d=$1 disk hits want got j t0 w t_init t_begin t_end
	for f in boot.rec boot.hist detail.hist marks disk; do
		[[ -f $d/$f ]] || { bad "$d/$f is missing"; return; }
	done
	disk=$(cat "$d/disk")
	echo "== $d ($disk disk)"

	# 1. Every exit, per reason, equal to the kernel's hist; nothing lost.
	hits=$(awk '/^    Hits:/ {print $2}' "$d/boot.hist")
	grep -q '^    Dropped: 0$' "$d/boot.hist" || bad "$d/boot.hist: the hist dropped entries"
	want=$(hist_by_reason "$d/boot.hist"; echo "lost 0")
	if ! "$EXITSTAT" report --format json "$d/boot.rec" >"$tmp/report.json" 2>"$tmp/err"; then
		bad "$d: exitstat report failed: $(head -n 2 "$tmp/err")"
		return
	fi
	got=$(jq -r '.reasons[] | select(.isa == "svm") | "\(.code) \(.count)"' "$tmp/report.json" | sort -n
		jq -r '"lost \(.lost)"' "$tmp/report.json")
	if [[ $got == "$want" && $(jq .total "$tmp/report.json") == "$hits" ]]; then
		ok "report: $hits exits in $(jq '.reasons | length' "$tmp/report.json") reasons = the kernel's hist, per reason; 0 lost"
	else
		bad "report: per-reason counts differ from the kernel's hist ($hits exits)"
		diff <(echo "$want") <(echo "$got") | head -n 20 | sed 's/^/    /'
	fi

	# 2. The analysis: phases against the console marks.
	j=$tmp/analyze.json
	if ! "$EXITSTAT" report --analyze --format json "$d/boot.rec" >"$j" 2>"$tmp/err"; then
		bad "$d: exitstat report --analyze failed: $(head -n 2 "$tmp/err")"
		return
	fi
	[[ $(jq .total "$j") == "$hits" ]] && ok "analysis: total $hits = the kernel's hist" ||
		bad "analysis: total $(jq .total "$j") != the kernel's hist $hits"
	t0=$(jq -r '.timeline.t0_ns / 1e9' "$j")
	w=$(jq -r .window_s "$j")
	t_init=$(awk -v m="$(mark "$d" 'GUESTBOOT init')" -v t0="$t0" 'BEGIN {print m - t0}')
	t_begin=$(awk -v m="$(mark "$d" 'GUESTBOOT io-begin')" -v t0="$t0" 'BEGIN {print m - t0}')
	t_end=$(awk -v m="$(mark "$d" 'GUESTBOOT io-end')" -v t0="$t0" 'BEGIN {print m - t0}')
	echo "   console: init at $t_init s, I/O $t_begin - $t_end s (from the first exit); windows of $w s"
	jq -r '.phases[] | "   phase \(.index): \(.kind) \(.start_s * 1000 | round / 1000)-\(.end_s * 1000 | round / 1000) s, \(.exits) exits, led by \([.reasons[:3][] | "\(.name) \(.share * 100 | round)%"] | join(", "))"' "$j"

	# Boot: the phases that end by the time init runs (+ one window) start at
	# 0, are at least two, and io leads their exits together.
	got=$(jq -r --argjson t "$t_init" --argjson w "$w" '
		[.phases[] | select(.end_s <= $t + $w)] as $b
		| ($b | map(.reasons[]) | group_by(.name) | map({name: .[0].name, n: (map(.count) | add)})
			| sort_by(-.n) | .[0].name) as $top
		| "\($b | length) \($b[0].start_s // -1) \($top)"' "$j")
	read -r n_boot start_boot top_boot <<<"$got"
	if ((n_boot >= 2)) && [[ $start_boot == 0 && $top_boot == io ]]; then
		ok "boot phase: $n_boot phases from 0 s until init runs ($t_init s), led by io"
	else
		bad "boot phase: phases ending by init ($t_init s): $n_boot, first starts at $start_boot, led by $top_boot"
	fi
	# The kernel says why: PCI configuration space (ports 0xcf8-0xcff) holds
	# most io exits outside the disk's own ports.
	pci=$(bash "$HERE/ports.sh" "$d/detail.hist" | awk '$3 ~ /^0x0cf[89a-f]$/ {n += $1} END {print n + 0}')
	io_boot=$(jq -r --argjson t "$t_init" --argjson w "$w" '[.phases[] | select(.end_s <= $t + $w) | .reasons[] | select(.name == "io") | .count] | add' "$j")
	if ((pci * 10 >= io_boot * 8)); then
		ok "boot's io: the kernel's port hist has $pci PCI config exits (0xcf8-0xcff) for the $io_boot io exits of the boot phases"
	else
		bad "boot's io: only $pci PCI config exits for $io_boot io exits in the boot phases"
	fi

	# I/O: the phase overlapping [t_begin, t_end] most covers >= 70% of it,
	# does not start before init ran (minus one window), and is led by the
	# disk's exits.
	got=$(jq -r --argjson a "$t_begin" --argjson b "$t_end" '
		[.phases[] | . + {ov: ([([.end_s, $b] | min) - ([.start_s, $a] | max), 0] | max)}]
		| max_by(.ov) | "\(.index) \(.ov / ($b - $a)) \(.start_s) \(.end_s) \(.reasons[0].name) \(.reasons[1].name)"' "$j")
	read -r p cover p_start p_end r1 r2 <<<"$got"
	echo "   I/O phase: $p ($p_start-$p_end s) covers $(awk -v c="$cover" 'BEGIN {printf "%.0f", c * 100}')% of the I/O time, led by $r1, $r2"
	if awk -v c="$cover" -v s="$p_start" -v i="$t_init" -v w="$w" 'BEGIN {exit !(c >= 0.7 && s >= i - w)}'; then
		ok "I/O phase: phase $p covers >= 70% of the I/O time and starts after init"
	else
		bad "I/O phase: phase $p covers $cover of the I/O time, starts at $p_start (init at $t_init)"
	fi
	case $disk in
	ide) [[ $r1 == io ]] && ok "I/O phase led by io (IDE: ATA and bus-master DMA ports)" ||
		bad "I/O phase on IDE led by $r1, not io" ;;
	virtio) [[ $r1 == npf || $r2 == npf ]] && ok "I/O phase has npf in its top two (virtio-blk's MMIO doorbell)" ||
		bad "I/O phase on virtio-blk led by $r1, $r2: no npf" ;;
	*) bad "unknown disk '$disk' in $d/disk" ;;
	esac
	# The guest's own disk counters: >= 24576 sectors (12 MiB) each way during I/O.
	local wr rd
	wr=$(($(disk_stat "$d" 'GUESTBOOT io-end' 7) - $(disk_stat "$d" 'GUESTBOOT io-begin' 7)))
	rd=$(($(disk_stat "$d" 'GUESTBOOT io-end' 3) - $(disk_stat "$d" 'GUESTBOOT io-begin' 3)))
	if ((wr >= 24576 && rd >= 24576)); then
		ok "the guest's disk counters: $wr sectors written, $rd read during the I/O"
	else
		bad "the guest's disk counters: only $wr sectors written, $rd read (want >= 24576 each)"
	fi
}

for d in "$@"; do check_dir "$d"; done

# Self-test: damaged copies of the first directory must fail, the intact one pass.
echo "== self-test: damaged copies must fail"
selftest() {
	local name=$1 c=$tmp/self-$1 n
	shift
	mkdir -p "$c"
	cp "$1"/boot.rec "$1"/boot.hist "$1"/detail.hist "$1"/marks "$1"/disk "$c"/
	shift
	(cd "$c" && eval "$*")
	n=$(pass=0 fail=0; check_dir "$c" >/dev/null; echo "$fail")
	if [[ $name == intact ]]; then
		((n == 0)) && ok "self-test: the intact copy passes" || bad "self-test: the intact copy fails ($n)"
	else
		((n > 0)) && ok "self-test: $name is caught" || bad "self-test: $name is NOT caught"
	fi
}
first=$1
selftest intact "$first" true
selftest hist-one-io-more "$first" "awk '/exit_reason: +123 / {sub(/hitcount: +[0-9]+/, \"hitcount: \" \$NF + 1)} {print}' boot.hist >x && mv x boot.hist"
selftest io-marked-during-boot "$first" "awk '/GUESTBOOT io-begin/ {\$1 = \$1 - 30} {print}' marks >x && mv x marks"
selftest wrong-disk "$first" "if [ \"\$(cat disk)\" = ide ]; then echo virtio >x; else echo ide >x; fi && mv x disk"
selftest disk-not-written "$first" "awk '/GUESTBOOT io-end/ {\$11 = \$11 - 20000} {print}' marks >x && mv x marks"

assert_summary guestboot
