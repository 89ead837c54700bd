#!/usr/bin/env bash
# End-to-end checks of `exitstat reasons`, `exitstat kernel-stats` and the
# dispatcher. Expected reason numbers and names are the SDM's/APM's and the
# kernel's (asm/vmx.h, asm/svm.h); kernel-stats is checked against the
# patched kernel's own table (kernel/tests/fixtures/exit_stats-svm.txt,
# captured from the real-KVM bed) read independently with awk.
set -uo pipefail
ES=${1:-build/exitstat}
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
equal "kernel-stats -d 0.05 on a file that does not change: 0 exits over 0.05 s" \
	"$("$ES" kernel-stats -d 0.05 --format json "$FIX" | jq -c '[.total, .window_s]')" "[0,0.05]"
sed '5s/ 0 0 / zero 0 /' "$FIX" >"$tmp/bad.txt"
"$ES" kernel-stats "$tmp/bad.txt" >/dev/null 2>"$tmp/e"; rc=$?
equal "kernel-stats on a damaged table: exit 1" "$rc" 1
check "kernel-stats on a damaged table: names FILE:LINE" grep -q "$tmp/bad.txt:5:" "$tmp/e"
"$ES" kernel-stats "$tmp/none" >/dev/null 2>"$tmp/e"; equal "kernel-stats on a missing file: exit 1" "$?" 1

# --- dispatch
"$ES" frobnicate >/dev/null 2>"$tmp/e"; equal "unknown command: exit 2" "$?" 2
check "unknown command: says so" grep -q "unknown command 'frobnicate'" "$tmp/e"
check "--help lists kernel-stats" grep -q kernel-stats <<<"$("$ES" --help)"

assert_summary check-cli
