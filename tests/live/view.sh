#!/usr/bin/env bash
# `make check-live-view`: the interactive top-like view on a terminal, driven
# through a pty (util-linux `script`, in bsdutils, Essential in Debian) with
# keys written to it, over exitgen's known exits on this host's KVM:
#   - the first screen, before any exit, says 0 exits (and never "from first
#     to last exit");
#   - s: the next sort key; p: the display stands still while exitgen's 300
#     OUTs happen (s redraws the frozen screen: still 0), p again: the 300
#     appear, as total and as current (since the last screen before the
#     pause); r: current 0 again, total 300, and it says so; q: the final
#     table as usual, status 0;
#   - every line within the terminal's width (132, 80, 60 columns);
#   - the terminal's mode (stty -g) is what it was after q, SIGTERM and
#     SIGHUP, and while stopped by SIGTSTP (Ctrl-Z; the keys' mode again
#     after fg); --batch draws no screens.
# The rows are exitgen's io: the io reason where kvm_exit fires, the kvm_pio
# event where it never does (kvm_pvm: the view shows the KVM events, like
# kvm_stat). On a host with no KVM only the one-line error and the terminal
# are checked. No step waits a fixed time: exitgen and exitstat say when they
# are ready (FIFOs), and each screen is awaited by what it must say.
# usage: view.sh EXITSTAT EXITGEN
set -uo pipefail
ES=$(realpath "${1:?usage: view.sh EXITSTAT EXITGEN}")
EG=$(realpath "${2:?usage: view.sh EXITSTAT EXITGEN}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$HERE/../lib/assert.sh"
need_built "$ES"
need_built "$EG"
command -v script >/dev/null || { bad "script (util-linux, package bsdutils) is missing"; assert_summary; exit 1; }

kind=${HOST_KVM_KIND:-}
if [[ -z $kind ]]; then
	line=$(bash "$HERE/../../scripts/host-kvm.sh" "$EG") || { echo "check-live-view: scripts/host-kvm.sh could not tell this host's KVM kind" >&2; exit 1; }
	kind=${line%%:*}
	echo "check-live-view: host KVM kind $line"
fi

READY_DIR=$tmp
. "$HERE/../lib/ready.sh"

# view NAME COLS ARGS...: exitstat ARGS on a pty of COLS columns, in the
# background; keys go in with `key`, the screen is $tmp/NAME.screen, the
# terminal's mode before and after in $tmp/NAME.stty-{before,after}.
view() {
	local name=$1 cols=$2
	shift 2
	# With VIEW_JOBS=1 the shell does job control, as an interactive one does:
	# exitstat is its own foreground process group, so Ctrl-Z can stop it
	# (an orphaned group's is discarded); the shell notes the terminal's mode
	# while it is stopped, then brings it back with fg.
	cat >"$tmp/$name.sh" <<-EOF
		stty cols $cols rows 0
		stty -g >$tmp/$name.stty-before
		$( ((${VIEW_JOBS:-0})) && echo "set -m")
		$(printf '%q ' "$ES" "$@")
		rc=\$?
		if [ \$rc = 148 ]; then stty -g >$tmp/$name.stty-stopped; fg; rc=\$?; fi
		echo "exitstat-status \$rc"
		stty -g >$tmp/$name.stty-after
	EOF
	ready_fifo keys
	script -q -c "bash $tmp/$name.sh" /dev/null <"$tmp/keys" >"$tmp/$name.screen" 2>&1 &
	view_pid=$!
	view_name=$name
	frame_no=0
}
key() { printf %s "$1" >&"${ready_fds[keys]}"; }

# The screen's frames (split at the clear-screen code), CRs dropped: frame N is record N+1.
frames() { tr -d '\r' <"$tmp/$view_name.screen" | awk -v RS='\033\\[H\033\\[J' "$@"; }

# await_frame REGEX...: a frame after the last one awaited matching every REGEX (within 60 s);
# its number in frame_no, its text in frame. A view that ended first fails at once.
await_frame() {
	local n deadline=$((SECONDS + 60)) ended=0
	while :; do
		n=$(frames -v after="$frame_no" -v res="$(printf '%s\n' "$@")" '
			NR - 1 > after { m = split(res, r, "\n"); ok = 1
				for (i = 1; i <= m; i++) if (r[i] != "" && $0 !~ r[i]) ok = 0
				if (ok) { print NR - 1; exit } }')
		if [[ -n $n ]]; then
			frame_no=$n
			frame=$(frames -v n="$n" 'NR - 1 == n')
			return 0
		fi
		((ended)) && break
		kill -0 "$view_pid" 2>/dev/null || ended=1	# one more look at what it wrote
		((SECONDS < deadline)) || break
		sleep 0.05
	done
	frame=$(frames 'END { print }')
	return 1
}

# await_end: the view's process is over (q, a signal); its whole screen in $screen.
await_end() {
	wait "$view_pid"
	close_fifo keys
	screen=$(tr -d '\r' <"$tmp/$view_name.screen")
}

# Every line of the screen at most COLS characters (escape codes aside).
within() {
	local cols=$1 long
	# (the final table after the view is the usual report, as wide as it is)
	long=$(tr -d '\r' <"$tmp/$view_name.screen" | sed 's/\x1b\[[HJ]//g' |
		sed '/^exitstat: [0-9]* exits from\|^kvm:kvm_exit never fired/,$d' | awk -v c="$cols" 'length($0) > c { print length($0) ": " $0; exit }')
	[[ -z $long ]] && ok "$view_name: every line within $cols columns" ||
		bad "$view_name: a line longer than $cols columns: $long"
}

same_tty() {
	[[ -s $tmp/$view_name.stty-after ]] &&
		cmp -s "$tmp/$view_name.stty-before" "$tmp/$view_name.stty-after" &&
		ok "$view_name: the terminal's mode after is what it was before ($1)" ||
		bad "$view_name: the terminal's mode changed ($1): $(cat "$tmp/$view_name.stty-before") -> $(cat "$tmp/$view_name.stty-after" 2>/dev/null)"
}

if [[ $kind == none ]]; then
	view none 80 -d 0.2
	await_end
	grep -q "exitstat-status 1" <<<"$screen" && grep -q "no kvm tracepoints" <<<"$screen" &&
		ok "no KVM: one error, status 1" || bad "no KVM: $(head -c 400 <<<"$screen")"
	same_tty "no KVM"
	echo "check-where: host (none: only the error and the terminal; the view needs a KVM)"
	assert_summary "" "(KVM kind none)"
	exit
fi

# The io row of exitgen's OUTs: words of the reason (or, where kvm_exit never fires, event) row.
if [[ $kind == exits ]]; then
	io_re='^(svm +0x7b +io|vmx +30 +IO_INSTRUCTION) '
else
	io_re='^kvm_pio '
fi
# io_row: "TOTAL CUR" of the io row of $frame (132 columns: both columns are there).
io_row() {
	grep -E "$io_re" <<<"$frame" | sed -E 's/^(svm +0x7b +|vmx +30 +)//' | awk '{ print $2, $3 }'
}

# --- keys, over exitgen: -p, so the view goes on after exitgen ends ---
ready_fifo eg; ready_fifo go; ready_fifo es
"$EG" --ready-file "$tmp/eg" --go-file "$tmp/go" out:200 wait out:300 hlt >"$tmp/eg.out" 2>&1 &
egpid=$!
await_ready eg || bad "exitgen never said it was ready"
view keys 132 -d 0.2 -p "$egpid" --ready-file "$tmp/es"
if ! await_ready es; then
	bad "keys: exitstat never said it was ready: $(tr -d '\r' <"$tmp/keys.screen" | head -c 400)"
	release go; wait $egpid; kill $view_pid; assert_summary; exit 1
fi
espid=$ready_pid
if await_frame '\(no exits so far\)' 'keys: q quit'; then
	grep -q "exitstat live: 0 exits in " <<<"$frame" && ! grep -q "first to last" <<<"$frame" &&
		ok "keys: the first screen says 0 exits, and nothing from first to last exit" ||
		bad "keys: first screen: $frame"
else
	bad "keys: no first screen with '(no exits so far)' and the keys: $frame"
fi
key s
await_frame 'sort: current' 'sorted by current' && ok "keys: s sorts by current" ||
	bad "keys: s: no screen sorted by current: $frame"
key p
await_frame 'PAUSED' && ok "keys: p says PAUSED" || bad "keys: p: no PAUSED screen: $frame"
# exitgen's 300 OUTs and its HLT happen while the display stands still.
release go
wait $egpid
key s
if await_frame 'sorted by time'; then
	grep -q PAUSED <<<"$frame" && grep -q '(no exits so far)' <<<"$frame" &&
		ok "keys: paused: s redraws the frozen screen (still 0, though exitgen's 300 OUTs are done)" ||
		bad "keys: paused: the screen after exitgen ended is not the frozen one: $frame"
else
	bad "keys: s while paused: no screen sorted by time: $frame"
fi
key p
if await_frame 'resumed'; then
	equal "keys: p resumes: io total and current (since the screen before the pause) 300" "$(io_row)" "300 300"
else
	bad "keys: p again: no 'resumed' screen: $frame"
fi
key r
if await_frame 'current reset at'; then
	equal "keys: r: io total 300, current 0, and it says so" "$(io_row)" "300 0"
else
	bad "keys: r: no 'current reset at' screen: $frame"
fi
key q
await_end
grep -q "exitstat-status 0" <<<"$screen" && ok "keys: q ends with status 0" ||
	bad "keys: q: $(tail -c 400 <<<"$screen")"
# The final report: after the last screen, from its first line on.
final=$(frames 'END { print }' | sed -n '/^exitstat: [0-9]* exits from\|^kvm:kvm_exit never fired/,$p')
if [[ $kind == exits ]]; then
	grep -qE "^(svm +0x7b +io|vmx +30 +IO_INSTRUCTION) +300 " <<<"$final" &&
		ok "keys: q: the final table, io 300" || bad "keys: q: no final table with io 300: $final"
else
	grep -q "kvm:kvm_exit never fired" <<<"$final" && grep -qE "^ +kvm_pio +300$" <<<"$final" &&
		ok "keys: q: the final report: kvm_exit never fired, kvm_pio 300" ||
		bad "keys: q: no final report with kvm_pio 300: $final"
fi
within 132
same_tty "after q"
for f in eg go es; do close_fifo $f; done

# --- the terminal after signals; 80 and 60 columns ---
for sig in TERM HUP; do
	ready_fifo es
	# -p this shell: a pid with no KVM events, so the screen is the same on a busy host.
	view "sig$sig" 80 -d 0.2 -p $$ --ready-file "$tmp/es"
	if await_ready es && await_frame 'keys: q quit'; then
		kill -$sig "$ready_pid"
		await_end
		if [[ $sig == TERM ]]; then
			grep -q "exitstat-status 0" <<<"$screen" && ok "sigTERM: status 0 (the final report)" ||
				bad "sigTERM: $(tail -c 300 <<<"$screen")"
		else
			grep -q "exitstat-status 129" <<<"$screen" && ok "sigHUP: killed by SIGHUP (status 129)" ||
				bad "sigHUP: $(tail -c 300 <<<"$screen")"
		fi
		same_tty "after SIG$sig"
		[[ $sig == HUP ]] || within 80	# (bash's own "Hangup" line is no screen)
	else
		bad "sig$sig: exitstat never ready or no screen: $frame"
		kill $view_pid; await_end
	fi
	close_fifo es
done

# Ctrl-Z (SIGTSTP): the terminal as it was while stopped, the keys' mode again after fg.
# (polled: the terminal's mode is the readiness signal)
# poll_until SECONDS CMD...: CMD succeeds within SECONDS.
poll_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}
mode_is_not() { [[ $(stty -g -F "$1" 2>/dev/null) != "$2" ]]; }
ready_fifo es
VIEW_JOBS=1 view tstp 80 -d 0.2 -p $$ --ready-file "$tmp/es"
if await_ready es && await_frame 'keys: q quit'; then
	espid=$ready_pid
	pts=$(readlink "/proc/$espid/fd/0")
	before=$(cat "$tmp/tstp.stty-before")
	mode_is_not "$pts" "$before" && ok "tstp: the view changed the terminal's mode (keys)" ||
		bad "tstp: the terminal's mode on $pts is unchanged while the view runs"
	kill -TSTP "$espid"
	if poll_until 60 test -s "$tmp/tstp.stty-stopped"; then
		equal "tstp: stopped by Ctrl-Z, the terminal is as it was" "$(cat "$tmp/tstp.stty-stopped")" "$before"
		poll_until 60 mode_is_not "$pts" "$before" && ok "tstp: after fg, the keys' mode again" ||
			bad "tstp: after fg, the terminal's mode stayed as before"
	else
		bad "tstp: SIGTSTP did not stop exitstat: $(tail -c 300 "$tmp/tstp.screen")"
	fi
	key q
	await_end
	grep -q "exitstat-status 0" <<<"$screen" && ok "tstp: q after fg ends it, status 0" ||
		bad "tstp: $(tail -c 300 <<<"$screen")"
	same_tty "after Ctrl-Z, fg and q"
else
	bad "tstp: exitstat never ready or no screen: $frame"
	kill $view_pid; await_end
fi
close_fifo es

ready_fifo es
view narrow 60 -d 0.2 -p $$ --ready-file "$tmp/es"
if await_ready es && await_frame 'keys: q quit'; then
	heads=$(grep -E '^reason' <<<"$frame")
	[[ $heads =~ cur/s && ! $heads =~ mean ]] && ok "narrow: 60 columns: cur/s kept, mean dropped: $heads" ||
		bad "narrow: column heads at 60: '$heads'"
	key q
	await_end
	within 60
	same_tty "after q at 60 columns"
else
	bad "narrow: exitstat never ready or no screen: $frame"
	kill $view_pid; await_end
fi
close_fifo es

# --batch on a terminal: plain tables, no screens, no keys.
view batch 80 --batch -d 0.2 -D 1 -p $$
await_end
! grep -q $'\033\\[H' <<<"$screen" && grep -q "exitstat-status 0" <<<"$screen" &&
	grep -q "interim report 1" <<<"$screen" && ! grep -q "keys: q quit" <<<"$screen" &&
	ok "batch: --batch on a terminal: interim tables, no screen codes, no keys" ||
	bad "batch: $(head -c 400 <<<"$screen")"
same_tty "--batch"

echo "check-where: host ($kind: $([[ $kind == exits ]] && echo 'the io exit reason' || echo 'kvm_exit never fires: the kvm_pio event'))"
assert_summary "" "(KVM kind $kind)"
