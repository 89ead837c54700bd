# Sourced by the host scripts that make fixtures in the bed (make-fixtures.sh,
# make-binary-fixtures.sh, tests/fixtures/samerun/make.sh), after hist.sh and
# with a die() of their own: the Debian tools they copy into the bed, and the
# check that each recorded run did what exitgen says.

# The bed of ISA $1 (svm or vmx): bed (its bed.sh options), bed_text (what it
# is, in words), vendor (its KVM module), sanity (check_exitgen_sanity's
# step:code pairs, in that ISA's exit codes).
bed_of_isa() {
	if [[ $1 == vmx ]]; then
		bed=(--vmx) vendor=kvm_intel
		bed_text='Bochs 2.7 `cpu: model=corei7_skylake_x`, 1 CPU, 1G (`bed.sh --vmx`; VMX exit reasons)'
		# IO_INSTRUCTION, CPUID, MSR_READ + MSR_WRITE, HLT
		sanity=(io:30 cpuid:10 msr:31+32 hlt:12)
	else
		bed=() vendor=kvm_amd
		bed_text='`qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt -m 1G -smp 1` (SVM exit codes)'
		sanity=(io:123 cpuid:114 msr:124 hlt:120)
	fi
}

# The real perf binary: Debian's /usr/bin/perf may be a wrapper script that
# runs perf_<version>.
perf_binary() {
	local p=/usr/bin/perf
	[[ -e $p ]] || die "/usr/bin/perf not found (Debian package linux-perf)"
	if ! ldd "$p" >/dev/null 2>&1; then
		p=$(ls /usr/bin/perf_[0-9]* 2>/dev/null | sort -V | tail -n 1)
		[[ -n $p ]] || die "/usr/bin/perf is a wrapper and no /usr/bin/perf_<version> exists"
	fi
	echo "$p"
}

# Every NAME.hist in DIR against NAME.exitgen.json next to it: each
# "step:code[+code...]" pair after DIR (io:123, msr:31+32) must count, summed
# over its codes, exactly what exitgen expected of that step.
check_exitgen_sanity() {
	local dir=$1 h json pair want got
	shift
	for h in "$dir"/*.hist; do
		json=${h%.hist}.exitgen.json
		[[ -f $json ]] || die "no $json next to $h"
		for pair in "$@"; do
			want=$(jq -r ".expected.${pair%%:*}" "$json")
			got=$(hist_by_reason "$h" | awk -v cs="${pair#*:}" 'BEGIN {split(cs, c, "+"); for (i in c) want[c[i]] = 1}
				$1 in want {n += $2} END {print n + 0}')
			[[ $got == "$want" ]] || die "$(basename "$h"): ${pair%%:*} exits $got, exitgen expected $want"
		done
	done
}

# A markdown table of the NAME.hist files in DIR: a row per file (its first
# cell: `ROW_FN NAME`), a column per exit code seen (its header: `COL_FN
# CODE`), each cell the hist's count, and the hist's own total (Hits:).
hist_table() {
	local dir=$1 row_fn=$2 col_fn=$3 names h c
	names=$(for h in "$dir"/*.hist; do hist_by_reason "$h"; done | awk '{print $1}' | sort -un)
	printf '| file |'
	for c in $names; do printf ' %s |' "$("$col_fn" "$c")"; done
	echo ' total |'
	printf '|---|'
	for c in $names; do printf -- '---:|'; done
	echo '---:|'
	for h in "$dir"/*.hist; do
		printf '| %s |' "$("$row_fn" "$(basename "${h%.hist}")")"
		for c in $names; do
			printf ' %s |' "$(hist_by_reason "$h" | awk -v c="$c" '$1 == c {n = $2} END {print n + 0}')"
		done
		echo " $(awk '/Hits:/ {print $2}' "$h") |"
	done
}
