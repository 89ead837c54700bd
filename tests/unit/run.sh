#!/usr/bin/env bash
# The unit test programs beyond their one plain run (tests/unit/unit.mk):
#   run.sh valgrind CMD...   each CMD under valgrind memcheck: fails on any report
#                            (an error, a definite/indirect/possible leak, a warning)
#   run.sh repeat N CMD...   each CMD N times in a row: fails on the first failing
#                            run, naming the program and the run number
# A CMD is one argument, a program and its arguments split on spaces
# ("build/tests/test_trace --flag"). The output of each program goes to
# $OUT/NAME.log (OUT defaults to build/tests/unit-runs) and is printed when it fails.
set -uo pipefail
cd "$(dirname "$0")/../.."

die() { echo "tests/unit/run.sh: $*" >&2; exit 2; }
usage() { die "usage: run.sh valgrind CMD... | run.sh repeat N CMD..."; }

(($# >= 1)) || usage
mode=$1; shift
case $mode in
valgrind) ;;
repeat)
	(($# >= 1)) || usage
	runs=$1; shift
	[[ $runs =~ ^[1-9][0-9]*$ ]] || die "repeat: the run count '$runs' is not a positive number"
	;;
*) usage ;;
esac
(($# >= 1)) || usage

OUT=${OUT:-build/tests/unit-runs}/$mode
mkdir -p "$OUT" || die "cannot create $OUT"

# Every program must exist before any runs: a missing one is a build problem, said once.
for cmd in "$@"; do
	read -ra argv <<<"$cmd"
	[[ -x ${argv[0]} ]] || die "${argv[0]} is missing or not executable (make it first)"
done
if [[ $mode == valgrind ]] && ! command -v valgrind >/dev/null; then
	die "valgrind is not installed (scripts/setup.sh installs it: apt-get install valgrind)"
fi

# --error-exitcode covers memcheck errors and the leak kinds named in
# --errors-for-leak-kinds; anything else valgrind prints with -q (a warning,
# a leak of another kind) lands in its log, and a non-empty log fails too.
# Memory still reachable at exit is not a bug and is not reported.
VALGRIND=(valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible
	--track-origins=yes --num-callers=30)

failed=0
for cmd in "$@"; do
	read -ra argv <<<"$cmd"
	name=$(basename "${argv[0]}")
	((${#argv[@]} > 1)) && name+=-$(basename "${argv[*]:1}" | tr -c 'A-Za-z0-9._\n-' _)
	log=$OUT/$name.log
	start=$SECONDS
	if [[ $mode == valgrind ]]; then
		vglog=$OUT/$name.valgrind
		"${VALGRIND[@]}" --log-file="$vglog" "${argv[@]}" >"$log" 2>&1
		rc=$?
		if ((rc != 0)) || [[ -s $vglog ]]; then
			cat "$log" "$vglog"
			echo "FAIL $cmd under valgrind: exit $rc, $(grep -c '^==' "$vglog") valgrind report lines ($vglog)"
			failed=$((failed + 1))
			continue
		fi
		echo "ok   $cmd under valgrind: no report ($((SECONDS - start)) s)"
		continue
	fi
	for ((run = 1; run <= runs; run++)); do
		"${argv[@]}" >"$log" 2>&1
		rc=$?
		((rc == 0)) || break
	done
	if ((rc != 0)); then
		cat "$log"
		echo "FAIL $cmd: run $run of $runs exited $rc (its output above and in $log)"
		failed=$((failed + 1))
		continue
	fi
	echo "ok   $cmd: $runs of $runs runs passed ($((SECONDS - start)) s)"
done
if ((failed)); then
	echo "tests/unit/run.sh $mode: $failed of $# programs failed"
	exit 1
fi
echo "tests/unit/run.sh $mode: all $# programs passed"
