// SPDX-License-Identifier: GPL-2.0
/*
 * CSV output (RFC 4180): one header, then one row per reason per report;
 * `report` is the interim report number or "final", so --every output
 * stays one table.
 */
#include <inttypes.h>

#include "output/report_format.h"

int report_csv(FILE *out, const struct report_opts *o, const struct report_meta *m,
	       const struct stats *s, const struct report_view *v)
{
	char rep[16], code[16];

	(void)o;
	(void)s;
	if (!m || m->final)
		snprintf(rep, sizeof(rep), "final");
	else
		snprintf(rep, sizeof(rep), "%u", m->seq);
	/* The header once per stream: before the first report. */
	if (!m || m->final ? (!m || m->seq == 0) : m->seq == 1)
		fprintf(out, "report,isa,code,name,count,percent,rate_per_s,timed,time_total_ns,"
			     "time_mean_ns,time_p50_ns_max,time_p99_ns_max,time_max_ns,lost\n");
	for (size_t i = 0; i < v->shown; i++) {
		const struct report_row *r = &v->rows[i];

		/* Catalogue names carry no comma or quote (the catalogue test checks). */
		fprintf(out, "%s,%s,%s,%s,%" PRIu64 ",%.4f,", rep, isa_name(r->isa),
			report_code_str(r->isa, r->code, code, sizeof(code)), r->name, r->c.count,
			r->percent);
		if (r->rate >= 0)
			fprintf(out, "%.3f", r->rate);
		fprintf(out, ",%" PRIu64 ",%" PRIu64 ",", r->c.timed, r->c.time_ns);
		if (r->c.timed)
			fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, r->mean_ns,
				r->p50_ns, r->p99_ns, r->c.max_ns);
		else
			fputs(",,,", out);
		fprintf(out, ",%" PRIu64 "\n", v->lost);
	}
	if (v->other_reasons)
		fprintf(out, "%s,,,other(%zu),%" PRIu64 ",,,%" PRIu64 ",%" PRIu64 ",,,,,%" PRIu64 "\n",
			rep, v->other_reasons, v->other.count, v->other.timed, v->other.time_ns,
			v->lost);
	return 0;
}
