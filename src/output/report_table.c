// SPDX-License-Identifier: GPL-2.0
/* The human-readable table: one report view, whole. */
#include <inttypes.h>
#include <stdlib.h>

#include "output/detail_out.h"
#include "output/hotspot_out.h"
#include "output/report_format.h"
#include "output/units.h"

/* A time, or a tick count on a tick clock (the table says once that these are ticks). */
static const char *amount(uint64_t v, bool ticks, char *buf, size_t len)
{
	return fmt_amount(buf, len, (double)v, ticks, 4);
}

static void print_row(FILE *out, const struct report_view *v, const char *isa, const char *code,
		      const char *name, const struct report_row *r)
{
	char rate[24] = "-", tot[16] = "-", tpct[16] = "-", mean[16] = "-", p50[16] = "-",
	     p99[16] = "-", max[16] = "-";

	if (r->rate >= 0)
		snprintf(rate, sizeof(rate), "%.1f", r->rate);
	if (r->c.timed) {
		amount(r->c.time_ns, v->ticks, tot, sizeof(tot));
		amount(r->mean, v->ticks, mean, sizeof(mean));
		if (r->pct_known) {
			amount(r->p50, v->ticks, p50, sizeof(p50));
			amount(r->p99, v->ticks, p99, sizeof(p99));
		}
		amount(r->c.max_ns, v->ticks, max, sizeof(max));
	}
	if (r->time_percent >= 0)
		snprintf(tpct, sizeof(tpct), "%.2f%%", r->time_percent);
	fprintf(out, "%-4s %10s  %-26s %12" PRIu64 " %6.2f%% %11s %10s %7s %10s %10s %10s %10s\n",
		isa, code, name, r->c.count, r->percent, rate, tot, tpct, mean, p50, p99, max);
}

static void print_head(FILE *out, const struct report_view *v)
{
	char win[80] = "unknown window";

	if (v->window_from == WINDOW_RUN)
		snprintf(win, sizeof(win), "over %.3f s", v->window_s);
	else if (v->window_from == WINDOW_EXITS && v->ticks)
		snprintf(win, sizeof(win), "%" PRIu64 " ticks from first to last exit",
			 v->window_ticks);
	else if (v->window_from == WINDOW_EXITS)
		snprintf(win, sizeof(win), "%.6f s from first to last exit", v->window_s);
	if (!v->final)
		fprintf(out, "--- interim report %u: cumulative, after %" PRIu64 " exits ---\n", v->seq,
			v->total);
	fprintf(out, "exitstat: %" PRIu64 " exits%s%s, %s", v->total, v->source ? " from " : "",
		v->source ? v->source : "", win);
	if (v->filter.pid != STATS_PID_ANY)
		fprintf(out, ", pid %u", v->filter.pid);
	if (v->filter.vcpu != STATS_VCPU_UNKNOWN)
		fprintf(out, ", vcpu %u", v->filter.vcpu);
	if (v->ticks)
		fprintf(out, "; times in clock ticks (raw counter timestamps, frequency unknown)");
	fputc('\n', out);
	fprintf(out, "%-4s %10s  %-26s %12s %7s %11s %10s %7s %10s %10s %10s %10s\n", "isa", "code",
		"reason", "count", "%", "rate/s", "time", "time%", "mean", "p50<=", "p99<=", "max");
}

#define TIES_NAMED 4

/* Most or least frequent: the reason, or the reasons that tie at that count. */
static void print_extreme(FILE *out, const struct report_view *v, const char *what,
			  const struct report_row *r, size_t ties)
{
	char code[16];
	size_t named = 0;

	if (ties <= 1) {
		fprintf(out, "; %s %s %s (%s) %" PRIu64 " (%.2f%%)", what, isa_name(r->isa), r->name,
			report_code_str(r->isa, r->code, code, sizeof(code)), r->c.count, r->percent);
		return;
	}
	fprintf(out, "; %s: %zu reasons tie at %" PRIu64 " each (", what, ties, r->c.count);
	for (size_t i = 0; i < v->nrows && named < TIES_NAMED; i++)
		if (v->rows[i].c.count == r->c.count)
			fprintf(out, "%s%s", named++ ? ", " : "", v->rows[i].name);
	fprintf(out, "%s)", ties > TIES_NAMED ? ", ..." : "");
}

