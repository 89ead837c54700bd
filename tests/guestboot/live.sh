#!/usr/bin/env bash
# make guestboot-live: boot a real Linux guest under the real-KVM bed's inner
# KVM (Debian's 6.12 kernel + inner-init.sh, Debian's qemu-system-x86_64 in
# the bed, a virtio-blk disk it writes and reads), recorded by `exitstat
# record` in the bed, with the bed kernel's hist trigger as the exact count.
# Results (boot.rec, boot.hist, inner-console.log, marks, ...) land in
# build/guestboot/DISK/results; then check.sh verifies them against each other.
#   bash tests/guestboot/live.sh [RESULTS_DIR]
# GUESTBOOT_DISK=ide uses the seed's -hda (IDE, ata_piix) instead of virtio-blk.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BED=$REPO/tests/realkvm/bed.sh
disk=${GUESTBOOT_DISK:-virtio}
work=$REPO/build/guestboot/$disk
out=${1:-$work/results}
start=$(date +%s)
die() { echo "guestboot: $*" >&2; exit 1; }
[[ ${1:-} != -* ]] || die "usage: [GUESTBOOT_DISK=ide|virtio] live.sh [RESULTS_DIR]"

[[ -x $REPO/build/static/exitstat ]] || die "$REPO/build/static/exitstat is missing (make static)"
qemu=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not found (Debian package qemu-system-x86)"
busybox=$(command -v busybox) || die "busybox not found (Debian package busybox-static)"
! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamically linked (install busybox-static)"
firmware=(/usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin)
for f in "${firmware[@]}"; do [[ -f $f ]] || die "$f not found (Debian packages seabios, qemu-system-data)"; done

# The inner guest's kernel: the same Debian kernel the bed boots, and its
# disk modules (virtio_blk; ext4, which mounts the ext2 disk and wants the
# crc32c driver loaded) with dependencies.
case $disk in
virtio) INNER_MODULES=(virtio_blk crc32c_generic ext4) ;;
ide) INNER_MODULES=(ata_piix sd_mod crc32c_generic ext4) ;;
*) die "GUESTBOOT_DISK=$disk: want virtio or ide" ;;
esac
module_args=()
for m in "${INNER_MODULES[@]}"; do module_args+=(--module "$m"); done
kdir=$(bash "$BED" kernel "${module_args[@]}")
release=$(basename "$kdir")
vmlinuz=$kdir/root/boot/vmlinuz-$release
declare -A seen=()
order=()
visit() {
	local m=$1 d
	[[ -n ${seen[$m]:-} ]] && return
	seen[$m]=1
	[[ -f $kdir/ko/$m.ko ]] || die "module $m not unpacked in $kdir/ko (bed.sh kernel --module $m)"
	for d in $(modinfo -F depends "$kdir/ko/$m.ko" | tr ',' ' '); do visit "$d"; done
	order+=("$m")
}
for m in "${INNER_MODULES[@]}"; do visit "$m"; done

# The inner initramfs: busybox-static, inner-init.sh as /init, the modules.
mkdir -p "$work"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,mnt,etc,lib/modules}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"; done
install -m 755 "$HERE/inner-init.sh" "$root/init"
for m in "${order[@]}"; do cp "$kdir/ko/$m.ko" "$root/lib/modules/"; done
printf '%s\n' "${order[@]}" >"$root/etc/modules-order"
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -9 >"$work/inner.cpio.gz"
echo "guestboot: inner initramfs $(du -k "$work/inner.cpio.gz" | cut -f1) KiB, modules: ${order[*]}"

echo "$disk" >"$work/disk"
args=(--add-dyn "$qemu:/usr/bin/qemu-system-x86_64" --add "$work/disk:/etc/guestboot/disk"
	--add "$vmlinuz:/boot/vmlinuz" --add "$work/inner.cpio.gz:/boot/inner.cpio.gz")
for f in "${firmware[@]}"; do args+=(--add "$f:$f"); done
# GUESTBOOT_TRACE=1: the boot as ftrace text too, with the kernel's hists of it (boot-job.sh)
if [[ ${GUESTBOOT_TRACE:-} == 1 ]]; then
	echo 1 >"$work/trace"
	args+=(--add "$work/trace:/etc/guestboot/trace")
fi
echo "guestboot: booting the bed (L1, 2 GiB) and the inner guest (L2) in it; console: $work/console.log"
# A whole run takes 1-3 min here; the timeout ends a bed whose guests stopped
# (seen once in 8 runs, under load: the console stopped during the inner boot
# and the bed's QEMU used no more CPU).
bash "$BED" run --script "$HERE/boot-job.sh" --mem 2G --timeout 600 --results "$out" "${args[@]}" \
	>"$work/console.log" 2>&1 || die "the bed run failed; console: $work/console.log"
echo "guestboot: bed run done in $(($(date +%s) - start)) s; results in $out"
cat "$out/marks"
