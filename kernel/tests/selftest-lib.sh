# shellcheck shell=bash
# Sourced by the kernel checkers' self-tests (after tests/lib/selftest.sh,
# which copies, damages and runs the checker: case_): damage that the
# patched kernel's results need.

# bump TABLE ISA CODE: one more exit in that row of a debugfs table
# ("ISA CODE COUNT CYCLES NAME" lines).
bump() {
	awk -v isa="$2" -v code="$3" '$1 == isa && $2 == code { $3 += 1 } 1' "$1" >"$1.new" && mv "$1.new" "$1"
}
