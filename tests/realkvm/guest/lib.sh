# Helpers for bed guest jobs: `. /lib/bed/lib.sh`. BusyBox sh.
# The kernel's own exit count (a hist trigger) and the ftrace text of kvm_exit/kvm_entry.
T=/sys/kernel/tracing
# The hist triggers live in their own trace instance so that perf, trace-cmd or
# a job resetting the top instance cannot clear them mid-run.
HI=$T/instances/bed-hist
BED_HIST='hist:keys=vcpu_id,exit_reason:vals=hitcount:sort=vcpu_id,exit_reason'

bed_fail() {
	echo "bed-guest: $*" >&2
	exit 1
}

# bed_rotate R WORD...: the words rotated left by R (modulo their count), on
# one line: a bench round's order, so that no run always comes first or last.
bed_rotate() {
	_rot=$(($1 % ($# - 1)))
	shift
	while [ "$_rot" -gt 0 ]; do
		_w=$1
		shift
		set -- "$@" "$_w"
		_rot=$((_rot - 1))
	done
	echo "$*"
}

# Start counting kvm_exit by (vcpu_id, exit_reason) in the kernel: exact even
# when the text buffer overflows.
bed_hist_start() {
	[ -d $HI ] || mkdir $HI || bed_fail "cannot create trace instance $HI"
	echo "$BED_HIST" >$HI/events/kvm/kvm_exit/trigger || bed_fail "cannot set hist trigger on kvm:kvm_exit"
}

# Save the hist table to $1 and remove the trigger (which also clears it).
bed_hist_stop() {
	cat $HI/events/kvm/kvm_exit/hist >"$1" || bed_fail "cannot read kvm:kvm_exit hist"
	echo "!$BED_HIST" >$HI/events/kvm/kvm_exit/trigger || bed_fail "cannot remove hist trigger"
}

# Start the ftrace text buffer with kvm_exit + kvm_entry; $1 = buffer_size_kb per CPU.
bed_trace_start() {
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo "${1:-8192}" >$T/buffer_size_kb || bed_fail "cannot set buffer_size_kb=$1"
	echo 1 >$T/events/kvm/kvm_exit/enable || bed_fail "cannot enable kvm:kvm_exit"
	echo 1 >$T/events/kvm/kvm_entry/enable || bed_fail "cannot enable kvm:kvm_entry"
	echo 1 >$T/tracing_on
}

# Stop tracing; the text goes to $1, the per-CPU ring-buffer stats (overrun =
# events lost) to $1.stats.
bed_trace_stop() {
	echo 0 >$T/tracing_on
	echo 0 >$T/events/kvm/kvm_exit/enable
	echo 0 >$T/events/kvm/kvm_entry/enable
	cat $T/trace >"$1"
	for c in $T/per_cpu/cpu*; do
		echo "== ${c##*/}"
		cat "$c/stats"
	done >"$1.stats"
	echo >$T/trace
	echo 1 >$T/tracing_on
}

# Events the ring buffer dropped (sum of overrun over CPUs) in a .stats file.
bed_trace_overrun() {
	awk '/^overrun:/ {n += $2} END {print n + 0}' "$1"
}

# Run one exitgen scenario into directory $1 with a $2 KiB/CPU text buffer
# (0 = no text trace), exitgen arguments after that. Leaves exitgen.json,
# exitgen.err, exitgen.rc, hist.txt, userspace-hist.txt and (if traced)
# trace.txt + trace.txt.stats in $1.
bed_exitgen_scenario() {
	dir=$1 kb=$2
	shift 2
	mkdir -p "$dir"
	echo "$*" >"$dir/args"
	[ "$kb" != 0 ] && bed_trace_start "$kb"
	bed_hist_start
	echo 'hist:keys=reason:vals=hitcount' >$HI/events/kvm/kvm_userspace_exit/trigger
	t0=$(cut -d' ' -f1 /proc/uptime)
	exitgen --json "$@" >"$dir/exitgen.json" 2>"$dir/exitgen.err"
	echo $? >"$dir/exitgen.rc"
	awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >"$dir/seconds"
	cat $HI/events/kvm/kvm_userspace_exit/hist >"$dir/userspace-hist.txt"
	echo '!hist:keys=reason:vals=hitcount' >$HI/events/kvm/kvm_userspace_exit/trigger
	bed_hist_stop "$dir/hist.txt"
	[ "$kb" != 0 ] && bed_trace_stop "$dir/trace.txt"
	echo "bed-guest: $dir: exitgen $* -> status $(cat "$dir/exitgen.rc") in $(cat "$dir/seconds") s"
}

# For a fixtures job (perf and trace-cmd copied in): the guest's kvm event
# formats, its kernel and the tools' versions, into the working directory
# (kvm_exit.format, kvm_entry.format, kernel-release, kernel-package,
# perf-version, trace-cmd-version).
bed_record_versions() {
	cat $T/events/kvm/kvm_exit/format >kvm_exit.format
	cat $T/events/kvm/kvm_entry/format >kvm_entry.format
	uname -r >kernel-release
	cp /etc/bed/kernel-package kernel-package
	perf --version >perf-version
	trace-cmd --version 2>&1 | grep -m 1 version >trace-cmd-version
}

# Unpack a results block (as the bed's init writes it) found in a capture $1,
# e.g. the console log of a nested guest booted with this initramfs, into $2.
bed_extract_results() {
	mkdir -p "$2"
	tr -d '\r' <"$1" | awk '
		$0 == "=====EXITSTAT-BED-RESULTS-BEGIN=====" {on = 1; next}
		index($0, "=====EXITSTAT-BED-RESULTS-END=====") == 1 {print $2 >"/tmp/bed-extract.md5"; exit}
		on {print}' | base64 -d >/tmp/bed-extract.tgz || bed_fail "no results block in $1"
	[ "$(md5sum </tmp/bed-extract.tgz | cut -d' ' -f1)" = "$(cat /tmp/bed-extract.md5 2>/dev/null)" ] ||
		bed_fail "results block in $1 is damaged or incomplete"
	tar -xzf /tmp/bed-extract.tgz -C "$2" || bed_fail "cannot unpack the results block of $1"
	rm -f /tmp/bed-extract.tgz /tmp/bed-extract.md5
}
