#!/usr/bin/env bash
# `make check-realkvm` (check.sh) and `make check-vmx` (check.sh --vmx): every
# scenario of one scenarios file in ONE boot of the bed, then a verify script
# holds exitgen, the guest kernel's hist trigger and exitstat to each other,
# and its self-test shows on damaged copies of the same results that it can fail.
#   SVM: kvm_amd under QEMU TCG; scenarios.txt, guest/check-job.sh, verify.sh
#   VMX: kvm_intel under Bochs (bed.sh --vmx); vmx-scenarios.txt,
#        guest/vmx-job.sh, verify-vmx.sh (trace report, live tp_btf,
#        tracepoint and perf, record; kvm_intel parameters)
# VMX_SCENARIOS=FILE runs other VMX scenarios (then without the self-test,
# whose cases name the default ones).
set -uo pipefail
BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BED_DIR/../.." && pwd)
start=$(date +%s)
if [[ ${1:-} == --vmx ]]; then
	group=check-vmx where="VMX bed (kvm_intel under Bochs)" bed=(--vmx)
	scenarios=${VMX_SCENARIOS:-$BED_DIR/vmx-scenarios.txt} selftest=${VMX_SCENARIOS:+no}
	job=vmx-job.sh dest=/etc/bed/vmx-scenarios verify=verify-vmx.sh dir=$REPO/build/vmxbed
	need=(build/static/exitgen build/static/exitstat build/exitstat)
	# Bochs runs one emulated CPU at ~80 M instructions per CPU-second: 3-6
	# minutes; the timeout leaves room for a busy machine.
	timeout_s=1500
else
	group=check-realkvm where="real-KVM bed (kvm_amd under QEMU TCG)" bed=()
	scenarios=$BED_DIR/scenarios.txt selftest=
	job=check-job.sh dest=/etc/bed/scenarios verify=verify.sh dir=$REPO/build/realkvm
	need=(build/static/exitgen)
	timeout_s=300
fi
out=$dir/check console=$dir/check-console.log
mkdir -p "$dir"
echo "check-where: $where"

for f in "${need[@]}"; do
	[[ -x $REPO/$f ]] || { echo "$group: $REPO/$f is missing (make; make static)" >&2; exit 1; }
done
[[ -f $scenarios ]] || { echo "$group: scenarios file $scenarios: no such file" >&2; exit 1; }

boot_rc=0
bash "$BED_DIR/bed.sh" "${bed[@]}" run \
	--script "$BED_DIR/guest/$job" \
	--add "$scenarios:$dest" \
	--initrd-out "$dir/check-initramfs.cpio.gz" \
	--results "$out" --timeout $timeout_s >"$console" 2>&1 || boot_rc=$?
grep -E '^(bed|bed-guest):' "$console" || true
if ((boot_rc)); then
	echo "$group: the bed run failed (status $boot_rc); console: $console" >&2
	[[ -d $out ]] && bash "$BED_DIR/$verify" "$out" "$scenarios" || true
	exit 1
fi
verify_rc=0
bash "$BED_DIR/$verify" "$out" "$scenarios" | tee "$out/verify.txt" || verify_rc=1
: >"$out/verify-selftest.txt"
if [[ -z $selftest ]]; then
	# The checks themselves must be able to fail: damaged copies of these results.
	echo
	bash "$BED_DIR/${verify%.sh}-selftest.sh" "$out" "$scenarios" | tee "$out/verify-selftest.txt" || verify_rc=1
fi
echo "$group: took $(($(date +%s) - start)) s (results in $out)"
cat "$out/verify.txt" "$out/verify-selftest.txt" | awk -v g="$group" '
	/^ok / {p++} /^FAIL / {f++} /^SKIP / {s++}
	END {printf "%s: %d passed, %d failed%s\n", g, p, f, s ? ", " s " skipped" : ""}'
exit $verify_rc
