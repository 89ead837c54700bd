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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_growth),
		cmocka_unit_test(test_memory_bounded_by_keys),
		cmocka_unit_test(test_hist_and_percentiles),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_by_reason),
		cmocka_unit_test(test_accum_pairing),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
