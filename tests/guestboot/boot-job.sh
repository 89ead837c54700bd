#!/bin/sh
# Guest job (L1, in the real-KVM bed) of tests/guestboot/live.sh: boot a real
# Linux guest (Debian's kernel + inner-init.sh) under the bed's KVM with
# Debian's QEMU, while `exitstat record` records every exit of that QEMU and
# the kernel's hist trigger counts every kvm_exit, for the kernel's own total.
. /lib/bed/lib.sh
for p in exitstat qemu-system-x86_64; do
	command -v $p >/dev/null || bed_fail "no $p in the initramfs"
done
disk=/tmp/disk.img
dd if=/dev/zero of=$disk bs=1M count=64 2>/dev/null || bed_fail "cannot create $disk"
mke2fs -F $disk >mke2fs.log 2>&1 || bed_fail "mke2fs $disk failed"

uname -r >kernel-release
cp /etc/bed/kernel-package kernel-package
qemu-system-x86_64 --version | head -n 1 >qemu-version
# The disk interface: virtio (virtio-blk, /dev/vda) or ide (the seed's -hda, /dev/sda).
iface=$(cat /etc/guestboot/disk)
case $iface in
virtio) dev=vda ;;
ide) dev=sda ;;
*) bed_fail "unknown disk interface '$iface' in /etc/guestboot/disk" ;;
esac
set -- qemu-system-x86_64 -enable-kvm -cpu host -m 256M -smp 1 \
	-vga none -nic none -nographic -no-reboot \
	-kernel /boot/vmlinuz -initrd /boot/inner.cpio.gz \
	-append "console=ttyS0 panic=-1 quiet guestboot.dev=$dev" \
	-drive file=$disk,format=raw,if=$iface
echo "exitstat record -o boot.rec -- $*" >"command"
echo "$iface" >disk

bed_hist_start
# What the io exits were (SVM exit_info1: port << 16 | size and direction bits)
# and where the npf exits were (exit_info2: guest-physical address).
PI=$T/instances/guestboot-detail
mkdir $PI || bed_fail "cannot create trace instance $PI"
echo 'hist:keys=info1.hex:vals=hitcount:sort=hitcount.descending:size=4096 if exit_reason == 123' \
	>$PI/events/kvm/kvm_exit/trigger || bed_fail "cannot set the io port hist trigger"
echo 'hist:keys=info2.hex:vals=hitcount:sort=hitcount.descending:size=16384 if exit_reason == 1024' \
	>>$PI/events/kvm/kvm_exit/trigger || bed_fail "cannot set the npf address hist trigger"
# With /etc/guestboot/trace (GUESTBOOT_TRACE=1): the boot as ftrace text too, for
# `exitstat explain` (kvm_exit with its info1/info2 and rip, and kvm_msr, whose
# ecx is the MSR's index), in an instance of its own with a buffer that holds the
# whole run; and the kernel's own counts to check it against: kvm_exit by
# exit_reason and info1 (the port, direction and size of an io exit), kvm_msr by
# ecx and direction (trace.hist).
TI=$T/instances/guestboot-trace
if [ -e /etc/guestboot/trace ]; then
	mkdir $TI || bed_fail "cannot create trace instance $TI"
	echo 131072 >$TI/buffer_size_kb || bed_fail "cannot size the $TI buffer"
	for e in kvm_exit kvm_msr; do
		echo 1 >$TI/events/kvm/$e/enable || bed_fail "cannot enable kvm:$e in $TI"
	done
	echo 'hist:keys=exit_reason,info1.hex:vals=hitcount:sort=exit_reason,info1:size=16384' \
		>$PI/events/kvm/kvm_exit/trigger || bed_fail "cannot set the exit_reason,info1 hist trigger"
	echo 'hist:keys=ecx.hex,write:vals=hitcount:sort=ecx,write:size=4096' \
		>$PI/events/kvm/kvm_msr/trigger || bed_fail "cannot set the kvm_msr hist trigger"
	echo 1 >$TI/tracing_on
fi
echo "$(cut -d' ' -f1 /proc/uptime) L1 recording-start" >marks
: >inner-console.log
# Every console line of the inner guest, stamped with L1's uptime (CLOCK_BOOTTIME,
# = CLOCK_MONOTONIC of the recording here: nothing suspends).
{
	exitstat record -o boot.rec -- "$@" </dev/null 2>record.err
	echo $? >record.rc
} | while IFS= read -r line; do
	line="$(cut -d' ' -f1 /proc/uptime) $(printf '%s' "$line" | tr -d '\r')"
	echo "$line" >>inner-console.log
	# also on L1's console, to see how far the inner guest got if it hangs
	echo "inner: $line"
done
echo "$(cut -d' ' -f1 /proc/uptime) L1 recording-end" >>marks
bed_hist_stop boot.hist
cat $PI/events/kvm/kvm_exit/hist >detail.hist
echo '!hist:keys=info1.hex:vals=hitcount:sort=hitcount.descending:size=4096 if exit_reason == 123' \
	>>$PI/events/kvm/kvm_exit/trigger
echo '!hist:keys=info2.hex:vals=hitcount:sort=hitcount.descending:size=16384 if exit_reason == 1024' \
	>>$PI/events/kvm/kvm_exit/trigger
if [ -e /etc/guestboot/trace ]; then
	echo 0 >$TI/tracing_on
	{
		cat $PI/events/kvm/kvm_exit/hist
		cat $PI/events/kvm/kvm_msr/hist
	} >trace.hist
	echo '!hist:keys=exit_reason,info1.hex:vals=hitcount:sort=exit_reason,info1:size=16384' \
		>>$PI/events/kvm/kvm_exit/trigger
	echo '!hist:keys=ecx.hex,write:vals=hitcount:sort=ecx,write:size=4096' \
		>>$PI/events/kvm/kvm_msr/trigger
	cat $TI/per_cpu/cpu*/stats >trace.ringbuffer-stats
	gzip -9 -c $TI/trace >boot-trace.txt.gz || bed_fail "cannot save the trace text"
fi
# "L1-uptime GUESTBOOT ...": the phase marks (SeaBIOS may leave escapes before one).
awk '{i = index($0, "GUESTBOOT "); if (i) print $1, substr($0, i)}' inner-console.log >>marks
cat marks
ls -l boot.rec
[ "$(cat record.rc)" = 0 ] || bed_fail "exitstat record exited $(cat record.rc) (record.err)"
grep -q 'GUESTBOOT io-end' inner-console.log || bed_fail "the inner guest did not finish its I/O (inner-console.log)"
exitstat report boot.rec >report.txt 2>&1 || bed_fail "exitstat report boot.rec failed"
