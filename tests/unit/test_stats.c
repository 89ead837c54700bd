// SPDX-License-Identifier: GPL-2.0
/* The counting core and the exit/entry accumulator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/stats.h"

static struct exit_key key(uint32_t pid, uint32_t vcpu, enum exit_isa isa, uint32_t reason)
{
	struct exit_key k = { pid, vcpu, isa, reason };

	return k;
}

static uint64_t count_of(const struct stats *s, struct exit_key k)
{
	size_t it = 0;
	const struct stats_entry *e;

	while ((e = stats_next(s, &it)))
		if (e->key.pid == k.pid && e->key.vcpu == k.vcpu && e->key.isa == k.isa &&
		    e->key.reason == k.reason)
			return e->c.count;
	return 0;
}

static void test_counts_and_growth(void **state)
{
	struct stats *s = stats_new();

	(void)state;
	/* 1000 keys x 7 events: the table grows, nothing is lost or merged. */
	for (int rep = 0; rep < 7; rep++)
		for (uint32_t i = 0; i < 1000; i++) {
			struct exit_key k = key(100 + i % 10, i % 4, i % 2 ? ISA_SVM : ISA_VMX, i);

			assert_non_null(stats_add_exit(s, &k, true, 1000 + i));
		}
	assert_int_equal(s->used, 1000);
	assert_int_equal(s->total, 7000);
	assert_int_equal(count_of(s, key(100 + 517 % 10, 517 % 4, ISA_SVM, 517)), 7);
	assert_int_equal(s->first_ns, 1000);
	assert_int_equal(s->last_ns, 1999);
	stats_free(s);
}

static void test_memory_bounded_by_keys(void **state)
{
	struct stats *s = stats_new();
	size_t cap;

	(void)state;
	for (uint32_t r = 0; r < 3; r++)
		stats_add_exit(s, &(struct exit_key){ 1, 0, ISA_SVM, r }, false, 0);
	cap = s->cap;
	for (uint64_t i = 0; i < 3000000; i++)
		stats_add_exit(s, &(struct exit_key){ 1, 0, ISA_SVM, (uint32_t)(i % 3) }, false, 0);
	assert_int_equal(s->cap, cap);
	assert_int_equal(s->used, 3);
	assert_int_equal(s->total, 3000003);
	stats_free(s);
}

static void test_hist_and_percentiles(void **state)
{
	struct exit_counts c = { 0 };

	(void)state;
	assert_int_equal(hist_bucket(0), 0);
	assert_int_equal(hist_bucket(1), 0);
	assert_int_equal(hist_bucket(2), 1);
	assert_int_equal(hist_bucket(1023), 9);
	assert_int_equal(hist_bucket(1024), 10);
	assert_int_equal(hist_bucket(UINT64_MAX), STATS_HIST_BUCKETS - 1);
	/* 98 exits of 1000 ns, 2 of 100000 ns. */
	for (int i = 0; i < 98; i++)
		exit_counts_add_time(&c, 1000);
	exit_counts_add_time(&c, 100000);
	exit_counts_add_time(&c, 100000);
	assert_int_equal(c.timed, 100);
	assert_int_equal(c.time_ns, 98 * 1000 + 200000);
	assert_int_equal(c.max_ns, 100000);
	/* 1000 is in [512, 1024): bound 1023. 100000 is in [65536, 131072). */
	assert_int_equal(hist_percentile(c.hist, 50), 1023);
	assert_int_equal(hist_percentile(c.hist, 98), 1023);
	assert_int_equal(hist_percentile(c.hist, 99), 131071);
	assert_int_equal(hist_percentile(c.hist, 100), 131071);
	memset(&c, 0, sizeof(c));
	assert_int_equal(hist_percentile(c.hist, 99), 0);
}

static void test_merge(void **state)
{
	struct stats *a = stats_new(), *b = stats_new();
	struct exit_key io = key(7, 0, ISA_SVM, 0x7b), hlt = key(7, 1, ISA_SVM, 0x78);

	(void)state;
	stats_add_count(a, &io, 10);
	stats_add_count(b, &io, 5);
	stats_add_count(b, &hlt, 2);
	b->lost = 3;
	assert_int_equal(stats_merge(a, b), 0);
	assert_int_equal(count_of(a, io), 15);
	assert_int_equal(count_of(a, hlt), 2);
	assert_int_equal(a->total, 17);
	assert_int_equal(a->lost, 3);
	stats_free(a);
	stats_free(b);
}

