#!/usr/bin/env bash
# `make check-explain` (part): exitstat explain on real bed traces, against
# exitgen's own account of what its guest did (NAME.exitgen.json: the steps,
# per vCPU; exitgen/guest.h: OUT to port 0xe0 and IN from 0xe4 of 4 bytes,
# MMIO writes from 0xf0000): per trace, the exits of
#   "0x00e0 out 4" == the out steps, "0x00e4 in 4" == the in steps,
#   "msr ? read" / "msr ? write" == the rdmsr / wrmsr steps,
#   "gpa 0xf0000 write" == the mmio steps,
# each times the vCPUs, on SVM and on VMX (tests/fixtures/bed-vmx); and on a published VMX trace (the i8042 and PIC
# accesses of a QEMU keyboard bug report) the ports are named.
# usage: run.sh EXITSTAT
set -uo pipefail
ES=${1:?usage: run.sh EXITSTAT}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
F=$REPO/tests/fixtures/bed
PUB=$REPO/tests/fixtures/public
. "$REPO/tests/lib/assert.sh"
need_built "$ES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# steps OP JSON: the exits exitgen made with step OP, all vCPUs
steps() { jq --arg op "$1" '([.steps[] | select(.op == $op) | .n] | add // 0) * .vcpus' "$2"; }
# detail KEY JSON: the count of that detail key in explain's JSON
detail() { jq --arg k "$1" '[.details[] | select(.key == $k) | .count] | add // 0' "$2"; }

for t in ftrace-16 ftrace-64 ftrace-64-vcpus2 perf-16 perf-64 trace-cmd-16 trace-cmd-64; do
	eg=$F/$t.exitgen.json
	if ! "$ES" explain -f json "$F/$t.txt" >"$tmp/x.json" 2>"$tmp/err"; then
		bad "$t: status $?: $(head -c 300 "$tmp/err")"
		continue
	fi
	got="out $(detail '0x00e0 out 4' "$tmp/x.json") in $(detail '0x00e4 in 4' "$tmp/x.json")"
	got+=" rdmsr $(detail 'msr ? read' "$tmp/x.json") wrmsr $(detail 'msr ? write' "$tmp/x.json")"
	got+=" mmio $(detail 'gpa 0xf0000 write' "$tmp/x.json")"
	want="out $(steps out "$eg") in $(steps in "$eg") rdmsr $(steps rdmsr "$eg") wrmsr $(steps wrmsr "$eg")"
	want+=" mmio $(steps mmio "$eg")"
	equal "$t: details == exitgen's steps" "$got" "$want"
done

# the VMX bed (Bochs, kvm_intel): the same steps through exit qualifications (MMIO
# goes through EPT misconfigurations, whose address is not in them)
V=$REPO/tests/fixtures/bed-vmx
for t in ftrace-16 ftrace-64 ftrace-64-vcpus2 perf-64 trace-cmd-64; do
	eg=$V/$t.exitgen.json
	if ! "$ES" explain -f json "$V/$t.txt" >"$tmp/x.json" 2>"$tmp/err"; then
		bad "vmx/$t: status $?: $(head -c 300 "$tmp/err")"
		continue
	fi
	got="out $(detail '0x00e0 out 4' "$tmp/x.json") in $(detail '0x00e4 in 4' "$tmp/x.json")"
	got+=" rdmsr $(detail 'msr ? read' "$tmp/x.json") wrmsr $(detail 'msr ? write' "$tmp/x.json")"
	want="out $(steps out "$eg") in $(steps in "$eg") rdmsr $(steps rdmsr "$eg") wrmsr $(steps wrmsr "$eg")"
	equal "vmx/$t: details == exitgen's steps" "$got" "$want"
done

