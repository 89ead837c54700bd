#!/usr/bin/env bash
# exitgen integration tests on this host's KVM (run as root).
#
#   tests/exitgen/run.sh [EXITGEN] [MORE_EXITGEN...]
#
# Every step type, in real mode and long mode, with one and two vCPUs: the
# counts exitgen reports must equal counts this script works out from the
# steps by itself, and the kernel must agree independently: perf counts the
# kvm:kvm_pio, kvm:kvm_cpuid, kvm:kvm_mmio, kvm:kvm_msr and
# kvm:kvm_userspace_exit tracepoints (they fire on every KVM, kvm_pvm too)
# and, where kvm:kvm_exit fires, kvm_exit per exit reason (io, cpuid, msr,
# hlt; SVM or VMX codes). Then the wait step and readiness, bad input, a
# missing device, the runaway cap and the timeout. Each further EXITGEN (e.g.
# the ASan+UBSan build) runs the same tests, the step matrix with two vCPUs
# only.
#
# The host's kind of KVM (scripts/host-kvm.sh; HOST_KVM_KIND=KIND skips the
# probe, as the real-KVM bed does) decides what runs: exits: all, with the
# kvm_exit counts; no-exits (kvm_pvm): all but the kvm_exit counts; none: only
# the tests that need no KVM (bad input, devices that are missing or not KVM),
# plus what a user sees without /dev/kvm. The rest then runs in the bed.
set -uo pipefail

cd "$(dirname "$0")/../.."
binaries=("$@")
((${#binaries[@]})) || binaries=(build/exitgen)

. tests/lib/assert.sh
tmp=$(mktemp -d /tmp/exitgen-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
READY_DIR=$tmp
. tests/lib/ready.sh

die() {
	echo "exitgen tests: $*" >&2
	bad "exitgen tests: $*"
	assert_summary ""
	exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (perf on kvm tracepoints, /dev/kvm)"
command -v jq >/dev/null || die "jq is missing (Debian package jq)"
for b in "${binaries[@]}"; do
	[[ -x $b ]] || die "$b is not built (make $b)"
done
# Result of one test case: "ok" or every mismatch, one per line.
problems=()
expect_eq() {			# what got want
	[[ $2 == "$3" ]] || problems+=("$1: got '$2', want '$3'")
}
finish() {			# name
	if ((${#problems[@]} == 0)); then
		ok "$1"
	else
		bad "$1"
		printf '       %s\n' "${problems[@]}"
		sed 's/^/       stderr: /' "$tmp/err" | head -5
	fi
	problems=()
}

# Works out, from the steps alone, the exits each vCPU is asked to cause;
# sets want_io, want_cpuid, want_msr, want_mmio, want_hlt for K vCPUs, and
# of want_msr: want_msr_user (rdmsr, wrmsr: the MSR exitgen sees through its
# filter), want_kvm_msr (the icr steps' writes KVM handles and traces:
# IA32_APIC_BASE once, the x2APIC ICR N times) and want_icr (those N).
# With irqchip=1 (exitgen --irqchip) the program ends on an OUT, not a HLT.
irqchip=0 extra_opts=()
want_from_steps() {		# K STEP...
	local k=$1 s n
	shift
	want_io=0 want_cpuid=0 want_msr=0 want_mmio=0 want_hlt=1 # final HLT
	want_msr_user=0 want_kvm_msr=0 want_icr=0
	((irqchip)) && want_io=1 want_hlt=0	# the final OUT instead
	for s in "$@"; do
		n=${s#*:}
		case $s in
		out:* | in:*) want_io=$((want_io + n)) ;;
		sleep:* | wait) want_io=$((want_io + 1)) ;;
		cpuid:*) want_cpuid=$((want_cpuid + n)) ;;
		leaf:*) want_cpuid=$((want_cpuid + 1)) ;;
		rdmsr:* | wrmsr:*) want_msr=$((want_msr + n)) want_msr_user=$((want_msr_user + n)) ;;
		icr:*)
			((n == 0)) && continue
			want_msr=$((want_msr + n + 1)) want_kvm_msr=$((want_kvm_msr + n + 1))
			want_icr=$((want_icr + n)) ;;
		mmio:*) want_mmio=$((want_mmio + n)) ;;
		hlt) want_hlt=$((want_hlt + 1)) ;;
		*) die "test bug: step $s" ;;
		esac
	done
	want_io=$((want_io * k)) want_cpuid=$((want_cpuid * k))
	want_msr=$((want_msr * k)) want_mmio=$((want_mmio * k))
	want_hlt=$((want_hlt * k)) want_msr_user=$((want_msr_user * k))
	want_kvm_msr=$((want_kvm_msr * k)) want_icr=$((want_icr * k))
}

