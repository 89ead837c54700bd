# Sourced by test scripts: counted checks that print one line each.
#   ok NAME / bad NAME          count a pass / a failure
#   check NAME CMD...           passes if CMD succeeds (its output hidden)
#   equal NAME GOT WANT         passes if GOT is WANT, else says both
#   assert_summary PREFIX       prints "PREFIX: N passed, M failed"; returns 1 on any failure
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name"; fi
}
equal() {
	if [[ "$2" == "$3" ]]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}
assert_summary() {
	echo "$1: $pass passed, $fail failed"
	((fail == 0))
}
