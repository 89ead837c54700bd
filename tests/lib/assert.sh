# Sourced by every bash test script: counted checks that print one line each.
# (Scripts that run under the bed's busybox sh cannot source it: they write
# their results for a bash script on the host, which checks them with this.)
#   ok NAME... / bad NAME...    count a pass ("ok   NAME") / a failure ("FAIL NAME")
#   skip NAME...                count a check that could not run here ("SKIP NAME")
#   check NAME CMD...           passes if CMD succeeds (its output hidden)
#   equal NAME GOT WANT         passes if GOT is WANT, else says both
#   expect_error NAME STATUS REGEX CMD...
#                               passes if CMD exits with STATUS and says one stderr
#                               line matching REGEX (its output in $tmp/out, $tmp/err)
#   assert_summary [PREFIX [NOTE]]
#                               prints "PREFIX: N passed, M failed[, K skipped][ NOTE]"
#                               (no "PREFIX: " when PREFIX is empty); returns 1 on any failure
pass=0 fail=0 skips=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
skip() { echo "SKIP $*"; skips=$((skips + 1)); }
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name"; fi
}
equal() {
	if [[ "$2" == "$3" ]]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}
expect_error() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [[ $rc == "$want" ]] && grep -qE "$re" "$tmp/err" && [[ $(wc -l <"$tmp/err") == 1 ]]; then
		ok "$name: status $rc, '$(cat "$tmp/err")'"
	else
		bad "$name: status $rc (want $want), stderr: $(head -c 400 "$tmp/err")"
	fi
}
assert_summary() {
	local line="$pass passed, $fail failed"
	((skips == 0)) || line+=", $skips skipped"
	[[ -z ${1:-} ]] || line="$1: $line"
	[[ -z ${2:-} ]] || line+=" $2"
	echo "$line"
	((fail == 0))
}

# The suite's binary must exist: otherwise one failure and the summary, and exit 1.
need_built() {
	[[ -x $1 ]] && return 0
	bad "$1 is missing: run make first"
	assert_summary "" || exit 1
}
