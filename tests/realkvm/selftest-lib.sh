# shellcheck shell=bash disable=SC2154,SC2034 # VERIFY, results, scenarios: set by the sourcing self-test; fixture, run, ...: for case_
# Sourced by verify-selftest.sh and verify-vmx-selftest.sh (after
# tests/lib/selftest.sh, with VERIFY, results and scenarios set): $VERIFY on
# a copy of one real scenario's results damaged in one place.
fixture=$results run=(bash "$VERIFY" DIR "$tmp/s") fail_line='^FAIL '

# expect pass SCENARIO DAMAGE WHAT, expect fail SCENARIO DAMAGE WHAT MESSAGE:
# $VERIFY on a fresh copy of SCENARIO's results (and that scenario's line
# alone) after the command string DAMAGE ran in it: it must pass, or fail
# with a FAIL line that begins with MESSAGE (a grep basic regex), the
# problem the damage made, named as a user would read it.
expect() {
	local want=$1 name=$2 damage=$3 what=$4 message=${5:-}
	if [[ $want == fail && -z $message ]]; then
		bad "$what: a fail case needs the FAIL message it must give"
		return
	fi
	copy_only=("$name")
	grep -E "^${name}[[:space:]]" "$scenarios" >"$tmp/s"
	case_ "$what" "$message" damage_in "$name" "$damage"
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
