#!/usr/bin/env bash
# End-to-end checks of `exitstat reasons`, `exitstat kernel-stats`, the
# dispatcher, and the option tables: every option the parser accepts is in
# its command's --help and in the man page (which groff renders without a
# warning). Expected reason numbers and names are the SDM's/APM's and the
# kernel's (asm/vmx.h, asm/svm.h); kernel-stats is checked against the
# patched kernel's own table (kernel/tests/fixtures/exit_stats-svm.txt,
# captured from the real-KVM bed) read independently with awk.
set -uo pipefail
ES=${1:-build/exitstat}
MAN=${2:-build/exitstat.1}
FIX=kernel/tests/fixtures/exit_stats-svm.txt
. "$(dirname "$0")/../lib/assert.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- reasons
out=$("$ES" reasons 48)
check "reasons 48: VMX EPT_VIOLATION" grep -q '^vmx  *48  EPT_VIOLATION' <<<"$out"
check "reasons 48: SVM 0x30 write_dr0 too" grep -q '^svm  *0x30  write_dr0' <<<"$out"
equal "reasons npf: SVM 0x400" "$("$ES" reasons --format json npf | jq -c '[.[]|[.isa,.code]]')" '[["svm",1024]]'
equal "reasons EXIT_IOIO (trace-cmd plugin): io 0x7b" \
	"$("$ES" reasons --format json EXIT_IOIO | jq -r '.[0].name + " " + (.[0].code|tostring)')" "io 123"
equal "reasons PENDING_INTERRUPT (old name): VMX 7 INTERRUPT_WINDOW" \
	"$("$ES" reasons --format json PENDING_INTERRUPT | jq -r '.[0].name + " " + (.[0].code|tostring)')" \
	"INTERRUPT_WINDOW 7"
# 2009's VMX names (a trace line `reason halt` is VMX HLT), lower case in both ISAs,
# and the other ISA's reason of the same meaning (SDM App. C / APM App. C numbers).
equal "reasons halt (2.6.31's VMX name): VMX 12 HLT, same meaning SVM 0x78 hlt" \
	"$("$ES" reasons --format json halt | jq -c '[.[]|[.isa,.code,([.same_meaning[]|[.isa,.code]]|.[0])]]')" \
	'[["vmx",12,["svm",120]]]'
equal "reasons ext_irq (2.6.31's VMX name): VMX 1 EXTERNAL_INTERRUPT" \
	"$("$ES" reasons --format json ext_irq | jq -c '[.[]|[.isa,.code]]')" '[["vmx",1]]'
equal "reasons cpuid: VMX 10 (2009's lower case) and SVM 0x72" \
	"$("$ES" reasons --format json cpuid | jq -c '[.[]|[.isa,.code]]')" '[["vmx",10],["svm",114]]'
equal "reasons io: SVM 0x7b, same meaning VMX 30" \
	"$("$ES" reasons --format json io | jq -c '[.[]|[.isa,.code,[.same_meaning[]|[.isa,.code]]]]')" \
	'[["svm",123,[["vmx",30]]]]'
equal "reasons SVM_EXIT_MSR: SVM 0x7c, same meaning VMX 31 and 32" \
	"$("$ES" reasons --format json SVM_EXIT_MSR | jq -c '[.[]|[.isa,.code,[.same_meaning[]|.code]]]')" \
	'[["svm",124,[31,32]]]'
check "reasons npf (table): says VMX 48 EPT_VIOLATION is the same meaning" \
	grep -q '^svm  *0x400  npf .*\[same meaning: vmx 48 EPT_VIOLATION, 49 EPT_MISCONFIG\]' <<<"$("$ES" reasons npf)"
equal "reasons --isa vmx: halt is VMX; --isa svm: no svm 'halt'" \
	"$("$ES" reasons --isa vmx --format json halt | jq -c '[.[]|.code]') $("$ES" reasons --isa svm halt >/dev/null 2>&1; echo $?)" "[12] 1"
equal "reasons 0x80000021 --isa vmx: INVALID_STATE (flags stripped)" \
	"$("$ES" reasons --isa vmx --format json 0x80000021 | jq -r '.[0].name')" "INVALID_STATE"
equal "reasons --isa vmx: 86 basic reasons 0-85" \
	"$("$ES" reasons --isa vmx --format json | jq 'length, (map(.code)|max)' | paste -sd' ')" "86 85"
equal "reasons --isa vmx: reserved 35 38 42 71 82 83" \
	"$("$ES" reasons --isa vmx --format json | jq -c '[.[]|select(.reserved)|.code]')" "[35,38,42,71,82,83]"
