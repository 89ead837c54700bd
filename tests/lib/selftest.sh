# shellcheck shell=bash disable=SC2034 # copy_only, run, fail_line, pass_line: the sourcing self-test's settings
# Sourced first by the checkers' self-tests (kernel/tests/*-selftest.sh,
# tests/realkvm/verify*-selftest.sh), which show that a checker can fail: it
# runs on a copy of real results damaged in one place and must fail there,
# naming the problem (and pass on the undamaged copy).
#   . tests/lib/selftest.sh USAGE "$@"
# checks the self-test's arguments against USAGE (selftest_args), makes $tmp
# (removed on exit) and sources tests/lib/assert.sh. Each directory's own
# selftest-lib.sh keeps the damage its checker's results need.

# selftest_args USAGE ARG...: one line naming the script and the problem, and
# exit 2, unless there is an ARG for every word of USAGE that is not in [ ]
# and none more; the ARG of a word ending in _DIR must be a directory, of one
# ending in _FILE a readable file, of any other word an executable program.
selftest_args() {
	local usage=$1 word problem
	local -a words
	shift
	read -ra words <<<"$usage"
	for word in "${words[@]}"; do
		if (($# == 0)); then
			[[ $word == \[* ]] && break
			echo "usage: ${0##*/} $usage" >&2
			exit 2
		fi
		word=${word#[} word=${word%]} problem=
		case $word in
		*_DIR) [[ -d $1 ]] || problem="not a directory" ;;
		*_FILE) [[ -f $1 && -r $1 ]] || problem="not a readable file" ;;
		*) [[ -f $1 && -x $1 ]] || problem="not an executable program" ;;
		esac
		if [[ -n $problem ]]; then
			echo "${0##*/}: $word '$1': $problem (usage: ${0##*/} $usage)" >&2
			exit 2
		fi
		shift
	done
	if (($#)); then
		echo "${0##*/}: too many arguments (usage: ${0##*/} $usage)" >&2
		exit 2
	fi
}

selftest_args "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"

# What case_ copies and runs; the self-test sets them (and may change them
# between its parts):
#   fixture     the directory of real results to copy
#   copy_only   if not empty: copy only these files or directories of it
#   run         the checker's command; the word DIR stands for the copy
#   fail_line   (grep basic regex) how a line of the checker's that names a
#               failure starts: assert.sh's "FAIL " unless set
#   pass_line   (grep basic regex) if not empty: a line the checker must
#               print to pass
fixture='' copy_only=() run=() fail_line='^FAIL .*' pass_line=''

# case_ NAME WANT DAMAGE-COMMAND...: a fresh copy of the fixture in $tmp/r,
# DAMAGE-COMMAND run in it (under set -e: any step that fails is the case's
# failure), the checker run on it. An empty WANT: the checker must pass; else
# it must exit non-zero with a line matching fail_line followed by WANT.
case_() {
	local name=$1 want=$2 out rc damaged f errexit=${-//[^e]/}
	local -a cmd=()
	shift 2
	rm -rf "$tmp/r"
	if ((${#copy_only[@]})); then
		mkdir "$tmp/r"
		for f in "${copy_only[@]}"; do
			cp -r "$fixture/$f" "$tmp/r/" || { bad "$name: could not copy $fixture/$f"; return 0; }
		done
	else
		cp -r "$fixture" "$tmp/r" || { bad "$name: could not copy $fixture"; return 0; }
	fi
	for f in "${run[@]}"; do [[ $f == DIR ]] && cmd+=("$tmp/r") || cmd+=("$f"); done
	# The damage is a command of its own, in no condition, so that its set -e
	# holds; set +e keeps its failure or the checker's from ending the self-test.
	set +e
	(set -e; cd "$tmp/r"; "$@")
	damaged=$?
	if ((damaged == 0)); then
		out=$("${cmd[@]}" 2>&1)
		rc=$?
	fi
	[[ -z $errexit ]] || set -e
	if ((damaged)); then
		bad "$name: could not damage the copy (status $damaged): $*"
		return 0
	fi
	if [[ -z $want ]]; then
		if [[ -n $pass_line ]]; then f=$(grep -m1 "$pass_line" <<<"$out"); else f=$(tail -n 1 <<<"$out"); fi
		if ((rc == 0)) && [[ -n $f ]]; then
			ok "$name: passes ($f)"
		else
			bad "$name: exit $rc where the checker must pass:"
			grep "$fail_line" <<<"$out" || tail -n 20 <<<"$out"
		fi
	elif ((rc != 0)) && grep -q "$fail_line$want" <<<"$out"; then
		ok "$name: caught ($(grep -m1 "$fail_line$want" <<<"$out" | cut -c1-200))"
	else
		bad "$name: exit $rc, no line matching '$fail_line$want'"
	fi
}

# json FILE JQ-FILTER: FILE becomes jq's compact output for the filter.
json() {
	jq -c "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}