# a published VMX trace (trace-cmd report, 2021): `info 640008 0` is an IN of port 0x64
if [[ -e $PUB/13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt ]]; then
	"$ES" explain "$PUB/13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt" >"$tmp/t.txt" 2>"$tmp/err"
	grep -qE '0x0064 in 1 +i8042 keyboard status/command +2 ' "$tmp/t.txt" &&
		grep -qE '0x0060 in 1 +i8042 keyboard data +2 ' "$tmp/t.txt" &&
		ok "public VMX trace: the i8042 reads named and counted (2 each, as its lines say)" ||
		bad "public VMX trace: $(head -c 600 "$tmp/t.txt") $(head -c 200 "$tmp/err")"
	# port in bits 31:16 of the qualification: 0x60 or 0x64 (the lines' own text)
	want=$(grep -cE 'IO_INSTRUCTION.*info 6[04][0-9a-f]{4} ' "$PUB/13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt")
	"$ES" explain -f json "$PUB/13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt" >"$tmp/t.json" 2>/dev/null
	got=$(( $(detail '0x0060 in 1' "$tmp/t.json") + $(detail '0x0064 in 1' "$tmp/t.json") ))
	equal "public VMX trace: the 0x60/0x64 reads are all its 'info 60xxxx/64xxxx' lines ($want)" "$got" "$want"
else
	bad "the public traces are missing (tests/fixtures/public)"
fi

# report --detail reads the same details as explain (the table's drill-down, in its JSON)
eg=$F/ftrace-64.exitgen.json
"$ES" report --detail all -f json "$F/ftrace-64.txt" >"$tmp/r.json" 2>"$tmp/err"
got="$? out $(detail '0x00e0 out 4' "$tmp/r.json") in $(detail '0x00e4 in 4' "$tmp/r.json") mmio $(detail 'gpa 0xf0000 write' "$tmp/r.json")"
equal "report --detail: the details == exitgen's steps, status 0" "$got" \
	"0 out $(steps out "$eg") in $(steps in "$eg") mmio $(steps mmio "$eg")"
"$ES" report --detail io -f csv "$F/ftrace-64.txt" >"$tmp/r.csv" 2>/dev/null
equal "report --detail io -f csv: one detail row per port, the key in its text column" \
	"$(grep -c '^final,detail,svm,0x7b,io,' "$tmp/r.csv") $(grep -c ',"0x00e0 out 4"$' "$tmp/r.csv")" "2 1"
"$ES" report --detail all -f csv "$F/ftrace-64.txt" >"$tmp/r.csv" 2>/dev/null
equal "report --detail -f csv: every row has the header's columns (RFC 4180 read)" \
	"$(python3 -c 'import csv, sys; print(sorted({len(r) for r in csv.reader(open(sys.argv[1]))}))' "$tmp/r.csv")" "[26]"
# -t 0 shows every detail (what the "(more: --top 0 shows all)" line promises)
"$ES" explain -t 0 "$F/ftrace-64.txt" >"$tmp/t0.txt" 2>"$tmp/err"
st=$?
"$ES" explain -f json "$F/ftrace-64.txt" >"$tmp/t0.json" 2>/dev/null
equal "explain -t 0: status 0, one table row per detail of the JSON, no '(more' line" \
	"$st $(grep -cE '^(svm|vmx)? +[a-z_]* +(0x|msr|cr|gpa|vector)' "$tmp/t0.txt") $(grep -c '(more' "$tmp/t0.txt")" \
	"0 $(jq '.details | length' "$tmp/t0.json") 0"
"$ES" report --detail pio "$F/ftrace-64.txt" >/dev/null 2>"$tmp/err"
equal "report --detail pio: a usage error naming it" "$? $(grep -c "bad value 'pio' for --detail" "$tmp/err")" "2 1"
printf '  qemu-1 [000] .... 1.000000: kvm_exit: reason io rip 0x1\n' >"$tmp/bare.txt"
"$ES" report --detail all "$tmp/bare.txt" >/dev/null 2>"$tmp/err"
equal "report --detail of a trace without exit information: status 1, said once" \
	"$? $(grep -c 'carry no exit information' "$tmp/err")" "1 1"

# the MSR index from the kvm_msr line after an MSR exit, per vCPU thread: a published
# SVM trace (EFER read then written), and two threads interleaved where one MSR exit
# has no kvm_msr (handled in user space: the index stays ?)
"$ES" explain -f json "$PUB/31-firecracker-5437-nested-epyc-esxi-2025.fragment.txt" >"$tmp/m.json" 2>"$tmp/err"
equal "public SVM trace: its kvm_msr lines name the MSR of each exit (EFER read 1, written 1)" \
	"$(detail 'msr 0xc0000080 MSR_EFER read' "$tmp/m.json") $(detail 'msr 0xc0000080 MSR_EFER write' "$tmp/m.json") $(detail 'msr ? read' "$tmp/m.json")" "1 1 0"
