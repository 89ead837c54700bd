#!/usr/bin/env bash
# make install / make uninstall into a temporary DESTDIR, and the bash
# completion it installs, driven through COMP_WORDS/COMP_CWORD and compared
# with the option tables as the real parser reports them (help
# --list-options; each listed value checked by the parser: CMD --OPT VALUE
# --help exits 0, a value not listed exits 2). Nothing is hard-coded but a
# few command lines to complete.
set -uo pipefail
BUILD=${1:-build}
. "$(dirname "$0")/../lib/assert.sh"
need_built "$BUILD/exitstat"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/opt/es

# --- make install / uninstall
if make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$dest" PREFIX="$prefix" >"$tmp/log" 2>&1; then
	ok "make install DESTDIR PREFIX: exit 0"
else
	bad "make install: $(tail -3 "$tmp/log")"
fi
want_bins="exitgen exitstat"
[[ -x $BUILD/exitstat-cpuid ]] && want_bins="exitgen exitstat exitstat-cpuid"
equal "the programs in PREFIX/bin" "$(ls "$dest$prefix/bin" | paste -sd' ')" "$want_bins"
for b in $want_bins; do
	check "$b installed is the built one, executable" bash -c "cmp -s $BUILD/$b $dest$prefix/bin/$b && test -x $dest$prefix/bin/$b"
done
man=$dest$prefix/share/man/man1/exitstat.1
comp=$dest$prefix/share/bash-completion/completions/exitstat
check "the man page in PREFIX/share/man/man1, what help --man prints" cmp -s "$man" <("$BUILD/exitstat" help --man)
MANWIDTH=100 man -l "$man" 2>/dev/null | col -b >"$tmp/man.txt"
check "man -l reads the installed page" grep -qx "EXIT STATUS" "$tmp/man.txt"
check "the completion in PREFIX/share/bash-completion/completions, what help --completion prints" \
	cmp -s "$comp" <("$BUILD/exitstat" help --completion)
check "the completion is valid bash" bash -n "$comp"
make --no-print-directory -s uninstall BUILD="$BUILD" DESTDIR="$dest" PREFIX="$prefix" >"$tmp/log" 2>&1
equal "make uninstall: no file left" "$(find "$dest" -type f | wc -l)" 0

# --- the completion, against the option tables
"$BUILD/exitstat" help --list-options >"$tmp/list"
# complete WORDS...: what the installed script offers for the last word (sorted, unique)
complete_words() {
	bash -c '. "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(($# - 1)); _exitstat; printf "%s\n" "${COMPREPLY[@]}"' \
		"$comp" "$@" | sort -u | paste -sd' '
}
install -D -m 644 "$BUILD/exitstat.bash-completion" "$comp"
# The top-level commands: those the dispatcher runs (a command reached through
# another's option, report --analyze, is not one).
cmds=$(awk '{ print $1 }' "$tmp/list" | uniq)
top=$(for c in $cmds; do "$BUILD/exitstat" "$c" --help >/dev/null 2>&1 && echo "$c"; done | sort | paste -sd' ')
equal "exitstat <TAB>: the commands the dispatcher runs" "$(complete_words exitstat '')" "$top"
equal "exitstat help <TAB>: the same" "$(complete_words exitstat help '')" "$top"
options_of() {	# the options of $1 in the table, hidden ones aside
	awk -v c="$1" '$1 == c && $6 != "hidden" { if ($2 != "-") print $2; print $3 }' "$tmp/list" | sort -u | paste -sd' '
}
for c in $top; do
	equal "exitstat $c -<TAB>: its options" "$(complete_words exitstat "$c" -)" "$(options_of "$c")"
done
equal "exitstat -<TAB>: live's options" "$(complete_words exitstat -)" "$(options_of live)"
analyze=$(awk '$1 == "analyze" && $3 == "--analyze" { print "ok" }' "$tmp/list" | head -1)
equal "exitstat report --analyze -f json -<TAB>: report --analyze's options" \
	"$(complete_words exitstat report --analyze -f json -)" "$(options_of analyze)"
[[ -n $analyze ]] || bad "help --list-options has no analyze --analyze"
# Every listed value of every option (a|b|c in the table): offered, and taken by the parser.
wrong=() checked=0
while read -r c letter name kind arg rest; do
	[[ $kind == ARG && $arg == *"|"* && $arg =~ ^[a-z0-9_|-]+$ && -z $rest ]] || continue
	want=$(tr '|' '\n' <<<"$arg" | sort -u | paste -sd' ')
	run=("$BUILD/exitstat" "$c")
	words=(exitstat "$c")
	[[ $c != analyze ]] || { run=("$BUILD/exitstat" report --analyze); words=(exitstat report --analyze); }
	[[ $c != live ]] || words=(exitstat)
	[[ $(complete_words "${words[@]}" "$name" '') == "$want" ]] || wrong+=("$c $name: $(complete_words "${words[@]}" "$name" '')")
	[[ $letter == - || $(complete_words "${words[@]}" "$letter" '') == "$want" ]] || wrong+=("$c $letter")
	[[ $(complete_words "${words[@]}" "$name" = '') == "$want" ]] || wrong+=("$c $name=")
	for v in $want; do
		"${run[@]}" "$name" "$v" --help >/dev/null 2>&1 || wrong+=("$c $name $v: refused by the parser")
	done
	"${run[@]}" "$name" no-such-value --help >/dev/null 2>&1
	[[ $? == 2 ]] || wrong+=("$c $name no-such-value: taken by the parser")
	checked=$((checked + 1))
done <"$tmp/list"
equal "every listed option value: completed (--OPT, -L, --OPT=) and taken by the parser, others refused" "${wrong[*]}" ""
check "... that checked the values of more than 8 options ($checked)" test "$checked" -gt 8
check "exitstat report --format j<TAB>: json" test "$(complete_words exitstat report --format j)" = json
# Files where the table says FILE; the command to run after --.
mkdir -p "$tmp/d" && touch "$tmp/d/trace.txt" "$tmp/d/trace.rec"
equal "exitstat report $tmp/d/tr<TAB>: the files" "$(complete_words exitstat report "$tmp/d/tr")" \
	"$tmp/d/trace.rec $tmp/d/trace.txt"
equal "exitstat report -o $tmp/d/trace.t<TAB> (-o FILE): the file" \
	"$(complete_words exitstat report -o "$tmp/d/trace.t")" "$tmp/d/trace.txt"
equal "exitstat report -p <TAB> (-p PID takes the next word): nothing offered" "$(complete_words exitstat report -p '')" ""
check "exitstat -D 3 -- bas<TAB>: commands (bash)" grep -qw bash <<<"$(complete_words exitstat -D 3 -- bas)"
equal "exitstat -D 3 <TAB>: -- (a command goes after it)" "$(complete_words exitstat -D 3 '')" "--"
equal "exitstat report --every <TAB> (--every[=N] never takes the next word): files" \
	"$(complete_words exitstat report --every "$tmp/d/trace.r")" "$tmp/d/trace.rec"

assert_summary check-cli-install
