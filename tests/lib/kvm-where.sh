#!/usr/bin/env bash
# kvm-where.sh GROUP: runs a check group that needs a KVM wherever there is one
# that fires kvm:kvm_exit, and says where in one line `check-where: ...`.
#   GROUP exitgen  tests/exitgen/run.sh (plain and ASan+UBSan exitgen)
#   GROUP live     tests/live/check-here.sh (plain, ASan+UBSan)
#   GROUP serve    tests/serve/check-here.sh (plain, ASan+UBSan; dynamic builds:
#                  the static one has no HTTP server)
# By the host's kind of KVM (scripts/host-kvm.sh):
#   exits     on the host, with the real-KVM expectations
#   no-exits  on the host with its expectations (kvm_exit never fires), AND
#             in the real-KVM bed (tests/realkvm, kvm_amd under QEMU TCG)
#   none      on the host what needs no KVM (errors), the rest in the bed
# The bed is booted once for every group (tests/lib/kvm-bed-job.sh runs them
# all); its results in build/kvm-bed are reused while the binaries and
# scripts they came from are unchanged (a hash of them), under a lock so
# groups run side by side share one boot; KVM_BED_FRESH=1 boots regardless,
# and a group that failed there drops the results, so a rerun boots again.
# A part that cannot run fails.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 1
GROUPS_ALL=(exitgen live serve)
group=${1:?usage: kvm-where.sh exitgen|live|serve}
BED=build/kvm-bed
BED_WHERE="real-KVM bed (kvm_amd under QEMU TCG)"
case $group in exitgen | live | serve) ;; *) echo "kvm-where: unknown group '$group' (exitgen, live or serve)" >&2; exit 2 ;; esac

kind_line=$(bash scripts/host-kvm.sh build/exitgen) || { echo "check-where: nowhere: scripts/host-kvm.sh could not tell this host's KVM kind"; exit 1; }
kind=${kind_line%%:*}
echo "kvm-where: host KVM kind $kind_line"

host_rc=0
case $group in
exitgen)
	HOST_KVM_KIND=$kind bash tests/exitgen/run.sh build/exitgen build/san/exitgen || host_rc=$?
	;;
live)
	HOST_KVM_KIND=$kind bash tests/live/check-here.sh build/exitstat build/exitgen build/tests/record_tool || host_rc=$?
	echo "-- the same under ASan+UBSan"
	HOST_KVM_KIND=$kind ASAN_OPTIONS=detect_leaks=1 bash tests/live/check-here.sh build/san/exitstat \
		build/exitgen build/san/tests/record_tool || host_rc=$?
	;;
serve)
	HOST_KVM_KIND=$kind bash tests/serve/check-here.sh build/exitstat build/exitgen --prometheus || host_rc=$?
	echo "-- the same under ASan+UBSan"
	HOST_KVM_KIND=$kind ASAN_OPTIONS=detect_leaks=1 bash tests/serve/check-here.sh build/san/exitstat \
		build/exitgen || host_rc=$?
	;;
esac
case $kind in
exits) host_where="host ($kind_line)" ;;
no-exits) host_where="host (no-exits: $(sed -n 's/.*(\(kvm_pvm\) is loaded).*/\1/p' <<<"$kind_line" | grep . || echo 'kvm_exit never fires'))" ;;
none) host_where="host (none: only the checks that need no KVM)" ;;
esac

if [[ $kind == exits ]]; then
	echo "check-where: $host_where"
	exit $host_rc
fi

# --- the bed: boot once for every group, reuse while the inputs are the same ---
inputs=(build/static/exitgen build/static/exitstat build/static/record_tool
	build/san/exitgen build/san/exitstat build/san/tests/record_tool build/exitstat
	tests/exitgen/run.sh tests/live/check-here.sh tests/serve/check-here.sh tests/lib/assert.sh tests/lib/ready.sh tests/lib/kvm-bed-job.sh
	scripts/host-kvm.sh tests/realkvm/bed.sh tests/realkvm/guest/init tests/realkvm/guest/lib.sh)
bed_ok=1 bed_why=
for f in "${inputs[@]}"; do
	[[ -e $f ]] || { bed_ok=0; bed_why="$f is missing (make static; make)"; }
done
if ((bed_ok)); then
	mkdir -p build
	exec 9>build/kvm-bed.lock
	flock 9
	sum=$( { md5sum "${inputs[@]}"; echo "${GROUPS_ALL[*]}"; } | md5sum | cut -d' ' -f1)
	if [[ -z ${KVM_BED_FRESH:-} && -e $BED/.complete && $(cat "$BED/inputs.md5" 2>/dev/null) == "$sum" ]]; then
		echo "kvm-where: the bed's results in $BED ($(date -r "$BED/.complete" "+%F %T")) came from these same binaries and scripts: not booting again (KVM_BED_FRESH=1 boots)"
	else
		rm -f "$BED/.complete"
		tmp=$(mktemp -d)
		printf '%s\n' "${GROUPS_ALL[@]}" >"$tmp/groups"
		dyn=(--add-dyn /bin/bash --add-dyn /usr/bin/jq --add-dyn /usr/bin/perf
			--add-dyn /usr/bin/setpriv:/bin/setpriv --add-dyn /usr/bin/unshare:/bin/unshare
			--add-dyn /usr/bin/curl --add-dyn /usr/bin/prometheus)
		for f in build/san/exitgen build/san/exitstat build/san/tests/record_tool build/exitstat; do
			dyn+=(--add-dyn "$REPO/$f:/repo/$f")
		done
		for f in tests/exitgen/run.sh tests/live/check-here.sh tests/serve/check-here.sh tests/lib/assert.sh tests/lib/ready.sh scripts/host-kvm.sh; do
			dyn+=(--add "$REPO/$f:/repo/$f")
		done
		echo "kvm-where: booting the real-KVM bed for the groups ${GROUPS_ALL[*]} (one boot for all)"
		bash tests/realkvm/bed.sh run --script tests/lib/kvm-bed-job.sh --smp 1 --timeout 1800 \
			--add "$tmp/groups:/etc/kvm-bed/groups" "${dyn[@]}" --results "$BED" >"$tmp/bed.out" 2>&1
		brc=$?
		grep -E '^kvm-bed:|^bed:|bed-guest:' "$tmp/bed.out"
		if ((brc == 0)); then
			echo "$sum" >"$BED/inputs.md5"
			touch "$BED/.complete"
		else
			bed_ok=0
			bed_why="the bed run failed (status $brc; console: $BED/console.log)"
			tail -n 20 "$tmp/bed.out"
		fi
		rm -rf "$tmp"
	fi
	flock -u 9
fi

bed_rc=1
if ((bed_ok)); then
	echo "---- in the $BED_WHERE ($(cat "$BED/kind.txt"))"
	cat "$BED/$group.log"
	bed_rc=$(cat "$BED/$group.rc" 2>/dev/null || echo 1)
	# a failure is never reused: the next run boots again
	[[ $bed_rc == 0 ]] || rm -f "$BED/.complete"
	echo "check-where: $host_where + $BED_WHERE"
else
	echo "check-where: $host_where; the $BED_WHERE could not run: $bed_why"
fi
((host_rc == 0 && bed_rc == 0))
