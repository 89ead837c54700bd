# A long ftrace text trace made of a real one (a bed fixture, tests/fixtures/bed):
# its kvm_exit/kvm_entry lines repeated with their timestamps moved on by the
# fixture's span at every copy (one timeline), until exactly N kvm_exit lines.
# Written by awk, not by exitstat, so that the reader is timed on text it did not
# make. With template=1 it prints instead, for each kvm_exit, the fields the
# recording generator (gen_record.c) replays: tid vcpu reason exit_us entry_us
# (entry_us: the next kvm_entry of that thread, 0 if none).
#   awk -v n=N -f gen-ftrace.awk FIXTURE >TRACE
#   awk -v template=1 -f gen-ftrace.awk FIXTURE >TEMPLATE
# Timestamps are handled in microseconds (ftrace prints 6 digits).
function us(ts,   p) {
	p = index(ts, ".")
	return substr(ts, 1, p - 1) * 1000000 + substr(ts, p + 1)
}
/^#/ {
	if (!template && $0 !~ /entries-in-buffer/)
		print	# the renderer's own header, once (the count line would be wrong)
	next
}
/ kvm_(exit|entry): / {
	# The timestamp is the token ending in ':' before the event name.
	m = match($0, /[0-9]+\.[0-9]+: kvm_/)
	if (!m)
		next
	k++
	pre[k] = substr($0, 1, m - 1)
	ts[k] = us(substr($0, m, index(substr($0, m), ":") - 1))
	post[k] = substr($0, m + index(substr($0, m), ":") - 1)
	isexit[k] = post[k] ~ /^: kvm_exit:/
	# The task column `comm-TID` just before [CPU].
	split(pre[k], f, " ")
	for (i in f)
		if (f[i] ~ /-[0-9]+$/)
			tid[k] = substr(f[i], match(f[i], /-[0-9]+$/) + 1)
}
END {
	if (!k) {
		print "gen-ftrace.awk: no kvm_exit/kvm_entry lines in " FILENAME > "/dev/stderr"
		exit 1
	}
	if (template) {
		for (i = 1; i <= k; i++) {
			if (!isexit[i])
				continue
			split(post[i], f, " ")
			vcpu = ""; reason = ""
			for (j = 1; j < length(f); j++) {
				if (f[j] == "vcpu") vcpu = f[j + 1]
				if (f[j] == "reason") { reason = f[j + 1]; break }
			}
			entry = 0
			for (j = i + 1; j <= k; j++)
				if (tid[j] == tid[i]) {
					if (!isexit[j]) entry = ts[j]
					break
				}
			print tid[i], vcpu, reason, ts[i], entry
		}
		exit 0
	}
	span = ts[k] - ts[1] + 1000
	exits = 0
	for (c = 0; exits < n; c++) {
		shift = c * span
		for (i = 1; i <= k && exits < n; i++) {
			t = ts[i] + shift
			printf "%s%d.%06d%s\n", pre[i], int(t / 1000000), t % 1000000, post[i]
			exits += isexit[i]
		}
	}
	# The last exit's entry, so that it has a time in exit like every other.
	if (i <= k && !isexit[i]) {
		t = ts[i] + shift
		printf "%s%d.%06d%s\n", pre[i], int(t / 1000000), t % 1000000, post[i]
	}
}
