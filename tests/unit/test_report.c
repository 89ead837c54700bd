// SPDX-License-Identifier: GPL-2.0
/*
 * The report view and its three printers: every format prints every row and
 * note of one view; the per-VM rows sum to the total; percentile bounds never
 * exceed the max; a tick clock is printed as ticks. The expected numbers come
 * from the exits each test puts in, never from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "output/report_format.h"

#define SVM_IO 0x7b
#define SVM_CPUID 0x72
#define SVM_HLT 0x78
#define SVM_MSR 0x7c
#define SVM_NOT_IN_CATALOGUE 0x3ff

/*
 * Two VMs (pids 100, 200), three vCPUs, five reasons:
 *   pid 100 vcpu 0: io 40 (times 300 ns each), cpuid 10 (1000 ns each)
 *   pid 100 vcpu 1: io 20 (300 ns), hlt 5 (untimed)
 *   pid 200 vcpu 0: msr 3 (2000 ns), reason 0x3ff 2 (untimed)
 * 80 exits: io 60, cpuid 10, hlt 5, msr 3, 0x3ff 2.
 */
static struct stats *fixture(void)
{
	static const struct {
		uint32_t pid, vcpu, reason, n;
		uint64_t ns;	/* 0: no time in exit */
	} add[] = {
		{ 100, 0, SVM_IO, 40, 300 }, { 100, 0, SVM_CPUID, 10, 1000 },
		{ 100, 1, SVM_IO, 20, 300 }, { 100, 1, SVM_HLT, 5, 0 },
		{ 200, 0, SVM_MSR, 3, 2000 }, { 200, 0, SVM_NOT_IN_CATALOGUE, 2, 0 },
	};
	struct stats *s = stats_new();

	assert_non_null(s);
	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
		struct exit_key k = { add[i].pid, add[i].vcpu, ISA_SVM, add[i].reason };

		for (uint32_t j = 0; j < add[i].n; j++) {
			/* One exit every 1000 units from t=1000: 80 exits span 79000. */
			struct exit_counts *c = stats_add_exit(s, &k, true, 1000 + 1000 * s->total);

			assert_non_null(c);
			if (add[i].ns)
				exit_counts_add_time(c, add[i].ns);
		}
	}
	return s;
}

static struct report_opts opts(enum out_format f, size_t top, bool per_vm)
{
	struct report_opts o = { .format = f, .sort = SORT_COUNT, .top = top,
				 .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN }, .per_vm = per_vm };

	return o;
}

static const struct report_meta partial_meta = {
	.source = "unit test", .clock = "ns", .final = true, .lost = 7,
	.note = "PARTIAL: reading stopped at line 99, \"quoted\"",
};

