#!/usr/bin/env bash
# One command-line convention across every subcommand (issue 13, item 4),
# each rule checked against the real parser and real inputs:
# - the version (--version, -V) is scripts/version.sh's, in --help and the man page;
# - the same long name has the same letter and kind of value in every option
#   table (help --list-options), and the options the convention names are
#   where it says;
# - --every[=N] never takes the next word; words after the options are an
#   error unless after -- (live, record), and the message names the word;
# - -o FILE writes what stdout would get (report, report --analyze,
#   kernel-stats), and no file when there is no report;
# - the old spellings kept for scripts (report -e N, plot -k K) still work;
# - --isa reaches report --analyze and plot;
# - kernel-stats -i (one difference) and -d (repeated), read from a FIFO so
#   each read gets a known table.
# Expected counts come from the kernel's hist files and the kernel's own
# exit_stats table, read here with awk.
set -uo pipefail
ES=${1:-build/exitstat}
MAN=${2:-build/exitstat.1}
. "$(dirname "$0")/../lib/assert.sh"
need_built "$ES"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
BED=tests/fixtures/bed
REC=docs/worked-example/ide/boot.rec
REC_HIST=docs/worked-example/ide/boot.hist
FIX=kernel/tests/fixtures/exit_stats-svm.txt

# --- the version: one place (scripts/version.sh), everywhere the same
want=$(bash scripts/version.sh)
equal "--version is scripts/version.sh's" "$("$ES" --version)" "exitstat $want"
equal "-V is --version" "$("$ES" -V)" "exitstat $want"
equal "report --version is the same" "$("$ES" report --version)" "exitstat $want"
equal "the top-level --help names it" "$("$ES" --help | head -1 | cut -d: -f1)" "exitstat $want"
check "the man page's .TH names it" grep -q "^\.TH EXITSTAT 1 \"\" \"exitstat ${want//-/\\\\-}\"" "$MAN"
equal "outside git: the VERSION file" "$(GIT_DIR=/nonexistent bash scripts/version.sh)" "$(cat VERSION)"
# In a git tree with a v* tag: git describe without the v.
mkdir -p "$tmp/vt/scripts" && cp scripts/version.sh "$tmp/vt/scripts/" && echo 7.7.7 >"$tmp/vt/VERSION"
(cd "$tmp/vt" && git init -q && git add . && git -c user.name=t -c user.email=t@t commit -qm one) >/dev/null 2>&1
h=$(git -C "$tmp/vt" rev-parse --short=12 HEAD)
equal "git, no tag: VERSION-gCOMMIT" "$(bash "$tmp/vt/scripts/version.sh")" "7.7.7-g$h"
git -C "$tmp/vt" tag v1.2.3
equal "git, tag v1.2.3: 1.2.3" "$(bash "$tmp/vt/scripts/version.sh")" "1.2.3"
echo 8 >"$tmp/vt/VERSION"
equal "git, tag v1.2.3, changed tree: 1.2.3-dirty" "$(bash "$tmp/vt/scripts/version.sh")" "1.2.3-dirty"

# --- the same name, the same letter and value everywhere (hidden aliases aside)
"$ES" help --list-options | awk '$6 != "hidden"' >"$tmp/list"
mismatch=$(awk '{ k = $3; v = $2 " " $4 } seen[k] && seen[k] != v { print k ": " seen[k] " vs " v " (" $1 ")" } !seen[k] { seen[k] = v }' "$tmp/list"
	   awk '$2 != "-" { if (name[$2] && name[$2] != $3) print $2 ": " name[$2] " vs " $3 " (" $1 ")"; name[$2] = $3 }' "$tmp/list")
equal "a long name has one letter and one kind of value; a letter one long name" "$mismatch" ""
# The convention: OPTION LETTER KIND: the commands that must take it.
missing=()
while read -r name letter kind cmds; do
	for c in $cmds; do
		awk -v l="$c $letter --$name $kind " 'index($0, l) == 1 { f = 1 } END { exit !f }' \
			"$tmp/list" || missing+=("$c:$letter/--$name")
	done
