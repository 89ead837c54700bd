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
# The codes the APM/SDM defines (boot-verify.sh's list), from the catalogue.
equal "svm defined codes" "$("$tool" --isa svm --defined | tr '\n' ' ')" \
	"$(printf '0x%x ' $(seq 0 $((0xa6))) $(seq $((0x400)) $((0x403))) $(seq $((0xfffffffc)) $((0xffffffff))))"
equal "vmx defined codes" "$("$tool" --isa vmx --defined | tr '\n' ' ')" \
	"$(printf '0x%x ' $(seq 0 85 | grep -vxE '35|38|42|71|82|83'))"

# A host where 0x07b has 5 exits and 2^32 + 7 cycles, 0x0a0 is undefined and
# the rest zero; totals 1234 exits, 2^33 + 1 cycles.
{
	echo "0x4ffffffc 0 1234 0x454d564b 0x53746978 0x73746174"
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

# fails NAME STATUS MESSAGE REPLAY [TRIM]: exitstat-cpuid --replay REPLAY exits
# with STATUS and says MESSAGE (its output with the part from TRIM on cut).
fails() {
	local msg rc
	set +e
	msg=$("$tool" --isa svm --replay "$4" 2>&1)
	rc=$?
	set -e
	[[ -z ${5:-} ]] || msg=${msg%%"$5"*}
	equal "$1: exit status" "$rc" "$2"
	equal "$1: message" "$msg" "$3"
}

# No signature, no table: an unpatched KVM (or a VM not let in) answers the
# leaf as any unknown leaf: zeros for an AMD-vendor guest, the highest basic
# leaf's values for an Intel-vendor one (here leaf 0x16 of a Skylake).
for answer in "0 0 0 0" "0xbb8 0xfa0 0x64 0"; do
	sed "1s/.*/0x4ffffffc 0 $answer/" "$tmp/replay" > "$tmp/nosig"
	fails "no signature ($answer)" 1 "exitstat-cpuid: leaf 0x4ffffffc has no KVMExitStats signature" \
		"$tmp/nosig" " (EBX"
done

# Bad input: one message naming file and line, non-zero exit.
printf '0x4ffffffc 0 1 2 3\n' > "$tmp/bad"
fails "bad replay" 1 "exitstat-cpuid: $tmp/bad:1: expected six 32-bit numbers: EAX_IN ECX_IN EAX EBX ECX EDX" "$tmp/bad"
head -n 3 "$tmp/replay" > "$tmp/short"
fails "missing answer" 1 "exitstat-cpuid: replay file has no answer for leaf 0x4fffffff ECX 0x0" "$tmp/short"
set +e
"$tool" --isa arm > /dev/null 2>&1
rc=$?
set -e
equal "bad --isa exit status" "$rc" 2

assert_summary cpuid-tool-test
