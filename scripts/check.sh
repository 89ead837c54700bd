#!/usr/bin/env bash
# The test-group loop of `make check` and `make check-quick` (top-level Makefile):
#   check.sh [--jobs N] [--logs DIR] [--title NAME] QUICK-GROUP... [-- SLOW-GROUP...]
# Each group is a make target, run as `$MAKE --no-print-directory GROUP` with its
# output also kept in DIR/GROUP.log. The quick groups run first, one after the
# other, their output live. Then the slow groups (the ones that boot the bed or
# build kernels), up to N side by side; each one's output is captured and printed
# whole when it ends, never interleaved. Before they start, the files they depend
# on are made once, in one make: two makes building the same file at once would
# race. With N = 1 the slow groups run like the quick ones.
#
# Where: a group may print one line `check-where: PLACE` (e.g. "real-KVM bed
# (kvm_amd under QEMU TCG)"); a group that prints none ran on the host. The end
# is a table: each group, passed/FAILED/not run, its seconds, where it ran, and
# for a failed group its log; then the total wall time. The first failing group
# stops the loop (slow groups already running finish; none more start) and the
# exit status is 1.
#
# Environment: MAKE (default make); CHECK_T0, the epoch second `make check`
# started (default: now), for the total; CHECK_HEARTBEAT, seconds between
# "still running" lines while slow groups run silently (default 300).
set -uo pipefail

die() { echo "check.sh: $*" >&2; exit 2; }

jobs=2 logs=build/check title="make check"
quick=() slow=()
while (($#)); do
	case $1 in
	--jobs) (($# >= 2)) || die "--jobs needs a number"; jobs=$2; shift 2 ;;
	--logs) (($# >= 2)) || die "--logs needs a directory"; logs=$2; shift 2 ;;
	--title) (($# >= 2)) || die "--title needs a name"; title=$2; shift 2 ;;
	--) shift; slow=("$@"); break ;;
	-*) die "unknown option $1" ;;
	*) quick+=("$1"); shift ;;
	esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "CHECK_JOBS/--jobs is '$jobs': it must be a number of at least 1"
if ((jobs > 1)) && ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 501)); then
	echo "check.sh: bash $BASH_VERSION has no 'wait -n -p' (5.1+): the slow groups run one at a time"
	jobs=1
