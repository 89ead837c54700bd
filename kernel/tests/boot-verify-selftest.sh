#!/usr/bin/env bash
# Shows that kernel/boot-verify.sh can fail: it must pass on results the
# patched kernel really produced in the bed (tests/fixtures/boot/), and fail,
# naming the right assertion, on copies damaged in one place each. The same
# for the VMX bed's results (boot-verify.sh --vmx) when VMX_FIXTURE_DIR is given.
# Usage: boot-verify-selftest.sh FIXTURE_DIR EXITSTAT_CPUID [VMX_FIXTURE_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../../tests/lib/selftest.sh" 'FIXTURE_DIR EXITSTAT_CPUID [VMX_FIXTURE_DIR]' "$@"
. "$here/selftest-lib.sh"
verify=$here/../boot-verify.sh
fixture=$1 tool=$2 vmx_fixture=${3:-}
run=(bash "$verify" DIR "$tool")

# sed -i on the first line matching $1 between dmesg marks of scenario $2.
in_scenario() {
	awk -v b="boot-job: mark $2 begin" -v e="boot-job: mark $2 end" -v re="$1" -v cmd="$3" '
		index($0, b) { on = 1 } index($0, e) { on = 0 }
		on && !done && $0 ~ re {
			done = 1
			if (cmd == "delete") next
			if (cmd == "double") print
		}
		{ print }' dmesg.txt > dmesg.new && mv dmesg.new dmesg.txt
}

# A leaf's answer in a JSON file: set_leaf FILE EAX_IN ECX_IN REG VALUE (the first such leaf).
set_leaf() {
	json "$1" "(first(.leaves | to_entries[] | select(.value.eax_in == \"$2\" and .value.ecx_in == \"$3\")) | .key) as \$k | .leaves[\$k].$4 = \"$5\""
}
sig() { set_leaf "$1" 0x4ffffffc 0x0 ebx 0x454d564b; set_leaf "$1" 0x4ffffffc 0x0 ecx 0x53746978; set_leaf "$1" 0x4ffffffc 0x0 edx 0x73746174; }

# add_tables SCENARIO N: N more copies of the scenario's last printed table.
add_tables() {
	awk -v b="boot-job: mark $1 begin" -v e="boot-job: mark $1 end" -v n="$2" '
		index($0, b) { on = 1 }
		on && /exit_stats: svm table after/ { t = "" }
		on && /exit_stats: / { t = t $0 "\n" }
		index($0, e) { for (i = 0; i < n; i++) printf "%s", t; on = 0 }
		{ print }' dmesg.txt > dmesg.new && mv dmesg.new dmesg.txt
}

case_ undamaged ""  true
case_ "debugfs io count off by one" "long64: reason 0x07b: debugfs delta 2501, kvm_exit hist 2500" \
	bump long64/table.after svm 0x07b
case_ "hist npf count changed" "off: reason 0x400: debugfs delta 4, kvm_exit hist 5" \
	sed -i 's/exit_reason:       1024 } hitcount:          4/exit_reason:       1024 } hitcount:          5/' off/hist.txt
case_ "debugfs row missing" "long64: debugfs rows (one per APM-defined svm reason): got '174'" \
	sed -i '/^svm 0x0a6 /d' long64/table.after
case_ "exitgen expected io changed" "real16: io (0x07b) debugfs delta == exitgen expected: got '700', want '701'" \
	sed -i 's/"expected":{"io":700,/"expected":{"io":701,/' real16/exitgen.json
io_leaf=$(jq -r '[.leaves[] | select(.eax_in == "0x4ffffffe" and .ecx_in == "0x7b")][0].eax' "$fixture/long64/exitgen.json")
case_ "leaf io count changed" "long64: leaf 0x4ffffffe:0x7b (#3): got $((io_leaf + 1))" \
	set_leaf long64/exitgen.json 0x4ffffffe 0x7b eax "$(printf 0x%x $((io_leaf + 1)))"
