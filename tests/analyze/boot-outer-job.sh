#!/bin/sh
# Bed job of the worked example (docs/analysis.md): boot a real Linux guest
# (Debian's kernel, busybox initramfs running boot-inner-job.sh) with Debian's
# QEMU on the bed's KVM while `exitstat record` records every exit of it, and
# the kernel's hist trigger counts them.
. /lib/bed/lib.sh
cd /out || exit 1
bed_hist_start
exitstat record -o boot.exr -- qemu-system-x86_64 -accel kvm -cpu host -m 256M -nographic \
	-no-reboot -vga none -nic none -kernel /boot/vmlinuz -initrd /boot/inner.cpio.gz \
	-append "console=ttyS0 panic=-1 quiet" </dev/null >inner-console.log 2>record.err
echo $? >record.rc
bed_hist_stop hist.txt
ls -l boot.exr
echo "boot-job: record status $(cat record.rc)"
