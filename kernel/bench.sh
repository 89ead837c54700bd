#!/usr/bin/env bash
# `make bench-kernel` (and so `make bench`): what the patch series costs per
# VM exit, with counting off (kvm.exit_stats=0, the static key) and on,
# against the same kernel without the series, in ONE real-KVM bed boot (the
# patched kernel build's bzImage, QEMU TCG: every time is TCG-slow, so read
# the ratios).
#
# The unpatched modules are the same Debian tree and configuration without
# the series (fresh_tree with 0 patches, `make modules` against the same
# vmlinux), not Debian's binary kvm.ko: those are built for Debian's own
# kernel (another config, modversions) and do not load into this bzImage.
# kernel/bench-job.sh reloads kvm + kvm_amd before every run; each round runs
# every workload under every configuration, in an order rotated by the round.
# A configuration's cost is its run time over the unpatched run of the same
# round (paired), the median over the rounds. Counts checked: with counting
# on, the patched kernel's own kvm/exit_stats after each run == exitgen's
# known exits (io, cpuid, hlt), and in round 0 == the guest kernel's hist trigger
# for every reason; with counting off, every count and cycle 0.
# usage: bench.sh [--rounds N] [--results DIR] [--report-only]
#   BENCH_CPUID / BENCH_IO: the exits of each workload (default 100000)
set -euo pipefail
KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$KERNEL_DIR/.." && pwd)
# shellcheck source=../tests/lib/bed-bench.sh
. "$REPO/tests/lib/bed-bench.sh"
rounds=5
res=$REPO/build/kernel/bench
run=1
bench_options bench-kernel "$@"
WORKLOADS="cpuid --mode 64 cpuid:${BENCH_CPUID:-100000}
io --mode 64 out:${BENCH_IO:-100000}"
CONFIGS="unpatched off on"

if ((run)); then
	echo "check-where: host (kernel build) + real-KVM bed (QEMU TCG, no host KVM needed)"
	[[ -x $REPO/build/static/exitgen ]] || { echo "bench-kernel: no build/static/exitgen (make static)" >&2; exit 1; }
	# shellcheck source=lib.sh
	source "$KERNEL_DIR/lib.sh"
	kernel_build
	IMAGE=$REPO/build/kernel/bench-image
	rm -rf "$IMAGE"
	mkdir -p "$IMAGE/patched" "$IMAGE/unpatched"
	cp "$OBJ/arch/x86/boot/bzImage" "$OBJ/virt/lib/irqbypass.ko" "$IMAGE/"
	cp "$OBJ/arch/x86/kvm/kvm.ko" "$OBJ/arch/x86/kvm/kvm-amd.ko" "$IMAGE/patched/"
	# The shared tree without the series; the next kernel_build (fresh_tree)
	# puts the series back, as after kernel-check's prefixes.
	unpatched_modules() {
		fresh_tree "$PRISTINE" "$SRC" 0
		make_logged "$WORK/unpatched.log" modules
		if nm "$OBJ/arch/x86/kvm/kvm.ko" | grep -q kvm_exit_stats; then
			echo "bench-kernel: $OBJ/arch/x86/kvm/kvm.ko still has kvm_exit_stats symbols" >&2
			return 1
		fi
		cp "$OBJ/arch/x86/kvm/kvm.ko" "$OBJ/arch/x86/kvm/kvm-amd.ko" "$IMAGE/unpatched/"
		cmp -s "$OBJ/virt/lib/irqbypass.ko" "$IMAGE/irqbypass.ko" ||
			echo "bench-kernel: note: irqbypass.ko differs without the series (the patched one is loaded)"
	}
	step "kvm, kvm-amd without the series (same tree, config and vmlinux)" unpatched_modules
	unlock_work

	# QEMU's -icount shift=0: the guest's clock advances one ns per guest
	# instruction, so exitgen's times count instructions (L1 kernel, KVM
	# and the nested guest), whatever the host's load; BENCH_ICOUNT=0: the
	# host's wall clock (noisy on a shared machine).
	QEMU_ICOUNT=()
	clock="wall clock (TCG)"
	if [[ ${BENCH_ICOUNT:-1} == 1 ]]; then
		QEMU_ICOUNT=(--qemu-arg -icount --qemu-arg shift=0)
		clock="icount (1 ns = 1 guest instruction)"
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "$rounds" >"$tmp/rounds"
	echo "$WORKLOADS" >"$tmp/workloads"
	ADDS=(--add "$IMAGE/irqbypass.ko:/lib/exitstat-kvm/irqbypass.ko")
	for d in patched unpatched; do
		for ko in kvm.ko kvm-amd.ko; do
			ADDS+=(--add "$IMAGE/$d/$ko:/lib/exitstat-kvm/$d/$ko")
		done
	done
	echo "bench-kernel: $rounds rounds of ($(echo "$WORKLOADS" | cut -d' ' -f1 | tr '\n' ' ')) x ($CONFIGS) in one real-KVM bed boot, plus a count round"
	echo "bench-kernel: host $(uname -n), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
	t0=$(date +%s)
	if ! bash "$REPO/tests/realkvm/bed.sh" run --kernel "$IMAGE/bzImage" "${ADDS[@]}" \
		--add "$tmp/rounds:/etc/kbench/rounds" --add "$tmp/workloads:/etc/kbench/workloads" \
		"${QEMU_ICOUNT[@]}" --script "$KERNEL_DIR/bench-job.sh" --smp 1 --timeout 3600 --results "$res" >"$tmp/bed.out" 2>&1; then
		tail -n 20 "$tmp/bed.out"
		echo "bench-kernel: the bed run failed (results in $res)"
		exit 1
	fi
	bench_ran bench-kernel "$t0"
	echo "$clock" >"$res/clock.txt"
