// SPDX-License-Identifier: GPL-2.0
/* Report rows shared by every output format; the formats are report_*.c. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
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

/* A row's numbers derived from its counters, against the report's total and window. */
static void row_derive(struct report_row *r, const struct report_view *v)
{
	const struct exit_counts *c = &r->c;

	r->percent = v->total ? 100.0 * (double)c->count / (double)v->total : 0;
	r->rate = v->window_s > 0 ? (double)c->count / v->window_s : -1;
	r->time_percent = -1;
	if (!c->timed)
		return;
	if (v->all.c.time_ns)
		r->time_percent = 100.0 * (double)c->time_ns / (double)v->all.c.time_ns;
	r->mean = c->time_ns / c->timed;
	{
		uint64_t in_hist = 0;

		for (unsigned int i = 0; i < STATS_HIST_BUCKETS; i++)
			in_hist += c->hist[i];
		r->pct_known = in_hist == c->timed;
	}
	if (r->pct_known) {
		r->p50 = exit_counts_percentile(c, 50);
		r->p99 = exit_counts_percentile(c, 99);
	}
}

static void window_fill(struct report_view *v, const struct report_meta *m, const struct stats *s)
{
	if (m && m->window_s > 0) {
		v->window_from = WINDOW_RUN;
		v->window_s = m->window_s;
	} else if (s->have_window && s->last_ns > s->first_ns) {
		v->window_from = WINDOW_EXITS;
		/* A tick clock has no known frequency: its window stays in ticks. */
		if (v->ticks)
			v->window_ticks = s->last_ns - s->first_ns;
		else
			v->window_s = (double)(s->last_ns - s->first_ns) / 1e9;
	}
}

