#!/usr/bin/env bash
# `make check-realkvm`: every scenario of scenarios.txt in ONE boot of the bed,
# then verify.sh holds exitgen, the kernel's hist trigger and exitstat to each other.
set -uo pipefail
BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BED_DIR/../.." && pwd)
out=$REPO/build/realkvm/check
start=$(date +%s)
mkdir -p "$REPO/build/realkvm"
echo "check-where: real-KVM bed (kvm_amd under QEMU TCG)"

[[ -x $REPO/build/static/exitgen ]] ||
	{ echo "check-realkvm: $REPO/build/static/exitgen is missing (make static builds it)" >&2; exit 1; }

boot_rc=0
bash "$BED_DIR/bed.sh" run \
	--script "$BED_DIR/guest/check-job.sh" \
	--add "$BED_DIR/scenarios.txt:/etc/bed/scenarios" \
	--initrd-out "$REPO/build/realkvm/check-initramfs.cpio.gz" \
	--results "$out" --timeout 300 >"$REPO/build/realkvm/check-console.log" 2>&1 || boot_rc=$?
grep -E '^(bed|bed-guest):' "$REPO/build/realkvm/check-console.log" || true
if ((boot_rc)); then
	echo "check-realkvm: the bed run failed (status $boot_rc); console: $REPO/build/realkvm/check-console.log" >&2
	[[ -d $out ]] && bash "$BED_DIR/verify.sh" "$out" "$BED_DIR/scenarios.txt" || true
	exit 1
fi
verify_rc=0
bash "$BED_DIR/verify.sh" "$out" "$BED_DIR/scenarios.txt" | tee "$out/verify.txt" || verify_rc=1
# The checks themselves must be able to fail: damaged copies of these results.
echo
bash "$BED_DIR/verify-selftest.sh" "$out" "$BED_DIR/scenarios.txt" | tee "$out/verify-selftest.txt" || verify_rc=1
echo "check-realkvm: took $(($(date +%s) - start)) s (results in $out)"
cat "$out/verify.txt" "$out/verify-selftest.txt" | awk '
	/^ok / {p++} /^FAIL / {f++} /^SKIP / {s++}
	END {printf "check-realkvm: %d passed, %d failed%s\n", p, f, s ? ", " s " skipped" : ""}'
exit $verify_rc
