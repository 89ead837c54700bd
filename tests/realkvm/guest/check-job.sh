#!/bin/sh
# Guest job of `make check-realkvm`: every scenario of /etc/bed/scenarios,
# each into /out/<name>/ (see bed_exitgen_scenario in lib.sh).
. /lib/bed/lib.sh
command -v exitgen >/dev/null || bed_fail "no exitgen in the initramfs (make static)"
grep -v '^[[:space:]]*\(#\|$\)' /etc/bed/scenarios | while read -r name kb args; do
	# shellcheck disable=SC2086 # args are words for exitgen
	bed_exitgen_scenario "$name" "$kb" $args
done