done <<'EOF'
format -f ARG live report analyze kernel-stats reasons
output -o ARG live record report analyze plot kernel-stats
top -t ARG live report analyze plot kernel-stats
sort -s ARG live report kernel-stats
pid -p ARG live record report analyze plot
vcpu - ARG live report analyze plot
isa - ARG report analyze plot reasons
delay -d ARG live kernel-stats
interval -i ARG kernel-stats
duration -D ARG live record kernel-stats
every - [ARG] live report
version -V - live record report analyze plot kernel-stats reasons help
EOF
equal "every command takes the convention's options, as it spells them" "${missing[*]}" ""

# --- --every[=N] never takes the next word
hist_total=$(awk '$1 == "Hits:" { print $2 }' "$REC_HIST")
every_totals() { jq -r 'select(.final == false) | .total' | paste -sd' '; }
seq_totals() { local n=$1 k; for ((k = n; k <= hist_total; k += n)); do printf '%s ' "$k"; done | sed 's/ $//'; }
equal "report --every FILE: reads FILE, an interim table every 10000 (of the hist's $hist_total)" \
	"$("$ES" report --every --format json "$REC" | every_totals)" "$(seq_totals 10000)"
equal "report --every=30000 FILE: every 30000" \
	"$("$ES" report --every=30000 --format json "$REC" | every_totals)" "$(seq_totals 30000)"
equal "report -e 40000 FILE (the old spelling, kept): every 40000" \
	"$("$ES" report -e 40000 --format json "$REC" | every_totals)" "$(seq_totals 40000)"
"$ES" report --every 10000 "$REC" >"$tmp/o" 2>"$tmp/e"; rc=$?
equal "report --every 10000 FILE: a usage error, no report" "$rc $(wc -c <"$tmp/o")" "2 0"
check "... naming the word taken as an operand and --every=10000" \
	grep -q "unexpected operand '$REC'.*--every=10000.*'10000' was read as an operand" "$tmp/e"
"$ES" help --parse live --every 5000 -- true >/dev/null 2>"$tmp/e"; rc=$?
equal "live --every 5000 -- CMD: a usage error" "$rc" 2
check "... naming '5000'" grep -q "unexpected operand '5000'.*--every=5000" "$tmp/e"
equal "live --every=5000 -- CMD: the command after --" \
	"$("$ES" help --parse live --every=5000 -- true x | paste -sd,)" "option - --every 5000,operand true,operand x"

# --- words after the options: only after -- (live, record)
"$ES" -p 1 -v 0 >"$tmp/o" 2>"$tmp/e"; rc=$?
equal "exitstat -p 1 -v 0: a usage error" "$rc" 2
check "... naming the stray word '0'" grep -q "^exitstat live: unexpected operand '0': a command to run goes after --" "$tmp/e"
"$ES" -D 3 touch "$tmp/ran" >/dev/null 2>"$tmp/e"; rc=$?
equal "exitstat -D 3 touch FILE: a usage error, and touch did not run" "$rc $(test -e "$tmp/ran" && echo ran)" "2 "
check "... naming 'touch'" grep -q "unexpected operand 'touch'" "$tmp/e"
"$ES" record -o "$tmp/r.exr" touch "$tmp/ran" >/dev/null 2>"$tmp/e"; rc=$?
equal "record -o F touch FILE: a usage error, no recording, touch did not run" \
	"$rc $(ls "$tmp" | grep -c 'r.exr\|ran')" "2 0"
equal "exitstat -D 3 -- sleep 1: the command after --" \
	"$("$ES" help --parse live -D 3 -- sleep 1 | paste -sd,)" "option -D --duration 3,operand sleep,operand 1"
equal "exitstat -o -- -- cmd: the first -- is -o's value, the second ends the options" \
	"$("$ES" help --parse live -o -- -- cmd | paste -sd,)" "option -o --output --,operand cmd"
"$ES" help --parse live -o -- cmd >/dev/null 2>&1
equal "exitstat -o -- cmd: -- was -o's value, so cmd is a stray word" "$?" 2
check "live --help says where a command goes" grep -q "CMD goes after --" <("$ES" live --help)
check "help report --analyze: help still takes words" grep -q "^usage: exitstat report --analyze " <("$ES" help report --analyze)

