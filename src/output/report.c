// SPDX-License-Identifier: GPL-2.0
/* Report rows shared by every output format; the formats are report_*.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/report.h"
#include "output/report_format.h"

int out_format_parse(const char *s, enum out_format *f)
{
	if (!strcasecmp(s, "table"))
		*f = FMT_TABLE;
	else if (!strcasecmp(s, "json"))
		*f = FMT_JSON;
	else if (!strcasecmp(s, "csv"))
		*f = FMT_CSV;
	else
		return -1;
	return 0;
}

int row_sort_parse(const char *s, enum row_sort *sort)
{
	/* One window per report, so rate orders exactly as count. */
	if (!strcasecmp(s, "count") || !strcasecmp(s, "rate"))
		*sort = SORT_COUNT;
	else if (!strcasecmp(s, "time"))
		*sort = SORT_TIME;
	else if (!strcasecmp(s, "code") || !strcasecmp(s, "reason"))
		*sort = SORT_CODE;
	else
		return -1;
	return 0;
}

double stats_window_seconds(const struct stats *s, const struct report_meta *m)
{
	if (m && m->window_s > 0)
		return m->window_s;
	if (!s->have_window || s->last_ns <= s->first_ns)
		return 0;
	/* A TSC clock has no known frequency here: no seconds from it. */
	if (m && m->clock && strcmp(m->clock, "ns"))
		return 0;
	return (double)(s->last_ns - s->first_ns) / 1e9;
}

void report_row_fill(struct report_row *r, const struct reason_row *src, uint64_t total,
		     double window_s)
{
	memset(r, 0, sizeof(*r));
	r->isa = src->isa;
	r->code = src->reason;
	r->c = src->c;
	r->name = reason_name(src->isa, src->reason, r->name_buf, sizeof(r->name_buf));
	r->known = reason_lookup(src->isa, src->reason) != NULL;
	r->percent = total ? 100.0 * (double)src->c.count / (double)total : 0;
	r->rate = window_s > 0 ? (double)src->c.count / window_s : -1;
	if (src->c.timed) {
		r->mean_ns = src->c.time_ns / src->c.timed;
		r->p50_ns = hist_percentile(src->c.hist, 50);
		r->p99_ns = hist_percentile(src->c.hist, 99);
	}
}

int report_build(const struct report_opts *o, const struct report_meta *m, const struct stats *s,
		 struct report_view *v)
{
	struct reason_row *rows;
	size_t n, shown;

	memset(v, 0, sizeof(*v));
	n = stats_by_reason(s, &o->filter, o->sort, &rows);
	if (n == (size_t)-1)
		return -1;
	for (size_t i = 0; i < n; i++)
		v->total += rows[i].c.count;
	v->window_s = stats_window_seconds(s, m);
	shown = o->top && o->top < n ? o->top : n;
	v->rows = calloc(n ? n : 1, sizeof(*v->rows));
	if (!v->rows) {
		free(rows);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		report_row_fill(&v->rows[i], &rows[i], v->total, v->window_s);
	v->nrows = n;
	v->shown = shown;
	/* Most and least frequent among the reasons seen, by count whatever the sort. */
	for (size_t i = 0; i < n; i++) {
		if (!v->most || rows[i].c.count > v->most->c.count)
			v->most = &v->rows[i];
		if (!v->least || rows[i].c.count < v->least->c.count)
			v->least = &v->rows[i];
	}
	/* Sum the rows past --top into one "other" row so totals still add up. */
	for (size_t i = shown; i < n; i++) {
		v->other.count += rows[i].c.count;
		v->other.timed += rows[i].c.timed;
		v->other.time_ns += rows[i].c.time_ns;
	}
	v->other_reasons = n - shown;
	v->lost = s->lost + (m ? m->lost : 0);
	free(rows);
	return 0;
}

void report_view_free(struct report_view *v)
{
	free(v->rows);
	memset(v, 0, sizeof(*v));
}

int report_print(FILE *out, const struct report_opts *o, const struct report_meta *m,
		 const struct stats *s)
{
	struct report_view v;
	int ret;

	if (report_build(o, m, s, &v))
		return -1;
	switch (o->format) {
	case FMT_JSON:
		ret = report_json(out, o, m, s, &v);
		break;
	case FMT_CSV:
		ret = report_csv(out, o, m, s, &v);
		break;
	default:
		ret = report_table(out, o, m, s, &v);
		break;
	}
	report_view_free(&v);
	if (fflush(out) || ferror(out))
		return -1;
	return ret;
}

const char *report_code_str(enum exit_isa isa, uint32_t code, char *buf, size_t len)
{
	if (isa == ISA_VMX)
		snprintf(buf, len, "%u", code);
	else
		snprintf(buf, len, "0x%x", code);
	return buf;
}

static int vm_cmp(const void *pa, const void *pb)
{
	const struct vm_row *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->vcpu < b->vcpu ? -1 : a->vcpu > b->vcpu;
}

size_t report_vm_rows(const struct stats *s, const struct stats_filter *f, struct vm_row **out)
{
	struct stats *by = stats_new();
	const struct stats_entry *e;
	struct vm_row *rows;
	size_t it = 0, n = 0;

	if (!by)
		return (size_t)-1;
	while ((e = stats_next(s, &it))) {
		/* Reuse the core's hash: key (pid, vcpu) with a fixed isa/reason. */
		struct exit_key k = { e->key.pid, e->key.vcpu, ISA_VMX, 0 };

		if (f && f->pid != STATS_PID_ANY && e->key.pid != f->pid)
			continue;
		if (f && f->vcpu != STATS_VCPU_UNKNOWN && e->key.vcpu != f->vcpu)
			continue;
		if (stats_add_count(by, &k, e->c.count)) {
			stats_free(by);
			return (size_t)-1;
		}
	}
	rows = calloc(by->used ? by->used : 1, sizeof(*rows));
	if (!rows) {
		stats_free(by);
		return (size_t)-1;
	}
	it = 0;
	while ((e = stats_next(by, &it))) {
		rows[n].pid = e->key.pid;
		rows[n].vcpu = e->key.vcpu;
		rows[n].count = e->c.count;
		n++;
	}
	stats_free(by);
	qsort(rows, n, sizeof(*rows), vm_cmp);
	*out = rows;
	return n;
}
