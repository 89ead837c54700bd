# shellcheck shell=bash disable=SC2154,SC2034 # VERIFY, results, scenarios: set by the sourcing self-test; fixture, run, ...: for case_
# Sourced by verify-selftest.sh and verify-vmx-selftest.sh (after
# tests/lib/selftest.sh, with VERIFY, results and scenarios set): $VERIFY on
# a copy of one real scenario's results damaged in one place.
fixture=$results run=(bash "$VERIFY" DIR "$tmp/s") fail_line='^FAIL '

# expect pass|fail SCENARIO DAMAGE WHAT: $VERIFY on a fresh copy of
# SCENARIO's results (and that scenario's line alone) after the command
# string DAMAGE ran in it: it must pass, or fail with a FAIL line.
expect() {
	local want=$1 name=$2 damage=$3 what=$4
	copy_only=("$name")
	grep -E "^${name}[[:space:]]" "$scenarios" >"$tmp/s"
	case_ "$what" "$([[ $want == fail ]] && echo '.*')" damage_in "$name" "$damage"
}
damage_in() {
	cd "$1" || return
	eval "$2"
}

# bump VCPU CODE N: N more exits of code CODE on vCPU VCPU in hist.txt.
bump() {
	awk -v v="$1" -v c="$2" -v d="$3" '
		/^\{ *vcpu_id:/ { line = $0; gsub(/[{},:]/, " ")
			if ($2 == v && $4 == c) { sub(/hitcount: *[0-9]+/, "hitcount: " $6 + d, line) }
			print line; next } { print }' hist.txt >h && mv h hist.txt
}
