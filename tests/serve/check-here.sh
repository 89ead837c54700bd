#!/usr/bin/env bash
# `make check-serve` (part 2): `exitstat serve` live on this host, with the
# expectations of its kind of KVM (scripts/host-kvm.sh; HOST_KVM_KIND=KIND
# skips the probe, as the real-KVM bed does):
#   exits     kvm_exits_total of an exitgen VM equals, per reason, the exits
#             exitgen made after serve attached; its series go after --grace
#   no-exits  (kvm_pvm) exitstat_kvm_exit_fired 0, and kvm_events_total counts
#             exitgen's port I/O and CPUIDs exactly
#   none      only what needs no KVM (option errors, "no kvm tracepoints")
# and on every kind with a KVM: the HTTP answers (/metrics, 404, 405, HEAD),
# idle clients holding connections do not stop a scrape from elsewhere, an
# oversized request is refused, SIGHUP keeps it serving, SIGTERM ends it (0).
# Nothing waits a fixed time: exitgen and exitstat say when they are ready,
# and a scrape is taken as fresh when its exitstat_snapshot_time_seconds is
# later than that of a scrape made after the event (no wall clock: BusyBox's
# date has no sub-second %N in the bed).
# With --prometheus, a Prometheus server (Debian's) scrapes it too, and what
# its query API returns for the VM must equal exitgen's counts.
# usage: check-here.sh EXITSTAT EXITGEN [--prometheus]
set -uo pipefail
ES=${1:?usage: check-here.sh EXITSTAT EXITGEN [--prometheus]}
EG=${2:?usage: check-here.sh EXITSTAT EXITGEN [--prometheus]}
PROM=${3:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
. "$HERE/../lib/assert.sh"
READY_DIR=$tmp
. "$HERE/../lib/ready.sh"

kind=${HOST_KVM_KIND:-}
if [[ -z $kind ]]; then
	line=$(bash "$HERE/../../scripts/host-kvm.sh" "$EG") || { echo "check-serve: scripts/host-kvm.sh could not tell this host's KVM kind" >&2; exit 1; }
	kind=${line%%:*}
	echo "check-serve: host KVM kind $line"
fi
command -v curl >/dev/null || { bad "curl missing (make setup)"; assert_summary check-serve-live; exit 1; }

expect_error "bad --listen" 2 "^exitstat serve: bad value 'nowhere' for --listen " "$ES" serve --listen nowhere
expect_error "--listen port out of range" 2 "bad value '127.0.0.1:70000' for --listen" "$ES" serve --listen 127.0.0.1:70000
expect_error "bad --vm-label-from" 2 "bad value 'dns' for --vm-label-from" "$ES" serve --vm-label-from dns
expect_error "stray word" 2 "^exitstat serve: " "$ES" serve extra
if [[ $kind == none ]]; then
	expect_error "no KVM here: serve" 1 "no kvm tracepoints.*KVM is not loaded" "$ES" serve --listen 127.0.0.1:0
	assert_summary check-serve-live "(KVM kind none: the checks that need a KVM run in the real-KVM bed)"
	exit
fi

# start_serve NAME ARGS...: serve on a free port, ready; sets port_NAME and pid_NAME.
start_serve() {
	local name=$1 port
	shift
	ready_fifo "$name"
	"$ES" serve --listen 127.0.0.1:0 --ready-file "$tmp/$name" "$@" 2>"$tmp/$name.err" &
	pids+=($!)
	printf -v "pid_$name" %s $!
	await_ready "$name" || { bad "serve $name never said it was ready: $(head -c 300 "$tmp/$name.err")"; return 1; }
	port=$(sed -n 's|^exitstat serve: serving http://127.0.0.1:\([0-9]*\)/metrics .*|\1|p' "$tmp/$name.err")
	[[ -n $port ]] || { bad "serve $name did not say its port: $(head -c 300 "$tmp/$name.err")"; return 1; }
	printf -v "port_$name" %s "$port"
}

# snap FILE: its exitstat_snapshot_time_seconds.
snap() { sed -n 's/^exitstat_snapshot_time_seconds //p' "$1"; }

# fresh PORT OUT [AFTER]: scrape into OUT until its counts were read after this
# call began (a snapshot newer than that of a first scrape), and after Unix
# time AFTER (a snapshot time) if given. 60 s bound.
fresh() {
	local t0
	curl -sf --max-time 10 "http://127.0.0.1:$1/metrics" >"$2" || return 1
	t0=$(snap "$2")
	[[ -n ${3:-} ]] && t0=$(awk -v a="$t0" -v b="$3" 'BEGIN { print (a > b) ? a : b }')
	for _ in $(seq 600); do
		curl -sf --max-time 10 "http://127.0.0.1:$1/metrics" >"$2" || return 1
		awk -v t="$(snap "$2")" -v a="$t0" 'BEGIN { exit !(t > a) }' && return 0
		sleep 0.1	# a poll for the next snapshot, not a delay before an assertion
	done
	return 1
}

# metric FILE NAME LABEL-REGEX: the sum of NAME's samples whose labels match.
metric() {
	awk -v n="$2" -v re="$3" '$1 ~ "^" n "[{ ]" || $1 == n { if ($1 ~ re) s += $2 } END { print s + 0 }' "$1"
}

# --- the counts of one VM (-p), against what exitgen made after serve attached ----
for be in bpf perf; do
	ready_fifo eg; ready_fifo go
	"$EG" --json --ready-file "$tmp/eg" --go-file "$tmp/go" wait out:1000 in:300 cpuid:500 hlt >"$tmp/eg.json" 2>"$tmp/eg.err" &
	egpid=$!
	if await_ready eg && start_serve one --backend "$be" -p "$egpid" --refresh 0.2; then
		release go
		wait $egpid
		if fresh "$port_one" "$tmp/one.prom"; then
			# exitgen's own account; the wait step's OUT came before serve attached
			read -r e_io e_cpuid e_hlt < <(jq -r '.expected | "\(.io - 1) \(.cpuid) \(.hlt)"' "$tmp/eg.json")
			if [[ $kind == exits ]]; then
				# BPF counts in the kernel and loses nothing; perf may lose what its
				# rings overflow with, and must then say so: exact, or short by at
				# most what exitstat_events_lost_total says.
				lost=$(metric "$tmp/one.prom" exitstat_events_lost_total .)
				short=0 got=() want=()
				for r in "io 0x7b|0x1e $e_io" "cpuid 0x72|0xa $e_cpuid" "hlt 0x78|0xc $e_hlt"; do
					set -- $r
					n=$(metric "$tmp/one.prom" kvm_exits_total "pid=\"$egpid\".*code=\"($2)\"")
					got+=("$1 $n") want+=("$1 $3")
					((n <= $3)) && short=$((short + $3 - n)) || short=999999999
				done
				if [[ "${got[*]}" == "${want[*]}" ]] || [[ $be == perf && $short -le $lost ]]; then
					ok "$be/exits: kvm_exits_total of pid $egpid: ${got[*]} (exitgen's after attaching: ${want[*]}; lost $lost)"
				else
					bad "$be/exits: kvm_exits_total of pid $egpid: ${got[*]}, exitgen's after attaching: ${want[*]} (lost $lost); serve said: $(head -c 300 "$tmp/one.err"); the scrape: $(grep -v '^#' "$tmp/one.prom" | grep -v duration | head -c 600)"
				fi
				[[ $be == perf ]] || equal "$be/exits: exitstat_events_lost_total" "$lost" 0
				equal "$be/exits: exitstat_kvm_exit_fired" "$(metric "$tmp/one.prom" exitstat_kvm_exit_fired .)" 1
				n=$(metric "$tmp/one.prom" kvm_exit_duration_seconds_count "pid=\"$egpid\".*code=\"(0x7b|0x1e)\"")
				((n <= e_io && n + lost >= e_io)) && ok "$be/exits: time in exit of the io exits: $n (of $e_io, lost $lost)" ||
					bad "$be/exits: time in exit of the io exits: histogram _count $n, want $e_io (lost $lost)"
			else
				equal "$be/no-exits: exitstat_kvm_exit_fired" "$(metric "$tmp/one.prom" exitstat_kvm_exit_fired .)" 0
				equal "$be/no-exits: kvm_events_total kvm_pio == exitgen's OUTs and INs" \
					"$(metric "$tmp/one.prom" kvm_events_total 'event="kvm_pio"')" "$e_io"
				equal "$be/no-exits: kvm_events_total kvm_cpuid == exitgen's CPUIDs" \
					"$(metric "$tmp/one.prom" kvm_events_total 'event="kvm_cpuid"')" "$e_cpuid"
				equal "$be/no-exits: no kvm_exits_total series" "$(grep -c '^kvm_exits_total{' "$tmp/one.prom")" 0
			fi
		else
			bad "$be: no fresh scrape after exitgen ended: $(head -c 300 "$tmp/one.err")"
		fi
		kill -TERM "$pid_one"
		wait "$pid_one"
		equal "$be/SIGTERM: serve ends with status 0" "$?" 0
	else
		release go
		wait $egpid
	fi
	close_fifo eg; close_fifo go; close_fifo one
done

# --- rows and hash keys recycled: more VMs, one after another, than BPF has room for ---
# recycle_check NAME ROWS HASH WHAT: serve with ROWS rows (EXITSTAT_TEST_BPF_ROWS,
# 0: every exit goes to the exit_stats hash) and a HASH-key exit_stats hash
# (EXITSTAT_TEST_BPF_HASH); five VMs one after another, each more than what
# is left after the first, so the VMs after the first count exactly only if
# the rows (or keys) of the ended ones came back; an exit that finds neither
# row nor hash room is counted lost. After each VM, a scrape must hold every
# VM's exits so far, exactly, lost 0. At the end, -v's line of what was
# recycled: with rows, one row per vCPU thread exitgen ran (its --json's
# per_vcpu); without, no row, and the keys of every VM (its --json's pid):
# at least one per vCPU and reason exitgen made exits of (its start may make
# a rare one or two more: not known here).
recycle_check() {
	local name=$1 rows=$2 hash=$3 what=$4 i n want_io=0 want_cpuid=0 want_hlt=0 got want port pid
	local threads=0 vms="" keys=0 n_threads vm n_keys line r_rows r_keys r_procs
	EXITSTAT_TEST_BPF_ROWS=$rows EXITSTAT_TEST_BPF_HASH=$hash start_serve "$name" --backend bpf --refresh 0.2 --grace 100000 -v ||
		return
	port=port_$name pid=pid_$name
	port=${!port} pid=${!pid}
	for i in 1 2 3 4 5; do
		if ! "$EG" --json --vcpus 2 out:$((100 + i)) cpuid:$((40 + i)) hlt >"$tmp/$name$i.json" 2>"$tmp/$name$i.err"; then
			bad "recycle $what: exitgen VM $i failed: $(head -c 300 "$tmp/$name$i.err")"
			break
		fi
		read -r io cpuid hlt < <(jq -r '.expected | "\(.io) \(.cpuid) \(.hlt)"' "$tmp/$name$i.json")
		want_io=$((want_io + io)) want_cpuid=$((want_cpuid + cpuid)) want_hlt=$((want_hlt + hlt))
		read -r n_threads vm n_keys < <(jq -r '"\(.per_vcpu | length) \(.pid) \([.per_vcpu[].expected |
			[.io, .cpuid, .msr, .mmio + .touch, .hlt][] | select(. > 0)] | length)"' "$tmp/$name$i.json")
		threads=$((threads + n_threads)) vms+="$vm " keys=$((keys + n_keys))
		fresh "$port" "$tmp/$name.prom" || { bad "recycle $what: no fresh scrape after VM $i"; break; }
		got="io $(metric "$tmp/$name.prom" kvm_exits_total 'code="(0x7b|0x1e)"') cpuid $(metric "$tmp/$name.prom" kvm_exits_total 'code="(0x72|0xa)"') hlt $(metric "$tmp/$name.prom" kvm_exits_total 'code="(0x78|0xc)"') lost $(metric "$tmp/$name.prom" exitstat_events_lost_total .)"
		want="io $want_io cpuid $want_cpuid hlt $want_hlt lost 0"
		n=$(grep -c '^kvm_exits_total{.*code="\(0x7b\|0x1e\)"' "$tmp/$name.prom")
		if [[ $got == "$want" ]]; then
			ok "recycle $what: after VM $i of 5 (2 vCPU threads each, $rows BPF rows, $hash hash keys): $got, exitgen's sum; io series of $n vCPUs"
		else
			bad "recycle $what: after VM $i of 5: $got, want exitgen's sum $want; serve said: $(head -c 300 "$tmp/$name.err")"
		fi
	done
	kill -TERM "$pid"
	wait "$pid"
	equal "recycle $what: SIGTERM: serve ends with status 0" "$?" 0
	vms=$(wc -w <<<"$vms")	# exitgen's pids: one per VM that ran
	line=$(sed -n 's/^exitstat serve: BPF recycled \([0-9]*\) rows of ended vCPU threads and \([0-9]*\) exit_stats keys of \([0-9]*\) ended processes$/\1 \2 \3/p' "$tmp/$name.err")
	read -r r_rows r_keys r_procs <<<"$line"
	if [[ -z $line ]]; then
		bad "recycle $what: -v said nothing of what it recycled: $(tail -c 300 "$tmp/$name.err")"
	elif [[ $rows != 0 ]]; then
		equal "recycle $what: -v: rows recycled = exitgen's $threads vCPU threads ($vms VMs)" "$r_rows" "$threads"
	elif ((r_rows == 0 && r_procs == vms && r_keys >= keys)); then
		ok "recycle $what: -v: no rows, $r_keys hash keys of $r_procs ended processes recycled: exitgen's $vms VMs, at least its $keys vCPU x reason keys"
	else
		bad "recycle $what: -v: $r_rows rows, $r_keys keys of $r_procs processes recycled; want 0 rows, keys of exitgen's $vms VMs, at least its $keys vCPU x reason keys"
	fi
	close_fifo "$name"
}
if [[ $kind == exits ]]; then
	# Rows: each VM's two vCPU threads need both rows, the hash has room for one key.
	recycle_check rec 2 1 rows
	# Keys: no rows, so every exit counts in the hash by key. One VM has 6-8
	# keys (2 vCPUs x io, cpuid, hlt and what its start makes): one fits in
	# 12, three do not (without recycling VM 3 loses its exits: seen).
	recycle_check reck 0 12 keys
