// SPDX-License-Identifier: GPL-2.0
/* The live top-like view. See live_view.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output/live_view.h"
#include "output/report_format.h"
#include "output/units.h"

#define REASON_MIN 16
#define REASON_MAX 28
#define HEAD_LINES 4	/* totals, source, current/sort/unit, keys or status */

static const char *const sort_names[LV_SORTS] = { "total", "current", "time", "code" };

const char *live_view_sort_name(enum live_view_sort s)
{
	return (unsigned int)s < LV_SORTS ? sort_names[s] : "?";
}

static const struct {
	const char *head;
	unsigned int width;
	bool left, time;	/* left-aligned; needs times (absent in the event view) */
} cols[LV_COLS] = {
	[LV_COL_CODE] = { "isa code", 9, true, true },	/* "svm 0x400" */
	[LV_COL_REASON] = { "reason", REASON_MIN, true, false },
	[LV_COL_TOTAL] = { "total", 12, false, false },
	[LV_COL_CUR] = { "cur", 10, false, false },
	[LV_COL_RATE] = { "cur/s", 10, false, false },
	[LV_COL_PCT] = { "%", 6, false, false },
	[LV_COL_TPCT] = { "time%", 6, false, true },
	[LV_COL_TIME] = { "time", 9, false, true },
	[LV_COL_MEAN] = { "mean", 9, false, true },
	[LV_COL_P99] = { "p99<=", 9, false, true },
	[LV_COL_MAX] = { "max", 9, false, true },
};

/* Kept first to last as the width allows (docs/live.md states it). */
static const enum live_view_col priority[LV_COLS] = {
	LV_COL_REASON, LV_COL_TOTAL, LV_COL_RATE, LV_COL_PCT, LV_COL_TPCT, LV_COL_MEAN,
	LV_COL_CODE, LV_COL_P99, LV_COL_MAX, LV_COL_CUR, LV_COL_TIME,
};
#define ALWAYS 3	/* the first three are shown at any width */

unsigned int live_view_cols(unsigned int width, bool times, unsigned int *reason_w)
{
	unsigned int mask = 0, used = 0;

	if (!width)
		width = LV_WIDTH_DEFAULT;
	for (unsigned int i = 0; i < LV_COLS; i++) {
		enum live_view_col c = priority[i];
		unsigned int w = cols[c].width + (used ? 1 : 0);

		if (cols[c].time && !times)
			continue;
		/* A strict prefix of the priority: the first that does not fit ends it. */
		if (i >= ALWAYS && used + w > width)
			break;
		mask |= 1u << c;
		used += w;
	}
	*reason_w = REASON_MIN;
	if (width > used)
		*reason_w += width - used < REASON_MAX - REASON_MIN ? width - used
								    : REASON_MAX - REASON_MIN;
	return mask;
}

/* One row of the view: a reason (or an event), the rows past the limit summed, or the total. */
struct lv_row {
	enum exit_isa isa;
	uint32_t code;
	bool has_code;		/* a reason: isa and code are its own */
	char name[48];
	struct exit_counts c;	/* since the start (for events only c.count) */
	uint64_t cur;		/* since the baseline */
};