# --- -o FILE: what stdout would get; nothing when there is no report
T16=$BED/ftrace-16.txt
"$ES" report --format csv -o "$tmp/r.csv" "$T16"
check "report -o: the file is stdout's report" cmp -s "$tmp/r.csv" <("$ES" report --format csv "$T16")
"$ES" report --analyze --format json -o "$tmp/a.json" "$T16"
check "report --analyze -o: the file is stdout's analysis" cmp -s "$tmp/a.json" <("$ES" report --analyze --format json "$T16")
"$ES" kernel-stats -o "$tmp/k.txt" "$FIX"
check "kernel-stats -o: the file is stdout's table" cmp -s "$tmp/k.txt" <("$ES" kernel-stats "$FIX")
"$ES" report -o "$tmp/none.txt" "$tmp/no-such-trace" 2>/dev/null; rc=$?
equal "report -o on a missing input: exit 1, no file" "$rc $(test -e "$tmp/none.txt" && echo file)" "1 "
"$ES" report -o "$tmp/no-dir/x" "$T16" 2>"$tmp/e"; rc=$?
equal "report -o in a missing directory: exit 1" "$rc" 1
check "... naming the path" grep -q "cannot write $tmp/no-dir/x" "$tmp/e"

# --- plot: -t/--top (the old -k still taken)
"$ES" plot -t 2 -o "$tmp/t2.svg" "$T16" && "$ES" plot -k 2 -o "$tmp/k2.svg" "$T16" &&
	"$ES" plot --top 8 -o "$tmp/t8.svg" "$T16"
check "plot -k 2 (the old spelling) draws what -t 2 draws" cmp -s "$tmp/t2.svg" "$tmp/k2.svg"
check "... and -t 2 is not -t 8 (the option is used)" bash -c "! cmp -s $tmp/t2.svg $tmp/t8.svg"

# --- --isa for report --analyze and plot: a trace of bare SVG numbers
# (ftrace-16 with each name replaced by its number from asm/svm.h)
hdr=/usr/include/x86_64-linux-gnu/asm/svm.h
sed_script=$(grep -o '{ SVM_EXIT_[A-Z0-9_]*, *"[^"]*" }' "$hdr" | sed 's/{ \([A-Z0-9_]*\), *"\([^"]*\)" }/\1 \2/' |
	while read -r macro name; do
		val=$(awk -v m="$macro" '$1 == "#define" && $2 == m { print $3 }' "$hdr")
		[[ $val =~ ^0x[0-9a-fA-F]+$ ]] && echo "s/ reason $name rip / reason $val rip /"
	done)
sed "$sed_script" "$T16" >"$tmp/bare.txt"
check "the bare-number trace has no reason names left" bash -c "! grep -q 'reason [a-z]' $tmp/bare.txt"
want=$(awk '/^\{.*hitcount:/ { for (i = 1; i <= NF; i++) if ($i == "exit_reason:") c = $(i + 1); print c, $NF }' "$BED/ftrace-16.hist" | sort -n)
got=$("$ES" report --analyze --isa svm --format json "$tmp/bare.txt" | jq -r '.reasons[] | select(.isa == "svm") | "\(.code) \(.count)"' | sort -n)
equal "report --analyze --isa svm on bare numbers: the hist's counts" "$got" "$want"
"$ES" report --analyze "$tmp/bare.txt" >/dev/null 2>"$tmp/e"; rc=$?
equal "... without --isa: exit 1" "$rc" 1
check "... saying --isa" grep -q -- "--isa vmx|svm" "$tmp/e"
"$ES" plot --isa svm -o "$tmp/bare.svg" "$tmp/bare.txt"
check "plot --isa svm on bare numbers: a picture naming io" grep -q '>io<\|>io ' "$tmp/bare.svg"

# --- kernel-stats -i and -d, each read from a FIFO that gives table k at read k:
# table k = the kernel's table with each count + k * (row % 4), cycles + k * 1000 * (row % 4).
# feed.py FIX FIFO -- CMD...: runs CMD and gives table k to its k-th open of
# FIFO: it opens FIFO for writing only while CMD has it open for reading
# (else ENXIO), writes the table, closes, and waits for CMD to close its end
# (inotify's IN_CLOSE_NOWRITE) before the next. With INT_AFTER=K in the
# environment, sends CMD a SIGINT once it has closed its K-th table. Exits
# with CMD's status.
cat >"$tmp/feed.py" <<'EOS'
import ctypes, errno, os, signal, subprocess, sys, time
fix, fifo, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
IN_CLOSE_NOWRITE = 0x10
libc = ctypes.CDLL(None, use_errno=True)
ino = libc.inotify_init1(0)
if ino < 0 or libc.inotify_add_watch(ino, fifo.encode(), IN_CLOSE_NOWRITE) < 0:
    sys.exit("feed.py: inotify: " + os.strerror(ctypes.get_errno()))
