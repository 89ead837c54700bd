#!/usr/bin/env bash
# `make check-serve` (part 1, no KVM needed): the exposition `exitstat serve`
# answers, made by the same writer (output/metrics.c, through
# build/tests/metrics_tool) from real bed traces, must
#   - pass promtool check metrics (Prometheus's own linter, Debian package
#     prometheus), and parse as the text format (promtool's parser),
#   - count, per (vCPU, SVM exit code), exactly what the guest kernel's hist
#     trigger counted in the same run (tests/fixtures/bed/NAME.hist),
#   - carry histograms whose +Inf bucket equals their _count and whose
#     buckets never fall, with `le` the exact upper bound of each log2 bucket.
# - and `exitstat serve --replay FILE` (no KVM needed: every host) answers
#   /metrics with exactly that exposition's kvm_* series, 404 and 405
#   elsewhere, and ends with status 0 on SIGTERM.
# usage: format.sh METRICS_TOOL [EXITSTAT]
set -uo pipefail
MT=${1:?usage: format.sh METRICS_TOOL [EXITSTAT]}
ES=${2:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FIX=$REPO/tests/fixtures/bed
. "$REPO/tests/lib/assert.sh"
. "$REPO/tests/realkvm/hist.sh"
need_built "$MT"
command -v promtool >/dev/null || { bad "promtool missing (Debian package prometheus: make setup)"; assert_summary check-serve-format; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Complete traces only: the overrun fixture's text lost events its hist has.
for name in ftrace-16 ftrace-64 ftrace-64-vcpus2 perf-64 trace-cmd-64 trace-cmd-16; do
	[[ -e $FIX/$name.txt && -e $FIX/$name.hist ]] || { bad "$name: fixture missing"; continue; }
	if ! "$MT" "$FIX/$name.txt" >"$tmp/$name.prom" 2>"$tmp/err"; then
		bad "$name: metrics_tool failed: $(head -c 300 "$tmp/err")"
		continue
	fi
	if promtool check metrics <"$tmp/$name.prom" >"$tmp/lint" 2>&1; then
		ok "$name: promtool check metrics: clean"
	else
		bad "$name: promtool check metrics: $(head -c 400 "$tmp/lint")"
	fi
	# "vcpu code count" from the exposition, decimal codes, as hist_vcpu_rows gives them.
	got=$(awk -F'[{}]' '/^kvm_exits_total\{/ {
		split($2, kv, ",")
		for (i in kv) { split(kv[i], p, "=\""); sub(/"$/, "", p[2]); l[p[1]] = p[2] }
		c[l["vcpu"] " " l["code"]] += $3 }
		END { for (k in c) print k, c[k] }' "$tmp/$name.prom" |
		while read -r v code n; do echo "$v $((code)) $n"; done | sort -n -k1,1 -k2,2)
	want=$(hist_vcpu_rows "$FIX/$name.hist" | sort -n -k1,1 -k2,2)
	by="vCPU and code"
	if grep -q '^unknown ' <<<"$got"; then
		# trace-cmd's kvm plugin prints no vcpu_id: the vcpu label is "unknown"
		by="code (the trace names no vCPU)"
		got=$(awk '{c[$2] += $3} END {for (k in c) print k, c[k]}' <<<"$got" | sort -n)
		want=$(hist_by_reason "$FIX/$name.hist")
	fi
	[[ -n $want && $got == "$want" ]] && ok "$name: kvm_exits_total per $by == the kernel's hist ($(hist_total "$FIX/$name.hist") exits)" ||
		bad "$name: kvm_exits_total per $by: got [$(tr '\n' ';' <<<"$got")] want [$(tr '\n' ';' <<<"$want")]"
	# Histogram shape: cumulative, +Inf == _count, le = 2^(i+1)-1 ns.
	awk '
		/^kvm_exit_duration_seconds_bucket\{/ {
			s = $1; sub(/,le="[^"]*"\}$/, "", s); le = $1; sub(/.*le="/, "", le); sub(/"\}$/, "", le)
			if (le != "+Inf") {
				if (s != last) { i = 7; prev = 0 }
				want = sprintf("%.9g", (2 ^ (i + 1) - 1) * 1e-9)
				if (le != want) { print "le " le " != " want " at " s; bad++ }
				i++
			}
			if ($2 < prev) { print "bucket falls at " $1; bad++ }
			prev = $2; last = s; if (le == "+Inf") inf[s] = $2
		}
		/^kvm_exit_duration_seconds_count\{/ { s = $1; sub(/_count/, "_bucket", s); sub(/\}$/, "", s); cnt[s] = $2 }
		END { for (s in cnt) if (cnt[s] != inf[s]) { print "count " cnt[s] " != +Inf " inf[s] " at " s; bad++ }
			n = 0; for (s in cnt) n++; if (!n) { print "no histogram"; bad++ }
			exit bad > 0 }' "$tmp/$name.prom" >"$tmp/shape" &&
		ok "$name: histograms cumulative, +Inf == _count, le exact" ||
		bad "$name: histogram shape: $(head -c 400 "$tmp/shape")"
done
# serve --replay: the served series are the writer's, over HTTP, on any host
if [[ -n $ES ]]; then
	READY_DIR=$tmp
	. "$REPO/tests/lib/ready.sh"
	ready_fifo rp
	"$ES" serve --replay "$FIX/ftrace-64-vcpus2.txt" --listen 127.0.0.1:0 --ready-file "$tmp/rp" 2>"$tmp/rp.err" &
	rpid=$!
	if await_ready rp; then
		port=$(sed -n 's|^exitstat serve: serving http://127.0.0.1:\([0-9]*\)/metrics .*|\1|p' "$tmp/rp.err")
		curl -s "http://127.0.0.1:$port/metrics" | grep '^kvm_' >"$tmp/served"
		grep '^kvm_' "$tmp/ftrace-64-vcpus2.prom" >"$tmp/written"
		[[ -s $tmp/served ]] && cmp -s "$tmp/served" "$tmp/written" &&
			ok "serve --replay: /metrics serves the writer's $(wc -l <"$tmp/served") kvm_* lines, byte for byte" ||
			bad "serve --replay: the served kvm_* lines differ from the writer's: $(diff "$tmp/served" "$tmp/written" | head -5)"
		equal "serve --replay: 404 elsewhere, 405 for POST" \
			"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/x") $(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/metrics")" "404 405"
		kill -TERM $rpid
		wait $rpid
		equal "serve --replay: SIGTERM ends it with status 0" "$?" 0
	else
		bad "serve --replay never said it was ready: $(head -c 300 "$tmp/rp.err")"
		kill $rpid 2>/dev/null
	fi
	close_fifo rp
	"$ES" serve --replay "$FIX/ftrace-64-overrun.txt" --listen 127.0.0.1:0 >/dev/null 2>"$tmp/err"
	equal "serve --replay of an incomplete trace: status 1 (the one input rule), said" \
		"$? $(grep -c 'incomplete input' "$tmp/err")" "1 1"
fi

# The Grafana dashboard's queries are PromQL Prometheus accepts (as recording rules, its dashboard variables filled in).
dash=$REPO/contrib/grafana-exitstat.json
if jq -e . "$dash" >/dev/null 2>&1; then
	{
		echo "groups:"
		echo "- name: dashboard"
		echo "  rules:"
		jq -r '.panels[].targets[].expr' "$dash" |
			sed -e 's/\$__rate_interval/1m/g' -e 's/\$instance/.*/g' -e 's/\$vm/.*/g' |
			awk '{ gsub(/\047/, "\047\047"); printf "  - record: dashboard:q%d\n    expr: \047%s\047\n", NR, $0 }'
	} >"$tmp/rules.yml"
	n=$(grep -c 'record:' "$tmp/rules.yml")
	promtool check rules "$tmp/rules.yml" >"$tmp/rules.out" 2>&1 && ((n > 0)) &&
		ok "contrib/grafana-exitstat.json: its $n queries pass promtool check rules" ||
		bad "contrib/grafana-exitstat.json: promtool check rules: $(head -c 400 "$tmp/rules.out")"
else
	bad "contrib/grafana-exitstat.json is not JSON"
fi
assert_summary check-serve-format