x='info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000'
{
	echo "  qemu-11 [000] d..1. 1.000000: kvm_exit: vcpu 0 reason msr rip 0x1 $x"
	echo "  qemu-12 [001] d..1. 1.000001: kvm_exit: vcpu 1 reason msr rip 0x1 ${x/info1 0x0000000000000000/info1 0x0000000000000001}"
	echo "  qemu-12 [001] ..... 1.000002: kvm_msr: msr_write 6e0 = 0x1234"
	echo "  qemu-11 [000] ..... 1.000003: kvm_msr: msr_read 1b = 0xfee00900"
	echo "  qemu-12 [001] d..1. 1.000004: kvm_entry: vcpu 1, rip 0x3"
	echo "  qemu-11 [000] d..1. 1.000005: kvm_entry: vcpu 0, rip 0x3"
	echo "  qemu-11 [000] d..1. 1.000010: kvm_exit: vcpu 0 reason msr rip 0x1 $x"
	echo "  qemu-11 [000] d..1. 1.000020: kvm_entry: vcpu 0, rip 0x3"
	echo "  qemu-11 [000] d..1. 1.000030: kvm_exit: vcpu 0 reason msr rip 0x1 $x"
	echo "  qemu-11 [000] ..... 1.000031: kvm_msr: msr_read 1b = 0xfee00900"
} >"$tmp/msr.txt"
"$ES" explain -f json "$tmp/msr.txt" >"$tmp/m.json" 2>"$tmp/err"
equal "two vCPU threads interleaved: 1b read 2, 6e0 written 1, one read without kvm_msr (?), 4 exits, 3 timed" \
	"$(detail 'msr 0x1b MSR_IA32_APICBASE read' "$tmp/m.json") $(detail 'msr 0x6e0 MSR_IA32_TSC_DEADLINE write' "$tmp/m.json") $(detail 'msr ? read' "$tmp/m.json") $(jq .exits "$tmp/m.json") $(jq '[.details[].timed] | add' "$tmp/m.json")" \
	"2 1 1 4 3"

# the MSR's index from the kvm_msr after the exit (same thread); an exit whose entry comes
# without one stays `msr ?`; the lines here are the ground truth
{
	echo ' qemu-1 [000] d..1. 1.000000: kvm_exit: vcpu 0 reason msr rip 0xffffffff81001000 info1 0x0000000000000001 info2 0x0 intr_info 0x00000000 error_code 0x00000000'
	echo ' qemu-1 [000] d..1. 1.000001: kvm_msr: msr_write 6e0 = 0x1234'
	echo ' qemu-1 [000] d..1. 1.000003: kvm_entry: vcpu 0, rip 0xffffffff81001002'
	echo ' qemu-2 [001] d..1. 1.000004: kvm_exit: vcpu 1 reason msr rip 0xffffffff81001000 info1 0x0000000000000000 info2 0x0 intr_info 0x00000000 error_code 0x00000000'
	echo ' qemu-1 [000] d..1. 1.000010: kvm_exit: vcpu 0 reason msr rip 0xffffffff81001000 info1 0x0000000000000000 info2 0x0 intr_info 0x00000000 error_code 0x00000000'
	echo ' qemu-2 [001] d..1. 1.000011: kvm_msr: msr_read 1b = 0xfee00900'
	echo ' qemu-1 [000] d..1. 1.000012: kvm_entry: vcpu 0, rip 0xffffffff81001002'
	echo ' qemu-2 [001] d..1. 1.000015: kvm_entry: vcpu 1, rip 0xffffffff81001002'
} >"$tmp/msr.txt"
"$ES" explain -f json "$tmp/msr.txt" >"$tmp/m.json"
equal "kvm_msr gives the index of its thread's MSR exit: 0x6e0 write (vCPU 0), 0x1b read (vCPU 1), one read without (msr ?)" \
	"$(jq -r '[.details[] | "\(.key)=\(.count)/\(.timed)/\(.time)"] | sort | join(" ")' "$tmp/m.json")" \
	"msr 0x1b MSR_IA32_APICBASE read=1/1/11000 msr 0x6e0 MSR_IA32_TSC_DEADLINE write=1/1/3000 msr ? read=1/1/2000"