static void test_by_reason(void **state)
{
	struct stats *s = stats_new();
	struct reason_row *rows;
	struct stats_filter all = { STATS_PID_ANY, STATS_VCPU_UNKNOWN }, vm2 = { 2, STATS_VCPU_UNKNOWN };
	size_t n;

	(void)state;
	stats_add_count(s, &(struct exit_key){ 1, 0, ISA_SVM, 0x7b }, 10);
	stats_add_count(s, &(struct exit_key){ 1, 1, ISA_SVM, 0x7b }, 10);
	stats_add_count(s, &(struct exit_key){ 2, 0, ISA_SVM, 0x7b }, 5);
	stats_add_count(s, &(struct exit_key){ 2, 0, ISA_SVM, 0x72 }, 30);
	n = stats_by_reason(s, &all, SORT_COUNT, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].reason, 0x72);
	assert_int_equal(rows[0].c.count, 30);
	assert_int_equal(rows[1].c.count, 25);
	free(rows);
	n = stats_by_reason(s, &vm2, SORT_CODE, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].reason, 0x72);
	assert_int_equal(rows[1].c.count, 5);
	free(rows);
	stats_free(s);
}

static struct exit_event ev(enum event_kind k, uint64_t ts, uint32_t tid, uint32_t reason)
{
	struct exit_event e = { .kind = k, .has_ts = true, .ts_ns = ts, .pid = 50, .tid = tid,
				.vcpu = tid - 100, .isa = ISA_SVM, .reason = reason };

	return e;
}

static void test_accum_pairing(void **state)
{
	struct accum a;
	struct reason_row *rows;
	size_t n;

	(void)state;
	assert_int_equal(accum_init(&a), 0);
	/* An entry before any exit (trace start) is not paired. */
	struct exit_event seq[] = {
		ev(EV_ENTRY, 5, 101, 0),
		ev(EV_EXIT, 10, 101, 0x7b), ev(EV_EXIT, 12, 102, 0x72),
		ev(EV_ENTRY, 40, 101, 0), ev(EV_ENTRY, 22, 102, 0),
		ev(EV_EXIT, 50, 101, 0x7b), ev(EV_ENTRY, 150, 101, 0),
		ev(EV_EXIT, 200, 102, 0x78),
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		assert_int_equal(accum_event(&a, &seq[i]), 0);
	assert_int_equal(a.unpaired_entries, 1);
	assert_int_equal(a.paired, 3);
	assert_int_equal(accum_open_exits(&a), 1);	/* the last hlt */
	n = stats_by_reason(a.stats, NULL, SORT_CODE, &rows);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].reason, 0x72);
	assert_int_equal(rows[0].c.time_ns, 10);
	assert_int_equal(rows[2].reason, 0x7b);
	assert_int_equal(rows[2].c.count, 2);
	assert_int_equal(rows[2].c.time_ns, 30 + 100);
	assert_int_equal(rows[2].c.max_ns, 100);
	assert_int_equal(rows[1].reason, 0x78);
	assert_int_equal(rows[1].c.timed, 0);
	free(rows);
	accum_fini(&a);
}

/* What the on_time hook saw: one row per measured exit. */
struct seen {
	size_t n;
	struct { uint64_t ts, dur; uint32_t pid, tid, reason; } e[16];
};

static int record_time(void *ctx, const struct exit_event *exit, uint64_t dur_ns)
{
	struct seen *s = ctx;

	assert_true(s->n < 16);
	s->e[s->n].ts = exit->ts_ns;
	s->e[s->n].dur = dur_ns;
	s->e[s->n].pid = exit->pid;
	s->e[s->n].tid = exit->tid;
	s->e[s->n].reason = exit->reason;
	s->n++;
	return 0;
}

