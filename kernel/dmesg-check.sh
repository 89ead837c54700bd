#!/usr/bin/env bash
# The kernel log of a kernel check's bed run must show no kernel problem of
# any kind: no WARN or BUG, no lockdep report (circular or recursive locking,
# inconsistent lock state, lock inversion, suspicious RCU usage, bad unlock
# balance...), no sleep in atomic context, no preemption-unsafe per-CPU
# access, no stall, oops or panic. With --debug (the preemptible
# lock-debugging build, kernel/boot-job-debug.sh's results) also: the kernel
# was built PREEMPT, nothing tainted it, lockdep ran and never turned itself
# off, and the log reaches back to the boot (nothing rotated out).
#
# Sourced by boot-verify.sh (kernel_log_verify, with its ok/bad counters), or
# run on its own: dmesg-check.sh [--debug] [--from-mark] RESULTS_DIR
# (--from-mark: from the job's "boot-job: mark job" line on; the VMX bed's
# emulated CPU draws boot-time warnings that are not KVM's).

# One extended regex per kind of report, matched against every log line. Most
# reports start with "BUG:" or "WARNING:"; the others are listed by their
# own words, and so are the reports' headers, in case the first line is lost.
KERNEL_LOG_PROBLEMS=(
	'BUG:'			# BUG_ON, sleeping in atomic, smp_processor_id() in preemptible, scheduling while atomic, bad spinlock, page fault
	'WARNING:'		# WARN_ON, and lockdep's and RCU's reports
	'kernel BUG at'
	'sleeping function called from invalid context'
	'scheduling while atomic'
	'in preemptible \[[0-9a-f]*\] code'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'lock inversion'
	'suspicious RCU usage'
	'bad unlock balance'
	'held lock freed'
	'lock held when returning to user space'
	'still has locks held'
	'DEBUG_LOCKS_WARN_ON'
	'turning off the locking correctness validator'
	'lockdep is turned off'
	'exited with (preempt_count|irqs disabled)'
	'blocked for more than [0-9]+ seconds'
	'detected stalls? on CPU'
	'soft lockup|hard LOCKUP'
	'list_(add|del) corruption'
	'UBSAN:|KASAN:'
	'Oops:|general protection fault|Kernel panic'
	'cut here'
	'Call Trace:'
	'Hardware name:'	# every dump_stack() prints it
	'Modules linked in:'
)

# kernel_log_problems FILE: "LINE: TEXT" for each line of FILE a pattern matches.
kernel_log_problems() {
	local re
	re=$(printf '%s|' "${KERNEL_LOG_PROBLEMS[@]}")
	grep -nE "${re%|}" "$1" || true
}

# kernel_log_verify DIR FROM_MARK DEBUG: checks DIR/dmesg.txt (and with DEBUG
# 1, DIR/uname, DIR/tainted, DIR/lockdep_stats); FROM_MARK 1: only from the
# job's mark line on.
kernel_log_verify() {
	local dir=$1 from_mark=$2 debug=$3 log first n v classes
	log=$(mktemp)
	if ((from_mark)) && grep -q 'boot-job: mark job$' "$dir/dmesg.txt"; then
		sed -n '/boot-job: mark job$/,$p' "$dir/dmesg.txt" >"$log"
	else
		cat "$dir/dmesg.txt" >"$log"
		if ((debug)); then
			# Nothing rotated out of the ring buffer: the log starts at boot.
			IFS= read -r first <"$log" || true
			if [[ $first =~ ^(\[[\ 0-9.]+\]\ )?Linux\ version ]]; then
				ok "kernel log: starts at boot (the ring buffer kept all $(wc -l <"$log") lines)"
			else
				bad "kernel log: does not start at boot (first line '${first:0:80}'): the ring buffer lost its beginning"
			fi
		fi
	fi
	n=$(kernel_log_problems "$log" | wc -l)
	if ((n == 0)); then
		ok "kernel log: no BUG, WARNING, lockdep, RCU, atomic-sleep, preemption, stall or oops report$( ((from_mark)) && echo " since the job started")"
	else
		bad "kernel log: $n line(s) of kernel reports, the first: $(kernel_log_problems "$log" | head -n 3 | tr '\n' '|')"
	fi
	rm -f "$log"
	((debug)) || return 0

	v=$(cat "$dir/uname" 2>/dev/null || true)
	if [[ " $v " == *" PREEMPT "* && $v != *PREEMPT_DYNAMIC* && $v != *PREEMPT_RT* ]]; then
		ok "debug kernel: fully preemptible ($v)"
	else
		bad "debug kernel: uname -v '$v' does not say PREEMPT (built without configs/debug.config?)"
	fi
	v=$(cat "$dir/tainted" 2>/dev/null || true)
	equal "debug kernel: taint flags after the job (/proc/sys/kernel/tainted; W = a warning)" "$v" 0
	v=$(awk -F: '$1 ~ /^ *debug_locks$/ { gsub(/ /, "", $2); print $2 }' "$dir/lockdep_stats" 2>/dev/null)
	classes=$(awk -F: '$1 ~ /^ *lock-classes$/ { split($2, a, " "); print a[1] }' "$dir/lockdep_stats" 2>/dev/null)
	if [[ $v == 1 && ${classes:-0} -gt 0 ]]; then
		ok "debug kernel: lockdep ran ($classes lock classes) and stayed on (debug_locks 1)"
	else
		bad "debug kernel: lockdep debug_locks '${v:-missing}', lock classes '${classes:-missing}' (want 1 and > 0: lockdep ran and no report turned it off)"
	fi
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	. "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/assert.sh"
	debug=0 from_mark=0
	while [[ ${1:-} == --* ]]; do
		case $1 in
		--debug) debug=1 ;;
		--from-mark) from_mark=1 ;;
		*) echo "dmesg-check.sh: unknown option '$1' (usage: dmesg-check.sh [--debug] [--from-mark] RESULTS_DIR)" >&2; exit 2 ;;
		esac
		shift
	done
	dir=${1:?usage: dmesg-check.sh [--debug] [--from-mark] RESULTS_DIR}
	[[ -r $dir/dmesg.txt ]] || { echo "dmesg-check.sh: $dir/dmesg.txt is missing" >&2; exit 1; }
	kernel_log_verify "$dir" "$from_mark" "$debug"
	assert_summary dmesg-check
fi
