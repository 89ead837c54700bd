#!/usr/bin/env bash
# `make run`, the main job: exitstat live on an exitgen workload that makes
# many kinds of exits, printing the cumulative table every 10,000 exits and a
# final summary. Where this host's KVM fires kvm:kvm_exit, on this host;
# otherwise (no KVM at all, or a paravirtual KVM such as kvm_pvm that never
# fires kvm_exit: scripts/host-kvm.sh tells which) one line says why and the
# same demo runs inside the real-KVM bed (Debian's 6.12 kernel with kvm_amd
# under QEMU TCG, tests/realkvm/), its output shown live.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKLOAD=(--mode 64 out:20000 in:10000 cpuid:10000 rdmsr:3000 wrmsr:3000 mmio:1000 sleep:200 out:5000 hlt)
LIVE=(--every=10000)

if [[ $(id -u) -ne 0 ]]; then
	echo "make run: run as root: live collection needs BPF or perf tracepoint access and tracefs" >&2
	exit 1
fi
kind=$(bash scripts/host-kvm.sh build/exitgen)

if [[ $kind == exits:* ]]; then
	echo "== this host's KVM reports every exit (${kind#exits: })"
	echo "== exitstat ${LIVE[*]} -- exitgen ${WORKLOAD[*]}"
	exec build/exitstat "${LIVE[@]}" -- build/exitgen "${WORKLOAD[@]}"
fi

case $kind in
none:*) echo "== this host has no KVM to watch: ${kind#none: }." ;;
*) echo "== this host's KVM runs guests but does not report their exits: ${kind#*: }." ;;
esac
echo "== The same demo runs inside the real-KVM bed: Debian's 6.12 kernel with kvm_amd under"
echo "== QEMU TCG (tests/realkvm/README.md). The first run downloads the kernel package."
make --no-print-directory static >/dev/null
job=$(mktemp)
trap 'rm -f "$job"' EXIT
cat >"$job" <<JOB
#!/bin/sh
echo "== in the bed: \$(uname -r), \$(grep -o 'svm' /proc/cpuinfo | head -1) guest CPU, kvm_amd loaded"
echo "== exitstat ${LIVE[*]} -- exitgen ${WORKLOAD[*]}"
exitstat ${LIVE[*]} -- exitgen ${WORKLOAD[*]}
JOB
bash tests/realkvm/bed.sh run --script "$job" --results build/run-demo --timeout 600