case_ "undefined reason without EDX marker" "undefined reason gave 0 0 0 0" \
	sed -i 's/"ecx_in":"0xa7","eax":"0x0","ebx":"0x0","ecx":"0x0","edx":"0xffffffff"/"ecx_in":"0xa7","eax":"0x0","ebx":"0x0","ecx":"0x0","edx":"0x0"/' long64/exitgen.json
case_ "unhandled reason with a count" "defined but unhandled reason gave 1 0 0 0" \
	set_leaf long64/exitgen.json 0x4ffffffe "$(head -n 1 "$fixture/unhandled")" eax 0x1
case_ "unhandled reason with a count in exitstat-cpuid's table" "cpuidtool: unhandled reason .* reads '1 0', want '0 0'" \
	set_leaf cpuidtool/exitgen.json 0x4ffffffe "$(sed -n 3p "$fixture/unhandled")" eax 0x1
case_ "a handled reason listed as unhandled" "reason 0x7b that exitgen's exits land on is listed as unhandled" \
	sh -c 'echo 0x7b >> unhandled'
case_ "result file missing" "result file .*/long64/hist.txt is missing" \
	rm long64/hist.txt
case_ "result file empty" "result file .*/real16/table.after is empty" \
	sh -c ': > real16/table.after'
case_ "second VM's results missing" "result file .*/twovm/peer.json is missing" \
	rm twovm/peer.json
case_ "CPUID leaf results emptied" "long64: CPUID leaf results == leaf steps the job gave: got '0'" \
	json long64/exitgen.json '.leaves = []'
# Each VM reads its own exits: a leaf with the other VM's added is a leak.
a_io=$(jq -r '[.leaves[] | select(.eax_in == "0x4ffffffe" and .ecx_in == "0x7b")][0].eax' "$fixture/twovm/exitgen.json")
b_io=$(jq -r '[.leaves[] | select(.eax_in == "0x4ffffffe" and .ecx_in == "0x7b")][0].eax' "$fixture/twovm/peer.json")
case_ "a VM's leaf counts the other VM's exits too" "twovm (second VM): leaf 0x4ffffffe:0x7b (#[0-9]*): got $((a_io + b_io)) " \
	set_leaf twovm/peer.json 0x4ffffffe 0x7b eax "$(printf 0x%x $((a_io + b_io)))"
# The binary stats (exitgen --kvm-stats, KVM_GET_STATS_FD) and the per-VM
# and per-vCPU debugfs tables.
case_ "binary stats io count off by one" "long64: reason 0x07b: binary stats 2501 (the VMs' vCPUs), kvm_exit hist 2500" \
	json long64/exitgen.json '.kvm_stats[0].end.exits["123"] += 1'
case_ "binary stats not read" "long64: exitgen read its vCPUs' binary stats at the end: got '0'" \
	json long64/exitgen.json '.kvm_stats = []'
case_ "binary stats counted while counting was off" "default: binary stats total with counting off: got '5'" \
	json default/exitgen.json '.kvm_stats[0].end.exits["123"] = 5'
case_ "a VM's binary stats hold the other VM's io" "twovm second VM at the wait step: io (0x07b) binary stats == exitgen's known exits" \
	json twovm/peer.json '.kvm_stats[0].wait.exits["123"] += 401'
case_ "debugfs VM table differs from the binary stats" "twovm first VM: reason 0x07b: debugfs VM table" \
	bump twovm/vm-a.table svm 0x07b
case_ "debugfs vCPU table differs from the VM's" "twovm second VM: reason 0x072: debugfs vcpu0 table" \
	bump twovm/vm-b.vcpu0.table svm 0x072
case_ "per-vCPU debugfs table missing" "result file .*/twovm/vm-a.vcpu0.table is missing" \
	rm twovm/vm-a.vcpu0.table
case_ "leaf answers with the leaves off" "default: leaf 0x4ffffffc:0x0 carries the KVMExitStats signature" \
	sig default/exitgen.json