fi
bench_reload
clock=$(cat "$res/clock.txt" 2>/dev/null || echo "wall clock (TCG)")

. "$REPO/tests/realkvm/hist.sh"

elapsed() { jq -r 'select(.ok) | .elapsed_ns' "$1" 2>/dev/null; }

# "code count" (decimal code) of every non-zero row of a debugfs table.
table_rows() {
	local isa code n _
	while read -r isa code n _; do
		if [[ $isa == svm || $isa == vmx ]] && ((n > 0)); then echo "$((16#${code#0x})) $n"; fi
	done <"$1" | sort -n
}
# "COUNT CYCLES" of the table's "# total" line.
table_total() { awk '$1 == "#" && $2 == "total" {print $3, $4}' "$1"; }

# problem MSG: a wrong count (kept in a file: check_counts runs in a subshell).
problems=$res/problems.txt
rm -f "$problems"
problem() {
	echo "bench-kernel: $*" >&2
	echo "$*" >>"$problems"
}

# check_counts W C: every round's counts of configuration C on workload W
# against exitgen's known exits and round 0's hist; prints the round-0 total
# counted and the hist's.
check_counts() {
	local w=$1 c=$2 r p kind code want got total hist
	for r in $(seq 0 "$rounds"); do
		p=$res/$w.$c.$r
		[[ $(jq -r .ok "$p.json" 2>/dev/null) == true ]] || { problem "$p.json: exitgen did not succeed"; continue; }
		[[ $c == unpatched ]] && continue
		[[ -s $p.table ]] || { problem "$p.table is missing or empty"; continue; }
		total=$(table_total "$p.table")
		if [[ $c == off ]]; then
			[[ $total == "0 0" && -z $(table_rows "$p.table") ]] ||
				problem "$p.table: counting off but the table counted ($total)"
			continue
		fi
		[[ ${total#* } -gt 0 ]] || problem "$p.table: counting on but no cycles ($total)"
		for kind in io cpuid hlt; do
			case $kind in io) code=123 ;; cpuid) code=114 ;; hlt) code=120 ;; esac
			want=$(jq -r ".expected.$kind // 0" "$p.json")
			got=$(table_rows "$p.table" | awk -v c=$code '$1 == c {print $2}')
			[[ ${got:-0} == "$want" ]] || problem "$p.table: $kind (0x$(printf %03x $code)) ${got:-0}, exitgen expected $want"
		done
	done
	p=$res/$w.$c.0
	hist=$(hist_total "$p.hist" 2>/dev/null || true)
	((${hist:-0} > 0)) || problem "$p.hist: the hist saw no exit"
	if [[ $c == on ]]; then
		if ! diff <(hist_by_reason "$p.hist") <(table_rows "$p.table") >"$res/$w.on.0.diff"; then
			problem "$p.table differs from the hist per reason (< hist, > debugfs): $res/$w.on.0.diff"
		fi
		total=$(table_total "$p.table")
		echo "${total% *} $hist"
	elif [[ $c == off ]]; then
		total=$(table_total "$p.table")
		echo "${total% *} $hist"
	else
		echo "- $hist"
	fi
}

