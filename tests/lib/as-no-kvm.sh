#!/usr/bin/env bash
# as-no-kvm.sh CMD [ARG...]: runs CMD as if on a host whose kernel has no KVM
# at all, to test that kind of host on a machine that has one. In a private
# mount namespace it hides what such a kernel lacks:
#   /dev/kvm                                  (a /dev copy without it)
#   /sys/kernel/tracing/events/{kvm,kvmmmu}   (empty directories)
#   kvm* lines of available_events            (a filtered copy)
#   /sys/module/kvm*                          (a /sys/module of empty dirs without them)
# Root only. The command's exit status is this script's.
set -euo pipefail
(($#)) || { echo "usage: as-no-kvm.sh CMD [ARG...]" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "as-no-kvm.sh: needs root (mount namespaces)" >&2; exit 1; }

exec unshare -m --propagation private bash -euo pipefail -c '
T=/sys/kernel/tracing
scratch=$(mktemp -d /tmp/as-no-kvm.XXXXXX)
mount -t tmpfs as-no-kvm "$scratch"
mkdir "$scratch/dev" "$scratch/module"

# /dev without kvm; its own mounts (pts, shm, mqueue, ...) bound back in.
cp -a /dev/. "$scratch/dev/" 2>/dev/null || true
rm -f "$scratch/dev/kvm"
while read -r _ mnt _; do
	case $mnt in /dev/?*) mkdir -p "$scratch$mnt"; mount --bind "$mnt" "$scratch$mnt" ;; esac
done </proc/mounts
# --rbind: a plain --bind would leave /dev/pts and /dev/shm behind (no ptys)
mount --move "$scratch/dev" /dev 2>/dev/null || mount --rbind "$scratch/dev" /dev

# No kvm trace events.
if [[ -d $T/events ]]; then
	for e in "$T"/events/kvm*; do
		[[ -d $e ]] && mount -t tmpfs none "$e"
	done
	if [[ -r $T/available_events ]]; then
		grep -v "^kvm" "$T/available_events" >"$scratch/available_events" || true
		mount --bind "$scratch/available_events" "$T/available_events"
	fi
fi

# No kvm modules.
for m in /sys/module/*; do
	case ${m##*/} in kvm*) ;; *) mkdir "$scratch/module/${m##*/}" ;; esac
done
mount --bind "$scratch/module" /sys/module
exec "$@"
' as-no-kvm "$@"
