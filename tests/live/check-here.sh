#!/usr/bin/env bash
# `make check-live`: live collection and recording on this host, with the
# expectations of its kind of KVM (scripts/host-kvm.sh; HOST_KVM_KIND=KIND
# skips the probe, as the real-KVM bed does):
#   exits     kvm:kvm_exit fires (a real VMX/SVM KVM, or inside the bed): for
#             each backend, exitstat over exitgen counts io, cpuid, msr and hlt
#             exactly as exitgen's "expected" says; -p, record, signals
#   no-exits  a KVM that never fires kvm:kvm_exit (kvm_pvm): exitstat must say
#             plainly that kvm_exit never fired and count the KVM events that
#             did, exactly as exitgen caused them (kvm_pio == expected io,
#             kvm_cpuid == expected cpuid, kvm_userspace_exit == exitgen's own
#             count of KVM_RUN returns); -p, record, signals
#   none      no KVM: only what needs none (option errors, not root, no kvm
#             tracepoints, /dev/kvm missing), each as one clear line
# The one-line errors are checked on every kind. No step waits a fixed time:
# exitgen and exitstat say when they are ready (--ready-file, a FIFO) and
# exitgen's wait step holds its guest until the test writes its --go-file.
# usage: check-here.sh EXITSTAT EXITGEN [RECORD_TOOL]
set -uo pipefail
ES=${1:?usage: check-here.sh EXITSTAT EXITGEN [RECORD_TOOL]}
EG=${2:?usage: check-here.sh EXITSTAT EXITGEN [RECORD_TOOL]}
RT=${3:-$(dirname "$ES")/tests/record_tool}
BACKENDS=${LIVE_BACKENDS:-bpf perf}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$HERE/../lib/assert.sh"

kind=${HOST_KVM_KIND:-}
if [[ -z $kind ]]; then
	line=$(bash "$HERE/../../scripts/host-kvm.sh" "$EG") || { echo "check-live: scripts/host-kvm.sh could not tell this host's KVM kind" >&2; exit 1; }
	kind=${line%%:*}
	echo "check-live: host KVM kind $line"
fi
case $kind in exits | no-exits | none) ;; *) echo "check-live: unknown KVM kind '$kind' (exits, no-exits or none)" >&2; exit 2 ;; esac

READY_DIR=$tmp
. "$HERE/../lib/ready.sh"
# await NAME WHAT: await_ready, or a FAIL naming who never said it.
await() {
	await_ready "$1" && return 0
	bad "$2 never said it was ready on $tmp/$1 within 60 s"
	return 1
}

# Per-reason counts "io cpuid msr hlt" of an exitstat JSON report, SVM or VMX
# codes; with FIELD (e.g. timed) that field of the reasons instead of count.
reason_counts() {
	jq -r --arg f "${2:-count}" '[.reasons[]] as $r
		| def c($s; $v): [$r[] | select((.isa == "svm" and (.code | IN($s[])))
			or (.isa == "vmx" and (.code | IN($v[])))) | .[$f]] | add // 0;
		"\(c([123]; [30])) \(c([114]; [10])) \(c([124]; [31, 32])) \(c([120]; [12]))"' "$1" 2>/dev/null
}

# --- checks that need no KVM: every kind --------------------------------------
expect_error "bad format" 2 "^exitstat live: bad value 'xml' for --format " "$ES" --format xml
expect_error "bad backend" 2 "^exitstat live: bad value 'gpu' for --backend " "$ES" --backend gpu
expect_error "bad duration" 2 "^exitstat live: bad value '0' for --duration " "$ES" -D 0
expect_error "record: bad ring size" 2 "^exitstat record: bad value '3' for --ringbuf " "$ES" record -o "$tmp/x.exr" --ringbuf 3
expect_error "pid and command" 2 "either -p PID or a command" "$ES" -p 1 -- true
expect_error "bad --detail kind" 2 "^exitstat live: bad value 'pio' for --detail " "$ES" --detail pio -D 1
expect_error "record without -o" 2 "^exitstat record: -o FILE is required" "$ES" record -- true
expect_error "tracefs not mounted" 1 "tracefs is not mounted.*mount -t tracefs nodev /sys/kernel/tracing" \
	unshare -m sh -c 'umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug/tracing 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null; exec "$0" -D 1' "$ES"
