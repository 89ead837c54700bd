// SPDX-License-Identifier: GPL-2.0
/*
 * CSV output (RFC 4180), documented in docs/csv.md: one header, then per
 * report one row per reason, the "other" row (--top), the total row (the
 * window, lost and skipped counts, the source), the per-VM rows (--per-vm)
 * and one row per note. `report` is the interim report number or "final"
 * and `kind` says what a row is, so an --every stream stays one table.
 */
#include <inttypes.h>

#include "output/emit.h"
#include "output/detail_out.h"
#include "output/hotspot_out.h"
#include "output/report_format.h"

static const char header[] =
	"report,kind,isa,code,name,pid,vcpu,count,percent,rate_per_s,timed,time_unit,time_total,"
	"time_mean,time_p50_max,time_p99_max,time_max,time_percent,window_s,window_ticks,"
	"window_from,lost,skipped,nested,unpaired,text\n";

/* count .. time_percent: the numbers every kind of row has. */
static void counts_csv(FILE *out, const struct report_view *v, const struct report_row *r)
{
	fprintf(out, "%" PRIu64 ",%.4f,", r->c.count, r->percent);
	if (r->rate >= 0)
		fprintf(out, "%.3f", r->rate);
	fprintf(out, ",%" PRIu64 ",%s,%" PRIu64 ",", r->c.timed, v->unit, r->c.time_ns);
	if (r->c.timed && r->pct_known)
		fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", r->mean, r->p50,
			r->p99, r->c.max_ns);
	else if (r->c.timed)
		fprintf(out, "%" PRIu64 ",,,%" PRIu64 ",", r->mean, r->c.max_ns);
	else
		fputs(",,,,", out);
	if (r->time_percent >= 0)
		fprintf(out, "%.4f", r->time_percent);
}

static void total_csv(FILE *out, const char *rep, const struct report_view *v)
{
	static const char *const from[] = {
		[WINDOW_NONE] = "", [WINDOW_RUN] = "run", [WINDOW_EXITS] = "exits",
	};

	fprintf(out, "%s,total,,,,,,", rep);
	counts_csv(out, v, &v->all);
	fputc(',', out);
	if (v->window_s > 0)
		fprintf(out, "%.6f", v->window_s);
	fputc(',', out);
	if (v->ticks && v->window_from == WINDOW_EXITS)
		fprintf(out, "%" PRIu64, v->window_ticks);
	fprintf(out, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", from[v->window_from],
		v->lost, v->skipped, v->nested, v->unpaired);
	if (v->source)
		csv_quoted(out, v->source);
	fputc('\n', out);
}

int report_csv(FILE *out, const struct report_view *v)
{
	char rep[16], code[16], name[40], text[160];
	/* The columns after time_percent that only the total and note rows fill. */
	const char *rest = ",,,,,,,,";

	if (v->final)
		snprintf(rep, sizeof(rep), "final");
	else
		snprintf(rep, sizeof(rep), "%u", v->seq);
	/* The header once per stream: before the first report. */
	if (v->final ? v->seq == 0 : v->seq == 1)
		fputs(header, out);
	for (size_t i = 0; i < v->shown; i++) {
		const struct report_row *r = &v->rows[i];

		/* Catalogue names carry no comma or quote (the catalogue test checks). */
		fprintf(out, "%s,reason,%s,%s,%s,,,", rep, isa_name(r->isa),
			report_code_str(r->isa, r->code, code, sizeof(code)), r->name);
		counts_csv(out, v, r);
		fprintf(out, "%s\n", rest);
	}
	if (v->other_reasons) {
		fprintf(out, "%s,other,,,(%zu other reasons),,,", rep, v->other_reasons);
		counts_csv(out, v, &v->other);
		fprintf(out, "%s\n", rest);
	}
	total_csv(out, rep, v);
	for (size_t i = 0; i < v->nvms; i++) {
		const struct report_row *r = &v->vms[i];

		fprintf(out, "%s,vm,,,,%u,", rep, r->pid);
		if (r->vcpu != STATS_VCPU_UNKNOWN)
			fprintf(out, "%u", r->vcpu);
		fputc(',', out);
		counts_csv(out, v, r);
		fprintf(out, "%s\n", rest);
	}
	for (size_t i = 0; i < v->ndetails; i++) {
		const struct detail_entry *e = &v->details[i];
		uint64_t reason_exits = 0;

		for (size_t j = 0; j < v->ndetails; j++)
			if (v->details[j].isa == e->isa && v->details[j].reason == e->reason)
				reason_exits += v->details[j].count;
		/* the reason's name, then in `text` the key; percent: of the reason's exits */
		fprintf(out, "%s,detail,%s,%s,%s,,,%" PRIu64 ",%.4f,,%" PRIu64 ",%s,%" PRIu64 ",",
			rep, isa_name(e->isa), report_code_str(e->isa, e->reason, code, sizeof(code)),
			reason_name(e->isa, e->reason, name, sizeof(name)), e->count,
			100.0 * (double)e->count / (double)reason_exits, e->timed, v->unit, e->time);
		if (e->timed)
			fprintf(out, "%" PRIu64, e->time / e->timed);
		fputs(",,,,,,,,,,,,", out);	/* time_mean .. unpaired */
		detail_text(e, text, sizeof(text));
		csv_quoted(out, text);
		fputc('\n', out);
	}
	if (v->hotspots && hotspot_report_csv(out, rep, v->hotspot_meta, v->hotspots))
		return -1;
	for (size_t i = 0; i < v->nnotes; i++) {
		fprintf(out, "%s,note,,,,,,,,,,,,,,,,,,,,,,,,", rep);
		csv_quoted(out, v->notes[i]);
		fputc('\n', out);
	}
	return 0;
}
