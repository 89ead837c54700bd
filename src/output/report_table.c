// SPDX-License-Identifier: GPL-2.0
/* The human-readable table. */
#include <inttypes.h>
#include <stdlib.h>

#include "output/report_format.h"

/* A duration in ns as a short human string ("812 ns", "12.3 us", "4.56 ms", "1.23 s"). */
static const char *dur(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
	return buf;
}

static void print_row(FILE *out, const char *isa, const char *code, const char *name,
		      const struct exit_counts *c, const struct report_row *r, double pct,
		      double rate)
{
	char rate_s[24] = "-", tot[16] = "-", mean[16] = "-", p99[16] = "-", max[16] = "-";

	if (rate >= 0)
		snprintf(rate_s, sizeof(rate_s), "%.1f", rate);
	if (c->timed) {
		dur(c->time_ns, tot, sizeof(tot));
		dur(c->time_ns / c->timed, mean, sizeof(mean));
		if (r) {
			dur(r->p99_ns, p99, sizeof(p99));
			dur(c->max_ns, max, sizeof(max));
		}
	}
	fprintf(out, "%-4s %10s  %-26s %12" PRIu64 " %6.2f%% %11s %10s %10s %10s %10s\n", isa, code,
		name, c->count, pct, rate_s, tot, mean, p99, max);
}

int report_table(FILE *out, const struct report_opts *o, const struct report_meta *m,
		 const struct stats *s, const struct report_view *v)
{
	char win[64] = "unknown window", code[16];
	const char *clock = m && m->clock ? m->clock : "ns";

	(void)s;
	if (v->window_s > 0)
		snprintf(win, sizeof(win), "%.6f s from first to last exit", v->window_s);
	else if (s->have_window && clock[0] != 'n')
		snprintf(win, sizeof(win), "%" PRIu64 " %s ticks from first to last exit",
			 s->last_ns - s->first_ns, clock);
	if (m && !m->final)
		fprintf(out, "--- interim report %u: cumulative, after %" PRIu64 " exits ---\n", m->seq,
			v->total);
	fprintf(out, "exitstat: %" PRIu64 " exits%s%s, %s", v->total,
		m && m->source ? " from " : "", m && m->source ? m->source : "", win);
	if (o->filter.pid != STATS_PID_ANY)
		fprintf(out, ", pid %u", o->filter.pid);
	if (o->filter.vcpu != STATS_VCPU_UNKNOWN)
		fprintf(out, ", vcpu %u", o->filter.vcpu);
	fputc('\n', out);
	fprintf(out, "%-4s %10s  %-26s %12s %7s %11s %10s %10s %10s %10s\n", "isa", "code", "reason",
		"count", "%", "rate/s", "time", "mean", "p99<=", "max");
	for (size_t i = 0; i < v->shown; i++) {
		const struct report_row *r = &v->rows[i];

		print_row(out, isa_name(r->isa), report_code_str(r->isa, r->code, code, sizeof(code)),
			  r->name, &r->c, r, r->percent, r->rate);
	}
	if (v->other_reasons) {
		char name[40];

		snprintf(name, sizeof(name), "(%zu other reasons)", v->other_reasons);
		print_row(out, "", "", name, &v->other, NULL,
			  v->total ? 100.0 * (double)v->other.count / (double)v->total : 0,
			  v->window_s > 0 ? (double)v->other.count / v->window_s : -1);
	}
	if (v->most) {
		fprintf(out, "summary: %" PRIu64 " exits", v->total);
		if (v->window_s > 0)
			fprintf(out, ", %.1f exits/s", (double)v->total / v->window_s);
		fprintf(out, "; most frequent %s %s (%s) %" PRIu64 " (%.2f%%)",
			isa_name(v->most->isa), v->most->name,
			report_code_str(v->most->isa, v->most->code, code, sizeof(code)),
			v->most->c.count, v->most->percent);
		fprintf(out, "; least frequent seen %s %s (%s) %" PRIu64 "\n",
			isa_name(v->least->isa), v->least->name,
			report_code_str(v->least->isa, v->least->code, code, sizeof(code)),
			v->least->c.count);
	} else {
		fprintf(out, "summary: no exits\n");
	}
	/* Explain the time columns only where there are times (not for pure counters). */
	for (size_t i = 0; i < v->nrows; i++) {
		if (v->rows[i].c.timed) {
			fprintf(out, "time in exit: exit to next entry of the same vCPU thread, %s "
				"clock; p99 is the upper bound of a log2 bucket\n", clock);
			break;
		}
	}
	fprintf(out, "lost events: %" PRIu64, v->lost);
	if (m) {
		fprintf(out, "; skipped lines: %" PRIu64, m->skipped);
		if (m->nested)
			fprintf(out, "; nested (L2) exits not counted: %" PRIu64, m->nested);
		if (m->unpaired)
			fprintf(out, "; exits without a following entry: %" PRIu64, m->unpaired);
	}
	fputc('\n', out);
	if (v->lost)
		fprintf(out, "warning: the source lost %" PRIu64 " events: the counts above are lower "
			     "than what happened\n", v->lost);
	for (size_t i = 0; i < v->nrows; i++)
		if (!v->rows[i].known)
			fprintf(out, "note: %s reason %s is not in the catalogue (exitstat reasons --isa %s)\n",
				isa_name(v->rows[i].isa),
				report_code_str(v->rows[i].isa, v->rows[i].code, code, sizeof(code)),
				isa_name(v->rows[i].isa));
	if (m && m->note)
		fprintf(out, "note: %s\n", m->note);
	if (o->per_vm) {
		struct vm_row *vr;
		size_t n = report_vm_rows(s, &o->filter, &vr);

		if (n == (size_t)-1)
			return -1;
		fprintf(out, "%-10s %-6s %12s\n", "vm(pid)", "vcpu", "exits");
		for (size_t i = 0; i < n; i++) {
			char vc[16] = "?";

			if (vr[i].vcpu != STATS_VCPU_UNKNOWN)
				snprintf(vc, sizeof(vc), "%u", vr[i].vcpu);
			fprintf(out, "%-10u %-6s %12" PRIu64 "\n", vr[i].pid, vc, vr[i].count);
		}
		free(vr);
	}
	return 0;
}
