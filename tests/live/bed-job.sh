#!/bin/sh
# Guest job of `make check-live-realkvm` (runs inside the real-KVM bed): every
# scenario of /etc/live/scenarios under every method of /etc/live/methods,
# each into /out/<scenario>.<method>/ with the kernel's own hist count.
. /lib/bed/lib.sh
for p in exitgen exitstat; do
	command -v $p >/dev/null || bed_fail "no $p in the initramfs (make static)"
done
methods=$(cat /etc/live/methods)
grep -v '^[[:space:]]*\(#\|$\)' /etc/live/scenarios | while read -r name args; do
	for m in $methods; do
		d=/out/$name.$m
		mkdir -p "$d"
		echo "$args" >"$d/args"
		bed_hist_start
		t0=$(cut -d' ' -f1 /proc/uptime)
		# shellcheck disable=SC2086 # args are words for exitgen
		case $m in
		bpf | perf)
			exitstat --backend "$m" --format json -o "$d/exitstat.json" \
				-- exitgen --json $args >"$d/exitgen.json" 2>"$d/exitstat.err"
			echo $? >"$d/exitstat.rc"
			;;
		record)
			exitstat record -o "$d/rec.exr" -- exitgen --json $args \
				>"$d/exitgen.json" 2>"$d/exitstat.err"
			rc=$?
			# exitstat's report command, or the format's own reader until it reads recordings
			if ! exitstat report --format json "$d/rec.exr" >"$d/exitstat.json" 2>>"$d/exitstat.err"; then
				echo "exitstat report cannot read it: using record_tool report" >>"$d/exitstat.err"
				record_tool report "$d/rec.exr" >"$d/exitstat.json" 2>>"$d/exitstat.err" ||
					rc=$((rc + 100))
			fi
			echo $rc >"$d/exitstat.rc"
			ls -l "$d/rec.exr" >>"$d/exitstat.err"
			;;
		esac
		awk -v s="$t0" '{printf "%.2f\n", $1 - s}' /proc/uptime >"$d/seconds"
		bed_hist_stop "$d/hist.txt"
		echo "live-job: $d: status $(cat "$d/exitstat.rc") in $(cat "$d/seconds") s"
	done
done
