#!/bin/sh
# Guest job of tests/live/view-bed.sh: tests/live/view.sh (the interactive
# view through a pty) in the real-KVM bed, where kvm_exit fires, so the rows
# are exit reasons. GNU tools (awk as mawk, sed, tr, stty, cmp) under
# /opt/gnu come first in PATH: busybox's awk and sed lack what view.sh uses.
cd /repo || exit 1
# bash's process substitution needs /dev/fd (devtmpfs has no such link)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p /tmp/gnu-bin && ln -s /opt/gnu/mawk /tmp/gnu-bin/awk
for p in sed tr stty cmp; do ln -s /opt/gnu/$p /tmp/gnu-bin/$p; done
export PATH=/tmp/gnu-bin:$PATH
HOST_KVM_KIND=exits bash tests/live/view.sh /bin/exitstat /bin/exitgen >/out/view.log 2>&1
echo $? >/out/view.rc
exit 0