/* The hook's i-th call was for the exit (ts, pid, tid, reason), dur ns in exit. */
static void saw(const struct seen *s, size_t i, uint64_t ts, uint32_t pid, uint32_t tid,
		uint32_t reason, uint64_t dur)
{
	assert_true(i < s->n);
	assert_int_equal(s->e[i].ts, ts);
	assert_int_equal(s->e[i].pid, pid);
	assert_int_equal(s->e[i].tid, tid);
	assert_int_equal(s->e[i].reason, reason);
	assert_int_equal(s->e[i].dur, dur);
}

/* A fresh accumulator with the hook recording into s, fed seq. */
static void feed(struct accum *a, struct seen *s, const struct exit_event *seq, size_t n)
{
	assert_int_equal(accum_init(a), 0);
	a->on_time = record_time;
	a->on_time_ctx = s;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(accum_event(a, &seq[i]), 0);
}

#define FEED(a, s, seq) feed(a, s, seq, sizeof(seq) / sizeof(seq[0]))

/*
 * Two vCPU threads interleaved; the hook gets each exit as it was fed and
 * its time, in the order the entries arrive.
 */
static void test_pairing_hook_interleaved(void **state)
{
	struct accum a;
	struct seen s = { 0 };
	struct exit_event known = ev(EV_EXIT, 300, 102, 0x60);

	(void)state;
	known.has_dur = true;
	known.dur_ns = 7;
	struct exit_event seq[] = {
		ev(EV_EXIT, 100, 101, 0x7b),
		ev(EV_EXIT, 110, 102, 0x72),
		ev(EV_ENTRY, 125, 102, 0),	/* 102: 15 */
		ev(EV_ENTRY, 160, 101, 0),	/* 101: 60 */
		known,				/* time known already: 7, no entry needed */
		ev(EV_EXIT, 400, 101, 0x78),
		ev(EV_ENTRY, 401, 101, 0),	/* 101: 1 */
	};
	FEED(&a, &s, seq);
	assert_int_equal(s.n, 4);
	saw(&s, 0, 110, 50, 102, 0x72, 15);
	saw(&s, 1, 100, 50, 101, 0x7b, 60);
	saw(&s, 2, 300, 50, 102, 0x60, 7);
	saw(&s, 3, 400, 50, 101, 0x78, 1);
	assert_int_equal(a.paired, 4);
	assert_int_equal(a.unpaired_entries, 0);
	assert_int_equal(accum_open_exits(&a), 0);
	assert_int_equal(a.stats->total, 4);
	accum_fini(&a);
}

/*
 * The edges: entries before any exit (trace start), a second exit of a
 * thread before its entry (the first's entry was lost: only the second is
 * timed), an entry stamped before its exit (clock went back: not timed),
 * exits without timestamp or thread (counted, never paired), and exits still
 * open at the end on two threads.
 */
static void test_pairing_edges(void **state)
{
	struct accum a;
	struct seen s = { 0 };
	struct exit_event untimed = ev(EV_EXIT, 0, 101, 0x7b), no_tid = ev(EV_EXIT, 90, 0, 0x7b);
	struct exit_event late_entry = ev(EV_ENTRY, 0, 0, 0);

	(void)state;
	untimed.has_ts = false;
	late_entry.tid = 0;
	late_entry.ts_ns = 95;
	struct exit_event seq[] = {
		ev(EV_ENTRY, 1, 101, 0), ev(EV_ENTRY, 2, 102, 0),	/* start: 2 unpaired */
		ev(EV_EXIT, 10, 101, 0x7b),
		ev(EV_EXIT, 20, 101, 0x72),	/* replaces 0x7b at 10 */
		ev(EV_ENTRY, 35, 101, 0),	/* 0x72: 15 */
		ev(EV_ENTRY, 36, 101, 0),	/* nothing open on 101: unpaired */
		ev(EV_EXIT, 50, 102, 0x400),
		ev(EV_ENTRY, 45, 102, 0),	/* before its exit: negative, not timed */
		untimed, no_tid, late_entry,
		ev(EV_EXIT, 500, 101, 0x78), ev(EV_EXIT, 510, 103, 0x78),	/* open at the end */
	};
	FEED(&a, &s, seq);
	assert_int_equal(a.stats->total, 7);
	assert_int_equal(a.paired, 1);
	assert_int_equal(s.n, 1);
	saw(&s, 0, 20, 50, 101, 0x72, 15);
	assert_int_equal(a.unpaired_entries, 3);
	assert_int_equal(a.negative, 1);
	assert_int_equal(accum_open_exits(&a), 2);
	accum_fini(&a);
}

