#!/bin/sh
# Guest job of `make kernel-boot-check-debug`: kernel/boot-job.sh's scenarios
# (boot-check.sh adds it as /lib/exitstat-kvm/boot-job.sh) on the preemptible
# lock-debugging kernel (configs/debug.config), then what tells the verifier
# (boot-verify.sh --debug) that the debugging was there and stayed on:
#   uname          uname -v: "PREEMPT" for a fully preemptible build
#   tainted        /proc/sys/kernel/tainted: 0 unless something warned
#                  (WARN, a sleep in atomic context, ... taint the kernel)
#   lockdep_stats  /proc/lockdep_stats: lockdep ran (lock classes) and never
#                  turned itself off (debug_locks 1; a lockdep report or an
#                  internal limit turns it off)
#   lockdep_classes  the lock classes of /proc/lockdep named exit_stats:
#                  lockdep saw the series' own locks taken
# The kernel log itself comes back as dmesg.txt (the bed's init).
sh /lib/exitstat-kvm/boot-job.sh
rc=$?
# The job's last module reload dropped the lock classes of the first kvm.ko
# (lockdep forgets a module's classes when it goes): print one table more
# (counting is on after the reload), so that the printed table's lock is
# among the classes read below too.
echo 1 >/sys/module/kvm/parameters/exit_stats_interval
exitgen --mode 64 out:10 >/dev/null || echo "boot-job-debug: the last exitgen run failed"
uname -v >./uname
cat /proc/sys/kernel/tainted >tainted
cat /proc/lockdep_stats >lockdep_stats || echo "boot-job-debug: /proc/lockdep_stats is missing: not a lockdep kernel?"
grep exit_stats /proc/lockdep >lockdep_classes || echo "boot-job-debug: no exit_stats lock class in /proc/lockdep"
exit $rc
