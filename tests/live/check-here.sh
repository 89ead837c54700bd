#!/usr/bin/env bash
# `make check-live`: live collection on this machine. Its KVM (kvm_pvm) never
# fires kvm:kvm_exit, so what is checked here is what does fire: for each
# backend, exitstat run over exitgen must say plainly that kvm_exit never
# fired and count the KVM events that did, exactly as exitgen caused them
# (kvm_pio == expected io, kvm_cpuid == expected cpuid, kvm_userspace_exit ==
# exitgen's own count of KVM_RUN returns); plus the one-line errors.
# usage: check-here.sh EXITSTAT EXITGEN [RECORD_TOOL]
set -uo pipefail
ES=${1:?usage: check-here.sh EXITSTAT EXITGEN [RECORD_TOOL]}
EG=${2:?usage: check-here.sh EXITSTAT EXITGEN [RECORD_TOOL]}
RT=${3:-$(dirname "$ES")/tests/record_tool}
BACKENDS=${LIVE_BACKENDS:-bpf perf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok() { echo "PASS  $*"; pass=$((pass + 1)); }
bad() { echo "FAIL  $*"; fail=$((fail + 1)); }

# expect_error NAME STATUS REGEX CMD...: exits with STATUS, one stderr line matching REGEX.
expect_error() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [[ $rc == "$want" ]] && grep -qE "$re" "$tmp/err" && [[ $(wc -l <"$tmp/err") == 1 ]]; then
		ok "$name: status $rc, '$(cat "$tmp/err")'"
	else
		bad "$name: status $rc (want $want), stderr: $(head -c 400 "$tmp/err")"
	fi
}

if [[ ! -e /sys/module/kvm_pvm && -z ${LIVE_ANY_KVM:-} ]]; then
	echo "check-live: this is not the kvm_pvm machine these checks were written for (no /sys/module/kvm_pvm)"
fi

for be in $BACKENDS; do
	for mode in 64 16; do
		args=(--mode "$mode" out:1000 in:300 cpuid:500 hlt)
		name="$be/mode$mode"
		"$ES" --backend "$be" --format json -o "$tmp/es.json" -- "$EG" --json "${args[@]}" \
			>"$tmp/eg.json" 2>"$tmp/es.err"
		rc=$?
		if [[ $rc != 0 ]]; then
			bad "$name: exitstat status $rc: $(head -c 400 "$tmp/es.err")"
			continue
		fi
		read -r e_io e_cpuid e_user < <(jq -r '"\(.expected.io) \(.expected.cpuid) \([.userspace_exits[]] | add)"' "$tmp/eg.json")
		read -r fired pio cpuid user msg < <(jq -r '"\(.kvm_exit_fired) \(.events.kvm_pio) \(.events.kvm_cpuid) \(.events.kvm_userspace_exit) \(.message)"' "$tmp/es.json")
		src=$(jq -r .source "$tmp/es.json")
		[[ $fired == false ]] && [[ $msg == *"kvm:kvm_exit never fired"* ]] &&
			ok "$name: says kvm_exit never fired ($src)" ||
			bad "$name: no 'kvm_exit never fired' verdict: $(head -c 400 "$tmp/es.json")"
		[[ $pio == "$e_io" ]] && ok "$name: kvm_pio $pio == exitgen expected io $e_io" ||
			bad "$name: kvm_pio $pio != exitgen expected io $e_io"
		[[ $cpuid == "$e_cpuid" ]] && ok "$name: kvm_cpuid $cpuid == exitgen expected cpuid $e_cpuid" ||
			bad "$name: kvm_cpuid $cpuid != exitgen expected cpuid $e_cpuid"
		[[ $user == "$e_user" ]] && ok "$name: kvm_userspace_exit $user == exitgen's KVM_RUN returns $e_user" ||
			bad "$name: kvm_userspace_exit $user != exitgen's KVM_RUN returns $e_user"
		case $src in
		*BPF*) [[ $be == bpf ]] ;;
		*perf*) [[ $be == perf ]] ;;
		*) false ;;
		esac && ok "$name: the source names the $be backend" || bad "$name: source '$src' does not name $be"
	done
	# The table on stdout says it in words.
	"$ES" --backend "$be" -- "$EG" out:10 >"$tmp/table" 2>"$tmp/err"
	grep -q "kvm:kvm_exit never fired" "$tmp/table" && grep -qE "^ +kvm_pio +10$" "$tmp/table" &&
		ok "$be/table: verdict and kvm_pio 10 in the table" ||
		bad "$be/table: $(head -c 600 "$tmp/table") $(head -c 300 "$tmp/err")"
done

# A command's children are followed: exitgen started in the background by a shell.
for be in $BACKENDS; do
	"$ES" --backend "$be" --format json -o "$tmp/c.json" -- sh -c "\"$EG\" out:123 >/dev/null & wait" 2>"$tmp/err"
	pio=$(jq -r .events.kvm_pio "$tmp/c.json" 2>/dev/null)
	[[ $pio == 123 ]] && ok "$be/child of the command: kvm_pio $pio == 123 OUTs of the shell's child" ||
		bad "$be/child of the command: kvm_pio '$pio', want 123: $(head -c 300 "$tmp/err")"
