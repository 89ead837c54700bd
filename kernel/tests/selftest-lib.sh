# shellcheck shell=bash disable=SC2154 # tmp, fixture, run: set by the sourcing self-test
# Sourced by the kernel verifiers' self-tests (after tests/lib/assert.sh, with
# tmp set): run a verifier on a copy of real bed results damaged in one place.
#   fixture      the results directory to copy
#   copy_only    if not empty: copy only these files of it
#   run          the verifier's command; the word DIR stands for the copy
# case_ NAME EXPECTED-FAIL-REGEX DAMAGE-COMMAND...: copy, run DAMAGE-COMMAND in
# the copy, run the verifier. An empty regex: the verifier must pass; else it
# must fail with a "FAIL" line matching the (grep basic) regex.
copy_only=()
case_() {
	local name=$1 want=$2 out rc f
	local -a cmd=()
	shift 2
	rm -rf "$tmp/r"
	if ((${#copy_only[@]})); then
		mkdir "$tmp/r"
		for f in "${copy_only[@]}"; do cp "$fixture/$f" "$tmp/r/"; done
	else
		cp -r "$fixture" "$tmp/r"
	fi
	(cd "$tmp/r" && "$@")
	for f in "${run[@]}"; do [[ $f == DIR ]] && cmd+=("$tmp/r") || cmd+=("$f"); done
	set +e
	out=$("${cmd[@]}" 2>&1)
	rc=$?
	set -e
	if [[ -z $want ]]; then
		if ((rc == 0)); then ok "$name: verify passes ($(tail -n 1 <<< "$out"))";
		else bad "$name: verify failed on undamaged results:"; grep '^FAIL' <<< "$out"; fi
	elif ((rc != 0)) && grep -q "^FAIL .*$want" <<< "$out"; then
		ok "$name: caught ($(grep -m1 "^FAIL .*$want" <<< "$out" | cut -c1-200))"
	else
		bad "$name: verify exit $rc, no FAIL line with '$want'"
	fi
}
