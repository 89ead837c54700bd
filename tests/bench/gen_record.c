// SPDX-License-Identifier: GPL-2.0
/*
 * A long recording for the report-speed bench (tests/bench/report-speed.sh):
 * exactly N exits, replaying a template of real exits (gen-ftrace.awk
 * template=1 on a bed fixture: `tid vcpu reason exit_us entry_us` per line)
 * with the timeline moved on at every copy, through the library's record
 * writer (exitstat record cannot run without a KVM that fires kvm_exit).
 * The fixture's times are in microseconds; each exit gets a pseudo-random
 * sub-microsecond part in its time and its time in exit, as a real
 * nanosecond clock has, so that the file compresses like a real recording.
 *   gen_record N OUT <TEMPLATE
 * Prints the per-reason counts it wrote (`reason count`) on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reasons.h"
#include "sources/record.h"

struct tmpl {
	uint32_t tid, vcpu, reason;
	uint64_t exit_ns, dur_ns;	/* dur 0: no entry followed */
	const char *name;
	uint64_t written;
};

static int fail(const char *what)
{
	fprintf(stderr, "gen_record: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	struct tmpl *t = NULL;
	size_t nt = 0, cap = 0;
	char name[64];
	unsigned long tid, vcpu;
	unsigned long long ex, en, n, span;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	struct es_error err = { "" };
	struct record_writer *w;
	FILE *f;

	if (argc != 3 || !(n = strtoull(argv[1], NULL, 10)))
		return fail("usage: gen_record N OUT <TEMPLATE");
	while (scanf("%lu %lu %63s %llu %llu", &tid, &vcpu, name, &ex, &en) == 5) {
		const struct exit_reason *r = reason_find(name, ISA_SVM);

		if (!r || r->isa != ISA_SVM) {
			fprintf(stderr, "gen_record: line %zu of the template: %s is no SVM reason\n",
				nt + 1, name);
			return 1;
		}
		if (nt == cap && !(t = realloc(t, (cap = cap ? cap * 2 : 1024) * sizeof(*t))))
			return fail("out of memory");
		t[nt++] = (struct tmpl){ tid, vcpu, r->code, ex * 1000, en > ex ? (en - ex) * 1000 : 0,
					 r->name, 0 };
	}
	if (!nt)
		return fail("no exits in the template on stdin");
	span = t[nt - 1].exit_ns + t[nt - 1].dur_ns - t[0].exit_ns + 1000000;
	f = fopen(argv[2], "wb");
	if (!f) {
		fprintf(stderr, "gen_record: cannot create %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	w = record_writer_open(f, argv[2], 0, "bench gen_record", &err);
	for (unsigned long long i = 0; w && i < n; i++) {
		struct tmpl *x = &t[i % nt];
		struct exit_event e = { .kind = EV_EXIT, .has_ts = true, .isa = ISA_SVM };

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		e.ts_ns = x->exit_ns + (i / nt) * span + rng % 1000;
		e.has_dur = x->dur_ns != 0;
		e.dur_ns = x->dur_ns ? x->dur_ns + (rng >> 20) % 1000 : 0;
		e.pid = e.tid = x->tid;
		e.vcpu = x->vcpu;
		e.reason = x->reason;
		x->written++;
		if (record_writer_add(w, &e, &err)) {
			w = NULL;
			break;
		}
	}
	if (!w || record_writer_finish(w, 0, n, &err) || fclose(f))
		return fail(err.msg[0] ? err.msg : "writing the recording failed");
	/* One line per reason, summed over the template's entries of it. */
	for (size_t i = 0; i < nt; i++) {
		uint64_t sum = 0;
		size_t j;

		for (j = 0; j < i && t[j].reason != t[i].reason; j++)
			;
		if (j < i)
			continue;
		for (j = i; j < nt; j++)
			if (t[j].reason == t[i].reason)
				sum += t[j].written;
		printf("%s %llu\n", t[i].name, (unsigned long long)sum);
	}
	return 0;
}