expect_error "no kvm tracepoints" 1 "no kvm tracepoints.*KVM is not loaded" \
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/tracing/events/kvm && exec "$0" -D 1' "$ES"
expect_error "not root" 1 "not root and missing CAP_BPF and CAP_PERFMON" \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$ES" -D 1
# No /dev/kvm (an empty /dev in a mount namespace): said first, whatever else is there.
expect_error "no /dev/kvm: exitstat" 1 "^exitstat: /dev/kvm is missing: .*no VM runs on this host" \
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" -D 1' "$ES"
expect_error "no /dev/kvm: exitstat record" 1 "^exitstat record: /dev/kvm is missing: .*no VM runs on this host" \
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" record -o "$1" -D 1' "$ES" "$tmp/nokvm.exr"
[[ ! -e $tmp/nokvm.exr ]] && ok "no /dev/kvm: record leaves no recording" || bad "no /dev/kvm: record left $tmp/nokvm.exr"
expect_error "no kvm tracepoints: exitstat record" 1 "^exitstat record: no kvm tracepoints.*KVM is not loaded" \
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/tracing/events/kvm && exec "$0" record -o "$1" -D 1' "$ES" "$tmp/notp.exr"
[[ ! -e $tmp/notp.exr ]] && ok "no kvm tracepoints: record leaves no recording" || bad "no kvm tracepoints: record left $tmp/notp.exr"
# record -o never overwrites a file without --force (said before anything is tried).
echo "precious" >"$tmp/exists.exr"
expect_error "record -o an existing file" 1 "^exitstat record: $tmp/exists.exr exists: give --force to overwrite it$" \
	"$ES" record -o "$tmp/exists.exr" -D 1
equal "record -o an existing file: the file is untouched" "$(cat "$tmp/exists.exr")" "precious"

if [[ $kind == none ]]; then
	# What a user of a host without KVM sees, without any help from this script.
	expect_error "no KVM here: exitstat" 1 "/dev/kvm is missing|no kvm tracepoints.*KVM is not loaded" "$ES" -D 1
	expect_error "no KVM here: exitstat record" 1 "/dev/kvm is missing|no kvm tracepoints.*KVM is not loaded" "$ES" record -o "$tmp/x.exr" -D 1
	[[ ! -e $tmp/x.exr ]] && ok "no KVM here: record leaves no recording" || bad "no KVM here: record left $tmp/x.exr"
	expect_error "no KVM here: exitgen" 1 "/dev/kvm" "$EG" out:1
	expect_error "no KVM here: exitstat --detail" 1 "/dev/kvm is missing|no kvm tracepoints.*KVM is not loaded" "$ES" --detail all -D 1
	assert_summary "" "(KVM kind none: the checks that need a KVM run in the real-KVM bed)"
	exit
fi

# --- with a KVM ------------------------------------------------------------------
# (a pid is looked at after the kvm tracepoints, so these need them)
expect_error "unknown pid" 1 "no process with pid 999999" "$ES" -p 999999 -D 1
expect_error "record: unknown pid" 1 "no process with pid 999999" "$ES" record -o "$tmp/x.exr" -p 999999
# --ready-file is written once attached: a path that cannot be one is said.
expect_error "ready file in no directory" 1 "^exitstat: --ready-file $tmp/none/r: No such file or directory" \
	"$ES" --ready-file "$tmp/none/r" -D 1
expect_error "record: ready file in no directory" 1 "^exitstat record: --ready-file $tmp/none/r: No such file or directory" \
	"$ES" record -o "$tmp/x.exr" --ready-file "$tmp/none/r" -D 1
[[ ! -e $tmp/x.exr ]] && ok "record: a run that never started leaves no recording" || bad "record: a run that never started left $tmp/x.exr"