# Whether this KVM has an in-kernel irqchip for exitgen --irqchip; if not,
# exitgen must say so in one line naming what is missing, and the icr cases
# are skipped here (the real-KVM bed runs them).
irqchip_here() {		# BIN
	local rc
	"$1" --irqchip out:1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	((rc == 0)) && return 0
	if ((rc == 1)) && [[ $(wc -l <"$tmp/err") == 1 ]] && grep -qE 'KVM_CREATE_IRQCHIP|KVM_CAP_IRQCHIP' "$tmp/err"; then
		ok "$1 --irqchip on a KVM without an in-kernel irqchip: $(cat "$tmp/err")"
		skip "$1 --irqchip icr cases: this KVM has no in-kernel irqchip"
	else
		bad "$1 --irqchip out:1: status $rc, stderr: $(head -c 300 "$tmp/err")"
	fi
	return 1
}

perf_count() {			# event -> its count in $tmp/perf
	awk -F, -v ev="$1" '$3 == ev { print $1 }' "$tmp/perf"
}

json() {			# jq filter on $tmp/out
	jq -r "$1" "$tmp/out" 2>/dev/null
}

kind=${HOST_KVM_KIND:-}
if [[ -z $kind ]]; then
	line=$(bash scripts/host-kvm.sh "${binaries[0]}") || die "scripts/host-kvm.sh could not tell this host's KVM kind"
	kind=${line%%:*}
	echo "exitgen tests: host KVM kind $line"
fi
case $kind in exits | no-exits | none) ;; *) die "unknown KVM kind '$kind' (exits, no-exits or none)" ;; esac
# kvm_exit's codes for io cpuid msr hlt, as perf --filter expressions
if grep -qw svm /proc/cpuinfo; then
	exit_filters=("exit_reason == 123" "exit_reason == 114" "exit_reason == 124" "exit_reason == 120")
else
	exit_filters=("exit_reason == 30" "exit_reason == 10" "exit_reason == 31 || exit_reason == 32" "exit_reason == 12")
fi

