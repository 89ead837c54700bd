#!/bin/sh
# PID 1 of the inner (L2) Linux guest: load the disk driver, mount the
# disk (guestboot.dev=vda: virtio-blk, sda: IDE; from the kernel command line), write and read a few MB so that it really hits the disk
# (fsync, O_DIRECT, caches dropped), then reboot (QEMU runs with -no-reboot,
# so it exits). The GUESTBOOT lines mark the phases on the console; the L1
# job stamps each console line with its own clock.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "GUESTBOOT init uptime=$(cut -d' ' -f1 /proc/uptime)"
fail() {
	echo "GUESTBOOT FAIL $*"
	reboot -f
}
while read -r m; do
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done </etc/modules-order
dev=vda
for w in $(cat /proc/cmdline); do
	case $w in guestboot.dev=*) dev=${w#guestboot.dev=} ;; esac
done
i=0
until [ -b /dev/$dev ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "no /dev/$dev"
	sleep 0.1
done
mkdir -p /mnt
mount -t ext2 /dev/$dev /mnt || fail "mount /dev/$dev"
# /sys/block/DEV/stat: reads, merged, sectors read, ms, writes, merged, sectors written, ...
echo "GUESTBOOT io-begin $dev-stat $(cat /sys/block/$dev/stat)"
dd if=/dev/zero of=/mnt/buffered bs=1M count=8 conv=fsync 2>&1 || fail "dd write"
sync
echo 3 >/proc/sys/vm/drop_caches
dd if=/mnt/buffered of=/dev/null bs=1M 2>&1 || fail "dd read"
dd if=/dev/zero of=/mnt/direct bs=4k count=1024 oflag=direct conv=fsync 2>&1 || fail "dd direct write"
dd if=/mnt/direct of=/dev/null bs=4k iflag=direct 2>&1 || fail "dd direct read"
umount /mnt || fail "umount /mnt"
echo "GUESTBOOT io-end $dev-stat $(cat /sys/block/$dev/stat)"
echo "GUESTBOOT reboot uptime=$(cut -d' ' -f1 /proc/uptime)"
reboot -f
