#!/usr/bin/env bash
# `make check-live-view-realkvm`: tests/live/view.sh, the interactive view
# driven through a pty, in the real-KVM bed (kvm_amd under QEMU TCG), where
# kvm_exit fires: the screens' rows are exit reasons (io 300 after resume),
# where on a kvm_pvm host they are the KVM events. One boot (about a minute).
# usage: view-bed.sh [RESULTS_DIR]
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 1
results=${1:-build/live-view-realkvm}
echo "check-where: real-KVM bed (kvm_amd under QEMU TCG)"
for b in exitgen exitstat; do
	[[ -x build/static/$b ]] || { echo "view-bed: no build/static/$b (make static)" >&2; exit 1; }
done
gnu=(--add-dyn /usr/bin/mawk:/opt/gnu/mawk --add-dyn /bin/sed:/opt/gnu/sed --add-dyn /usr/bin/tr:/opt/gnu/tr
	--add-dyn /bin/stty:/opt/gnu/stty --add-dyn /usr/bin/cmp:/opt/gnu/cmp)
repo=()
for f in tests/live/view.sh tests/lib/assert.sh tests/lib/ready.sh; do
	repo+=(--add "$f:/repo/$f")
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash tests/realkvm/bed.sh run --script tests/live/view-bed-job.sh --smp 1 --timeout 900 \
	"${repo[@]}" --add-dyn /bin/bash --add-dyn /usr/bin/script "${gnu[@]}" --results "$results" >"$out" 2>&1
rc=$?
grep -E '^bed:|bed-guest:' "$out"
if ((rc != 0)) || [[ ! -e $results/view.rc ]]; then
	echo "view-bed: the bed run failed (status $rc; console: $results/console.log)"
	tail -n 20 "$out"
	exit 1
fi
grep -v "^check-where:" "$results/view.log"	# (it ran in the bed, not on a host)
exit "$(cat "$results/view.rc")"