/* What one printer writes for one view, as a string (caller frees). */
static char *print(int (*printer)(FILE *, const struct report_view *), const struct report_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(printer(f, v), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_view_holds_everything(void **state)
{
	struct stats *s = fixture();
	struct report_opts o = opts(FMT_TABLE, 2, true);
	struct report_view v;
	uint64_t vm_sum = 0;

	(void)state;
	assert_int_equal(report_build(&o, &partial_meta, s, &v), 0);
	assert_int_equal(v.total, 80);
	assert_int_equal(v.nrows, 5);
	assert_int_equal(v.shown, 2);
	assert_int_equal(v.rows[0].code, SVM_IO);
	assert_int_equal(v.rows[0].c.count, 60);
	assert_int_equal(v.rows[1].code, SVM_CPUID);
	/* other = hlt 5 + msr 3 + 0x3ff 2; its time the msr's 3 x 2000. */
	assert_int_equal(v.other_reasons, 3);
	assert_int_equal(v.other.c.count, 10);
	assert_int_equal(v.other.c.time_ns, 6000);
	/* total time: 60 x 300 + 10 x 1000 + 3 x 2000 = 34000 */
	assert_int_equal(v.all.c.count, 80);
	assert_int_equal(v.all.c.time_ns, 34000);
	assert_float_equal(v.rows[0].time_percent, 100.0 * 18000 / 34000, 1e-9);
	assert_float_equal(v.rows[0].percent, 75.0, 1e-9);
	/* The window: 79000 ns from the first to the last exit. */
	assert_int_equal(v.window_from, WINDOW_EXITS);
	assert_float_equal(v.window_s, 79e-6, 1e-12);
	assert_float_equal(v.rows[0].rate, 60 / 79e-6, 1e-3);
	assert_int_equal(v.lost, 7);
	/* vCPUs: (100,0) 50, (100,1) 25, (200,0) 5. */
	assert_int_equal(v.nvms, 3);
	assert_int_equal(v.vms[0].pid, 100);
	assert_int_equal(v.vms[0].vcpu, 0);
	assert_int_equal(v.vms[0].c.count, 50);
	assert_int_equal(v.vms[1].c.count, 25);
	assert_int_equal(v.vms[2].pid, 200);
	assert_int_equal(v.vms[2].c.count, 5);
	for (size_t i = 0; i < v.nvms; i++)
		vm_sum += v.vms[i].c.count;
	assert_int_equal(vm_sum, 80);
	/* Notes: the source's, the loss, the reason the catalogue lacks. */
	assert_int_equal(v.nnotes, 3);
	assert_string_equal(v.notes[0], partial_meta.note);
	assert_non_null(strstr(v.notes[1], "lost 7 events"));
	assert_non_null(strstr(v.notes[2], "0x3ff is not in the catalogue"));
	report_view_free(&v);
	stats_free(s);
}

static void test_table_carries_every_row_and_note(void **state)
{
	struct stats *s = fixture();
	struct report_opts o = opts(FMT_TABLE, 2, true);
	struct report_view v;
	char *t;

	(void)state;
	assert_int_equal(report_build(&o, &partial_meta, s, &v), 0);
	t = print(report_table, &v);
	assert_non_null(strstr(t, " io "));
	assert_non_null(strstr(t, " cpuid "));
	assert_non_null(strstr(t, "(3 other reasons)"));
	assert_non_null(strstr(t, "(total)"));
	assert_null(strstr(t, " hlt "));	/* summed into other */
	for (size_t i = 0; i < v.nnotes; i++)
		assert_non_null(strstr(t, v.notes[i]));
	assert_non_null(strstr(t, "\n100        0                50 "));
	assert_non_null(strstr(t, "\n100        1                25 "));
	assert_non_null(strstr(t, "\n200        0                 5 "));
	assert_non_null(strstr(t, "p50<="));
	assert_non_null(strstr(t, "time%"));
	free(t);
	report_view_free(&v);
	stats_free(s);
}

static uint64_t jint(json_object *o, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return (uint64_t)json_object_get_int64(v);
}

static void test_json_carries_every_row_and_note(void **state)
{
	struct stats *s = fixture();
	struct report_opts o = opts(FMT_JSON, 2, true);
	struct report_view v;
	json_object *root, *a, *x;
	uint64_t sum = 0;
	char *t;

	(void)state;
	assert_int_equal(report_build(&o, &partial_meta, s, &v), 0);
	t = print(report_json, &v);
	root = json_tokener_parse(t);
	assert_non_null(root);
	assert_int_equal(jint(root, "total"), 80);
	assert_int_equal(jint(root, "lost"), 7);
	assert_true(json_object_object_get_ex(root, "reasons", &a));
	assert_int_equal(json_object_array_length(a), 2);
	for (size_t i = 0; i < 2; i++)
		sum += jint(json_object_array_get_idx(a, i), "count");
	assert_true(json_object_object_get_ex(root, "other", &x));
	assert_int_equal(jint(x, "reasons"), 3);
	sum += jint(x, "count");
	assert_int_equal(sum, 80);
	assert_true(json_object_object_get_ex(root, "totals", &x));
	assert_int_equal(jint(x, "time_total_ns"), 34000);
	assert_true(json_object_object_get_ex(root, "note", &x));
	assert_string_equal(json_object_get_string(x), partial_meta.note);
	assert_true(json_object_object_get_ex(root, "notes", &a));
	assert_int_equal(json_object_array_length(a), v.nnotes);
	for (size_t i = 0; i < v.nnotes; i++)
		assert_string_equal(json_object_get_string(json_object_array_get_idx(a, i)),
				    v.notes[i]);
	assert_true(json_object_object_get_ex(root, "vms", &a));
	assert_int_equal(json_object_array_length(a), 3);
	sum = 0;
	for (size_t i = 0; i < 3; i++)
		sum += jint(json_object_array_get_idx(a, i), "count");
	assert_int_equal(sum, 80);
	json_object_put(root);
	free(t);
	report_view_free(&v);
	stats_free(s);
}

/* Split one CSV record (RFC 4180: quoted fields, "" for a quote) into at most max fields. */
static size_t csv_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *w = line, *r = line;

	while (n < max) {
		f[n++] = w;
		if (*r == '"') {
			for (r++; *r && !(*r == '"' && r[1] != '"'); r++) {
				if (*r == '"')
					r++;
				*w++ = *r;
			}
			if (*r == '"')
				r++;
		} else {
			while (*r && *r != ',' && *r != '\n')
				*w++ = *r++;
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		*w++ = '\0';
		r++;
	}
	return n;
}

static void test_csv_carries_every_row_and_note(void **state)
{
	struct stats *s = fixture();
	struct report_opts o = opts(FMT_CSV, 2, true);
	struct report_view v;
	char *t, *save = NULL, *line, *head[32];
	size_t ncols, reasons = 0, notes = 0, vms = 0, totals = 0;
	uint64_t reason_sum = 0, vm_sum = 0, total = 0;

	(void)state;
	assert_int_equal(report_build(&o, &partial_meta, s, &v), 0);
	t = print(report_csv, &v);
	line = strtok_r(t, "\n", &save);
	assert_non_null(line);
	ncols = csv_fields(line, head, 32);
	assert_string_equal(head[0], "report");
	assert_string_equal(head[1], "kind");
	assert_string_equal(head[7], "count");
	assert_string_equal(head[21], "lost");
	assert_string_equal(head[ncols - 1], "text");
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[32];
		uint64_t count;

		/* Every row has every column: one table. */
		assert_int_equal(csv_fields(line, f, 32), ncols);
		assert_string_equal(f[0], "final");
		count = strtoull(f[7], NULL, 10);
		if (!strcmp(f[1], "reason") || !strcmp(f[1], "other")) {
			reasons++;
			reason_sum += count;
		} else if (!strcmp(f[1], "vm")) {
			vms++;
			vm_sum += count;
		} else if (!strcmp(f[1], "total")) {
			totals++;
			total = count;
			assert_string_equal(f[21], "7");			/* lost */
			assert_string_equal(f[18], "0.000079");		/* window_s */
			assert_string_equal(f[20], "exits");		/* window_from */
		} else {
			assert_string_equal(f[1], "note");
			assert_string_equal(f[ncols - 1], v.notes[notes]);
			notes++;
		}
	}
	assert_int_equal(reasons, 3);	/* io, cpuid, other */
	assert_int_equal(totals, 1);
	assert_int_equal(total, 80);
	assert_int_equal(reason_sum, 80);
	assert_int_equal(vms, 3);
	assert_int_equal(vm_sum, 80);
	assert_int_equal(notes, 3);
	free(t);
	report_view_free(&v);
	stats_free(s);
}

/* A bucket bound above every exit seen: the printed bound is the max. */
static void test_percentile_bound_never_above_max(void **state)
{
	struct stats *s = stats_new();
	struct exit_key k = { 1, 0, ISA_SVM, SVM_IO };
	struct report_opts o = opts(FMT_TABLE, 0, false);
	struct report_view v;
	struct exit_counts *c;

	(void)state;
	/* 300 and 444 ns both fall in [256, 512): the bucket's top, 511, is above 444. */
	c = stats_add_exit(s, &k, true, 10);
	exit_counts_add_time(c, 300);
	c = stats_add_exit(s, &k, true, 20);
	exit_counts_add_time(c, 444);
	assert_int_equal(hist_percentile(c->hist, 99), 511);
	assert_int_equal(exit_counts_percentile(c, 99), 444);
	assert_int_equal(exit_counts_percentile(c, 50), 444);
	assert_int_equal(report_build(&o, NULL, s, &v), 0);
	assert_int_equal(v.rows[0].p99, 444);
	assert_int_equal(v.rows[0].p50, 444);
	assert_int_equal(v.rows[0].c.max_ns, 444);
	report_view_free(&v);
	/* Exits spread over buckets: the bound is the bucket's top, below the max. */
	for (int i = 0; i < 98; i++)
		exit_counts_add_time(c, 100);
	assert_int_equal(exit_counts_percentile(c, 50), 127);
	assert_int_equal(exit_counts_percentile(c, 99), 444);
	stats_free(s);
}

static void test_tick_clock_printed_as_ticks(void **state)
{
	struct stats *s = stats_new();
	struct exit_key k = { 1, 0, ISA_SVM, SVM_IO };
	const struct report_meta m = { .source = "ticks", .clock = "ticks", .final = true };
	struct report_opts o = opts(FMT_TABLE, 0, false);
	struct report_view v;
	json_object *root, *r, *x;
	char *t;

	(void)state;
	/* Two exits 339880800 ticks apart, of 115250000 and 230500 ticks in exit. */
	exit_counts_add_time(stats_add_exit(s, &k, true, 1000), 115250000);
	exit_counts_add_time(stats_add_exit(s, &k, true, 339881800), 230500);
	assert_int_equal(report_build(&o, &m, s, &v), 0);
	assert_true(v.ticks);
	assert_int_equal(v.window_ticks, 339880800);
	assert_true(v.window_s == 0);
	assert_true(v.rows[0].rate < 0);	/* no seconds: no rate */

	t = print(report_table, &v);
	assert_non_null(strstr(t, "339880800 ticks from first to last exit"));
	assert_null(strstr(t, "ticks ticks"));
	assert_null(strstr(t, " ms"));
	assert_null(strstr(t, " us"));
	assert_null(strstr(t, " ns "));
	assert_non_null(strstr(t, "115.5M"));	/* time: 115250000 + 230500, 4 digits */
	assert_non_null(strstr(t, "in clock ticks"));
	free(t);

	t = print(report_json, &v);
	root = json_tokener_parse(t);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "clock", &x));
	assert_string_equal(json_object_get_string(x), "ticks");
	assert_int_equal(jint(root, "window_ticks"), 339880800);
	assert_true(json_object_object_get_ex(root, "window_s", &x));
	assert_null(x);
	r = json_object_array_get_idx(json_object_object_get(root, "reasons"), 0);
	assert_int_equal(jint(r, "time_total_ticks"), 115480500);
	assert_int_equal(jint(r, "time_max_ticks"), 115250000);
	assert_true(json_object_object_get_ex(r, "time_total_ns", &x));
	assert_null(x);		/* no ns from ticks */
	assert_true(json_object_object_get_ex(r, "time_mean_ns", &x));
	assert_null(x);
	json_object_put(root);
	free(t);

	t = print(report_csv, &v);
	assert_non_null(strstr(t, ",ticks,115480500,"));
	assert_non_null(strstr(t, ",339880800,exits,"));
	assert_null(strstr(t, ",ns,"));
	free(t);
	report_view_free(&v);
	stats_free(s);
}