# Bad input and devices that are not KVM: every kind of host.
no_kvm_tests() {		# BIN
	local bin=$1 bad
	"$bin" --json out:1 out:x >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 2
	expect_eq "message names the step and where" "$(grep -c "step 2 'out:x'" "$tmp/err")" 1
	expect_eq "stdout" "$(cat "$tmp/out")" ""
	finish "$bin rejects out:x"

	for bad in foo:1 out:-1 out:4294967296 leaf:zz sleep:-5 hlt:2 wait:1 icr:x touch:65; do
		"$bin" "$bad" >"$tmp/out" 2>"$tmp/err"
		expect_eq "$bad exit status" "$?" 2
		expect_eq "$bad message" "$(grep -c -F "'$bad'" "$tmp/err")" 1
	done
	finish "$bin rejects other bad steps"

	# touch: its memslot is above what real mode reaches
	"$bin" --mode 16 out:1 touch:2 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 2
	expect_eq "message" "$(cat "$tmp/err")" \
		"exitgen: step 2 'touch:2': touch needs --mode 64 (its memslot is at 0x100000, above what real mode reaches)"
	finish "$bin rejects touch in real mode"

	"$bin" out:1 wait >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 2
	expect_eq "message" "$(cat "$tmp/err")" "exitgen: step 2 'wait' needs --go-file FIFO (see exitgen --help)"
	mkfifo "$tmp/go"
	"$bin" --go-file "$tmp/go" wait out:1 wait >"$tmp/out" 2>"$tmp/err"
	expect_eq "two waits: exit status" "$?" 2
	expect_eq "two waits: message" "$(grep -c "step 3 'wait': only one wait step" "$tmp/err")" 1
	: >"$tmp/plain"
	"$bin" --go-file "$tmp/plain" wait >"$tmp/out" 2>"$tmp/err"
	expect_eq "not a FIFO: exit status" "$?" 1
	expect_eq "not a FIFO: message" "$(cat "$tmp/err")" "exitgen: --go-file $tmp/plain: not a FIFO (make it with mkfifo)"
	rm -f "$tmp/go"
	finish "$bin wait needs one --go-file FIFO"

	# icr needs the in-kernel LAPIC; with it, a HLT would never come back.
	"$bin" out:1 icr:5 >"$tmp/out" 2>"$tmp/err"
	expect_eq "icr without --irqchip: exit status" "$?" 2
	expect_eq "icr without --irqchip: message" "$(cat "$tmp/err")" \
		"exitgen: step 2 'icr:5' needs --irqchip (the x2APIC ICR is the in-kernel LAPIC's)"
	"$bin" --irqchip out:1 hlt >"$tmp/out" 2>"$tmp/err"
	expect_eq "--irqchip hlt: exit status" "$?" 2
	expect_eq "--irqchip hlt: message" "$(grep -c "step 2 'hlt' cannot run with --irqchip" "$tmp/err")" 1
	finish "$bin icr needs --irqchip, which refuses hlt"

	# Where the icr step's exiting instructions are, and the final OUT that
	# replaces the final HLT with --irqchip (no KVM needed).
	"$bin" --layout --irqchip --vcpus 2 --image "$tmp/prog.bin" out:3 icr:40 >"$tmp/out" 2>"$tmp/err"
	expect_eq "layout status" "$?" 0
	expect_eq "irqchip" "$(json .irqchip)" true
	expect_eq "final OUT, no final HLT, on each vCPU" \
		"$(json '[.vcpus[] | has("final_out_rip") and (has("final_hlt_rip") | not)] | length')" 2
	# vCPU 0's program bytes at the RIPs the layout gives: WRMSR (0f 30)
	# twice, OUT eax to 0xe8 (e7 e8) at the end.
	local at off
	for at in x2apic_enable_rip exit_rip; do
		off=$(($(json ".vcpus[0].steps[1].$at") - $(json .vcpus[0].code_gpa)))
		expect_eq "vcpu 0 icr $at: WRMSR" "$(od -An -tx1 -j "$off" -N2 "$tmp/prog.bin" | tr -d ' ')" 0f30
	done
	off=$(($(json .vcpus[0].final_out_rip) - $(json .vcpus[0].code_gpa)))
	expect_eq "vcpu 0 final OUT" "$(od -An -tx1 -j "$off" -N2 "$tmp/prog.bin" | tr -d ' ')" e7e8
	"$bin" --layout out:3 >"$tmp/out" 2>"$tmp/err"
	expect_eq "without --irqchip: final HLT" "$(json '.vcpus[0] | has("final_hlt_rip") and (has("final_out_rip") | not)')" true
	finish "$bin --layout --irqchip: the icr step's two WRMSRs and the final OUT"

	# Missing device: one sentence, exit 1.
	"$bin" --device /nonexistent/kvm out:1 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 1
	expect_eq "stderr lines" "$(wc -l <"$tmp/err")" 1
	expect_eq "names the device" "$(grep -c /nonexistent/kvm "$tmp/err")" 1
	finish "$bin --device /nonexistent/kvm"

	# A device that is not KVM: the failing ioctl is named.
	"$bin" --device /dev/null out:1 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 1
	expect_eq "message" "$(cat "$tmp/err")" \
		"exitgen: KVM_GET_API_VERSION: Inappropriate ioctl for device"
	finish "$bin --device /dev/null names the failing ioctl"

	if [[ $kind == none ]]; then
		"$bin" out:1 >"$tmp/out" 2>"$tmp/err"
		expect_eq "exit status" "$?" 1
		expect_eq "stderr lines" "$(wc -l <"$tmp/err")" 1
		expect_eq "names /dev/kvm" "$(grep -c /dev/kvm "$tmp/err")" 1
		finish "$bin on a host without KVM: one line naming /dev/kvm"
	fi
}