case_ "hidden leaf differs from the unused leaf" "nooptin: leaf 0x4ffffffe:0x.* gave 5 " \
	set_leaf nooptin/exitgen.json 0x4ffffffe "$(jq -r '[.leaves[] | select(.eax_in == "0x4ffffffe")][0].ecx_in' "$fixture/nooptin/exitgen.json")" eax 0x5
case_ "leaf without its signature" "long64: leaf 0x4ffffffc:0x0 (#1): no KVMExitStats signature" \
	set_leaf long64/exitgen.json 0x4ffffffc 0x0 edx 0x0
# Counting off, leaves on (stopped): the leaves still answer (their own
# parameter decides), with nothing counted.
case_ "leaves gated on counting" "stopped: leaf 0x4ffffffc:0x0 (#1): no KVMExitStats signature" \
	set_leaf stopped/exitgen.json 0x4ffffffc 0x0 edx 0x0
case_ "leaf counts while counting was off" "stopped: leaf 0x4ffffffe:0x7b (#3): got 500 (0 0 0), want 0" \
	set_leaf stopped/exitgen.json 0x4ffffffe 0x7b eax 0x1f4
case_ "counted while counting was off" "default: reason 0x07b: debugfs grew by 5 exits while counting was off" \
	sed -i 's/^svm 0x07b 0 0 /svm 0x07b 5 0 /' default/table.after
case_ "statistics not from zero after reload" "reload: debugfs total starts from zero after rmmod/insmod" \
	sed -i 's/^# total 0 0$/# total 7 0/' reload/table.before
case_ "counting on by default" "kvm.exit_stats default (counting off): got 'Y', want 'N'" \
	sh -c 'echo Y > exit_stats.default'
case_ "leaves on by default" "kvm.exit_stats_cpuid_leaves default (no guest reads them): got '2'" \
	sh -c 'echo 2 > cpuid_leaves.default'
case_ "printed table row missing" "long64: table 1 rows sum to" \
	in_scenario '^kvm: exit_stats: svm 0x07b' long64 delete
case_ "table printed while off" "off: tables printed with exit_stats_interval=0: got" \
	sed -i '/boot-job: mark off end/i kvm: exit_stats: svm table after 5 exits, 9 cycles (cpu 0)\nkvm: exit_stats: end of table' dmesg.txt
case_ "storm without rate limit" "storm: .* tables for .* with interval 1, want 10" \
	add_tables storm 11
case_ "a CPU's tables closer than the interval" "long64: cpu [0-9]* tables only 0 exits apart" \
	add_tables long64 1
case_ "exits on one CPU only" "smp: exits handled on only 1 CPU" \
	sed -i '/common_cpu: *1 }/d' smp/cpu-hist.txt
case_ "exitstat-cpuid sees a different io count" "cpuidtool: exitstat-cpuid io row == debugfs" \
	sed -i 's/"ecx_in":"0x7b","eax":"0x\([0-9a-f]*\)"/"ecx_in":"0x7b","eax":"0x1\1"/' cpuidtool/exitgen.json
case_ "kernel warning in dmesg" "kernel log: 1 line(s) of kernel reports, the first: [0-9]*:WARNING: CPU: 0 PID: 1 at arch/x86/kvm/exit_stats.c" \
	sed -i '$a WARNING: CPU: 0 PID: 1 at arch/x86/kvm/exit_stats.c:1 x' dmesg.txt
case_ "default interval changed" "kvm.exit_stats_interval default (no table): got '10000', want '0'" \
	sh -c 'echo 10000 > interval.default'

