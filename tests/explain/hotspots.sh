#!/usr/bin/env bash
# `make check-explain` (part): exitstat explain --hotspots on real bed traces
# (tests/fixtures/bed, bed-vmx: kvm_amd and kvm_intel), against where exitgen
# put each step's exiting instruction (`exitgen --layout`, from its code
# generator, no KVM): per vCPU, the exits of a step's class (io, cpuid, msr,
# npf/EPT, hlt) at that step's exit_rip == the step's n (real mode: every
# vCPU runs at the same offsets, so n x vCPUs), and the final HLT at
# final_hlt_rip once per vCPU. Symbols: a System.map made by nm from an ELF of
# exitgen's own program bytes (objcopy, symbols at the layout's addresses)
# names each RIP; a kallsyms copy with a module column likewise; malformed
# maps are refused naming FILE:LINE. The kernel/user split on a trace whose
# RIPs are in both halves; a --hotspots=N cut keeps every exit (other row).
# usage: hotspots.sh EXITSTAT EXITGEN
set -uo pipefail
ES=${1:?usage: hotspots.sh EXITSTAT EXITGEN}
EG=${2:?usage: hotspots.sh EXITSTAT EXITGEN}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/assert.sh"
. "$REPO/tests/lib/hotspot-steps.sh"
need_built "$ES"
need_built "$EG"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in bed bed-vmx; do
	for t in ftrace-16 ftrace-64 ftrace-64-vcpus2 perf-16 perf-64 trace-cmd-16 trace-cmd-64; do
		tr=$REPO/tests/fixtures/$dir/$t.txt
		ej=$REPO/tests/fixtures/$dir/$t.exitgen.json
		[[ -e $tr ]] || continue
		mapfile -t steps < <(jq -r '.steps[] | if .op == "hlt" then "hlt" else "\(.op):\(.n)" end' "$ej")
		mode=$(jq .mode "$ej")
		vcpus=$(jq .vcpus "$ej")
		if ! "$EG" --layout --mode "$mode" --vcpus "$vcpus" "${steps[@]}" >"$tmp/layout.json"; then
			bad "$dir/$t: exitgen --layout failed"
			continue
		fi
		if ! "$ES" explain --hotspots=0 -f json "$tr" >"$tmp/h.json" 2>"$tmp/err"; then
			bad "$dir/$t: status $?: $(head -c 300 "$tmp/err")"
			continue
		fi
		jq .reasons "$tmp/h.json" >"$tmp/reasons.json"
		hot_steps "$dir/$t ($vcpus vCPU, mode $mode)" "$tmp/reasons.json" "$tmp/layout.json"
	done
done

# symbols: an ELF of exitgen's 64-bit program (its bytes at its address), one
# symbol per step at the step's exit_rip and one at the program's start; nm's
# output is the System.map
t=$REPO/tests/fixtures/bed/ftrace-64
mapfile -t steps < <(jq -r '.steps[] | if .op == "hlt" then "hlt" else "\(.op):\(.n)" end' "$t.exitgen.json")
"$EG" --layout --image "$tmp/prog.bin" "${steps[@]}" >"$tmp/layout.json"
base=$(jq -r '.vcpus[0].code_gpa' "$tmp/layout.json")
syms=(--add-symbol "exitgen_program=.text:0x0,global,function")
while read -r i op rip; do
	syms+=(--add-symbol "step${i}_$op=.text:$(printf '0x%x' $((rip - base))),local,function")
