# Sourced by report-speed.sh: the peers' rows of its table. `perf script` on a
# perf.data and `trace-cmd report` on a trace.dat of about as many exits as
# exitstat reads (whole copies of the template: a few hundred more), at the
# small and the big count, PEER_ROUNDS runs each (default 1).
#
# Neither file can be made without real kvm_exit events (this host's KVM may
# fire none): the templates are a real perf.data and trace.dat from the
# real-KVM bed (tests/bench/fixtures/, make-peer-fixtures.sh), replayed to N
# exits by replay.py. A first run's output is counted: its kvm_exit lines must
# be the replayed count, a whole multiple of the kernel's hist count of the
# template's run, or the bench fails; the timed runs then print to /dev/null,
# as exitstat's do.
peer_fail=0
peer_rounds=${BENCH_REPORT_PEER_ROUNDS:-1}

# $1 tool, $2 template (xz), $3 hist, $4 replay mode, $5 file extension, $6 command label.
peer() {
	local tool=$1 tmpl=$2 hist=$3 mode=$4 ext=$5 label=$6 n src dst per got want
	if ! command -v "$tool" >/dev/null; then
		say "$label: no $tool on this host (scripts/setup.sh installs it): not measured"
		return
	fi
	[[ -s $tmpl && -s $hist ]] || { say "FAIL: $label: no $tmpl or $hist"; peer_fail=1; return; }
	per=$(awk '/Hits:/ {print $2}' "$hist")
	src=$out/peer-$(basename "${tmpl%.xz}")
	[[ -s $src && $src -nt $tmpl ]] || xz -dc "$tmpl" >"$src" || { say "FAIL: cannot unpack $tmpl"; peer_fail=1; return; }
	for n in "$small" "$big"; do
		dst=$out/peer-$n.$ext
		if ! [[ -s $dst && -s $dst.counts && $dst -nt $src && $dst -nt tests/bench/replay.py ]]; then
			say "making $dst (about $n exits, replay.py $mode)"
			python3 tests/bench/replay.py "$mode" "$src" "$n" "$dst" >"$dst.counts" ||
				{ say "FAIL: replaying $src failed"; peer_fail=1; return; }
		fi
		read -r want _ <"$dst.counts"
		if ((want % per)); then
			say "FAIL: $dst: $want kvm_exit, not a multiple of the kernel's $per of the template's run"
			peer_fail=1
			return
		fi
		# The run that counts the output, then the timed runs (the tool alone).
		if [[ $tool == perf ]]; then
			got=$(perf script -i "$dst" 2>/dev/null | grep -c 'kvm_exit:')
		else
			got=$(trace-cmd report -i "$dst" 2>/dev/null | grep -c 'kvm_exit:')
		fi
		if [[ $got != "$want" ]]; then
			say "FAIL: $label $dst printed $got kvm_exit lines, the file holds $want"
			peer_fail=1
			return
		fi
		if [[ $tool == perf ]]; then
			MEASURE_ROUNDS=$peer_rounds measure perf script -i "$dst"
		else
			MEASURE_ROUNDS=$peer_rounds measure trace-cmd report -i "$dst"
		fi
		row "$label" "$want" "$dst" "$BW" "$BC" "$BR"
	done
}

peers() {
	peer perf tests/bench/fixtures/perf-64.data.xz tests/bench/fixtures/perf-64.hist perf data "perf script"
	peer trace-cmd tests/bench/fixtures/trace-cmd-64.dat.xz tests/bench/fixtures/trace-cmd-64.hist tracedat dat "trace-cmd report"
}