# Every SVM name asm/svm.h gives is listed under its number.
hdr=/usr/include/x86_64-linux-gnu/asm/svm.h
svm_json=$("$ES" reasons --isa svm --format json)
missing=0 checked=0
while read -r macro name; do
	val=$(awk -v m="$macro" '$1 == "#define" && $2 == m { print $3 }' "$hdr")
	[[ $val =~ ^0x[0-9a-fA-F]+$ ]] || continue
	checked=$((checked + 1))
	got=$(jq -r --argjson c "$((val))" '.[]|select(.code==$c)|.name' <<<"$svm_json")
	[[ $got == "$name" ]] || { echo "  $macro $val: '$got' != '$name'"; missing=$((missing + 1)); }
done < <(grep -o '{ SVM_EXIT_[A-Z0-9_]*, *"[^"]*" }' "$hdr" | sed 's/{ \([A-Z0-9_]*\), *"\([^"]*\)" }/\1 \2/')
equal "reasons --isa svm: asm/svm.h names under their numbers" "$missing" 0
check "reasons --isa svm: that compared more than 60 names ($checked)" test "$checked" -gt 60
"$ES" reasons no_such_reason >"$tmp/o" 2>"$tmp/e"; rc=$?
equal "reasons no_such_reason: exit 1" "$rc" 1
check "reasons no_such_reason: says it is not in the catalogue" grep -q "no VMX or SVM exit reason 'no_such_reason'" "$tmp/e"
"$ES" reasons --isa arm >/dev/null 2>"$tmp/e"; equal "reasons --isa arm: usage error 2" "$?" 2

# --- kernel-stats on the patched kernel's real table
want_total=$(awk '$1 == "#" && $2 == "total" { print $3 }' "$FIX")
json=$("$ES" kernel-stats --format json "$FIX")
equal "kernel-stats: total = the table's '# total'" "$(jq .total <<<"$json")" "$want_total"
want_rows=$(awk '$1 !~ /^#/ && $3 > 0 { print $1, $2, $3 }' "$FIX" |
	while read -r isa code count; do echo "$isa $((code)) $count"; done | sort)
got_rows=$(jq -r '.reasons[] | "\(.isa) \(.code) \(.count)"' <<<"$json" | sort)
equal "kernel-stats: every non-zero row, same isa/code/count" "$got_rows" "$want_rows"
check "kernel-stats: the source names the table" grep -q "patched kernel's table $FIX" <<<"$(jq -r .source <<<"$json")"
table=$("$ES" kernel-stats "$FIX")
io_cycles=$(awk '$1 == "svm" && $2 == "0x07b" { print $4 }' "$FIX")
check "kernel-stats: the cycles table shows io's cycles" grep -Eq "^svm +0x7b +io +$io_cycles " <<<"$table"
equal "kernel-stats -i 0.05 on a file that does not change: 0 exits, a window of at least 0.05 s" \
	"$("$ES" kernel-stats -i 0.05 --format json "$FIX" | jq -c '[.total, .window_s >= 0.05]')" "[0,true]"
sed '5s/ 0 0 / zero 0 /' "$FIX" >"$tmp/bad.txt"
"$ES" kernel-stats "$tmp/bad.txt" >/dev/null 2>"$tmp/e"; rc=$?
equal "kernel-stats on a damaged table: exit 1" "$rc" 1
check "kernel-stats on a damaged table: names FILE:LINE" grep -q "$tmp/bad.txt:5:" "$tmp/e"
"$ES" kernel-stats "$tmp/none" >/dev/null 2>"$tmp/e"; equal "kernel-stats on a missing file: exit 1" "$?" 1

# --- kernel-stats per VM and vCPU: a debugfs kvm directory made of the tables
# the patched kernel wrote in the bed (kernel/tests/fixtures/boot/twovm: two
# VMs, each read while its vCPU stood at exitgen's wait step). The truth is
# exitgen's steps up to there: VM a did out:400 cpuid:100 and the wait's OUT,
# VM b out:250 cpuid:60 rdmsr:7 and the wait's OUT.
TV=kernel/tests/fixtures/boot/twovm
read -r _ pa _ _ pb < "$TV/ready"
kd=$tmp/kvm
mkdir -p "$kd/$pa-12/vcpu0" "$kd/$pb-12/vcpu0" "$tmp/params"
cp "$TV/table.after" "$kd/exit_stats"
cp "$TV/vm-a.table" "$kd/$pa-12/exit_stats"
cp "$TV/vm-a.vcpu0.table" "$kd/$pa-12/vcpu0/exit_stats"
cp "$TV/vm-b.vcpu0.table" "$kd/$pb-12/vcpu0/exit_stats"
json=$("$ES" kernel-stats --per-vm --format json "$kd/exit_stats")
want_a=$(awk '$1 == "#" && $2 == "total" { print $3 }' "$TV/vm-a.vcpu0.table")
want_b=$(awk '$1 == "#" && $2 == "total" { print $3 }' "$TV/vm-b.vcpu0.table")
equal "kernel-stats --per-vm: one row per VM and vCPU, each its vCPU table's total" \
	"$(jq -c '[.vms[] | [.pid, .vcpu, .count]] | sort' <<<"$json")" "$(jq -cn "[[$pa,0,$want_a],[$pb,0,$want_b]] | sort")"