# A VMX EPT violation's GPA is a VMCS field, not in kvm_exit's line: it comes from the
# kvm_page_fault line of the same thread after the exit (pre-6.x `address 3fef42812000`,
# 6.x `address 0x00000000000f0000`); an exit whose entry comes first stays `gpa ?`.
# The lines are the ground truth: a published gVisor trace (one EPT violation, read,
# address 3fef42812000), then two threads interleaved.
"$ES" explain -f json "$PUB/30-gvisor-6757-ept-loop-avagin-2021.fragment.txt" >"$tmp/g.json" 2>"$tmp/err"
equal "public VMX trace: its kvm_page_fault names the EPT violation's page (read, 0x3fef42812000)" \
	"$(jq -r '[.details[] | "\(.key)=\(.count)"] | join(" ")' "$tmp/g.json")" "gpa 0x3fef42812000 read=1"
v='info1 0x0000000000000182 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000'
{
	echo ' qemu-1 [000] d..1. 1.000000: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x10057 '"$v"
	echo ' qemu-2 [001] d..1. 1.000001: kvm_exit: vcpu 1 reason EPT_VIOLATION rip 0x20057 '"${v/0x0000000000000182/0x0000000000000181}"
	echo ' qemu-2 [001] ..... 1.000002: kvm_page_fault: vcpu 1 rip 0x20057 address 0x00000000fee00030 error_code 0x181'
	echo ' qemu-1 [000] ..... 1.000003: kvm_page_fault: vcpu 0 rip 0x10057 address 0x00000000000f0008 error_code 0x182'
	echo ' qemu-1 [000] d..1. 1.000005: kvm_entry: vcpu 0, rip 0x10057'
	echo ' qemu-2 [001] d..1. 1.000006: kvm_entry: vcpu 1, rip 0x20057'
	echo ' qemu-1 [000] d..1. 1.000010: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x10057 '"$v"
	echo ' qemu-1 [000] d..1. 1.000012: kvm_entry: vcpu 0, rip 0x10057'
	echo ' qemu-1 [000] d..1. 1.000020: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x10057 '"$v"
	echo ' qemu-1 [000] ..... 1.000021: kvm_page_fault: address f0000 error_code 182'
	echo ' qemu-1 [000] d..1. 1.000024: kvm_entry: vcpu 0, rip 0x1005a'
} >"$tmp/ept.txt"
"$ES" explain -f json "$tmp/ept.txt" >"$tmp/e.json" 2>"$tmp/err"
equal "kvm_page_fault gives its thread's EPT violation its page: 0xf0000 written 2 (both layouts), 0xfee00000 read 1, one without (gpa ?); 4 exits, all timed" \
	"$(jq -r '[.details[] | "\(.key)=\(.count)/\(.timed)/\(.time)"] | sort | join(" ")' "$tmp/e.json") $(jq .exits "$tmp/e.json")" \
	"gpa 0xf0000 write=2/2/9000 gpa 0xfee00000 read=1/1/5000 gpa ? write=1/1/2000 4"

# no exit information: said, status 1
printf '  qemu-1 [000] .... 1.000000: kvm_exit: reason io rip 0x1\n' >"$tmp/bare.txt"
"$ES" explain "$tmp/bare.txt" >"$tmp/out" 2>"$tmp/err"
equal "a trace without exit information: status 1, one message, nothing on stdout" \
	"$? $(grep -c 'carry no exit information' "$tmp/err") $(wc -c <"$tmp/out")" "1 1 0"
# the one input rule: a trace that lost events is explained, its note said, status 1; 0 with --partial-ok
"$ES" explain -f json "$F/ftrace-64-overrun.txt" >"$tmp/p.json" 2>/dev/null
equal "an incomplete trace: status 1, the note in the JSON" \
	"$? $(jq -r '.note | contains("lost")' "$tmp/p.json")" "1 true"
"$ES" explain --partial-ok "$F/ftrace-64-overrun.txt" >"$tmp/p.txt" 2>/dev/null
equal "... with --partial-ok: status 0, the note in the table" "$? $(grep -c '^note: INCOMPLETE: ' "$tmp/p.txt")" "0 1"
assert_summary check-explain
