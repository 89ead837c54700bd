#!/usr/bin/env bash
# tests/unit/run.sh on programs whose faults are known because they are written
# here: a leak, a read of uninitialised memory, a test that fails on its 37th
# run. The valgrind pass and the 100-run pass must fail on each and say where,
# and pass a clean program.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/assert.sh

tmp=$(mktemp -d /tmp/exitstat-unit-run-selftest.XXXXXX) || { echo "run-selftest: mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

prog() { # prog NAME <<C: build NAME from C on stdin (no optimisation: the faults stay)
	cc -std=gnu11 -g -O0 -w -x c - -o "$tmp/$1" || { echo "run-selftest: cannot build $1"; exit 1; }
}
prog clean <<'EOF'
#include <stdlib.h>
int main(void) { char *p = malloc(16); p[0] = 1; int r = p[0] - 1; free(p); return r; }
EOF
prog leak <<'EOF'
#include <stdlib.h>
#include <string.h>
int main(void) { char *p = malloc(64); memset(p, 1, 64); p = NULL; return p != NULL; }
EOF
prog uninit <<'EOF'
#include <stdio.h>
static int __attribute__((noinline)) pick(int *v) { return *v ? 3 : 0; }
int main(void) { int x; return pick(&x) == 3 ? 0 : 0; }
EOF
# Fails on run 37: each run counts itself in a file (its argument).
prog flaky <<'EOF'
#include <stdio.h>
int main(int argc, char **argv) {
	int n = 0; FILE *f = fopen(argv[1], "r");
	if (argc < 2) return 2;
	if (f) { if (fscanf(f, "%d", &n) != 1) n = 0; fclose(f); }
	f = fopen(argv[1], "w"); fprintf(f, "%d\n", ++n); fclose(f);
	if (n == 37) { puts("flaky: run 37 fails"); return 1; }
	return 0;
}
EOF

run() { OUT=$tmp/out bash tests/unit/run.sh "$@" >"$tmp/log" 2>&1; }

run valgrind "$tmp/clean"
equal "valgrind: a clean program passes" "$?" 0
run valgrind "$tmp/leak"
equal "valgrind: a definite leak fails" "$?" 1
check "valgrind: ... names the program and the report" grep -q "FAIL $tmp/leak under valgrind: exit 99" "$tmp/log"
check "valgrind: ... shows the leak" grep -q "definitely lost" "$tmp/log"
run valgrind "$tmp/clean" "$tmp/uninit"
equal "valgrind: an uninitialised read fails (the clean one still passes)" "$?" 1
check "valgrind: ... shows where" grep -q "Conditional jump or move depends on uninitialised value" "$tmp/log"
check "valgrind: ... the count" grep -q "1 of 2 programs failed" "$tmp/log"

run repeat 100 "$tmp/flaky $tmp/count"
equal "repeat: a test failing on its 37th run fails" "$?" 1
check "repeat: ... names the program and the run" grep -q "FAIL $tmp/flaky $tmp/count: run 37 of 100 exited 1" "$tmp/log"
check "repeat: ... shows that run's output" grep -q "flaky: run 37 fails" "$tmp/log"
equal "repeat: ... and stopped there" "$(cat "$tmp/count")" 37
rm -f "$tmp/count"
run repeat 30 "$tmp/flaky $tmp/count"
equal "repeat: 30 runs of it pass" "$?" 0
check "repeat: ... all counted" grep -q "30 of 30 runs passed" "$tmp/log"

run repeat 100 "$tmp/no-such-program"
equal "a missing program: exit 2" "$?" 2
check "a missing program: says which" grep -q "$tmp/no-such-program is missing" "$tmp/log"
run repeat many "$tmp/clean"
equal "a bad run count: exit 2" "$?" 2

assert_summary "tests/unit/run-selftest"
