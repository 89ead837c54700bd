// SPDX-License-Identifier: GPL-2.0
/*
 * The live top-like view (output/live_view.c): which columns a width keeps
 * (the stated priority), every line within the width, the current count and
 * rate from two snapshots with known counts, shares that sum to 100%, the
 * sort keys, rows cut to the terminal's height, and what it says with no
 * exits or no baseline. The expected numbers come from the exits each test
 * puts in, never from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/live_view.h"

#define SVM_CPUID 0x72
#define SVM_HLT 0x78
#define SVM_IO 0x7b
#define SVM_MSR 0x7c

#define BIT(c) (1u << (c))

/* n exits of reason on pid 100 vCPU 0, each ns long (0: untimed). */
static void add(struct stats *s, uint32_t reason, uint32_t n, uint64_t ns)
{
	struct exit_key k = { 100, 0, ISA_SVM, reason };

	for (uint32_t i = 0; i < n; i++) {
		struct exit_counts *c = stats_add_exit(s, &k, false, 0);

		assert_non_null(c);
		if (ns)
			exit_counts_add_time(c, ns);
	}
}

/*
 * The baseline: io 100, cpuid 100 (the last refresh). Now, 2 s later:
 * io 400 (300 ns each), cpuid 100 (1000 ns each), hlt 50 (untimed).
 * Current: io 300 (150/s), cpuid 0, hlt 50 (25/s). Shares of 550 exits:
 * io 72.7%, cpuid 18.2%, hlt 9.1%; of time (120000 + 100000 ns): io 54.5%,
 * cpuid 45.5%.
 */
struct snaps {
	struct stats *cur, *base;
};

static int setup(void **state)
{
	struct snaps *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->cur = stats_new();
	s->base = stats_new();
	assert_non_null(s->cur);
	assert_non_null(s->base);
	add(s->base, SVM_IO, 100, 300);
	add(s->base, SVM_CPUID, 100, 1000);
	add(s->cur, SVM_IO, 400, 300);
	add(s->cur, SVM_CPUID, 100, 1000);
	add(s->cur, SVM_HLT, 50, 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct snaps *s = *state;

	stats_free(s->cur);
	stats_free(s->base);
	free(s);
	return 0;
}

static struct live_view_in in_of(const struct snaps *s, unsigned int width)
{
	struct live_view_in in = {
		.cur = s->cur, .base = s->base, .window_s = 10, .interval_s = 2,
		.source = "unit test", .lost = 3, .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN },
		.sort = LV_SORT_TOTAL, .width = width,
	};

	return in;
}