fi

# --- Prometheus scraping it: its query API against exitgen's counts ------------------
# promq PORT QUERY: the first result's value of an instant query ("" if none).
promq() {
	curl -s --max-time 20 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		jq -r '.data.result[0].value[1] // ""' 2>/dev/null
}

# A port nobody listens on (Prometheus cannot be asked for a free one).
free_port() {
	local p
	for p in $(shuf -i 20000-45000 -n 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

prometheus_check() {
	local pport ppid t_end v
	command -v prometheus >/dev/null || { bad "prometheus: missing (Debian package prometheus: make setup)"; return; }
	ready_fifo eg; ready_fifo go
	"$EG" --ready-file "$tmp/eg" --go-file "$tmp/go" wait out:700 cpuid:300 hlt >/dev/null 2>"$tmp/eg.err" &
	egpid=$!
	if ! await_ready eg || ! start_serve prom -p "$egpid" --refresh 0.2; then
		bad "prometheus: exitgen or serve did not start"
		release go; wait $egpid; close_fifo eg; close_fifo go
		return
	fi
	pport=$(free_port)
	printf 'global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n- job_name: exitstat\n  static_configs: [{targets: ["127.0.0.1:%s"]}]\n' \
		"$port_prom" >"$tmp/prom.yml"
	prometheus --config.file="$tmp/prom.yml" --storage.tsdb.path="$tmp/tsdb" \
		--web.listen-address="127.0.0.1:$pport" --log.level=warn >"$tmp/prom.out" 2>&1 &
	ppid=$!
	pids+=($ppid)
	for _ in $(seq 1200); do	# Go under QEMU TCG starts slowly: a bound, polled
		[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$pport/-/ready") == 200 ]] && break
		kill -0 $ppid 2>/dev/null || break
		sleep 0.1
	done
	release go
	wait $egpid
	fresh "$port_prom" "$tmp/p0.prom" || bad "prometheus: no fresh scrape of serve"
	t_end=$(snap "$tmp/p0.prom")
	for _ in $(seq 1200); do	# until Prometheus holds a snapshot read after exitgen ended
		v=$(promq "$pport" 'exitstat_snapshot_time_seconds')
		[[ -n $v ]] && awk -v t="$v" -v a="$t_end" 'BEGIN { exit !(t > a) }' && break
		kill -0 $ppid 2>/dev/null || break
		sleep 0.1
	done
	equal "prometheus: up{job=\"exitstat\"}" "$(promq "$pport" 'up{job="exitstat"}')" 1
	if [[ $kind == exits ]]; then
		equal "prometheus: kvm_exits_total io of the VM == exitgen's 700 OUTs" \
			"$(promq "$pport" "sum(kvm_exits_total{pid=\"$egpid\",reason=~\"io|IO_INSTRUCTION\"})")" 700
		equal "prometheus: kvm_exits_total cpuid == exitgen's 300" \
			"$(promq "$pport" "sum(kvm_exits_total{pid=\"$egpid\",reason=~\"cpuid|CPUID\"})")" 300
		equal "prometheus: histogram_quantile over the io exits answers" \
			"$(promq "$pport" "histogram_quantile(0.5, sum by (le) (kvm_exit_duration_seconds_bucket{pid=\"$egpid\",reason=~\"io|IO_INSTRUCTION\"})) > 0" | grep -c .)" 1
	else
		equal "prometheus: kvm_events_total kvm_pio == exitgen's 700 OUTs" \
			"$(promq "$pport" 'kvm_events_total{event="kvm_pio"}')" 700
		equal "prometheus: kvm_events_total kvm_cpuid == exitgen's 300" \
			"$(promq "$pport" 'kvm_events_total{event="kvm_cpuid"}')" 300
	fi
	kill "$ppid" "$pid_prom" 2>/dev/null
	wait "$ppid" "$pid_prom" 2>/dev/null
	close_fifo eg; close_fifo go; close_fifo prom
}
[[ $PROM == --prometheus ]] && prometheus_check

# --- every VM: HTTP, clients, signals, grace ---------------------------------------
if start_serve all --refresh 0.2 --grace 5; then
	u=http://127.0.0.1:$port_all
	equal "GET /metrics" "$(curl -s -o /dev/null -w '%{http_code}' "$u/metrics")" 200
	ct=$(curl -s -o /dev/null -w '%{content_type}' "$u/metrics")
	[[ $ct == "text/plain; version=0.0.4; charset=utf-8" ]] && ok "content type $ct" || bad "content type '$ct'"
	equal "HEAD /metrics" "$(curl -s -I -o /dev/null -w '%{http_code}' "$u/metrics")" 200
	equal "GET /other: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$u/other")" 404
	equal "POST /metrics: 405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 "$u/metrics")" 405
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' a)" "$u/metrics")
	[[ $code != 200 ]] && ok "a 70 KB request header is refused ($code)" || bad "a 70 KB request header got 200"
	# Four idle clients from 127.0.0.1 hold their connections open (the per-address limit).
	fds=()
	for _ in 1 2 3 4; do
		exec {fd}<>"/dev/tcp/127.0.0.1/$port_all" && fds+=("$fd")
	done
	equal "4 idle clients: a scrape from 127.0.0.2 still answers" \
		"$(curl -s --max-time 10 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "$u/metrics")" 200
	code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$u/metrics")
	[[ $code != 200 ]] && ok "a 5th client from 127.0.0.1 is turned away (per-address limit)" ||
		bad "a 5th client from 127.0.0.1 was served: the per-address limit does not hold"
	for fd in "${fds[@]}"; do exec {fd}>&-; done
	kill -HUP "$pid_all"
	fresh "$port_all" "$tmp/hup.prom" && ok "SIGHUP: still serving fresh counts" || bad "SIGHUP: no fresh scrape after it"
	if [[ $kind == exits ]]; then
		"$EG" out:10 >/dev/null 2>&1 &
		egpid=$!
		wait $egpid
		if fresh "$port_all" "$tmp/a1.prom"; then
			t1=$(snap "$tmp/a1.prom")	# read after the VM ended, within a refresh or so
			n=$(metric "$tmp/a1.prom" kvm_exits_total "pid=\"$egpid\".*code=\"(0x7b|0x1e)\"")
			# its series stay for --grace 5 s after it ended
			equal "grace: an ended VM's io count is still there just after it ended" "$n" 10
			fresh "$port_all" "$tmp/a2.prom" "$(awk -v b="$t1" 'BEGIN { printf "%.3f", b + 5.5 }')" ||
				bad "grace: no scrape 5.5 s later"
			equal "grace: 5 s after it ended its series are gone" "$(grep -c "pid=\"$egpid\"" "$tmp/a2.prom")" 0
			n=$(metric "$tmp/a2.prom" exitstat_series_expired .)
			((n > 0)) && ok "grace: exitstat_series_expired $n > 0" || bad "grace: exitstat_series_expired $n"
		else
			bad "grace: no fresh scrape"
		fi
	fi
	kill -INT "$pid_all"
	wait "$pid_all"
	equal "SIGINT: serve ends with status 0" "$?" 0
fi
close_fifo all 2>/dev/null
assert_summary check-serve-live
