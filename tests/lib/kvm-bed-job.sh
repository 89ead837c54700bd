#!/bin/sh
# Guest job of tests/lib/kvm-where.sh: the check groups that need a KVM whose
# kvm_exit fires, run inside the real-KVM bed with the SAME scripts as on a
# host (carried under /repo), static plain builds in /bin and the ASan+UBSan
# builds with their libraries under /repo/build/san. Each group's output goes
# to /out/GROUP.log and its status to /out/GROUP.rc; the job itself fails only
# when the bed is not what it should be (no kvm_exit).
cd /repo || exit 1
# bash's process substitution needs /dev/fd (devtmpfs has no such link)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
bash scripts/host-kvm.sh /bin/exitgen >/out/kind.txt 2>&1
echo "kvm-bed: KVM kind in the bed: $(cat /out/kind.txt)"
case $(cat /out/kind.txt) in
exits:*) ;;
*) echo "kvm-bed: kvm:kvm_exit does not fire in the bed: its checks would not be real-KVM checks"; exit 1 ;;
esac

for g in $(cat /etc/kvm-bed/groups); do
	t0=$(cut -d' ' -f1 /proc/uptime)
	case $g in
	exitgen)
		bash tests/exitgen/run.sh /bin/exitgen build/san/exitgen
		;;
	live)
		bash tests/live/check-here.sh /bin/exitstat /bin/exitgen /bin/record_tool &&
			echo "-- the same under ASan+UBSan" &&
			ASAN_OPTIONS=detect_leaks=1 bash tests/live/check-here.sh build/san/exitstat \
				/bin/exitgen build/san/tests/record_tool
		;;
	serve)
		# the dynamic build: the static one has no HTTP server (libmicrohttpd needs GnuTLS)
		bash tests/serve/check-here.sh build/exitstat /bin/exitgen --prometheus &&
			echo "-- the same under ASan+UBSan" &&
			ASAN_OPTIONS=detect_leaks=1 bash tests/serve/check-here.sh build/san/exitstat /bin/exitgen
		;;
	*)
		echo "kvm-bed: unknown group $g"
		false
		;;
	esac >/out/$g.log 2>&1
	echo $? >/out/$g.rc
	echo "kvm-bed: $g: status $(cat /out/$g.rc) in $(awk -v s="$t0" '{printf "%.0f", $1 - s}' /proc/uptime) s (guest clock)"
done
exit 0