/* The screen, as a string (caller frees). */
static char *print(const struct live_view_in *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(live_view_print(f, in), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_lines_within(const char *text, unsigned int width)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > width)
			fail_msg("line of %zu > %u columns: %.*s", n, width, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* The whitespace-separated words of the line of the table whose word `at` is name. */
static int row_words(const char *text, size_t at, const char *name, char words[][32], int max)
{
	char *copy = strdup(text), *save = NULL;

	assert_non_null(copy);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *wsave = NULL;
		int n = 0;

		for (char *w = strtok_r(line, " ", &wsave); w && n < max; w = strtok_r(NULL, " ", &wsave))
			snprintf(words[n++], sizeof(words[0]), "%s", w);
		if ((int)at < n && !strcmp(words[at], name)) {
			free(copy);
			return n;
		}
	}
	free(copy);
	fail_msg("no row %s in:\n%s", name, text);
	return 0;
}

/* The column heads line (the one starting with "isa code", "reason" or "event"). */
static char *heads(const char *text)
{
	const char *p = strstr(text, "\nisa code");

	if (!p)
		p = strstr(text, "\nreason");
	if (!p)
		p = strstr(text, "\nevent");
	assert_non_null(p);
	return strndup(p + 1, strcspn(p + 1, "\n"));
}

static void test_columns_at_80(void **state)
{
	unsigned int rw, mask = live_view_cols(80, true, &rw);
	struct live_view_in in = in_of(*state, 80);
	char *out = print(&in), *h = heads(out);

	/* reason, total, cur/s, %, time%, mean, code fit; p99<= would be 83 columns. */
	assert_int_equal(mask, BIT(LV_COL_CODE) | BIT(LV_COL_REASON) | BIT(LV_COL_TOTAL) |
			       BIT(LV_COL_RATE) | BIT(LV_COL_PCT) | BIT(LV_COL_TPCT) | BIT(LV_COL_MEAN));
	assert_int_equal(rw, 22);
	assert_lines_within(out, 80);
	assert_non_null(strstr(h, "cur/s"));
	assert_non_null(strstr(h, "time%"));
	assert_non_null(strstr(h, "mean"));
	assert_null(strstr(h, "p99"));
	assert_null(strstr(h, "max"));
	/* The unknown width is 80. */
	assert_int_equal(live_view_cols(0, true, &rw), mask);
	free(h);
	free(out);
}

static void test_columns_at_60(void **state)
{
	unsigned int rw, mask = live_view_cols(60, true, &rw);
	struct live_view_in in = in_of(*state, 60);
	char *out = print(&in), *h = heads(out);

	assert_int_equal(mask, BIT(LV_COL_REASON) | BIT(LV_COL_TOTAL) | BIT(LV_COL_RATE) |
			       BIT(LV_COL_PCT) | BIT(LV_COL_TPCT));
	assert_lines_within(out, 60);
	assert_int_equal(strncmp(h, "reason", 6), 0);
	assert_null(strstr(h, "mean"));
	assert_null(strstr(h, "isa code"));
	free(h);
	free(out);
}

static void test_columns_at_132(void **state)
{
	unsigned int rw, mask = live_view_cols(132, true, &rw);
	struct live_view_in in = in_of(*state, 132);
	char *out = print(&in);

	assert_int_equal(mask, (1u << LV_COLS) - 1);
	assert_int_equal(rw, 28);
	assert_lines_within(out, 132);
	free(out);
}

static void test_narrow_still_within_width(void **state)
{
	struct live_view_in in = in_of(*state, 30);
	unsigned int rw;
	char *out = print(&in);

	/* Below the three columns never dropped, lines are cut, never wrapped. */
	assert_int_equal(live_view_cols(30, true, &rw),
			 BIT(LV_COL_REASON) | BIT(LV_COL_TOTAL) | BIT(LV_COL_RATE));
	assert_lines_within(out, 30);
	free(out);
}

static void test_current_from_two_snapshots(void **state)
{
	struct live_view_in in = in_of(*state, 132);
	char *out = print(&in), w[16][32];

	/* isa code reason total cur cur/s % time% ... */
	row_words(out, 2, "io", w, 16);
	assert_string_equal(w[0], "svm");
	assert_string_equal(w[1], "0x7b");
	assert_string_equal(w[3], "400");
	assert_string_equal(w[4], "300");
	assert_string_equal(w[5], "150.0");
	row_words(out, 2, "cpuid", w, 16);
	assert_string_equal(w[3], "100");
	assert_string_equal(w[4], "0");
	assert_string_equal(w[5], "0.0");
	row_words(out, 2, "hlt", w, 16);
	assert_string_equal(w[3], "50");
	assert_string_equal(w[4], "50");
	assert_string_equal(w[5], "25.0");
	assert_string_equal(w[7], "-");	/* untimed: no time share */
	row_words(out, 0, "(total)", w, 16);
	assert_string_equal(w[1], "550");
	assert_string_equal(w[2], "350");
	assert_string_equal(w[3], "175.0");
	assert_non_null(strstr(out, "550 exits in 10.0 s, lost 3 events"));
	assert_non_null(strstr(out, "current: the last 2.00 s"));
	assert_non_null(strstr(out, "source: unit test"));
	assert_non_null(strstr(out, "times in ns"));
	free(out);
}

static void test_shares_sum_to_100(void **state)
{
	struct live_view_in in = in_of(*state, 80);
	const char *names[] = { "io", "cpuid", "hlt" };
	const char *want[] = { "72.7%", "18.2%", "9.1%" }, *want_t[] = { "54.5%", "45.5%", "-" };
	char *out = print(&in), w[16][32];
	double sum = 0, tsum = 0;

	/* isa code reason total cur/s % time% mean */
	for (int i = 0; i < 3; i++) {
		row_words(out, 2, names[i], w, 16);
		assert_string_equal(w[5], want[i]);
		assert_string_equal(w[6], want_t[i]);
		sum += atof(w[5]);
		tsum += atof(w[6]);
	}
	assert_float_equal(sum, 100.0, 0.05 * 3);
	assert_float_equal(tsum, 100.0, 0.05 * 2);
	row_words(out, 0, "(total)", w, 16);
	assert_string_equal(w[3], "100.0%");
	assert_string_equal(w[4], "100.0%");
	free(out);
}

/* The reasons in the order shown. */
static void order(const char *out, const char *want)
{
	char got[64] = "";
	const char *p = out;

	while ((p = strstr(p, "\nsvm "))) {
		char code[16], name[16];

		if (sscanf(p + 1, "svm %15s %15s", code, name) == 2) {
			strcat(got, got[0] ? " " : "");
			strcat(got, name);
		}
		p++;
	}
	assert_string_equal(got, want);
}

static void test_sort_keys(void **state)
{
	struct live_view_in in = in_of(*state, 80);
	const char *want[LV_SORTS] = {
		[LV_SORT_TOTAL] = "io cpuid hlt",	/* 400 100 50 */
		[LV_SORT_CURRENT] = "io hlt cpuid",	/* 300 50 0 */
		[LV_SORT_TIME] = "io cpuid hlt",	/* 120 us, 100 us, none */
		[LV_SORT_CODE] = "cpuid hlt io",	/* 0x72 0x78 0x7b */
	};

	for (int s = 0; s < LV_SORTS; s++) {
		char *out;

		in.sort = (enum live_view_sort)s;
		out = print(&in);
		order(out, want[s]);
		free(out);
	}
	assert_string_equal(live_view_sort_name(LV_SORT_CURRENT), "current");
}

static void test_rows_cut_to_height(void **state)
{
	struct snaps *s = *state;
	struct live_view_in in = in_of(s, 80);
	char *out, w[16][32];
	size_t lines = 0;

	add(s->cur, SVM_MSR, 20, 2000);
	/* 4 header lines, the heads, 2 reasons, "(2 more)", the total, one line free. */
	in.height = 10;
	out = print(&in);
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_true(lines < 10);
	order(out, "io cpuid");
	/* The rest summed: hlt 50 + msr 20, and the shares still add up. */
	row_words(out, 0, "(2", w, 16);
	assert_string_equal(w[2], "70");
	assert_string_equal(w[4], "12.3%");	/* 70 / 570 */
	/* --top does the same. */
	free(out);
	in.height = 0;
	in.top = 1;
	out = print(&in);
	order(out, "io");
	row_words(out, 0, "(3", w, 16);
	assert_string_equal(w[2], "170");
	free(out);
}

static void test_no_exits(void **state)
{
	struct stats *empty = stats_new();
	struct live_view_in in = in_of(*state, 80);
	char *out;

	assert_non_null(empty);
	in.cur = empty;
	in.base = NULL;
	out = print(&in);
	assert_non_null(strstr(out, "exitstat live: 0 exits in 10.0 s, lost 3 events\n"));
	assert_non_null(strstr(out, "(no exits so far)"));
	assert_non_null(strstr(out, "current: no baseline yet"));
	assert_null(strstr(out, "first to last"));
	assert_null(strstr(out, "(total)"));
	free(out);
	stats_free(empty);
}

static void test_no_baseline_no_rate(void **state)
{
	struct live_view_in in = in_of(*state, 80);
	char *out, w[16][32];

	in.base = NULL;
	out = print(&in);
	row_words(out, 2, "io", w, 16);
	assert_string_equal(w[4], "-");	/* cur/s */
	free(out);
	/* Just reset: the baseline is now, no interval yet. */
	in.base = in.cur;
	in.interval_s = 0;
	in.status = "current reset at 12:00:00";
	out = print(&in);
	row_words(out, 2, "io", w, 16);
	assert_string_equal(w[4], "-");
	assert_non_null(strstr(out, "current: from now"));
	assert_non_null(strstr(out, "\ncurrent reset at 12:00:00\n"));
	free(out);
}

static void test_event_view(void **state)
{
	static const struct live_view_event ev[] = {
		{ "kvm_userspace_exit", 503, 3 }, { "kvm_pio", 501, 1 }, { "kvm_fpu", 6, 6 },
	};
	struct live_view_in in = in_of(*state, 80);
	unsigned int rw;
	char *out, w[16][32];

	in.events = ev;
	in.nevents = 3;
	in.sort = LV_SORT_CURRENT;
	out = print(&in);
	/* No time, no code: event total cur cur/s %. */
	assert_int_equal(live_view_cols(80, false, &rw), BIT(LV_COL_REASON) | BIT(LV_COL_TOTAL) |
			 BIT(LV_COL_CUR) | BIT(LV_COL_RATE) | BIT(LV_COL_PCT));
	assert_non_null(strstr(out, "kvm:kvm_exit has not fired; 1010 KVM events"));
	row_words(out, 0, "kvm_pio", w, 16);
	assert_string_equal(w[1], "501");
	assert_string_equal(w[2], "500");
	assert_string_equal(w[3], "250.0");
	assert_string_equal(w[4], "49.6%");
	row_words(out, 0, "kvm_fpu", w, 16);
	assert_string_equal(w[2], "0");
	assert_lines_within(out, 80);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_columns_at_80, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_at_60, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_at_132, setup, teardown),
		cmocka_unit_test_setup_teardown(test_narrow_still_within_width, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_from_two_snapshots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shares_sum_to_100, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_cut_to_height, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_baseline_no_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_view, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