/*
 * A thread id reused by another VM (its first process ended): the time goes
 * to the exit the entry follows, i.e. to the new VM's key.
 */
static void test_pairing_thread_reuse(void **state)
{
	struct accum a;
	struct seen s = { 0 };
	struct exit_event seq[] = {
		ev(EV_EXIT, 10, 101, 0x7b), ev(EV_ENTRY, 15, 101, 0),	/* VM 50: 5 */
		ev(EV_EXIT, 100, 101, 0x7b), ev(EV_ENTRY, 130, 101, 0),	/* VM 60: 30 */
	};
	struct stats_filter f = { .pid = 60, .vcpu = STATS_VCPU_UNKNOWN };
	struct reason_row *rows;

	(void)state;
	seq[2].pid = seq[3].pid = 60;
	FEED(&a, &s, seq);
	assert_int_equal(s.n, 2);
	saw(&s, 0, 10, 50, 101, 0x7b, 5);
	saw(&s, 1, 100, 60, 101, 0x7b, 30);
	assert_int_equal(stats_by_reason(a.stats, &f, SORT_CODE, &rows), 1);
	assert_int_equal(rows[0].c.count, 1);
	assert_int_equal(rows[0].c.time_ns, 30);
	free(rows);
	accum_fini(&a);
}

/* 100 threads with exits open at once (the per-thread table grows): each gets its own time. */
static void test_pairing_many_threads(void **state)
{
	struct accum a;
	struct reason_row *rows;

	(void)state;
	assert_int_equal(accum_init(&a), 0);
	for (uint32_t i = 0; i < 100; i++) {
		struct exit_event e = ev(EV_EXIT, 1000 + i, 1000 + i, 0x7b);

		assert_int_equal(accum_event(&a, &e), 0);
	}
	assert_int_equal(accum_open_exits(&a), 100);
	for (uint32_t i = 0; i < 100; i++) {
		/* thread 1000+i: exit at 1000+i, entry at 1000+2i+1: time i+1 */
		struct exit_event e = ev(EV_ENTRY, 1000 + 2 * i + 1, 1000 + i, 0);

		assert_int_equal(accum_event(&a, &e), 0);
	}
	assert_int_equal(accum_open_exits(&a), 0);
	assert_int_equal(a.paired, 100);
	assert_int_equal(stats_by_reason(a.stats, NULL, SORT_CODE, &rows), 1);
	assert_int_equal(rows[0].c.time_ns, 5050);	/* 1 + 2 + ... + 100 */
	assert_int_equal(rows[0].c.max_ns, 100);
	free(rows);
	accum_fini(&a);
}

static int refuse(void *ctx, const struct exit_event *exit, uint64_t dur_ns)
{
	(void)ctx;
	(void)exit;
	(void)dur_ns;
	return 1;
}

/* A hook that fails makes the event fail (analysis: out of memory). */
static void test_pairing_hook_failure(void **state)
{
	struct accum a;
	struct exit_event x = ev(EV_EXIT, 10, 101, 0x7b), y = ev(EV_ENTRY, 12, 101, 0);

	(void)state;
	assert_int_equal(accum_init(&a), 0);
	a.on_time = refuse;
	assert_int_equal(accum_event(&a, &x), 0);
	assert_int_equal(accum_event(&a, &y), -1);
	accum_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_growth),
		cmocka_unit_test(test_memory_bounded_by_keys),
		cmocka_unit_test(test_hist_and_percentiles),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_by_reason),
		cmocka_unit_test(test_accum_pairing),
		cmocka_unit_test(test_pairing_hook_interleaved),
		cmocka_unit_test(test_pairing_edges),
		cmocka_unit_test(test_pairing_thread_reuse),
		cmocka_unit_test(test_pairing_many_threads),
		cmocka_unit_test(test_pairing_hook_failure),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