equal "kernel-stats --per-vm: the total is both VMs'" "$(jq .total <<<"$json")" "$((want_a + want_b))"
check "kernel-stats --per-vm: the source names the VM directories" grep -q "per-vCPU tables in $kd/<pid>-<fd>/, 2 running VMs" <<<"$(jq -r .source <<<"$json")"
equal "kernel-stats --pid A: VM a's io, cpuid (exitgen's known exits up to its wait step)" \
	"$("$ES" kernel-stats --pid "$pa" --format csv "$kd/exit_stats" | awk -F, '$1 == "final" && $2 == "reason" && ($5 == "io" || $5 == "cpuid") { print $5, $8 }' | sort | tr '\n' ' ')" "cpuid 100 io 401 "
equal "kernel-stats --pid B --vcpu 0: VM b's io, cpuid, msr" \
	"$("$ES" kernel-stats --pid "$pb" --vcpu 0 --format json "$kd/exit_stats" | jq -r '[.reasons[] | select(.name == "io" or .name == "cpuid" or .name == "msr") | "\(.name) \(.count)"] | sort | join(" ")')" "cpuid 60 io 251 msr 7"
"$ES" kernel-stats --per-vm -i 1 "$kd/exit_stats" >/dev/null 2>"$tmp/e"
equal "kernel-stats --per-vm -i: usage error 2" "$?" 2
echo N >"$tmp/params/exit_stats"
json=$("$ES" kernel-stats --params "$tmp/params" --format json "$kd/exit_stats" 2>"$tmp/e")
check "kernel-stats, kvm.exit_stats=N: warns on stderr that the kernel does not count" \
	grep -q "warning: the kernel does not count VM exits now ($tmp/params/exit_stats is N)" "$tmp/e"
check "kernel-stats, kvm.exit_stats=N: the report says so too" grep -q "does not count VM exits now" <<<"$json"
echo Y >"$tmp/params/exit_stats"
"$ES" kernel-stats --params "$tmp/params" "$kd/exit_stats" >/dev/null 2>"$tmp/e"
equal "kernel-stats, kvm.exit_stats=Y: no warning" "$(cat "$tmp/e")" ""
"$ES" kernel-stats --params "$tmp/none" "$kd/exit_stats" >/dev/null 2>"$tmp/e"
check "kernel-stats, no kvm parameters: says it cannot tell, naming the file" \
	grep -q "cannot tell whether the kernel counts VM exits: $tmp/none/exit_stats: No such file" "$tmp/e"

# --- dispatch
"$ES" frobnicate >/dev/null 2>"$tmp/e"; equal "unknown command: exit 2" "$?" 2
check "unknown command: says so" grep -q "unknown command 'frobnicate'" "$tmp/e"
check "--help lists kernel-stats" grep -q kernel-stats <<<"$("$ES" --help)"

# --- the option tables: the parser, --help and the man page agree
# The commands and options come from the tables at run time (help
# --list-options); whether an option is accepted is asked of the parser
# itself (help --parse CMD ARGS runs CMD's parser and prints what it took).
# The candidates: every option name of every command, and every --word in the
# docs, tried on every command; every letter a-z, A-Z.
"$ES" help --man >"$tmp/man.roff"
check "build/exitstat.1 is what help --man prints" cmp -s "$MAN" "$tmp/man.roff"
groff -man -ww -z "$MAN" >"$tmp/groff" 2>&1; rc=$?
equal "groff -man -ww: the man page renders without warnings" "$rc $(head -c 300 "$tmp/groff")" "0 "
MANWIDTH=200 man --nh --nj -l "$MAN" 2>"$tmp/man.err" | col -b >"$tmp/man.txt"
check "man -l renders it (NAME, SYNOPSIS, COMMANDS, EXIT STATUS)" \
	bash -c "grep -qx NAME $tmp/man.txt && grep -qx SYNOPSIS $tmp/man.txt && grep -qx COMMANDS $tmp/man.txt && grep -qx 'EXIT STATUS' $tmp/man.txt && ! [ -s $tmp/man.err ]"
"$ES" help --list-options >"$tmp/list"
version=$("$ES" --version)
cmds=$(awk '{ print $1 }' "$tmp/list" | uniq)
check "help --list-options: the ten commands and help" \
	test "$(echo $cmds)" = "live record report analyze diff explain plot kernel-stats serve reasons help"
