# Readiness signals for test scripts (bash), instead of sleeping: exitgen and
# exitstat write "ready PID" to their --ready-file once attached / once their
# guest is held at the wait step; exitgen's wait step goes on when a byte
# comes on its --go-file. Both are FIFOs under $READY_DIR, opened read-write
# here, so neither side's open blocks and nothing is lost between them.
#   ready_fifo NAME      make $READY_DIR/NAME and hold it open
#   await_ready NAME     the "ready PID" line within 60 s (a bound for a
#                        process that died, not a delay); sets ready_pid
#   release NAME         one byte to exitgen's --go-file FIFO NAME
#   close_fifo NAME
declare -A ready_fds=()
ready_pid=

ready_fifo() {
	local fd
	rm -f "$READY_DIR/$1"
	mkfifo "$READY_DIR/$1" || return 1
	exec {fd}<>"$READY_DIR/$1"
	ready_fds[$1]=$fd
}

await_ready() {
	local line
	ready_pid=
	read -t 60 -r line <&"${ready_fds[$1]}" && [[ $line =~ ^ready\ ([0-9]+)$ ]] || return 1
	ready_pid=${BASH_REMATCH[1]}
}

release() {
	printf g >&"${ready_fds[$1]}"	# exactly one byte: exitgen reads one
}

close_fifo() {
	exec {ready_fds[$1]}>&-
	unset "ready_fds[$1]"
	rm -f "$READY_DIR/$1"
}