if [[ $kind == none ]]; then
	for bin in "${binaries[@]}"; do
		echo "--- $bin"
		no_kvm_tests "$bin"
	done
	assert_summary "" "(KVM kind none: the tests that need a KVM run in the real-KVM bed)"
	exit
fi
[[ -c /dev/kvm ]] || die "/dev/kvm is missing: these tests need KVM"
command -v perf >/dev/null || die "perf is missing (Debian package linux-perf)"
if [[ ! -d /sys/kernel/tracing/events/kvm ]]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	[[ -d /sys/kernel/tracing/events/kvm ]] || die "no kvm tracepoints in /sys/kernel/tracing/events/kvm (is kvm loaded?)"
fi

# Runs exitgen under perf and checks its JSON and the kernel's counts.
run_case() {			# BIN MODE K MSR_FILTER(1|0) STEP...
	local bin=$1 mode=$2 k=$3 filter=$4 rc msr_user user i
	shift 4
	local opts=(--json --mode "$mode" --vcpus "$k" "${extra_opts[@]}")
	((filter)) || opts+=(--no-msr-filter)
	want_from_steps "$k" "$@"

	# each tracepoint costs perf ~40 ms to enable: kvm_msr only where it counts
	local events=(-e kvm:kvm_pio -e kvm:kvm_cpuid -e kvm:kvm_mmio
		-e kvm:kvm_userspace_exit)
	((filter && !want_kvm_msr)) || events+=(-e kvm:kvm_msr)
	((!want_icr)) || events+=(-e kvm:kvm_apic_ipi)
	local f
	if [[ $kind == exits ]]; then
		for f in "${exit_filters[@]}"; do
			events+=(-e kvm:kvm_exit --filter "$f")
		done
	fi
	perf stat -x, -o "$tmp/perf" "${events[@]}" \
		-- "$bin" "${opts[@]}" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	expect_eq "exit status" "$rc" 0

	# one jq call per case: fields in this order
	local f=() names=(ok mode vcpus "per_vcpu entries" \
		expected.io expected.cpuid expected.msr expected.mmio expected.hlt \
		KVM_EXIT_IO KVM_EXIT_HLT KVM_EXIT_MMIO KVM_EXIT_X86_RDMSR+WRMSR \
		msr.to_userspace)
	read -r -a f <<<"$(json '[.ok, .mode, .vcpus, (.per_vcpu | length),
		.expected.io, .expected.cpuid, .expected.msr, .expected.mmio,
		.expected.hlt, .userspace_exits.KVM_EXIT_IO,
		.userspace_exits.KVM_EXIT_HLT, .userspace_exits.KVM_EXIT_MMIO,
		.userspace_exits.KVM_EXIT_X86_RDMSR + .userspace_exits.KVM_EXIT_X86_WRMSR,
		.msr.to_userspace] | map(tostring) | join(" ")')"
	msr_user=$((filter ? want_msr_user : 0))
	# exitgen's own expected counts against this script's arithmetic, then
	# what exitgen saw come back from KVM_RUN
	local want=(true "$mode" "$k" "$k" \
		"$want_io" "$want_cpuid" "$want_msr" "$want_mmio" "$want_hlt" \
		"$want_io" "$want_hlt" "$want_mmio" "$msr_user" \
		"$( ((filter)) && echo true || echo false)")
	for i in "${!names[@]}"; do
		expect_eq "${names[i]}" "${f[i]:-}" "${want[i]}"
	done

	# the kernel's view, independent of exitgen
	user=$((want_io + want_hlt + want_mmio + msr_user))
	expect_eq "kvm:kvm_pio" "$(perf_count kvm:kvm_pio)" "$want_io"
	expect_eq "kvm:kvm_cpuid" "$(perf_count kvm:kvm_cpuid)" "$want_cpuid"
	expect_eq "kvm:kvm_mmio" "$(perf_count kvm:kvm_mmio)" "$want_mmio"
	expect_eq "kvm:kvm_userspace_exit" "$(perf_count kvm:kvm_userspace_exit)" "$user"
	# KVM traces kvm_msr only for MSRs it handles itself
	if ((!filter)); then
		expect_eq "kvm:kvm_msr" "$(perf_count kvm:kvm_msr)" "$want_msr"
	elif ((want_kvm_msr)); then
		expect_eq "kvm:kvm_msr (IA32_APIC_BASE, x2APIC ICR)" "$(perf_count kvm:kvm_msr)" "$want_kvm_msr"
	fi
	if ((want_icr)); then
		# one IPI per ICR write, sent to nobody; exitgen's own account too
		expect_eq "kvm:kvm_apic_ipi" "$(perf_count kvm:kvm_apic_ipi)" "$want_icr"
		expect_eq "exitgen x2apic_icr writes, irqchip" "$(json '"\(.x2apic_icr.writes) \(.irqchip)"')" "$want_icr true"
	fi
	# where kvm_exit fires: per reason, in the order of exit_filters
	if [[ $kind == exits ]]; then
		expect_eq "kvm:kvm_exit io cpuid msr hlt" \
			"$(awk -F, '$3 == "kvm:kvm_exit" { printf "%s%s", sep, $1; sep = " " }' "$tmp/perf")" \
			"$want_io $want_cpuid $want_msr $want_hlt"
	fi
}