for w in $(echo "$WORKLOADS" | cut -d' ' -f1); do
	exits=$(jq -r '[.expected[]] | add' "$res/$w.unpatched.1.json" 2>/dev/null)
	[[ $exits =~ ^[0-9]+$ ]] || { problem "$res/$w.unpatched.1.json: no expected exits"; continue; }
	read -r bmed bspread < <(for r in $(seq "$rounds"); do elapsed "$res/$w.unpatched.$r.json"; done | sort -n | baseline_spread)
	read -r lmed _ < <(for c in $CONFIGS; do for r in $(seq "$rounds"); do cat "$res/$w.$c.$r.load" 2>/dev/null; done; done |
		sort -g | median_range "%.2f")
	echo
	echo "workload $w (guest clock: $clock): exitgen $(echo "$WORKLOADS" | awk -v w="$w" '$1 == w {$1 = ""; print}'), $exits exits expected;" \
		"unpatched: median $(awk -v b="$bmed" -v n="$exits" 'BEGIN {printf "%.1f", b / n / 1000}') us/exit," \
		"spread $bspread% over $rounds rounds; a module reload took $lmed s (median)"
	printf '| %-9s | %-22s | %7s | %13s | %20s | %9s | %9s |\n' modules "kvm parameters" ratio "paired range" "added ns/exit" counted hist
	printf '|%s|%s|%s:|%s:|%s:|%s:|%s:|\n' ----------- ------------------------ --------- --------------- ---------------------- ----------- -----------
	for c in $CONFIGS; do
		case $c in
		unpatched) params="(no exit_stats)" ;;
		off) params="exit_stats=0 (default)" ;;
		on) params="exit_stats=1" ;;
		esac
		read -r counted hist < <(check_counts "$w" "$c")
		if [[ $c == unpatched ]]; then
			printf '| %-9s | %-22s | %7s | %13s | %20s | %9s | %9s |\n' "$c" "$params" 1 - - "$counted" "$hist"
			continue
		fi
		pairs=$(for r in $(seq "$rounds"); do
			echo "$(elapsed "$res/$w.$c.$r.json") $(elapsed "$res/$w.unpatched.$r.json")"
		done | awk -v n="$exits" '$1 > 0 && $2 > 0 {printf "%.6f %.3f\n", $1 / $2, ($1 - $2) / n}')
		read -r med lo hi < <(echo "$pairs" | cut -d' ' -f1 | sort -g | median_range "%.3f")
		read -r added alo ahi < <(echo "$pairs" | cut -d' ' -f2 | sort -g | median_range "%.0f")
		printf '| %-9s | %-22s | %7s | %13s | %20s | %9s | %9s |\n' "$c" "$params" "$med" "$lo-$hi" "$added ($alo..$ahi)" "$counted" "$hist"
	done
done
echo
echo "ratio: median over the rounds of (run time / the same round's unpatched run); added ns/exit: median"
echo "(min..max) of the paired differences per expected exit. counted: the patched kernel's own kvm/exit_stats"
echo "total in the count round (round 0), beside the guest kernel's hist trigger. Checked every round: with"
echo "exit_stats=1 its io, cpuid and hlt counts == exitgen's known exits, and in round 0 every reason == the hist;"
echo "with exit_stats=0 every count and cycle 0. Times are exitgen's own (its guest only), under QEMU TCG;"
echo "with icount they are guest instructions (L1 kernel with KVM, and the nested guest), 1 ns each."
if [[ -s $problems ]]; then
	echo "bench-kernel: $(wc -l <"$problems") wrong counts (above; $problems)"
	exit 1
fi