# counts: exitstat over exitgen
for be in $BACKENDS; do
	for mode in 64 16; do
		args=(--mode "$mode" out:1000 in:300 cpuid:500 hlt)
		[[ $kind == exits ]] && args+=(rdmsr:20 wrmsr:30)
		name="$be/mode$mode"
		"$ES" --backend "$be" --format json -o "$tmp/es.json" -- "$EG" --json "${args[@]}" \
			>"$tmp/eg.json" 2>"$tmp/es.err"
		rc=$?
		if [[ $rc != 0 ]]; then
			bad "$name: exitstat status $rc: $(head -c 400 "$tmp/es.err")"
			continue
		fi
		src=$(jq -r .source "$tmp/es.json")
		case $src in
		*BPF*) [[ $be == bpf ]] ;;
		*perf*) [[ $be == perf ]] ;;
		*) false ;;
		esac && ok "$name: the source names the $be backend" || bad "$name: source '$src' does not name $be"
		if [[ $kind == exits ]]; then
			read -r e_io e_cpuid e_msr e_hlt < <(jq -r '.expected | "\(.io) \(.cpuid) \(.msr) \(.hlt)"' "$tmp/eg.json")
			read -r io cpuid msr hlt < <(reason_counts "$tmp/es.json")
			lost=$(jq -r '.lost_events // .lost // 0' "$tmp/es.json")
			got="io $io cpuid $cpuid msr $msr hlt $hlt"
			want="io $e_io cpuid $e_cpuid msr $e_msr hlt $e_hlt"
			[[ $got == "$want" ]] && ok "$name: per-reason counts $got == exitgen expected" ||
				bad "$name: per-reason counts $got != exitgen expected $want (lost: $lost)"
			continue
		fi
		read -r e_io e_cpuid e_user < <(jq -r '"\(.expected.io) \(.expected.cpuid) \([.userspace_exits[]] | add)"' "$tmp/eg.json")
		read -r fired pio cpuid user msg < <(jq -r '"\(.kvm_exit_fired) \(.events.kvm_pio) \(.events.kvm_cpuid) \(.events.kvm_userspace_exit) \(.message)"' "$tmp/es.json")
		[[ $fired == false ]] && [[ $msg == *"kvm:kvm_exit never fired"* ]] &&
			ok "$name: says kvm_exit never fired ($src)" ||
			bad "$name: no 'kvm_exit never fired' verdict: $(head -c 400 "$tmp/es.json")"
		[[ $pio == "$e_io" ]] && ok "$name: kvm_pio $pio == exitgen expected io $e_io" ||
			bad "$name: kvm_pio $pio != exitgen expected io $e_io"
		[[ $cpuid == "$e_cpuid" ]] && ok "$name: kvm_cpuid $cpuid == exitgen expected cpuid $e_cpuid" ||
			bad "$name: kvm_cpuid $cpuid != exitgen expected cpuid $e_cpuid"
		[[ $user == "$e_user" ]] && ok "$name: kvm_userspace_exit $user == exitgen's KVM_RUN returns $e_user" ||
			bad "$name: kvm_userspace_exit $user != exitgen's KVM_RUN returns $e_user"
	done
	# The table on stdout says it in words.
	"$ES" --backend "$be" -- "$EG" out:10 >"$tmp/table" 2>"$tmp/err"
	if [[ $kind == exits ]]; then
		grep -qE "^(svm +0x7b +io|vmx +0x1e +\S+) +10 " "$tmp/table" &&
			ok "$be/table: the io row says 10" ||
			bad "$be/table: no io row of 10: $(head -c 600 "$tmp/table") $(head -c 300 "$tmp/err")"
	else
		grep -q "kvm:kvm_exit never fired" "$tmp/table" && grep -qE "^ +kvm_pio +10$" "$tmp/table" &&
			ok "$be/table: verdict and kvm_pio 10 in the table" ||
			bad "$be/table: $(head -c 600 "$tmp/table") $(head -c 300 "$tmp/err")"
	fi
done

# --detail: per port where kvm_exit fires (exitgen's OUT to 0xe0, IN from 0xe4, 4 bytes;
# the same key on VMX and SVM); where it never fires, the same verdict as without it.
for be in $BACKENDS; do
	"$ES" --backend "$be" --detail all --format json -o "$tmp/d.json" -- "$EG" --json out:100 in:50 hlt >"$tmp/eg.json" 2>"$tmp/es.err"
	rc=$?
	if [[ $kind == exits ]]; then
		got="$rc $(jq '[.details[] | select(.key == "0x00e0 out 4") | .count] | add // 0' "$tmp/d.json") $(jq '[.details[] | select(.key == "0x00e4 in 4") | .count] | add // 0' "$tmp/d.json")"
		equal "$be/--detail all: status 0, exits per port == exitgen's steps (out 100, in 50)" "$got" "0 100 50"
	else
		[[ $rc == 0 && $(jq -r .kvm_exit_fired "$tmp/d.json") == false && $(jq -r .message "$tmp/d.json") == *"kvm:kvm_exit never fired"* ]] &&
			ok "$be/--detail all: says kvm_exit never fired, as without --detail" ||
			bad "$be/--detail all: status $rc: $(head -c 300 "$tmp/d.json") $(head -c 300 "$tmp/es.err")"
	fi
