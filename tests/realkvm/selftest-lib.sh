# Sourced by verify-selftest.sh and verify-vmx-selftest.sh (after assert.sh,
# with VERIFY, results, scenarios and tmp set): damage a copy of one real
# scenario's results and require $VERIFY to fail on it (or pass untouched).
# Runs $VERIFY on scenario $2 of a fresh copy after command $3 damaged it.
expect() {
	local want=$1 name=$2 damage=$3 what=$4 rc
	rm -rf "$tmp/r" && mkdir -p "$tmp/r"
	cp -r "$results/$name" "$tmp/r/" 2>/dev/null
	grep -E "^${name}[[:space:]]" "$scenarios" >"$tmp/s"
	(cd "$tmp/r/$name" 2>/dev/null || cd "$tmp/r" && eval "$damage") || {
		bad "verify-selftest: could not apply: $what"
		return
	}
	bash "$VERIFY" "$tmp/r" "$tmp/s" >"$tmp/out" 2>&1
	rc=$?
	if { [[ $want == pass ]] && ((rc == 0)); } || { [[ $want == fail ]] && ((rc != 0)); }; then
		ok "verify-selftest: $what -> $(basename "$VERIFY") $( ((rc)) && echo fails || echo passes)"
	else
		bad "verify-selftest: $what -> $(basename "$VERIFY") exit $rc, wanted $want:"
		sed 's/^/      /' "$tmp/out"
	fi
}

# Adds $3 to the hitcount of exit code $2 (vCPU $1) in hist.txt.
bump='bump() { awk -v v="$1" -v c="$2" -v d="$3" '"'"'
	/^\{ *vcpu_id:/ { line = $0; gsub(/[{},:]/, " ")
		if ($2 == v && $4 == c) { sub(/hitcount: *[0-9]+/, "hitcount: " $6 + d, line) }
		print line; next } {print}'"'"' hist.txt >h && mv h hist.txt; }'