names=$( { awk '{ print substr($3, 3) }' "$tmp/list"
	   grep -oh -- '--[a-z][a-z-]*[a-z]' README.md docs/*.md | cut -c3-; } | sort -u | grep -vx help)
"$ES" help --parse report --no-such-option x >/dev/null 2>"$tmp/e"
check "help --parse: the parser refuses an unknown option (the probe can fail)" \
	grep -q "unknown option '--no-such-option'" "$tmp/e"
# man_section TITLE: the rendered man page's subsection "exitstat TITLE".
man_section() {
	awk -v h="   exitstat $1" '/^   [^ ]/ || /^[A-Z]/ { on = ($0 == h); next } on' "$tmp/man.txt"
}
# probe CMD WORD: the long name of the option CMD's parser takes for WORD
# (help when it printed the help; "" when it refuses WORD as unknown; "?"
# when it says anything else).
probe() {
	local out
	out=$("$ES" help --parse "$1" "$2" 1 2>"$tmp/pe" | head -1)
	if [[ $out =~ ^option\ [^\ ]+\ --([^\ ]+) ]]; then echo "${BASH_REMATCH[1]}"
	elif [[ $out == "usage: exitstat "* ]]; then echo help
	elif [[ $out == "$version" ]]; then echo version
	elif grep -q "unknown option" "$tmp/pe"; then echo ""
	else echo "?"; fi
}
for cmd in $cmds; do
	"$ES" help "$cmd" >"$tmp/help"
	usage=$(head -1 "$tmp/help")
	title=$(grep -o '^   exitstat [^ ].*' "$tmp/man.txt" | sed 's/^   exitstat //' |
		while read -r t; do [[ $usage == "usage: exitstat $t "* ]] && echo "$t"; done | awk '{ print length, $0 }' |
		sort -n | tail -1 | cut -d' ' -f2-)
	man_section "$title" >"$tmp/sect"
	check "$cmd: the man page has its section 'exitstat $title'" test -s "$tmp/sect"
	[[ $cmd == analyze || $cmd == help ]] || check "$cmd: --help is help $cmd" cmp -s "$tmp/help" <("$ES" "$cmd" --help)
	[[ $cmd != analyze ]] || check "$cmd: report --analyze --help is help analyze" cmp -s "$tmp/help" <("$ES" report --analyze --help)
	check "$cmd: -h is --help" cmp -s "$tmp/help" <("$ES" help --parse "$cmd" -h)
	missing=() unlisted=() odd=() accepted=0
	for name in $names; do
		got=$(probe "$cmd" "--$name")
		[[ -z $got ]] && continue
		[[ $got == "$name" ]] || { odd+=("--$name:$got"); continue; }
		accepted=$((accepted + 1))
		grep -q -- "--$name\b" "$tmp/help" || missing+=("--$name(help)")
		grep -q -- "--$name\b" "$tmp/sect" || missing+=("--$name(man)")
		grep -q "^$cmd [^ ]* --$name " "$tmp/list" || unlisted+=("--$name")
	done
	for l in {a..z} {A..Z}; do
		got=$(probe "$cmd" "-$l")
		[[ -z $got ]] && continue
		[[ $got != "?" ]] || { odd+=("-$l"); continue; }
		accepted=$((accepted + 1))
		if grep -q "^$cmd -$l --$got .* hidden$" "$tmp/list"; then
			# An old spelling kept for scripts: not shown as an option, but
			# --NAME's help says it is still taken.
			grep -q -- "-$l, --$got\b" "$tmp/help" && missing+=("-$l(hidden, yet shown)")
			awk -v n="--$got" '$0 ~ "^  (-., |    )" n "[ [=]" { on = 1 } on && /^  -/ && $0 !~ n { on = 0 } on' \
				"$tmp/help" | tr -s '\n ' '  ' | grep -q -- "old -$l " || missing+=("-$l(not said in --$got's help)")
			continue
		fi
		grep -q -- "-$l, --$got\b" "$tmp/help" || missing+=("-$l(help)")
		grep -q -- "-$l, --$got\b" "$tmp/sect" || missing+=("-$l(man)")
		grep -q "^$cmd -$l --$got " "$tmp/list" || unlisted+=("-$l")
	done
	listed=$(grep -c "^$cmd " "$tmp/list")
	equal "$cmd: every option its parser takes is in its --help and man section" "${missing[*]}" ""
	equal "$cmd: ... and in help --list-options" "${unlisted[*]}" ""
	equal "$cmd: no option the probe could not read" "${odd[*]}" ""
	# Each listed option (but --help) was found accepted once by name and once by letter.
	want=$(awk -v c="$cmd" '$1 == c && $3 != "--help" { n += $6 == "hidden" ? 1 : 1 + ($2 != "-") } END { print n + 0 }' "$tmp/list")
	equal "$cmd: the parser takes each of the $((listed - 1)) listed options (by name and letter)" "$accepted" "$((want + 1))"
done

assert_summary check-cli