done

# Time in exit pairs an exit with the next entry of its own vCPU: exitgen
# --vms 3 runs three VMs one after another on one thread, each ending with
# its HLT, after which the VM is closed, so no HLT ever gets an entry (the
# next one is the next VM's first, on another vCPU or the same address).
# BPF on tp_btf (the vCPU at hand): every io timed, no HLT, 3 unpaired.
if [[ $kind == exits && " $BACKENDS " == *" bpf "* ]]; then
	"$ES" --backend bpf --format json -o "$tmp/v.json" -- "$EG" --json --vms 3 out:50 >"$tmp/eg.json" 2>"$tmp/es.err"
	rc=$?
	if [[ $(jq -r .source "$tmp/v.json" 2>/dev/null) == *tp_btf* ]]; then
		read -r io _ _ hlt < <(reason_counts "$tmp/v.json")
		read -r io_timed _ _ hlt_timed < <(reason_counts "$tmp/v.json" timed)
		equal "bpf/exitgen --vms 3 on one thread: status, io, hlt (exitgen: $(jq -c .expected "$tmp/eg.json")), io and hlt timed, unpaired" \
			"$rc $io $hlt $io_timed $hlt_timed $(jq -r .unpaired_exits "$tmp/v.json")" "0 150 3 150 0 3"
	else
		skip "bpf/exitgen --vms 3: not on tp_btf ($(jq -r .source "$tmp/v.json" 2>/dev/null); status $rc: $(head -c 300 "$tmp/es.err"))"
	fi
fi

# io exits of one JSON report: kvm_pio where kvm_exit never fires, else the io reason.
io_of() {
	if [[ $kind == exits ]]; then
		reason_counts "$1" | cut -d' ' -f1
	else
		jq -r .events.kvm_pio "$1" 2>/dev/null
	fi
}

# A command's children are followed: exitgen started in the background by a shell.
for be in $BACKENDS; do
	"$ES" --backend "$be" --format json -o "$tmp/c.json" -- sh -c "\"$EG\" out:123 >/dev/null & wait" 2>"$tmp/err"
	pio=$(io_of "$tmp/c.json")
	[[ $pio == 123 ]] && ok "$be/child of the command: io $pio == 123 OUTs of the shell's child" ||
		bad "$be/child of the command: io '$pio', want 123: $(head -c 300 "$tmp/err")"
done

# record: a complete recording; where kvm_exit never fires an empty one that says what the kernel counted.
# (Over an existing file, with --force: the old bytes are gone.)
echo "old bytes" >"$tmp/r.exr"
"$ES" record --force -o "$tmp/r.exr" -- "$EG" out:10 >/dev/null 2>"$tmp/err"
rc=$?
if [[ $(head -c 9 "$tmp/r.exr" | tr -d '\0') != "old bytes" ]] && "$ES" report "$tmp/r.exr" >/dev/null 2>&1; then
	ok "record --force over an existing file: a new recording"
else
	bad "record --force over an existing file: $(head -c 40 "$tmp/r.exr" | od -c | head -2)"
fi
if [[ $kind == exits ]]; then
	"$RT" report "$tmp/r.exr" >"$tmp/r.json" 2>"$tmp/rt.err"
	read -r n lost kernel < <(sed -n 's/^exitstat record: \([0-9]*\) exits in .*, \([0-9]*\) lost, kernel counted \([0-9]*\).*/\1 \2 \3/p' "$tmp/err")
	read -r io _ _ hlt < <(reason_counts "$tmp/r.json")
	[[ $rc == 0 && $lost == 0 && -n $n && $n == "$kernel" && $io == 10 && $hlt == 1 ]] &&
		ok "record: $n exits == kernel counted $kernel, 0 lost; io 10, hlt 1 in the recording" ||
		bad "record: status $rc, recorded '$n' lost '$lost' kernel '$kernel', io '$io' hlt '$hlt': $(head -c 300 "$tmp/err")"
else
	[[ $rc == 0 ]] && grep -q "^exitstat record: 0 exits in .*, 0 lost, kernel counted 0 " "$tmp/err" &&
		ok "record: 0 exits, 0 lost, kernel counted 0 (kvm_exit never fires here)" ||
		bad "record: status $rc: $(head -c 300 "$tmp/err")"
