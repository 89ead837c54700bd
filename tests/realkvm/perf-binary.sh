# Sourced by the host-side scripts that copy perf into the bed (make-fixtures.sh,
# tests/fixtures/*/make.sh): which perf binary to copy.

# Debian's /usr/bin/perf may be a wrapper script that runs perf_<version>:
# print the real binary's path, or say why there is none (stderr) and return 1.
bed_perf_binary() {
	local p=/usr/bin/perf
	if [[ ! -e $p ]]; then
		echo "/usr/bin/perf not found (Debian package linux-perf)" >&2
		return 1
	fi
	if ! ldd "$p" >/dev/null 2>&1; then
		p=$(ls /usr/bin/perf_[0-9]* 2>/dev/null | sort -V | tail -n 1)
		if [[ -z $p ]]; then
			echo "/usr/bin/perf is a wrapper and no /usr/bin/perf_<version> exists" >&2
			return 1
		fi
	fi
	echo "$p"
}