/* Sorting with the key as context (qsort_r). */
static int row_cmp(const void *a, const void *b, void *ctx)
{
	const struct lv_row *x = a, *y = b;
	enum live_view_sort s = *(const enum live_view_sort *)ctx;

	if (s == LV_SORT_CURRENT && x->cur != y->cur)
		return x->cur > y->cur ? -1 : 1;
	if (s == LV_SORT_TIME && x->c.time_ns != y->c.time_ns)
		return x->c.time_ns > y->c.time_ns ? -1 : 1;
	if (s != LV_SORT_CODE && x->c.count != y->c.count)
		return x->c.count > y->c.count ? -1 : 1;
	if (x->isa != y->isa)
		return x->isa < y->isa ? -1 : 1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The count of (isa, code) in rows sorted by isa and code; 0 if absent. */
static uint64_t base_count(const struct reason_row *rows, size_t n, enum exit_isa isa, uint32_t code)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct reason_row *r = &rows[mid];

		if (r->isa == isa && r->reason == code)
			return r->c.count;
		if (r->isa < isa || (r->isa == isa && r->reason < code))
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The reason rows of cur, each with its count since base. n, or (size_t)-1 (no memory). */
static size_t reason_rows(const struct live_view_in *in, struct lv_row **out)
{
	struct reason_row *now = NULL, *then = NULL;
	size_t n, nb = 0;
	struct lv_row *rows;

	n = stats_by_reason(in->cur, &in->filter, SORT_CODE, &now);
	if (n == (size_t)-1)
		return n;
	if (in->base) {
		nb = stats_by_reason(in->base, &in->filter, SORT_CODE, &then);
		if (nb == (size_t)-1) {
			free(now);
			return nb;
		}
	}
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (rows) {
		for (size_t i = 0; i < n; i++) {
			struct lv_row *r = &rows[i];
			uint64_t b = base_count(then, nb, now[i].isa, now[i].reason);

			r->isa = now[i].isa;
			r->code = now[i].reason;
			r->has_code = true;
			char buf[sizeof(r->name)];

			snprintf(r->name, sizeof(r->name), "%s",
				 reason_name(r->isa, r->code, buf, sizeof(buf)));
			r->c = now[i].c;
			/* A reset source (or another filter) can make base larger: no negative. */
			r->cur = r->c.count > b ? r->c.count - b : 0;
		}
	}
	free(now);
	free(then);
	*out = rows;
	return rows ? n : (size_t)-1;
}

static size_t event_rows(const struct live_view_in *in, struct lv_row **out)
{
	struct lv_row *rows = calloc(in->nevents ? in->nevents : 1, sizeof(*rows));

	if (!rows)
		return (size_t)-1;
	for (size_t i = 0; i < in->nevents; i++) {
		const struct live_view_event *e = &in->events[i];

		snprintf(rows[i].name, sizeof(rows[i].name), "%s", e->name);
		rows[i].isa = ISA_UNKNOWN;
		rows[i].code = (uint32_t)i;	/* "code" order: the caller's order */
		rows[i].c.count = e->total;
		rows[i].cur = e->total > e->base ? e->total - e->base : 0;
	}
	*out = rows;
	return in->nevents;
}

/* A line of at most width characters (the rest is cut, never wrapped). */
static void put_line(FILE *out, unsigned int width, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put_line(FILE *out, unsigned int width, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (width < sizeof(line))
		line[width] = '\0';
	fprintf(out, "%s\n", line);
}

/* Append one cell, right- or left-aligned in its width, after a space unless first. */
static size_t cell(char *buf, size_t len, size_t at, bool first, unsigned int w, bool left,
		   bool cut, const char *text)
{
	int n;

	if (at >= len)
		return at;
	/* Cut to the width, but for a code (a rare "svm 0xffffffff" rather shifts its row). */
	n = snprintf(buf + at, len - at, left ? "%s%-*.*s" : "%s%*.*s", first ? "" : " ", (int)w,
		     (int)(cut ? w : strlen(text)), text);
	return n < 0 ? at : at + (size_t)n;
}

struct layout {
	unsigned int mask, reason_w;
	double total, time_ns, interval_s;
};

/* The text of column c of row r. */
static const char *col_text(const struct layout *l, enum live_view_col c, const struct lv_row *r,
			    char *buf, size_t len)
{
	const struct exit_counts *k = &r->c;

	snprintf(buf, len, "-");
	switch (c) {
	case LV_COL_CODE:
		if (r->has_code) {
			char code[16];

			snprintf(buf, len, "%s %s", isa_name(r->isa),
				 report_code_str(r->isa, r->code, code, sizeof(code)));
		} else {
			buf[0] = '\0';
		}
		break;
	case LV_COL_REASON:
		return r->name;
	case LV_COL_TOTAL:
		snprintf(buf, len, "%" PRIu64, k->count);
		break;
	case LV_COL_CUR:
		snprintf(buf, len, "%" PRIu64, r->cur);
		break;
	case LV_COL_RATE:
		if (l->interval_s > 0)
			snprintf(buf, len, "%.1f", (double)r->cur / l->interval_s);
		break;
	case LV_COL_PCT:
		if (l->total > 0)
			snprintf(buf, len, "%.1f%%", 100.0 * (double)k->count / l->total);
		break;
	case LV_COL_TPCT:
		if (k->timed && l->time_ns > 0)
			snprintf(buf, len, "%.1f%%", 100.0 * (double)k->time_ns / l->time_ns);
		break;
	case LV_COL_TIME:
		if (k->timed)
			fmt_amount(buf, len, (double)k->time_ns, false, 4);
		break;
	case LV_COL_MEAN:
		if (k->timed)
			fmt_amount(buf, len, (double)k->time_ns / (double)k->timed, false, 4);
		break;
	case LV_COL_P99:
		if (k->timed)
			fmt_amount(buf, len, (double)exit_counts_percentile(k, 99), false, 4);
		break;
	case LV_COL_MAX:
		if (k->timed)
			fmt_amount(buf, len, (double)k->max_ns, false, 4);
		break;
	default:
		break;
	}
	return buf;
}

static void print_row(FILE *out, unsigned int width, const struct layout *l, const struct lv_row *r)
{
	char line[512], text[48];
	size_t at = 0;

	for (unsigned int c = 0; c < LV_COLS; c++) {
		if (!(l->mask & (1u << c)))
			continue;
		at = cell(line, sizeof(line), at, !at, c == LV_COL_REASON ? l->reason_w : cols[c].width,
			  cols[c].left, c != LV_COL_CODE, col_text(l, c, r, text, sizeof(text)));
	}
	put_line(out, width, "%s", line);
}

static void print_col_head(FILE *out, unsigned int width, const struct layout *l, bool events)
{
	char line[512];
	size_t at = 0;

	for (unsigned int c = 0; c < LV_COLS; c++) {
		if (!(l->mask & (1u << c)))
			continue;
		at = cell(line, sizeof(line), at, !at, c == LV_COL_REASON ? l->reason_w : cols[c].width,
			  cols[c].left, true, c == LV_COL_REASON && events ? "event" : cols[c].head);
	}
	put_line(out, width, "%s", line);
}

static void print_head(FILE *out, const struct live_view_in *in, unsigned int width,
		       const struct lv_row *all, bool events)
{
	char cur[48] = "current: no baseline yet";

	put_line(out, width, "exitstat live: %s%" PRIu64 " %s in %.1f s, lost %" PRIu64 " events",
		 events ? "kvm:kvm_exit has not fired; " : "", all->c.count,
		 events ? "KVM events" : "exits", in->window_s, in->lost);
	put_line(out, width, "source: %s", in->source ? in->source : "unknown");
	if (in->base && in->interval_s > 0)
		snprintf(cur, sizeof(cur), "current: the last %.2f s", in->interval_s);
	else if (in->base)
		snprintf(cur, sizeof(cur), "current: from now");
	put_line(out, width, "%s; sort: %s; %s", cur, live_view_sort_name(in->sort),
		 events ? "counts of events" : "times in ns clock, whole run");
	put_line(out, width, "%s", in->status ? in->status
					      : "keys: q quit, s sort, p pause, r reset current");
}

int live_view_print(FILE *out, const struct live_view_in *in)
{
	unsigned int width = in->width ? in->width : LV_WIDTH_DEFAULT;
	bool events = in->events != NULL;
	struct lv_row *rows, other = { .name = "" }, all = { .name = "(total)" };
	struct layout l = { .interval_s = in->base ? in->interval_s : 0 };
	size_t n, shown;
	enum live_view_sort sort = in->sort;

	n = events ? event_rows(in, &rows) : reason_rows(in, &rows);
	if (n == (size_t)-1) {
		errno = ENOMEM;
		return -1;
	}
	/* Events have no time: by time is by total there. */
	if (events && sort == LV_SORT_TIME)
		sort = LV_SORT_TOTAL;
	qsort_r(rows, n, sizeof(*rows), row_cmp, &sort);
	shown = n;
	if (in->top && in->top < shown)
		shown = in->top;
	if (in->height) {
		/* The header, the column heads, the total, "other" and one line kept free. */
		size_t fit = in->height > HEAD_LINES + 4 ? in->height - HEAD_LINES - 4 : 1;

		if (fit < shown)
			shown = fit;
	}
	for (size_t i = 0; i < n; i++) {
		exit_counts_merge(&all.c, &rows[i].c);
		all.cur += rows[i].cur;
		if (i >= shown) {
			exit_counts_merge(&other.c, &rows[i].c);
			other.cur += rows[i].cur;
		}
	}
	snprintf(other.name, sizeof(other.name), "(%zu more)", n - shown);
	l.total = (double)all.c.count;
	l.time_ns = (double)all.c.time_ns;
	l.mask = live_view_cols(width, !events, &l.reason_w);

	print_head(out, in, width, &all, events);
	print_col_head(out, width, &l, events);
	if (!n)
		put_line(out, width, "%s", events ? "(no KVM events so far)" : "(no exits so far)");
	for (size_t i = 0; i < shown; i++)
		print_row(out, width, &l, &rows[i]);
	if (shown < n)
		print_row(out, width, &l, &other);
	if (n)
		print_row(out, width, &l, &all);
	free(rows);
	return ferror(out) ? -1 : 0;
}
