#!/usr/bin/env bash
# exitstat-cpuid against recorded CPUID answers (--replay): the reasons it
# queries, how it reads the registers, what it leaves out. Usage: TOOL
set -euo pipefail
tool=${1:?usage: cpuid-tool-test.sh build/exitstat-cpuid}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../../tests/lib/assert.sh"

# The steps it would have exitgen run: 2 totals + 2 leaves per SVM code.
steps=$("$tool" --isa svm --exitgen-steps)
equal "svm exitgen steps" "$(wc -w <<< "$steps")" $((2 + 2 * (0xa7 + 4 + 4)))
equal "vmx exitgen steps" "$("$tool" --isa vmx --exitgen-steps | wc -w)" $((2 + 2 * 86))

# A host where 0x07b has 5 exits and 2^32 + 7 cycles, 0x0a0 is undefined and
# the rest zero; totals 1234 exits, 2^33 + 1 cycles.
{
	echo "0x4ffffffc 0 1234 0 0 0"
	echo "0x4ffffffd 0 0 2 1 0"
	for s in $steps; do
		IFS=: read -r _ eax ecx <<< "$s"
		[[ -n $ecx ]] || continue
		case $eax:$((ecx)) in
		0x4ffffffe:$((0x7b))) echo "$eax $ecx 5 0 0 0" ;;
		0x4fffffff:$((0x7b))) echo "$eax $ecx 0 1 7 0" ;;
		*:$((0xa0))) echo "$eax $ecx 0 0 0 0xffffffff" ;;
		*) echo "$eax $ecx 0 0 0 0" ;;
		esac
	done
} > "$tmp/replay"
"$tool" --isa svm --replay "$tmp/replay" > "$tmp/out"
equal "rows (undefined 0x0a0 left out)" "$(grep -vc '^#' "$tmp/out")" $((0xa7 + 4 + 4 - 1))
equal "io row" "$(grep '^svm 0x07b ' "$tmp/out")" "svm 0x07b 5 4294967303 io"
equal "no 0x0a0 row" "$(grep -c '^svm 0x0a0 ' "$tmp/out" || true)" 0
equal "VMEXIT_INVALID row" "$(grep -c '^svm 0xffffffff 0 0 ' "$tmp/out")" 1
equal "total line" "$(grep '^# total' "$tmp/out")" "# total 1234 8589934593"

# Bad input: one message naming file and line, non-zero exit.
printf '0x4ffffffc 0 1 2 3\n' > "$tmp/bad"
set +e
msg=$("$tool" --isa svm --replay "$tmp/bad" 2>&1)
rc=$?
set -e
equal "bad replay exit status" "$rc" 1
equal "bad replay message" "$msg" "exitstat-cpuid: $tmp/bad:1: expected six 32-bit numbers: EAX_IN ECX_IN EAX EBX ECX EDX"
head -n 3 "$tmp/replay" > "$tmp/short"
set +e
msg=$("$tool" --isa svm --replay "$tmp/short" 2>&1)
rc=$?
set -e
equal "missing answer exit status" "$rc" 1
equal "missing answer message" "$msg" "exitstat-cpuid: replay file has no answer for leaf 0x4fffffff ECX 0x0"
set +e
"$tool" --isa arm > /dev/null 2>&1
rc=$?
set -e
equal "bad --isa exit status" "$rc" 2

assert_summary cpuid-tool-test