static void print_summary(FILE *out, const struct report_view *v)
{
	char tot[16];

	if (!v->most) {
		fprintf(out, "summary: no exits\n");
		return;
	}
	fprintf(out, "summary: %" PRIu64 " exits", v->total);
	if (v->all.rate >= 0)
		fprintf(out, ", %.1f exits/s", v->all.rate);
	if (v->all.c.timed)
		fprintf(out, ", %s in exit", amount(v->all.c.time_ns, v->ticks, tot, sizeof(tot)));
	if (v->nrows == 1) {
		print_extreme(out, v, "one reason:", v->most, 1);
		fputc('\n', out);
		return;
	}
	print_extreme(out, v, "most frequent", v->most, v->most_ties);
	print_extreme(out, v, "least frequent seen", v->least, v->least_ties);
	fputc('\n', out);
}

static void print_vms(FILE *out, const struct report_view *v)
{
	fprintf(out, "%-10s %-6s %12s %7s %10s %7s\n", "vm(pid)", "vcpu", "exits", "%", "time",
		"time%");
	for (size_t i = 0; i < v->nvms; i++) {
		const struct report_row *r = &v->vms[i];
		char vc[16] = "?", tot[16] = "-", tpct[16] = "-";

		if (r->vcpu != STATS_VCPU_UNKNOWN)
			snprintf(vc, sizeof(vc), "%u", r->vcpu);
		if (r->c.timed)
			amount(r->c.time_ns, v->ticks, tot, sizeof(tot));
		if (r->time_percent >= 0)
			snprintf(tpct, sizeof(tpct), "%.2f%%", r->time_percent);
		fprintf(out, "%-10u %-6s %12" PRIu64 " %6.2f%% %10s %7s\n", r->pid, vc, r->c.count,
			r->percent, tot, tpct);
	}
}

int report_table(FILE *out, const struct report_view *v)
{
	char code[16];

	print_head(out, v);
	for (size_t i = 0; i < v->shown; i++) {
		const struct report_row *r = &v->rows[i];

		print_row(out, v, isa_name(r->isa), report_code_str(r->isa, r->code, code, sizeof(code)),
			  r->name, r);
	}
	if (v->other_reasons) {
		char name[40];

		snprintf(name, sizeof(name), "(%zu other reasons)", v->other_reasons);
		print_row(out, v, "", "", name, &v->other);
	}
	print_row(out, v, "", "", "(total)", &v->all);
	print_summary(out, v);
	/* Explain the time columns only where there are times (not for pure counters). */
	if (v->all.c.timed && v->all.pct_known)
		fprintf(out, "time in exit: exit to next entry of the same vCPU thread, in %s; p50 and "
			     "p99 are bounds (the top of a log2 bucket, at most max)\n",
			v->ticks ? "clock ticks" : "ns");
	else if (v->all.c.timed)
		fprintf(out, "time in exit: exit to next entry of the same vCPU thread, in %s, as the "
			     "source gave it (total, mean, max); p50 and p99 unknown (no per-exit "
			     "times)\n", v->ticks ? "clock ticks" : "ns");
	fprintf(out, "lost events: %" PRIu64 "; skipped lines: %" PRIu64, v->lost, v->skipped);
	if (v->nested)
		fprintf(out, "; nested (L2) exits not counted: %" PRIu64, v->nested);
	if (v->unpaired)
		fprintf(out, "; exits without a following entry: %" PRIu64, v->unpaired);
	fputc('\n', out);
	for (size_t i = 0; i < v->nnotes; i++)
		fprintf(out, "note: %s\n", v->notes[i]);
	if (v->per_vm)
		print_vms(out, v);
	if (v->details_on) {
		fprintf(out, "exit details (--detail):\n");
		detail_table(out, v->details, v->ndetails, v->detail_top, v->ticks);
	}
	if (v->hotspots && hotspot_print(out, FMT_TABLE, v->hotspot_meta, v->hotspots))
		return -1;
	return 0;
}