done < <(jq -r '.vcpus[0].steps | to_entries[] | select(.value.exit_rip) |
		"\(.key + 1) \(.value.op) \(.value.exit_rip)"' "$tmp/layout.json")
if objcopy -I binary -O elf64-x86-64 -B i386:x86-64 --rename-section .data=.text,code \
	--change-addresses "$base" "${syms[@]}" "$tmp/prog.bin" "$tmp/prog.elf" &&
	nm -n "$tmp/prog.elf" | grep -v ' _binary_' >"$tmp/System.map" && [[ -s $tmp/System.map ]]; then
	"$ES" explain --hotspots=0 --guest-symbols "$tmp/System.map" -f json "$t.txt" >"$tmp/s.json"
	got="" want=""
	while read -r i op rip; do
		got+=" $(jq -r --arg rip "$rip" '[.reasons[].hotspots[] | select(.rip == $rip) | .symbol] | unique | join(",")' "$tmp/s.json")"
		want+=" step${i}_$op+0x0"
	done < <(jq -r '.vcpus[0].steps | to_entries[] | select(.value.exit_rip) |
			"\(.key + 1) \(.value.op) \(.value.exit_rip)"' "$tmp/layout.json")
	equal "System.map (nm of exitgen's program): each step's RIP is its symbol+0x0" "$got" "$want"
	fin=$(jq -r '.vcpus[0].final_hlt_rip' "$tmp/layout.json")
	last=$(jq -r '.vcpus[0].steps | map(select(.exit_rip)) | last | .exit_rip' "$tmp/layout.json")
	nsteps=$(jq '.vcpus[0].steps | length' "$tmp/layout.json")
	equal "System.map: the final HLT is an offset from the last step's symbol" \
		"$(jq -r --arg rip "$fin" '[.reasons[].hotspots[] | select(.rip == $rip) | .symbol] | unique | join(",")' "$tmp/s.json")" \
		"step${nsteps}_hlt+$(printf '0x%x' $((fin - last)))"
	# kallsyms: only the program's start, with a module column: every RIP an offset from it
	awk '$3 == "exitgen_program" { print $1 " T " $3 "\t[exitgen]" }' "$tmp/System.map" >"$tmp/kallsyms"
	"$ES" explain --hotspots=0 --guest-symbols "$tmp/kallsyms" -f json "$t.txt" >"$tmp/k.json"
	rip=$(jq -r '.vcpus[0].steps[0].exit_rip' "$tmp/layout.json")
	equal "kallsyms copy: the first step's RIP is exitgen_program [exitgen]+OFF" \
		"$(jq -r --arg rip "$rip" '[.reasons[].hotspots[] | select(.rip == $rip) | .symbol] | unique | join(",")' "$tmp/k.json")" \
		"exitgen_program [exitgen]+$(printf '0x%x' $((rip - base)))"
	# below every symbol: not named
	printf '%016x T later\n' $((base + 0x1000)) >"$tmp/above.map"
	"$ES" explain --hotspots=0 --guest-symbols "$tmp/above.map" -f json "$t.txt" >"$tmp/a.json"
	equal "RIPs below every symbol are not named (symbol null)" \
		"$(jq '[.reasons[].hotspots[] | select(.symbol != null)] | length' "$tmp/a.json")" 0
else
	bad "objcopy/nm could not make the System.map of exitgen's program"
fi

# malformed maps: one message naming FILE:LINE, status 1, nothing on stdout
printf 'ffffffff81000000 T _text\nffffffff81000010 T\n' >"$tmp/bad1.map"
printf 'ffffffff81000000 T _text\nzzzz T foo\n' >"$tmp/bad2.map"
printf '0000000000000000 T _text\n0000000000000000 t foo\n' >"$tmp/zero.map"
printf 'ffffffff81000000 D data_only\n' >"$tmp/nocode.map"
for m in bad1:2 bad2:2; do
	f=${m%:*} line=${m#*:}
	"$ES" explain --hotspots --guest-symbols "$tmp/$f.map" "$t.txt" >"$tmp/out" 2>"$tmp/err"
	equal "a malformed $f.map: status 1, the error names $f.map:$line, no output" \
		"$? $(grep -c "^exitstat explain: $tmp/$f.map:$line: not ADDRESS TYPE NAME" "$tmp/err") $(wc -c <"$tmp/out")" "1 1 0"
done
"$ES" explain --hotspots --guest-symbols "$tmp/zero.map" "$t.txt" >/dev/null 2>"$tmp/err"
equal "a kallsyms read without addresses: status 1, said" "$? $(grep -c 'every address is 0' "$tmp/err")" "1 1"
"$ES" explain --hotspots --guest-symbols "$tmp/nocode.map" "$t.txt" >/dev/null 2>"$tmp/err"
equal "a map without code symbols: status 1, said" "$? $(grep -c 'no code symbol' "$tmp/err")" "1 1"
"$ES" explain --hotspots --guest-symbols "$tmp/missing.map" "$t.txt" >/dev/null 2>"$tmp/err"
equal "a missing map: status 1, named" "$? $(grep -c "missing.map: No such file" "$tmp/err")" "1 1"
"$ES" explain --guest-symbols "$tmp/System.map" "$t.txt" >/dev/null 2>"$tmp/err"
equal "--guest-symbols without --hotspots: usage error" "$?" 2

# the kernel/user split and the --hotspots=N cut on a trace whose RIPs are in
# both halves (text written here: 4 exits in the kernel half, 2 in the low half)
n=0
{
	for rip in ffffffff81000010 ffffffff81000010 ffffffff81000010 ffffffff81000123 401000 401000; do
		printf ' qemu-1 [000] .... 1.%06d: kvm_exit: vcpu 0 reason io rip 0x%s info1 0x00e000010 info2 0x0\n' $((n++)) "$rip"
	done
} >"$tmp/split.txt"
printf 'ffffffff81000000 T _stext\nffffffff81000100 t pci_conf1_read\n0000000000401000 T main\n' >"$tmp/split.map"
"$ES" explain --hotspots=1 --guest-symbols "$tmp/split.map" -f json "$tmp/split.txt" >"$tmp/sp.json"
equal "split: kernel 4, user 2; top 1: _stext+0x10 x3; other: 3 exits in 2 RIPs" \
	"$(jq -c '.reasons[0] | [.kernel, .user, .hotspots[0].symbol, .hotspots[0].count, .other.count, .other.rips]' "$tmp/sp.json")" \
	'[4,2,"_stext+0x10",3,3,2]'
"$ES" explain --hotspots=0 --guest-symbols "$tmp/split.map" -f csv "$tmp/split.txt" >"$tmp/sp.csv"
equal "CSV: each RIP's row with its symbol and half, and the split rows" \
	"$(grep -c '^svm,123,io,0xffffffff81000123,"pci_conf1_read+0x23",kernel,1,' "$tmp/sp.csv") $(grep -c '^svm,123,io,0x401000,"main+0x0",user,2,' "$tmp/sp.csv") $(grep -c '^svm,123,io,kernel,,kernel,4,' "$tmp/sp.csv")" \
	"1 1 1"
"$ES" explain --hotspots=1 "$tmp/split.txt" >"$tmp/sp.txt"
equal "table: the other row and the split line" \
	"$(grep -cE '\(other: 2 RIPs\) +3 +50.0%' "$tmp/sp.txt") $(grep -c 'kernel 4 (66.7%), user 2 (33.3%)' "$tmp/sp.txt")" "1 1"
printf '  qemu-1 [000] .... 1.000000: kvm_exit: reason io info1 0x1 info2 0x0\n' >"$tmp/norip.txt"
"$ES" explain --hotspots "$tmp/norip.txt" >"$tmp/out" 2>"$tmp/err"
equal "a trace without RIPs: status 1, said, nothing on stdout" \
	"$? $(grep -c 'carry no guest RIP' "$tmp/err") $(wc -c <"$tmp/out")" "1 1 0"
assert_summary check-explain-hotspots
