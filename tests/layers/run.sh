#!/usr/bin/env bash
# make check-layers: scripts/check-layers.sh on the real src/ (it must be
# clean), then its self-test on temporary copies of src/ with a fault planted
# in each: an upward include, an include without its role, a file outside the
# layer directories. Each must fail and name the file, the line and the layers;
# the unchanged copy must pass (so the failures come from the plants).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/assert.sh
CHECK=scripts/check-layers.sh

echo "-- the real tree"
bash "$CHECK" src || { echo "check-layers: src/ includes upward (above); see docs/architecture.md"; exit 1; }

tmp=$(mktemp -d /tmp/exitstat-check-layers.XXXXXX) || { echo "check-layers: mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

# fresh NAME: a clean copy of src/ at $tmp/NAME/src
fresh() { mkdir -p "$tmp/$1" && cp -r src "$tmp/$1/src"; }

# expect_fail NAME WANT...: check-layers on $tmp/NAME/src exits 1 and its output has every WANT
expect_fail() {
	local name=$1 out rc w miss=
	shift
	out=$(bash "$CHECK" "$tmp/$name/src" 2>&1)
	rc=$?
	for w in "$@"; do
		[[ $out == *"$w"* ]] || miss+=" '$w'"
	done
	if ((rc == 1)) && [[ -z $miss ]]; then
		ok "$name: caught ($(head -1 <<<"$out"))"
	else
		bad "$name: exit $rc, missing$miss in: $out"
	fi
}

echo "-- self-test on copies of src/"
fresh clean
check "the unchanged copy passes" bash "$CHECK" "$tmp/clean/src"

# An upward include in the middle of a core file: the line number must be that line's.
fresh upward
f=$tmp/upward/src/core/stats.c
line=$(grep -n '^#include' "$f" | tail -1 | cut -d: -f1)
sed -i "${line}a #include \"cmd/commands.h\"" "$f"
expect_fail upward "core/stats.c:$((line + 1)):" "core includes cmd" '"cmd/commands.h"'

# One layer up only (sources -> live), from a header.
fresh upward-by-one
sed -i '0,/^#include "/s//#include "live\/live.h"\n#include "/' "$tmp/upward-by-one/src/sources/record.h"
expect_fail upward-by-one "sources/record.h:" "sources includes live"

# The same header by its bare name hides its layer.
fresh bare
printf '#include "stats.h"\n' >>"$tmp/bare/src/core/accum.c"
n=$(wc -l <"$tmp/bare/src/core/accum.c")
expect_fail bare "core/accum.c:$n:" 'without its role' 'core/stats.h'

# A file in no layer directory.
fresh stray
printf 'int x;\n' >"$tmp/stray/src/stray.c"
expect_fail stray "stray.c: not in a layer directory"

# A role that is not a layer.
fresh unknown
printf '#include "misc/util.h"\n' >>"$tmp/unknown/src/output/report.c"
expect_fail unknown "output/report.c:" "misc is not a layer"

# Printing outside cmd/: to stderr by name in core, through printf in output.
fresh prints
f=$tmp/prints/src/core/stats.c
line=$(grep -n '^{' "$f" | head -1 | cut -d: -f1)
sed -i "${line}a \\tfprintf(stderr, \"x\\\\n\");" "$f"
printf 'void planted(void)\n{\n\tprintf("%%d\\n", 1);\n}\n' >>"$tmp/prints/src/output/report.c"
n=$(wc -l <"$tmp/prints/src/output/report.c")
expect_fail prints "core/stats.c:$((line + 1)): core writes to the standard streams (stderr)" \
	"output/report.c:$((n - 1)): output writes to the standard streams (printf)" "only cmd/ prints"

# ... but cmd/ prints, output/ prints to the FILE * it is given, and comments and
# strings may name the streams.
fresh prints-allowed
printf 'void planted(void)\n{\n\tfprintf(stderr, "x");\n}\n' >>"$tmp/prints-allowed/src/cmd/cli.c"
printf '/* not on stderr,\n * nor printf( */\nstatic const char planted[] = "said on stderr; printf(";\n' \
	>>"$tmp/prints-allowed/src/sources/input.c"
check "cmd/ prints; comments and strings may name stderr" bash "$CHECK" "$tmp/prints-allowed/src"

# Down and sideways are allowed: cmd may include core, output may include output.
fresh downward
printf '#include "core/stats.h"\n#include "output/report.h"\n' >>"$tmp/downward/src/cmd/cli.c"
check "downward and same-layer includes pass" bash "$CHECK" "$tmp/downward/src"

assert_summary check-layers