fi
heartbeat=${CHECK_HEARTBEAT:-300}
[[ $heartbeat =~ ^[1-9][0-9]*$ ]] || die "CHECK_HEARTBEAT is '$heartbeat': it must be a number of seconds, at least 1"
t0=${CHECK_T0:-$(date +%s)}
[[ $t0 =~ ^[0-9]+$ ]] || die "CHECK_T0 is '$t0': it must be seconds since the epoch"
MAKE=${MAKE:-make}
groups=("${quick[@]}" "${slow[@]}")
((${#groups[@]})) || die "no test groups given"

# The last run's logs go (only them: --logs may name a directory with other files).
mkdir -p "$logs" && rm -f "$logs"/*.log || die "cannot create or empty the log directory $logs"

declare -A status secs where
for g in "${groups[@]}"; do status[$g]="not run"; done
failed=()

# where_of LOG: the group's check-where line(s), else "host".
where_of() {
	local w
	w=$(sed -n 's/^check-where: *//p' "$1" | awk '!seen[$0]++ { printf "%s%s", n++ ? "; " : "", $0 }')
	echo "${w:-host}"
}

# finish GROUP RC SECONDS: record the result and print the closing line.
finish() {
	local g=$1 rc=$2
	secs[$g]=$3
	where[$g]=$(where_of "$logs/$g.log")
	if ((rc == 0)); then
		status[$g]=passed
		echo "==== $g passed in ${secs[$g]} s (${where[$g]})"
	else
		status[$g]=FAILED
		failed+=("$g")
		echo "==== $g FAILED (exit $rc) after ${secs[$g]} s (${where[$g]}); log: $logs/$g.log"
	fi
}

# run_live GROUP: run it in the foreground, output live and into its log.
run_live() {
	local g=$1 start=$SECONDS rc
	echo "==== $g"
	"$MAKE" --no-print-directory "$g" </dev/null 2>&1 | tee "$logs/$g.log"
	rc=${PIPESTATUS[0]}
	finish "$g" "$rc" $((SECONDS - start))
}

summary() {
	local g w=5 total=$(($(date +%s) - t0)) sum=0
	for g in "${groups[@]}"; do ((${#g} > w)) && w=${#g}; done
	echo
	echo "==== $title: summary"
	printf "%-${w}s  %-7s  %7s  %s\n" group result seconds where
	for g in "${groups[@]}"; do
		if [[ ${status[$g]} == "not run" ]]; then
			printf "%-${w}s  %-7s  %7s  %s\n" "$g" "not run" - -
			continue
		fi
		sum=$((sum + secs[$g]))
		printf "%-${w}s  %-7s  %7d  %s%s\n" "$g" "${status[$g]}" "${secs[$g]}" "${where[$g]}" \
			"$([[ ${status[$g]} == FAILED ]] && echo "  (log: $logs/$g.log)")"
	done
	echo "total wall time: $total s (setup and build included; the groups' own times add up to $sum s$(
		((${#slow[@]} && jobs > 1)) && echo "; slow groups up to $jobs side by side"))"
	if ((${#failed[@]})); then
		echo "$title: FAILED: ${failed[*]} (logs: $(printf "$logs/%s.log " "${failed[@]}" | sed 's/ $//'))"
		return 1
	fi
	echo "$title: all ${#groups[@]} test groups passed"
}

for g in "${quick[@]}"; do
	run_live "$g"
	((${#failed[@]})) && { summary; exit 1; }
done

if ((${#slow[@]})) && ((jobs == 1)); then
	for g in "${slow[@]}"; do
		run_live "$g"
		((${#failed[@]})) && { summary; exit 1; }
	done
elif ((${#slow[@]})); then
	# The files the slow groups depend on, made once (make -pq prints its
	# database without running anything: "GROUP: PREREQ... [| ORDER-ONLY...]").
	prereqs=$("$MAKE" -pq --no-print-directory "${slow[@]}" 2>/dev/null </dev/null |
		awk -v want=" ${slow[*]} " '
			/^[^#\t ][^:=]*:([^=]|$)/ {
				t = substr($0, 1, index($0, ":") - 1)
				rest = substr($0, index($0, ":") + 1)
				if (rest ~ /=/)
					next	# a target-specific variable, not prerequisites
				sub(/\|.*/, "", rest)
				if (index(want, " " t " ") && !(t in done)) {
					done[t] = 1
					n = split(rest, p, " ")
					for (i = 1; i <= n; i++) if (!(p[i] in seen)) { seen[p[i]] = 1; print p[i] }
				}
			}')
	if [[ -n $prereqs ]]; then
		mapfile -t pre <<<"$prereqs"
		echo "==== the slow groups' prerequisites, once: ${pre[*]}"
		if ! "$MAKE" --no-print-directory "${pre[@]}" </dev/null 2>&1 | tee "$logs/prerequisites.log"; then
			echo "==== building the slow groups' prerequisites FAILED; log: $logs/prerequisites.log"
			failed+=(prerequisites)
			summary
			exit 1
		fi
	fi

	declare -A group_of start_of
	running=0
	hb=
	trap '[[ -n $hb ]] && kill "$hb" 2>/dev/null' EXIT
	start_heartbeat() { sleep "$heartbeat" & hb=$!; }
	# reap: wait for one slow group to end and print its whole output.
	reap() {
		local pid rc g
		while :; do
			wait -n -p pid
			rc=$?
			if [[ $pid == "$hb" ]]; then
				local r=() p
				for p in "${!group_of[@]}"; do
					r+=("${group_of[$p]} ($((SECONDS - start_of[$p])) s)")
				done
				echo "==== still running: ${r[*]}"
				start_heartbeat
				continue
			fi
			[[ -n ${group_of[$pid]:-} ]] && break
		done
		g=${group_of[$pid]}
		echo "==== $g: its output"
		cat "$logs/$g.log"
		finish "$g" "$rc" $((SECONDS - start_of[$pid]))
		unset "group_of[$pid]" "start_of[$pid]"
		running=$((running - 1))
	}
	start_heartbeat
	for g in "${slow[@]}"; do
		while ((running >= jobs)); do reap; done
		((${#failed[@]})) && break
		"$MAKE" --no-print-directory "$g" </dev/null >"$logs/$g.log" 2>&1 &
		group_of[$!]=$g
		start_of[$!]=$SECONDS
		running=$((running + 1))
		echo "==== $g started (up to $jobs side by side; output when it ends; log: $logs/$g.log)"
	done
	while ((running > 0)); do reap; done
	kill "$hb" 2>/dev/null
	hb=
fi

summary