done

# record on a KVM without kvm_exit: a complete, empty recording that says what the kernel counted.
"$ES" record -o "$tmp/r.exr" -- "$EG" out:10 >/dev/null 2>"$tmp/err"
rc=$?
[[ $rc == 0 ]] && grep -q "^exitstat record: 0 exits in .*, 0 lost, kernel counted 0 " "$tmp/err" &&
	ok "record: 0 exits, 0 lost, kernel counted 0 (kvm_exit never fires here)" ||
	bad "record: status $rc: $(head -c 300 "$tmp/err")"
"$ES" record -o "$tmp/int.exr" 2>"$tmp/err" &
espid=$!
sleep 1.5
kill -INT $espid
wait $espid
rc=$?
"$RT" report "$tmp/int.exr" >/dev/null 2>"$tmp/rt.err"
[[ $rc == 0 ]] && grep -q "complete 1" "$tmp/rt.err" &&
	ok "record: Ctrl-C ends it with a complete recording (trailer written)" ||
	bad "record: Ctrl-C: status $rc, reader: $(head -c 300 "$tmp/rt.err")"
expect_error "record without -o" 2 "^exitstat record: -o FILE is required" "$ES" record -- true
expect_error "record: unknown pid" 1 "no process with pid 999999" "$ES" record -o "$tmp/x.exr" -p 999999

# -p: only that process. exitgen sleeps in a step so there is time to attach;
# another exitgen runs alongside and must not be counted.
for be in $BACKENDS; do
	"$EG" out:200 sleep:3000 out:300 hlt >/dev/null 2>&1 &
	egpid=$!
	sleep 1
	"$EG" out:77 sleep:2000 out:77 >/dev/null 2>&1 &
	other=$!
	"$ES" --backend "$be" -p $egpid --format json -o "$tmp/p.json" -D 4 2>"$tmp/err"
	wait $egpid $other
	pio=$(jq -r .events.kvm_pio "$tmp/p.json" 2>/dev/null)
	# The 300 OUTs after the sleep; the 200 and the sleep step's own OUT came before we attached.
	[[ $pio == 300 ]] && ok "$be/-p PID: kvm_pio $pio == the 300 OUTs after attaching, none of the other VM" ||
		bad "$be/-p PID: kvm_pio '$pio', want 300 (not the 200 before attaching, not the other VM's): $(head -c 300 "$tmp/err")"
done
"$EG" out:10 sleep:2000 >/dev/null 2>&1 &
egpid=$!
sleep 0.5
tid=$(ls /proc/$egpid/task | grep -v "^$egpid\$" | head -n 1)
expect_error "-p THREAD" 1 "is a thread of process $egpid: give -p $egpid" "$ES" -p "$tid" -D 1
wait $egpid

# Ctrl-C / SIGTERM: the final report, then exit 0.
for sig in INT TERM; do
	"$ES" --format json -o "$tmp/sig.json" 2>/dev/null &
	espid=$!
	sleep 1.5
	kill -$sig $espid
	wait $espid
	rc=$?
	[[ $rc == 0 ]] && jq -e '.final == true or .kvm_exit_fired == false' "$tmp/sig.json" >/dev/null 2>&1 &&
		ok "SIG$sig: final report written, status 0" ||
		bad "SIG$sig: status $rc, report: $(head -c 200 "$tmp/sig.json")"
done

expect_error "unknown pid" 1 "no process with pid 999999" "$ES" -p 999999 -D 1
expect_error "bad format" 2 "^exitstat: --format xml: " "$ES" --format xml
expect_error "bad backend" 2 "^exitstat: --backend gpu: " "$ES" --backend gpu
expect_error "bad duration" 2 "^exitstat: -D 0: " "$ES" -D 0
expect_error "pid and command" 2 "either -p PID or a command" "$ES" -p 1 -- true
expect_error "tracefs not mounted" 1 "tracefs is not mounted.*mount -t tracefs nodev /sys/kernel/tracing" \
	unshare -m sh -c 'umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; exec "$0" -D 1' "$ES"
expect_error "no kvm tracepoints" 1 "no kvm tracepoints.*KVM is not loaded" \
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/tracing/events/kvm && exec "$0" -D 1' "$ES"
expect_error "not root" 1 "not root and missing CAP_BPF and CAP_PERFMON" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$ES" -D 1
"$ES" -- /nonexistent >/dev/null 2>"$tmp/err"
rc=$?
[[ $rc == 1 ]] && grep -q "cannot run /nonexistent: No such file" "$tmp/err" &&
	grep -q "/nonexistent exited with status 127" "$tmp/err" &&
	ok "command not found: status 1, says so and gives its status 127" ||
	bad "command not found: status $rc, stderr: $(head -c 300 "$tmp/err")"

echo "$pass passed, $fail failed"
((fail == 0))
