# Sourced by the report test scripts (run.sh, totals.sh) after tests/lib/assert.sh,
# with EXITSTAT (the binary) and TMP (a scratch directory) set.

# `isa code count` per reason (code in decimal, summed over vCPUs) of the final CSV report.
report_counts() {
	local rep kind isa code name pid vcpu count rest
	"$EXITSTAT" report --format csv "$@" 2>"$TMP/stderr" |
		while IFS=, read -r rep kind isa code name pid vcpu count rest; do
			[[ $rep == final && $kind == reason ]] && echo "$isa $((code)) $count"
		done | sort
	return "${PIPESTATUS[0]}"
}

# `exitstat report ARGS...` must fail and say (on stderr) what REGEX matches.
report_fails() {
	local desc=$1 regex=$2 rc
	shift 2
	"$EXITSTAT" report "$@" >/dev/null 2>"$TMP/err"
	rc=$?
	if [[ $rc -ne 0 ]] && grep -q "$regex" "$TMP/err"; then
		ok "$desc: exit $rc, $(head -1 "$TMP/err")"
	else
		bad "$desc: exit $rc, stderr: $(head -c 300 "$TMP/err")"
	fi
}