static void test_ties_named(void **state)
{
	struct stats *s = stats_new();
	struct report_opts o = opts(FMT_TABLE, 0, false);
	struct report_view v;
	char *t;

	(void)state;
	assert_int_equal(stats_add_count(s, &(struct exit_key){ 1, 0, ISA_SVM, SVM_IO }, 100), 0);
	assert_int_equal(stats_add_count(s, &(struct exit_key){ 1, 0, ISA_SVM, SVM_MSR }, 100), 0);
	assert_int_equal(stats_add_count(s, &(struct exit_key){ 1, 0, ISA_SVM, SVM_HLT }, 2), 0);
	assert_int_equal(report_build(&o, NULL, s, &v), 0);
	assert_int_equal(v.most_ties, 2);
	assert_int_equal(v.least_ties, 1);
	t = print(report_table, &v);
	assert_non_null(strstr(t, "most frequent: 2 reasons tie at 100 each (io, msr)"));
	assert_non_null(strstr(t, "least frequent seen svm hlt (0x78) 2"));
	free(t);
	report_view_free(&v);
	stats_free(s);
}

static void test_group_by_vcpu(void **state)
{
	struct stats *s = fixture();
	struct stats_filter vm100 = { 100, STATS_VCPU_UNKNOWN };
	struct stats_entry *g;
	size_t n;

	(void)state;
	n = stats_group(s, &vm100, GROUP_VCPU, SORT_CODE, &g);
	assert_int_equal(n, 2);
	assert_int_equal(g[0].key.vcpu, 0);
	assert_int_equal(g[0].c.count, 50);
	assert_int_equal(g[0].c.timed, 50);
	assert_int_equal(g[0].c.time_ns, 40 * 300 + 10 * 1000);
	assert_int_equal(g[0].c.max_ns, 1000);
	assert_int_equal(g[1].key.vcpu, 1);
	assert_int_equal(g[1].c.count, 25);
	assert_int_equal(g[1].c.timed, 20);
	free(g);
	stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_holds_everything),
		cmocka_unit_test(test_table_carries_every_row_and_note),
		cmocka_unit_test(test_json_carries_every_row_and_note),
		cmocka_unit_test(test_csv_carries_every_row_and_note),
		cmocka_unit_test(test_percentile_bound_never_above_max),
		cmocka_unit_test(test_tick_clock_printed_as_ticks),
		cmocka_unit_test(test_ties_named),
		cmocka_unit_test(test_group_by_vcpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