lines = open(fix).read().splitlines()
def table(k):
    out = []
    for nr, line in enumerate(lines, 1):
        f = line.split()
        if not line.startswith("#"):
            d = nr % 4
            f[2] = str(int(f[2]) + k * d)
            f[3] = str(int(f[3]) + k * 1000 * d)
        out.append(" ".join(f))
    return ("\n".join(out) + "\n").encode()
p = subprocess.Popen(cmd)
k = 0
while p.poll() is None:
    try:
        w = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as e:
        if e.errno != errno.ENXIO:
            raise
        time.sleep(0.001)	# CMD has not opened it (again) yet
        continue
    os.set_blocking(w, True)
    try:
        os.write(w, table(k))
    except BrokenPipeError:
        pass			# CMD stopped reading: its status tells
    os.close(w)
    k += 1
    os.read(ino, 4096)		# CMD closed its end: the next open is the next read
    if k == int(os.environ.get("INT_AFTER", "0")):
        p.send_signal(signal.SIGINT)
sys.exit(p.wait())
EOS
diff_rows() {	# the reasons whose count grew after k steps: "code count"
	awk -v k="$1" '$1 !~ /^#/ && NR % 4 { print $2, (NR % 4) * k }' "$FIX" |
		while read -r code count; do echo "$((code)) $count"; done | sort -n
}
mkfifo "$tmp/fifo"
fifo=$(readlink -f "$tmp/fifo")
got=$(python3 "$tmp/feed.py" "$FIX" "$fifo" -- "$ES" kernel-stats -i 0.01 --format json "$fifo" |
	jq -r '.reasons[] | "\(.code) \(.count)"' | sort -n)
equal "kernel-stats -i: one table, the difference of the two reads" "$got" "$(diff_rows 1)"
# -d 0.01 -D 0.05: reads at 0, 0.01, ... 0.05 s (later when the machine is busy): 6 reads, 5 tables.
python3 "$tmp/feed.py" "$FIX" "$fifo" -- "$ES" kernel-stats -d 0.01 -D 0.05 --format json "$fifo" \
	>"$tmp/d.json" 2>"$tmp/e"
rc=$?
equal "kernel-stats -d 0.01 -D 0.05: exit 0, 5 tables" "$rc $(wc -l <"$tmp/d.json")" "0 5"
bad_tables=0
for ((k = 1; k <= 5; k++)); do
	got=$(sed -n "${k}p" "$tmp/d.json" | jq -r '.reasons[] | "\(.code) \(.count)"' | sort -n)
	[[ $got == "$(diff_rows "$k")" ]] || bad_tables=$((bad_tables + 1))
done
equal "kernel-stats -d: table k is what happened since the first read (k steps)" "$bad_tables" 0
equal "kernel-stats -d: only the last table is final" "$(jq -r .final "$tmp/d.json" | paste -sd,)" \
	"false,false,false,false,true"
# Ctrl-C while -d waits: one more read, and that table is the final one.
INT_AFTER=1 python3 "$tmp/feed.py" "$FIX" "$fifo" -- "$ES" kernel-stats -d 30 --format json "$fifo" \
	>"$tmp/int.json" 2>"$tmp/e"
rc=$?
equal "kernel-stats -d 30, SIGINT after the first read: exit 0, one table, final" \
	"$rc $(jq -c .final "$tmp/int.json" | paste -sd,)" "0 true"
equal "... what happened between the two reads" \
	"$(jq -r '.reasons[] | "\(.code) \(.count)"' "$tmp/int.json" | sort -n)" "$(diff_rows 1)"
"$ES" kernel-stats -i 1 -d 1 "$FIX" >/dev/null 2>&1; equal "kernel-stats -i and -d together: usage error" "$?" 2
"$ES" kernel-stats -D 1 "$FIX" >/dev/null 2>&1; equal "kernel-stats -D without -d: usage error" "$?" 2

assert_summary check-cli-convention