step_types=(out:1000 in:700 cpuid:500 rdmsr:300 wrmsr:400 mmio:600 hlt
	sleep:20 leaf:0x4ffffffc:0)
all_steps=(out:123 in:45 cpuid:67 rdmsr:8 wrmsr:9 mmio:10 hlt sleep:1
	leaf:0 leaf:0x4ffffffc leaf:0x4fffffff:3 out:0 hlt)

# CPUID leaf 0 holds the vendor string; /proc/cpuinfo shows the host's.
vendor_regs() {			# vendor -> "ebx edx ecx" as 0x hex
	local v=$1
	printf '0x%x 0x%x 0x%x' \
		"$(od -An -tu4 -j0 -N4 <<<"$v")" \
		"$(od -An -tu4 -j4 -N4 <<<"$v")" \
		"$(od -An -tu4 -j8 -N4 <<<"$v")"
}
host_vendor=$(awk -F': ' '/^vendor_id/ { print $2; exit }' /proc/cpuinfo)

first=${binaries[0]}
for bin in "${binaries[@]}"; do
	echo "--- $bin"
	# Further builds (ASan+UBSan) look for memory errors, not other counts:
	# their step matrix runs with two vCPUs only, to keep the check short.
	vcpu_counts=(1 2)
	[[ $bin == "$first" ]] || vcpu_counts=(2)
	for mode in 16 64; do
		for k in "${vcpu_counts[@]}"; do
			for s in "${step_types[@]}"; do
				run_case "$bin" "$mode" "$k" 1 "$s"
				finish "$bin --mode $mode --vcpus $k $s"
			done
			run_case "$bin" "$mode" "$k" 1 "${all_steps[@]}"
			finish "$bin --mode $mode --vcpus $k (every step type)"
		done
		run_case "$bin" "$mode" 2 0 rdmsr:30 wrmsr:40 out:5
		finish "$bin --mode $mode --vcpus 2 --no-msr-filter (KVM emulates MSR 0x8b)"
	done

	# --irqchip (KVM's in-kernel PIC, IOAPIC, LAPIC): icr:N turns x2APIC
	# on and writes the ICR N times, all inside KVM (kvm_msr, and one
	# kvm_apic_ipi per ICR write), and the program ends on an OUT.
	if irqchip_here "$bin"; then
		irqchip=1 extra_opts=(--irqchip)
		for mode in 16 64; do
			run_case "$bin" "$mode" 2 1 out:7 icr:300 wrmsr:5 icr:20 cpuid:3 mmio:2
			finish "$bin --irqchip --mode $mode --vcpus 2 out:7 icr:300 wrmsr:5 icr:20 cpuid:3 mmio:2"
		done
		run_case "$bin" 64 1 0 icr:100 rdmsr:4
		finish "$bin --irqchip --no-msr-filter icr:100 rdmsr:4 (KVM handles every MSR)"
		irqchip=0 extra_opts=()
	fi

	# Leaf results: leaf 0's vendor string must be the host's, on each vCPU.
	run_case "$bin" 64 2 1 leaf:0 leaf:0x4ffffffc:0
	want=$(vendor_regs "$host_vendor")
	for v in 0 1; do
		expect_eq "vcpu $v leaf 0 vendor (ebx edx ecx)" \
			"$(json ".leaves[] | select(.vcpu == $v and .eax_in == \"0x0\") | \"\(.ebx) \(.edx) \(.ecx)\"")" \
			"$want"
	done
	expect_eq "leaves reported" "$(json '.leaves | length')" 4
	expect_eq "leaf input echoed" \
		"$(json '[.leaves[] | select(.eax_in == "0x4ffffffc" and .ecx_in == "0x0")] | length')" 2
	finish "$bin leaf:0 reports the host vendor '$host_vendor'"

	# JSON shape other tools rely on.
	"$bin" --json --vcpus 2 out:3 >"$tmp/out" 2>"$tmp/err"
	expect_eq "top-level keys" \
		"$(json '[ "tool","version","pid","mode","vcpus","steps","expected","per_vcpu","userspace_exits","leaves","elapsed_ns","ok" ] - keys | length')" 0
	expect_eq "tool" "$(json .tool)" exitgen
	expect_eq "version" "$(json .version)" 1
	expect_eq "steps" "$(jq -c .steps "$tmp/out")" '[{"op":"out","n":3}]'
	expect_eq "per_vcpu keys" \
		"$(json '[.per_vcpu[] | keys] | unique | .[0] | contains(["vcpu","tid","expected","userspace_exits"])')" true
	expect_eq "distinct vCPU thread ids" \
		"$(json '[.per_vcpu[].tid] | unique | map(select(. > 0)) | length')" 2
	expect_eq "elapsed_ns positive" "$(json '.elapsed_ns > 0')" true
	expect_eq "pid is a process id" "$(json '.pid > 1')" true
	finish "$bin JSON keys and types"

	# sleep:MS makes the VMM pause; elapsed time must cover it.
	"$bin" --json sleep:300 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 0
	expect_eq "elapsed_ns >= 300 ms" "$(json '.elapsed_ns >= 300000000')" true
	finish "$bin sleep:300 takes at least 300 ms"

	# --vms: VMs one after another, each made, run and closed on the same
	# thread (the main one): the counts add up, and the kernel saw them all.
	perf stat -x, -o "$tmp/perf" -e kvm:kvm_pio -e kvm:kvm_cpuid -e kvm:kvm_userspace_exit \
		-- "$bin" --json --vms 3 out:20 cpuid:5 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 0
	expect_eq "vms, expected io cpuid hlt, KVM_EXIT_IO, KVM_EXIT_HLT" \
		"$(json '"\(.vms) \(.expected.io) \(.expected.cpuid) \(.expected.hlt) \(.userspace_exits.KVM_EXIT_IO) \(.userspace_exits.KVM_EXIT_HLT)"')" \
		"3 60 15 3 60 3"
	expect_eq "the vCPU ran on the main thread" "$(json '.per_vcpu[0].tid == .pid')" true
	expect_eq "kvm:kvm_pio" "$(perf_count kvm:kvm_pio)" 60
	expect_eq "kvm:kvm_cpuid" "$(perf_count kvm:kvm_cpuid)" 15
	expect_eq "kvm:kvm_userspace_exit" "$(perf_count kvm:kvm_userspace_exit)" 63
	"$bin" --vms 2 --vcpus 2 out:1 >"$tmp/out" 2>"$tmp/err"
	expect_eq "--vms 2 --vcpus 2: exit status" "$?" 2
	expect_eq "--vms 2 --vcpus 2: message" "$(cat "$tmp/err")" \
		"exitgen: --vms 2 runs every VM's vCPU on one thread: it takes --vcpus 1 and no --ready-file, --go-file, --kvm-stats or --timeout"
	finish "$bin --vms 3 out:20 cpuid:5: three VMs on one thread, their counts added"

	# A large count runs as a loop, not as copies of the instruction.
	run_case "$bin" 64 1 1 out:50000 cpuid:50000
	finish "$bin out:50000 cpuid:50000 (loop, counts exact)"

	no_kvm_tests "$bin"

	# The wait step holds every vCPU until the test says go; --ready-file
	# says when they are all there. Both through FIFOs (tests/lib/ready.sh).
	ready_fifo ready; ready_fifo go
	"$bin" --json --vcpus 2 --ready-file "$READY_DIR/ready" --go-file "$READY_DIR/go" \
		out:5 wait out:7 >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	await_ready ready
	expect_eq "ready line's pid" "$ready_pid" "$pid"
	release go
	wait $pid
	expect_eq "exit status" "$?" 0
	expect_eq "io expected, seen" "$(json '"\(.expected.io) \(.userspace_exits.KVM_EXIT_IO)"')" "26 26"
	expect_eq "steps" "$(jq -c .steps "$tmp/out")" '[{"op":"out","n":5},{"op":"wait","n":1},{"op":"out","n":7}]'
	finish "$bin out:5 wait out:7: ready with every vCPU at the wait, then goes on"

	# Never told to go: --timeout stops it, held just after the wait step's OUT.
	"$bin" --json --vcpus 2 --timeout 1 --ready-file "$READY_DIR/ready" --go-file "$READY_DIR/go" \
		out:5 wait out:7 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 1
	await_ready ready
	expect_eq "said ready" "$ready_pid" "$(json .pid)"
	expect_eq "io seen: 5 + the wait's OUT per vCPU" "$(json .userspace_exits.KVM_EXIT_IO)" 12
	expect_eq "message" "$(grep -c 'still running after 1 s (--timeout)' "$tmp/err")" 1
	finish "$bin holds at the wait step until go (--timeout 1 ends it)"
	close_fifo ready; close_fifo go

	# Without a wait step, ready once every vCPU runs; a plain file works too.
	"$bin" --json --vcpus 2 --ready-file "$tmp/ready.txt" out:3 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 0
	expect_eq "ready file" "$(cat "$tmp/ready.txt")" "ready $(json .pid)"
	finish "$bin --ready-file without a wait step"

	# Runaway cap: the run stops at the cap, reports it and fails.
	"$bin" --json --max-exits 10 out:1000 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 1
	expect_eq "ok" "$(json .ok)" false
	expect_eq "stopped right after the cap" "$(json .userspace_exits.KVM_EXIT_IO)" 11
	expect_eq "message" "$(grep -c 'over the cap of 10 (--max-exits)' "$tmp/err")" 1
	finish "$bin --max-exits 10 out:1000 stops a runaway"

	# Default cap is expected + margin: a normal run does not trip it.
	"$bin" --json out:200 >"$tmp/out" 2>"$tmp/err"
	expect_eq "max_exits default" "$(json .max_exits)" $((200 + 1 + 64))
	finish "$bin default --max-exits"

	# Timeout: vCPUs spinning in KVM (no user-space exits) are kicked out.
	start=${EPOCHREALTIME/./}	# microseconds (busybox date has no %N)
	"$bin" --json --vcpus 2 --timeout 1 cpuid:4000000000 >"$tmp/out" 2>"$tmp/err"
	expect_eq "exit status" "$?" 1
	ms=$(((${EPOCHREALTIME/./} - start) / 1000))
	expect_eq "stopped within 5 s" "$((ms < 5000))" 1
	expect_eq "ok" "$(json .ok)" false
	expect_eq "message" "$(grep -c 'still running after 1 s (--timeout)' "$tmp/err")" 1
	finish "$bin --timeout 1 stops guests that never exit"
done

assert_summary ""
