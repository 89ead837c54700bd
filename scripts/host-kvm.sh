#!/usr/bin/env bash
# host-kvm.sh [EXITGEN]: which kind of KVM this host has, so that `make run`
# and the checks that need a KVM know where to run (on the host, or in the
# real-KVM bed of tests/realkvm/). Prints one line, "KIND: why", KIND one of
#   exits      /dev/kvm runs guests and kvm:kvm_exit fires (a real VMX or SVM KVM)
#   no-exits   /dev/kvm runs guests but kvm:kvm_exit never fires (a paravirtual
#              KVM such as kvm_pvm)
#   none       no KVM that runs guests (no /dev/kvm, or it cannot run one)
# It finds out by running a guest (exitgen, 100 CPUID exits and a HLT) while
# perf counts kvm:kvm_exit: names in /sys/module say nothing certain.
# Exit status 0, or 2 when it cannot tell (not root, perf missing).
set -uo pipefail
EXITGEN=${1:-$(dirname "$0")/../build/exitgen}
T=/sys/kernel/tracing

if [[ ! -e /dev/kvm ]]; then
	echo "none: /dev/kvm does not exist (this kernel has no KVM, or it is not loaded)"
	exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "host-kvm: run as root (perf on kvm tracepoints)" >&2; exit 2; }
command -v perf >/dev/null || { echo "host-kvm: perf is missing (Debian package linux-perf)" >&2; exit 2; }
[[ -x $EXITGEN ]] || { echo "host-kvm: $EXITGEN is not built (make)" >&2; exit 2; }

if [[ ! -d $T/events/kvm/kvm_exit ]]; then
	# No tracepoint to count with: guests may run, but no exit is ever reported.
	if err=$("$EXITGEN" cpuid:1 hlt 2>&1 >/dev/null); then
		echo "no-exits: /dev/kvm runs guests, but there is no kvm:kvm_exit tracepoint ($T/events/kvm/kvm_exit)"
	else
		echo "none: /dev/kvm exists but cannot run a guest: ${err//$'\n'/ }"
	fi
	exit 0
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! perf stat -x, -o "$out" -e kvm:kvm_exit -- "$EXITGEN" cpuid:100 hlt >/dev/null 2>"$out.err"; then
	echo "none: /dev/kvm exists but cannot run a guest: $(tr '\n' ' ' <"$out.err")"
	rm -f "$out.err"
	exit 0
fi
rm -f "$out.err"
n=$(awk -F, '$3 == "kvm:kvm_exit" { print $1 }' "$out")
if [[ $n =~ ^[0-9]+$ ]] && ((n >= 101)); then
	echo "exits: kvm:kvm_exit fired $n times for a guest's 100 CPUID exits and a HLT"
else
	echo "no-exits: kvm:kvm_exit fired ${n:-?} times for a guest's 100 CPUID exits and a HLT$([[ -e /sys/module/kvm_pvm ]] && echo ' (kvm_pvm is loaded)')"
fi
