#!/usr/bin/env bash
# Shows that kernel-boot-check-debug's kernel log checks (kernel/dmesg-check.sh,
# run by boot-verify.sh --debug) can fail: they must pass on what the
# preemptible lock-debugging kernel really left in the bed
# (tests/fixtures/boot-debug/), and fail, naming the problem, on copies with
# one splat line planted in the log (each kind of report the debug options
# print), with a taint, with lockdep turned off, without PREEMPT, or with the
# log's beginning lost. The whole verifier runs on the real results and on a
# few damaged copies, to show the checks are wired in.
# Usage: dmesg-check-selftest.sh FIXTURE_DIR EXITSTAT_CPUID
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../../tests/lib/selftest.sh" 'FIXTURE_DIR EXITSTAT_CPUID' "$@"
fixture=$1 tool=$2

# The log check alone (--debug, the whole log) on copies of the files it reads.
copy_only=(dmesg.txt uname tainted lockdep_stats)
run=(bash "$here/../dmesg-check.sh" --debug DIR)

# plant LINE: LINE into the log in the middle of the job (after a mark).
plant() {
	awk -v l="$1" '{ print } /boot-job: mark long64 begin/ { print l }' dmesg.txt >dmesg.new && mv dmesg.new dmesg.txt
	grep -qxF -- "$1" dmesg.txt || { echo "plant: no long64 mark in the fixture's log" >&2; exit 1; }
}
# splat LINE START: LINE planted must fail, reported from its START on.
splat() {
	case_ "planted: $1" "kernel log: 1 line(s) of kernel reports, the first: [0-9]*:$2" plant "$1"
}

case_ undamaged "" true
splat 'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:585' 'BUG: sleeping function'
splat 'BUG: scheduling while atomic: exitgen/97/0x00000002' 'BUG: scheduling while atomic'
splat 'BUG: using smp_processor_id() in preemptible [00000000] code: exitgen/97' 'BUG: using smp_processor_id'
splat 'BUG: using __this_cpu_add() in preemptible [00000000] code: exitgen/97' 'BUG: using __this_cpu_add'
splat 'WARNING: possible circular locking dependency detected' 'WARNING: possible circular'
splat 'WARNING: possible recursive locking detected' 'WARNING: possible recursive'
splat 'WARNING: inconsistent lock state' 'WARNING: inconsistent'
splat 'WARNING: suspicious RCU usage' 'WARNING: suspicious RCU'
splat 'WARNING: bad unlock balance detected!' 'WARNING: bad unlock'
splat 'WARNING: CPU: 1 PID: 97 at arch/x86/kvm/exit_stats.c:330 __kvm_exit_stats_done+0x7d/0x90 [kvm]' 'WARNING: CPU: 1'
# Reports whose first line is not BUG:/WARNING:, and a report's later lines
# on their own (its first line lost or reworded).
splat 'turning off the locking correctness validator.' 'turning off'
splat 'DEBUG_LOCKS_WARN_ON(1)' 'DEBUG_LOCKS_WARN_ON'
splat 'INFO: task exitgen:97 blocked for more than 120 seconds.' 'INFO: task exitgen'
splat 'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:' 'rcu: INFO'
splat 'note: exitgen[97] exited with preempt_count 1' 'note: exitgen'
splat '------------[ cut here ]------------' '-*\[ cut here'
splat 'Call Trace:' 'Call Trace:'
splat 'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014' 'Hardware name:'
case_ "kernel tainted by a warning" "taint flags after the job .*: got '512', want '0'" \
	sh -c 'echo 512 > tainted'
case_ "lockdep turned itself off" "lockdep debug_locks '0'" \
	sed -i 's/debug_locks: *1/debug_locks:                             0/' lockdep_stats
case_ "no lockdep" "lockdep debug_locks 'missing', lock classes 'missing'" \
	sh -c ': > lockdep_stats'
case_ "not a preemptible build" "does not say PREEMPT" \
	sh -c 'echo "#1 SMP Tue Dec  1 09:00:00 UTC 2026" > uname'
case_ "dynamic preemption instead" "does not say PREEMPT" \
	sh -c 'echo "#1 SMP PREEMPT_DYNAMIC Tue Dec  1 09:00:00 UTC 2026" > uname'
case_ "log beginning rotated out" "does not start at boot" \
	sed -i 1,20d dmesg.txt

# The whole verifier (boot-verify.sh --debug) on the real results and on
# copies damaged where only the debug run has something to check.
copy_only=()
run=(bash "$here/../boot-verify.sh" --debug DIR "$tool")
case_ "boot-verify.sh --debug, real results" "" true
case_ "boot-verify.sh --debug, planted splat" "kernel log: 1 line(s) of kernel reports" \
	plant 'BUG: sleeping function called from invalid context at arch/x86/kvm/exit_stats.c:400'
case_ "boot-verify.sh --debug, lockdep_stats missing" "result file .*/lockdep_stats is missing" \
	rm lockdep_stats
case_ "boot-verify.sh --debug, lockdep never saw the print lock" "exit_stats_print_lock is not a lock class lockdep saw" \
	sed -i '/exit_stats_print_lock$/d' lockdep_classes

assert_summary dmesg-check-selftest