if [[ -n $vmx_fixture ]]; then
	fixture=$vmx_fixture run=(bash "$verify" --vmx DIR "$tool")
	case_ "vmx undamaged" "" true
	case_ "vmx debugfs io count off by one" "long64: reason 0x01e: debugfs delta 2501, kvm_exit hist 2500" \
		bump long64/table.after vmx 0x01e
	case_ "vmx debugfs has a reserved reason" "long64: debugfs rows for codes the SDM does not define: got '1'" \
		sed -i 's/^vmx 0x022 /vmx 0x023 /' long64/table.after
	case_ "vmx hist EPT violations changed" "off: reason 0x030: debugfs delta 4, kvm_exit hist 5" \
		sed -i 's/exit_reason:         48 } hitcount:          4/exit_reason:         48 } hitcount:          5/' off/hist.txt
	case_ "vmx msr write leaf changed" "long64: leaf 0x4ffffffe:0x20 (#17): got 61" \
		sed -i '0,/"ecx_in":"0x20","eax":"0x3c"/s//"ecx_in":"0x20","eax":"0x3d"/' long64/exitgen.json
	case_ "vmx undefined reason without EDX marker" "undefined reason gave 0 0 0 0" \
		sed -i '0,/"ecx_in":"0x23","eax":"0x0","ebx":"0x0","ecx":"0x0","edx":"0xffffffff"/s//"ecx_in":"0x23","eax":"0x0","ebx":"0x0","ecx":"0x0","edx":"0x0"/' long64/exitgen.json
	case_ "vmx printed row misnamed" "long64: table 1 row 0x01e named 'IO_INSTR', debugfs says 'IO_INSTRUCTION'" \
		sed -i '0,/ IO_INSTRUCTION$/s// IO_INSTR/' dmesg.txt
	case_ "vmx debugfs name not the catalogue's" "cpuidtool: debugfs names 0x030 'EPT_MISCONFIG'" \
		sed -i 's/^\(vmx 0x030 .*\) EPT_VIOLATION$/\1 EPT_MISCONFIG/' cpuidtool/table.after
	case_ "vmx kernel warning after the job started" "kernel log: 1 line(s) of kernel reports" \
		sed -i '$a WARNING: CPU: 0 PID: 1 at arch/x86/kvm/vmx/vmx.c:1 x' dmesg.txt
	case_ "svm results checked as vmx" "job ran on the vmx bed" \
		sh -c 'echo svm > isa'
	# The fastpath re-entry: the x2APIC ICR (0x830 = 2096) writes in the
	# kvm_msr hist keyed by flags (1: IRQs off, the fastpath).
	case_ "vmx fastpath: one ICR write fewer in the fastpath" "fastpath: x2APIC ICR writes KVM handled in the fastpath .*: got '6999', want '7000'" \
		sed -i 's/^\({ ecx: *2096, write: *1, common_flags: *1 } hitcount: *\)7000$/\16999/' fastpath/msr-hist.txt
	case_ "vmx fastpath: the ICR writes handled in the slow path" "fastpath: x2APIC ICR writes the slow path handled (kvm_msr with IRQs on): got '7000', want '0'" \
		sed -i 's/^\({ ecx: *2096, write: *1, common_flags: *\)1 }/\10 }/' fastpath/msr-hist.txt
	case_ "vmx fastpath: binary stats count one MSR_WRITE more" "fastpath: MSR_WRITE (0x020) binary stats, debugfs delta, kvm_exit hist == exitgen's known writes .*: got '7085 7084 7084'" \
		json fastpath/exitgen.json '.kvm_stats[1].end.exits["32"] += 1'
	case_ "vmx fastpath: debugfs counts one MSR_WRITE more" "fastpath: reason 0x020: debugfs delta 7085, kvm_exit hist 7084" \
		bump fastpath/table.after vmx 0x020
	case_ "vmx fastpath: exitgen without the irqchip" "fastpath: exitgen ran with the in-kernel irqchip: got 'false'" \
		json fastpath/exitgen.json '.irqchip = false'
	case_ "vmx fastpath: kvm_msr hist missing" "result file .*/fastpath/msr-hist.txt is missing" \
		rm fastpath/msr-hist.txt
fi

assert_summary boot-verify-selftest
