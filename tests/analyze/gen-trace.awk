# Write a kvm_exit/kvm_entry trace in the kernel's own ftrace text layout (the
# line layout of tests/fixtures/bed/ftrace-*.txt: kernel 6.12, SVM) with a
# structure we choose, and the ground truth of what was written.
#
#   awk -v seed=N -v truth=FILE -f gen-trace.awk SPEC > trace.txt
#
# SPEC lines: `START_S END_S RATE REASON:WEIGHT[,REASON:WEIGHT...]` (seconds
# from the trace start, exits per second). Arrivals are Poisson (exponential
# gaps, awk's rand() with the given seed); each exit's reason is drawn by
# weight; each exit is followed by its kvm_entry after a fixed time in exit
# per reason (dur_us below). Timestamps are whole microseconds, as ftrace
# prints them. TRUTH gets, per segment and in total, the exits per reason and
# the time in exit per reason in ns.
BEGIN {
	base = 1000.000000
	dur_us["io"] = 3; dur_us["cpuid"] = 1; dur_us["msr"] = 2; dur_us["npf"] = 5
	dur_us["hlt"] = 200; dur_us["interrupt"] = 1; dur_us["vintr"] = 1
	srand(seed)
	printf "# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:1\n#\n"
	printf "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	printf "#              | |         |   |||||     |         |\n"
	last_us = 0
}
/^#/ || NF == 0 { next }
{
	seg++
	start_us = $1 * 1e6; end_us = $2 * 1e6; rate = $3
	n = split($4, parts, ",")
	wsum = 0
	for (i = 1; i <= n; i++) {
		split(parts[i], kv, ":")
		name[i] = kv[1]; w[i] = kv[2]; wsum += kv[2]
	}
	if (rate <= 0)
		next
	t = start_us
	while (1) {
		t += -log(1 - rand()) / rate * 1e6
		us = int(t)
		if (us <= last_us)
			us = last_us + 1
		if (us >= end_us)
			break
		x = rand() * wsum
		for (i = 1; i < n && x >= w[i]; i++)
			x -= w[i]
		r = name[i]
		d = dur_us[r]
		if (d == "")
			d = 1
		printf "   qemu-system-x86-4242    [001] d..1. %12.6f: kvm_exit: vcpu 0 reason %s rip 0xffffffff8100%04x info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000\n", base + us / 1e6, r, (us % 65536)
		printf "   qemu-system-x86-4242    [001] d..1. %12.6f: kvm_entry: vcpu 0, rip 0xffffffff8100%04x\n", base + (us + d) / 1e6, (us % 65536)
		if (!nexits++)
			first_us = us
		last_us = us + d
		t = us + d
		cnt[seg, r]++; tot[r]++; ns[r] += d * 1000; segtot[seg]++
		seen[r] = 1
	}
}
END {
	printf "first_s %.6f\n", first_us / 1e6 > truth
	for (s = 1; s <= seg; s++) {
		line = "segment " s " exits " segtot[s] + 0
		for (r in seen)
			if (cnt[s, r])
				line = line " " r "=" cnt[s, r]
		print line > truth
	}
	for (r in seen)
		print "reason " r " count " tot[r] " time_ns " ns[r] > truth
}
