#!/usr/bin/env bash
# Runs the libFuzzer harnesses (tests/fuzz/README.md).
#   run.sh smoke SECONDS NAME...   replay seed/NAME and regress/NAME (each input
#                                  once), then fuzz SECONDS from them: make check-fuzz
#   run.sh fuzz SECONDS NAME...    fuzz each for SECONDS: make fuzz
# New inputs go to $BUILD/fuzz/work/NAME (never into the committed corpus);
# a crash, leak, timeout or over-limit allocation stops the harness and is
# saved as $BUILD/fuzz/findings/NAME/crash-... (copy it into regress/NAME/
# once fixed). Exit 1 on any finding.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
mode=${1:?smoke or fuzz}
secs=${2:?seconds}
shift 2
. tests/lib/assert.sh

# -malloc_limit_mb: an allocation a few hundred bytes of input cannot back is a
# finding (the recording reader's 80 GB); -timeout: a hang is one.
opts=(-malloc_limit_mb=512 -rss_limit_mb=1024 -timeout=10 -max_len=16384 -print_final_stats=0)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for name in "$@"; do
	bin=$BUILD/fuzz/fuzz_$name
	seed=tests/fuzz/seed/$name reg=tests/fuzz/regress/$name
	work=$BUILD/fuzz/work/$name found=$BUILD/fuzz/findings/$name
	log=$BUILD/fuzz/$name.log
	mkdir -p "$work" "$found"
	if [[ ! -x $bin ]]; then
		bad "$name: $bin is missing (make $bin)"
		continue
	fi
	if [[ $mode == smoke ]]; then
		inputs=("$seed"/* "$reg"/*)
		if "$bin" "${opts[@]}" "${inputs[@]}" >"$log" 2>&1; then
			ok "$name: ${#inputs[@]} seed and regression inputs replayed clean (ASan+UBSan)"
		else
			bad "$name: replaying the saved inputs failed: $(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$log") (log $log)"
			continue
		fi
	fi
	if "$bin" "${opts[@]}" -max_total_time="$secs" -artifact_prefix="$found/" \
		"$work" "$seed" "$reg" >"$log" 2>&1; then
		runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1)
		ok "$name: fuzzed ${secs} s (${runs#\#} runs), no finding"
	else
		bad "$name: finding after fuzzing: $(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$log"); input in $found/ (log $log)"
	fi
done
assert_summary "check-fuzz ($mode)"