fi
ready_fifo rec
"$ES" record -o "$tmp/int.exr" --ready-file "$tmp/rec" 2>"$tmp/err" &
espid=$!
if await rec "exitstat record"; then
	kill -INT $espid
	wait $espid
	rc=$?
	"$RT" report "$tmp/int.exr" >/dev/null 2>"$tmp/rt.err"
	[[ $rc == 0 ]] && grep -q "complete 1" "$tmp/rt.err" &&
		ok "record: Ctrl-C ends it with a complete recording (trailer written)" ||
		bad "record: Ctrl-C: status $rc, reader: $(head -c 300 "$tmp/rt.err")"
else
	kill $espid; wait $espid
fi
close_fifo rec

# -p: only that process. exitgen holds its guest at the wait step until
# exitstat is attached; another exitgen runs alongside and must not be counted.
for be in $BACKENDS; do
	ready_fifo eg; ready_fifo other; ready_fifo es; ready_fifo go; ready_fifo go2
	"$EG" --ready-file "$tmp/eg" --go-file "$tmp/go" out:200 wait out:300 hlt >/dev/null 2>"$tmp/eg.err" &
	egpid=$!
	"$EG" --ready-file "$tmp/other" --go-file "$tmp/go2" out:77 wait out:77 >/dev/null 2>&1 &
	other=$!
	espid=
	if await eg exitgen && await other "the other exitgen"; then
		"$ES" --backend "$be" -p $egpid --format json -o "$tmp/p.json" --ready-file "$tmp/es" 2>"$tmp/err" &
		espid=$!
		await es "exitstat -p" || { kill $espid; wait $espid; espid=; }
	fi
	release go; release go2
	wait $egpid $other
	if [[ -n $espid ]]; then
		# exitgen has exited: every exit of it has happened; Ctrl-C gives the final report.
		kill -INT $espid
		wait $espid
		pio=$(io_of "$tmp/p.json")
		# The 300 OUTs after the wait; the 200 and the wait step's own OUT came before exitstat was ready.
		[[ $pio == 300 ]] && ok "$be/-p PID: io $pio == the 300 OUTs after attaching, none of the other VM" ||
			bad "$be/-p PID: io '$pio', want 300 (not the 200 before attaching, not the other VM's): $(head -c 300 "$tmp/err")"
	fi
	for f in eg other es go go2; do close_fifo $f; done
done
ready_fifo eg; ready_fifo go
"$EG" --ready-file "$tmp/eg" --go-file "$tmp/go" out:10 wait >/dev/null 2>&1 &
egpid=$!
if await eg exitgen; then
	tid=$(ls /proc/$egpid/task | grep -v "^$egpid\$" | head -n 1)
	expect_error "-p THREAD" 1 "is a thread of process $egpid: give -p $egpid" "$ES" -p "$tid" -D 1
fi
release go
wait $egpid
close_fifo eg; close_fifo go

# Ctrl-C / SIGTERM: the final report, then exit 0.
for sig in INT TERM; do
	ready_fifo es
	"$ES" --format json -o "$tmp/sig.json" --ready-file "$tmp/es" 2>/dev/null &
	espid=$!
	if await es exitstat; then
		kill -$sig $espid
		wait $espid
		rc=$?
		[[ $rc == 0 ]] && jq -e '.final == true or .kvm_exit_fired == false' "$tmp/sig.json" >/dev/null 2>&1 &&
			ok "SIG$sig: final report written, status 0" ||
			bad "SIG$sig: status $rc, report: $(head -c 200 "$tmp/sig.json")"
	else
		kill $espid; wait $espid
	fi
	close_fifo es
done

# A command that cannot be run: nothing was measured, so no report; the exec's
# error (said by exitstat, not the child) is the one message.
"$ES" -- /nonexistent >"$tmp/out" 2>"$tmp/err"
rc=$?
[[ $rc == 1 && ! -s $tmp/out ]] &&
	[[ $(cat "$tmp/err") == "exitstat: cannot run /nonexistent: No such file or directory" ]] &&
	ok "command not found: status 1, no report, one message: $(cat "$tmp/err")" ||
	bad "command not found: status $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(head -c 300 "$tmp/err")"

assert_summary "" "(KVM kind $kind)"
