# Sourced by the tests/report suites (after they set EXITSTAT and TMP, and
# source tests/realkvm/hist.sh and tests/lib/assert.sh): the per-reason counts
# of a report and of the kernel's hist, and the "must fail and say X" check.

# `isa code count` per reason (code in decimal, summed over vCPUs) of the final CSV report.
report_counts() {
	local rep kind isa code name pid vcpu count rest
	"$EXITSTAT" report --format csv "$@" 2>"$TMP/stderr" |
		while IFS=, read -r rep kind isa code name pid vcpu count rest; do
			[[ $rep == final && $kind == reason ]] && echo "$isa $((code)) $count"
		done | sort
	return "${PIPESTATUS[0]}"
}

# The same from the kernel's hist trigger file $1 of a bed of ISA $2 (default svm).
hist_counts() {
	hist_by_reason "$1" | awk -v isa="${2:-svm}" '{ print isa, $1, $2 }' | sort
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
