#!/usr/bin/env bash
# `make run`, the main job: exitstat live on an exitgen workload that makes
# many kinds of exits, printing the cumulative table every 10,000 exits and a
# final summary. Where this host's KVM does not fire kvm:kvm_exit (kvm_pvm,
# for one), it says so and runs the same demo inside the real-KVM bed
# (Debian's 6.12 kernel with kvm_amd under QEMU TCG), showing its output live.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKLOAD=(--mode 64 out:20000 in:10000 cpuid:10000 rdmsr:3000 wrmsr:3000 mmio:1000 sleep:200 out:5000 hlt)
LIVE=(--every=10000)

if [[ ! -e /dev/kvm ]]; then
	echo "make run: /dev/kvm is missing: this machine has no KVM (load kvm_intel or kvm_amd, or enable virtualization in the firmware or the hypervisor)" >&2
	exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "make run: run as root: live collection needs BPF or perf tracepoint access and tracefs" >&2
	exit 1
fi

echo "== exitstat ${LIVE[*]} -- exitgen ${WORKLOAD[*]}   (this host's KVM)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/exitstat "${LIVE[@]}" -- build/exitgen "${WORKLOAD[@]}" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
if ! grep -q 'kvm:kvm_exit never fired' "$out"; then
	exit "$status"
fi

echo
echo "== This host's KVM does not report exits through kvm:kvm_exit (see above)."
echo "== Running the same demo inside the real-KVM bed: Debian's 6.12 kernel with kvm_amd"
echo "== under QEMU TCG (tests/realkvm/README.md). The first run downloads the kernel package."
make --no-print-directory static >/dev/null
job=$(mktemp)
cat >"$job" <<JOB
#!/bin/sh
echo "== in the bed: \$(uname -r), \$(grep -o 'svm' /proc/cpuinfo | head -1) guest CPU, kvm_amd loaded"
exitstat ${LIVE[*]} -- exitgen ${WORKLOAD[*]}
JOB
bash tests/realkvm/bed.sh run --script "$job" --results build/run-demo --timeout 600
rm -f "$job"