static int note_add(struct report_view *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int note_add(struct report_view *v, const char *fmt, ...)
{
	char **n = realloc(v->notes, (v->nnotes + 1) * sizeof(*n));
	va_list ap;
	int len;

	if (!n)
		return -1;
	v->notes = n;
	va_start(ap, fmt);
	len = vasprintf(&n[v->nnotes], fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	v->nnotes++;
	return 0;
}

static int notes_fill(struct report_view *v)
{
	char code[16];

	if (v->source_note && note_add(v, "%s", v->source_note))
		return -1;
	if (v->lost && note_add(v, "the source lost %" PRIu64 " events: the counts are lower than "
				"what happened", v->lost))
		return -1;
	for (size_t i = 0; i < v->nrows; i++) {
		const struct report_row *r = &v->rows[i];

		if (r->isa == ISA_NONE && r->code == EXIT_REASON_CUT_OFF)
			continue;	/* damaged records: the source's note says which */
		if (!r->known && note_add(v, "%s reason %s is not in the catalogue (exitstat reasons "
					  "--isa %s)", isa_name(r->isa),
					  report_code_str(r->isa, r->code, code, sizeof(code)),
					  isa_name(r->isa)))
			return -1;
	}
	return 0;
}

/* Most and least frequent among the reasons seen, by count whatever the sort; ties counted. */
static void extremes_fill(struct report_view *v)
{
	for (size_t i = 0; i < v->nrows; i++) {
		const struct report_row *r = &v->rows[i];

		if (!v->most || r->c.count > v->most->c.count)
			v->most = r;
		if (!v->least || r->c.count < v->least->c.count)
			v->least = r;
	}
	for (size_t i = 0; i < v->nrows; i++) {
		v->most_ties += v->rows[i].c.count == v->most->c.count;
		v->least_ties += v->rows[i].c.count == v->least->c.count;
	}
}

/* A report row of one group of keys: a reason, or a VM's vCPU (ctx: the stats_group). */
static void group_row_fill(void *row, const struct stats_entry *g, void *ctx)
{
	struct report_row *r = row;

	r->isa = (enum exit_isa)g->key.isa;
	r->code = g->key.reason;
	r->pid = g->key.pid;
	r->vcpu = g->key.vcpu;
	r->c = g->c;
	r->name = "";
	if (*(const enum stats_group *)ctx == GROUP_REASON) {
		r->name = reason_name(r->isa, r->code, r->name_buf, sizeof(r->name_buf));
		r->known = reason_lookup(r->isa, r->code) != NULL;
	}
}

/* One row per group of the keys o lets through. n, or (size_t)-1 when out of memory. */
static size_t rows_fill(const struct stats *s, const struct report_opts *o, enum stats_group by,
			struct report_row **out)
{
	size_t n;

	*out = stats_group_rows(s, &o->filter, by, by == GROUP_REASON ? o->sort : SORT_COUNT,
				sizeof(**out), group_row_fill, &by, &n);
	return *out ? n : (size_t)-1;
}

static int reasons_fill(struct report_view *v, const struct report_opts *o, const struct stats *s)
{
	size_t n = rows_fill(s, o, GROUP_REASON, &v->rows);

	if (n == (size_t)-1)
		return -1;
	v->nrows = n;
	v->shown = o->top && o->top < n ? o->top : n;
	v->other_reasons = n - v->shown;
	for (size_t i = 0; i < n; i++) {
		exit_counts_merge(&v->all.c, &v->rows[i].c);
		/* Sum the rows past --top into one "other" row so totals still add up. */
		if (i >= v->shown)
			exit_counts_merge(&v->other.c, &v->rows[i].c);
	}
	v->total = v->all.c.count;
	return 0;
}

static int vms_fill(struct report_view *v, const struct report_opts *o, const struct stats *s)
{
	size_t n = rows_fill(s, o, GROUP_VCPU, &v->vms);

	if (n == (size_t)-1)
		return -1;
	v->nvms = n;
	for (size_t i = 0; i < n; i++)
		row_derive(&v->vms[i], v);
	return 0;
}

int report_build(const struct report_opts *o, const struct report_meta *m, const struct stats *s,
		 struct report_view *v)
{
	memset(v, 0, sizeof(*v));
	v->source = m ? m->source : NULL;
	v->final = !m || m->final;
	v->seq = m ? m->seq : 0;
	v->clock = m && m->clock ? m->clock : "ns";
	v->ticks = strcmp(v->clock, "ns") != 0;
	v->unit = v->ticks ? "ticks" : "ns";
	v->filter = o->filter;
	v->per_vm = o->per_vm;
	v->lost = s->lost + (m ? m->lost : 0);
	if (m) {
		v->skipped = m->skipped;
		v->nested = m->nested;
		v->unpaired = m->unpaired;
		v->source_note = m->note;
		v->details_on = m->details_on;
		v->details = m->details;
		v->ndetails = m->ndetails;
		v->detail_top = m->detail_top;
		v->hotspots = m->hotspots;
		v->hotspot_meta = m->hotspot_meta;
	}
	window_fill(v, m, s);
	v->other.name = v->all.name = "";
	if (reasons_fill(v, o, s) || (o->per_vm && vms_fill(v, o, s)) || notes_fill(v) ||
	    (m && m->details_lost &&
	     note_add(v, "the details of %" PRIu64 " exits were not kept (the kernel's map of "
		      "details was full): the %s sum to less than the counts",
		      m->details_lost, m->hotspots && m->details_on ? "details and hotspots" :
		      m->hotspots ? "hotspots" : "details") < 0)) {
		report_view_free(v);
		return -1;
	}
	for (size_t i = 0; i < v->nrows; i++)
		row_derive(&v->rows[i], v);
	row_derive(&v->other, v);
	row_derive(&v->all, v);
	extremes_fill(v);
	return 0;
}

void report_view_free(struct report_view *v)
{
	for (size_t i = 0; i < v->nnotes; i++)
		free(v->notes[i]);
	free(v->notes);
	free(v->rows);
	free(v->vms);
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
		ret = report_json(out, &v);
		break;
	case FMT_CSV:
		ret = report_csv(out, &v);
		break;
	default:
		ret = report_table(out, &v);
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
