// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis as text (a plain-language summary, then the numbers) and as
 * JSON (json-c; schema in docs/analysis.md). The whole-trace reason rows come
 * from the counting core (stats_by_reason), the same as `exitstat report`.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "output/analyze_out.h"
#include "output/report_format.h"
#include "output/units.h"

/* Reasons tied at the top / bottom of a column order (counts > 0), at most max of them. */
static size_t ties(const uint64_t *counts, const size_t *order, size_t nonzero, bool most,
		   size_t *first)
{
	size_t n = 0;
	uint64_t v;

	if (!nonzero)
		return 0;
	v = counts[order[most ? 0 : nonzero - 1]];
	for (size_t i = 0; i < nonzero; i++)
		if (counts[order[i]] == v) {
			if (!n)
				*first = i;
			n++;
		}
	return n;
}

static void list_ties(FILE *f, const struct analysis *a, const uint64_t *counts,
		      const size_t *order, size_t nonzero, bool most, uint64_t total)
{
	size_t first = 0, n = ties(counts, order, nonzero, most, &first);

	for (size_t i = 0; i < n && i < 3; i++)
		fprintf(f, "%s%s", i ? ", " : "", a->reasons[order[first + i]].name);
	if (n > 3)
		fprintf(f, " and %zu more", n - 3);
	if (n) {
		uint64_t c = counts[order[first]];

		fprintf(f, " (%llu exit%s%s, %.1f%%)", (unsigned long long)c, c == 1 ? "" : "s",
			n > 1 ? " each" : "", total ? 100.0 * c / total : 0);
	}
}

static void phase_drivers(FILE *f, const struct analysis *a, const struct phase *ph)
{
	for (size_t i = 0; i < ph->nonzero && i < a->o.top; i++)
		fprintf(f, "%s%s %.0f%%", i ? ", " : "", a->reasons[ph->order[i]].name,
			ph->exits ? 100.0 * ph->count[ph->order[i]] / ph->exits : 0);
}

static uint64_t timeline_total(const struct analysis *a)
{
	uint64_t t = 0;

	for (size_t r = 0; r < a->nreasons; r++)
		t += a->reasons[r].count;
	return t;
}

/* The plain-language summary (shared by text and JSON). Caller frees. */
static char *summary_text(const struct analysis *a, const struct analysis_meta *m)
{
	char *buf = NULL, tbuf[32];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	uint64_t total = timeline_total(a), *counts, time_total = 0;
	size_t nz = 0, nbursts = 0, best_time = 0;
	double span = analysis_span_s(a);

	if (!f)
		return NULL;
	counts = calloc(a->nreasons ? a->nreasons : 1, sizeof(*counts));
	if (!counts) {
		fclose(f);
		free(buf);
		return NULL;
	}
	for (size_t r = 0; r < a->nreasons; r++) {
		counts[r] = a->reasons[r].count;
		nz += counts[r] > 0;
		time_total += a->reasons[r].time_ns;
		if (a->reasons[r].time_ns > a->reasons[best_time].time_ns)
			best_time = r;
	}
	if (!total) {
		fprintf(f, "No timestamped exits: nothing to put on a timeline.\n");
		goto done;
	}
	fmt_amount(tbuf, sizeof(tbuf), (double)(a->t_last - a->t0), false, 4);
	fprintf(f, "%llu exit%s in %s", (unsigned long long)total, total == 1 ? "" : "s", tbuf);
	if (span > 0)
		fprintf(f, " (%.0f exits/s on average)", total / span);
	fprintf(f, " from %zu reason%s.\n", nz, nz == 1 ? "" : "s");
	if (m->lost + a->acc.stats->lost)
		fprintf(f, "The source lost %llu events: the timeline holds what it kept, and a quiet "
			   "stretch may be lost events rather than a quiet guest.\n",
			(unsigned long long)(m->lost + a->acc.stats->lost));
	if (nz == 1) {
		fprintf(f, "One reason only: ");
		list_ties(f, a, counts, a->order, nz, true, total);
	} else {
		fprintf(f, "Most frequent: ");
		list_ties(f, a, counts, a->order, nz, true, total);
		fprintf(f, ". Least frequent: ");
		list_ties(f, a, counts, a->order, nz, false, total);
	}
	fprintf(f, ".\n");
	if (time_total) {
		fmt_amount(tbuf, sizeof(tbuf), (double)(a->reasons[best_time].time_ns), false, 4);
		fprintf(f, "Most time in exit: %s, %s (%.1f%% of all time in exit).\n",
			a->reasons[best_time].name, tbuf,
			100.0 * a->reasons[best_time].time_ns / time_total);
	} else {
		fprintf(f, "Time in exit: unknown (no exit was paired with its entry).\n");
	}
	if (!(span > 0)) {
		fprintf(f, "All exits carry the same timestamp: no rate, no timeline.\n");
		goto done;
	}
	for (size_t i = 0; i < a->nphases; i++)
		nbursts += a->phases[i].kind == PHASE_BURST;
	fprintf(f, "Typical rate %.0f exits/s; %zu phase%s, %zu burst%s:\n", a->typical_rate,
		a->nphases, a->nphases == 1 ? "" : "s", nbursts, nbursts == 1 ? "" : "s");
	for (size_t i = 0; i < a->nphases; i++) {
		const struct phase *ph = &a->phases[i];

		fprintf(f, "  %9.3f - %9.3f s  %-6s %10.0f exits/s", ph->start_ns / 1e9,
			ph->end_ns / 1e9, phase_kind_name(ph->kind), ph->rate);
		if (ph->kind == PHASE_BURST)
			fprintf(f, " (%.1fx typical)", ph->vs_typical);
		if (ph->nonzero) {
			fprintf(f, "%s ", ph->kind == PHASE_BURST ? ", driven by" : ", mostly");
			phase_drivers(f, a, ph);
		}
		fprintf(f, "\n");
	}
done:
	free(counts);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool ticks(const struct analysis_meta *m)
{
	return m->clock && strcmp(m->clock, "ns");
}

static void print_notes(FILE *out, const struct analysis *a, const struct analysis_meta *m)
{
	uint64_t open = accum_open_exits(&a->acc);

	/* An incomplete input says what is missing and where (the note), first. */
	if (m->note)
		fprintf(out, "%s: %s\n", m->incomplete ? "INCOMPLETE" : "Note", m->note);

	fprintf(out, "Lost events: %llu", (unsigned long long)(m->lost + a->acc.stats->lost));
	fprintf(out, "; skipped lines: %llu; nested (L2) exits not counted: %llu\n",
		(unsigned long long)m->skipped, (unsigned long long)m->nested);
	if (a->untimed)
		fprintf(out, "Exits without a timestamp (in the totals, not the timeline): %llu\n",
			(unsigned long long)a->untimed);
	if (a->early)
		fprintf(out, "Exits stamped before the first one (put in the first window): %llu\n",
			(unsigned long long)a->early);
	if (open)
		fprintf(out, "Exits with no entry after them (no time in exit): %llu\n",
			(unsigned long long)open);
}

int analysis_print_text(FILE *out, const struct analysis *a, const struct analysis_meta *m)
{
	struct reason_row *rows = NULL;
	size_t nrows;
	char *sum = summary_text(a, m), code[16];
	double span = analysis_span_s(a);

	if (!sum)
		return -1;
	fprintf(out, "exitstat analysis of %s\n", m->source ? m->source : "?");
	if (ticks(m))
		fprintf(out, "The timestamps are raw clock ticks (%s), not nanoseconds: below, every "
			     "\"s\" is 1e9 ticks and every rate is per 1e9 ticks.\n", m->clock);
	fprintf(out, "\nSummary\n%s\n", sum);
	free(sum);

	nrows = stats_by_reason(a->acc.stats, &a->o.filter, SORT_COUNT, &rows);
	if (nrows == (size_t)-1)
		return -1;
	fprintf(out, "Reasons, whole trace (%llu exits)\n",
		(unsigned long long)(nrows ? a->acc.stats->total - a->filtered_out : 0));
	fprintf(out, "  %-24s %8s %12s %7s %12s %16s %12s\n", "reason", "code", "exits", "share",
		"rate/s", "time_in_exit_s", "mean_us");
	{
		uint64_t total = 0;

		for (size_t i = 0; i < nrows; i++)
			total += rows[i].c.count;
		for (size_t i = 0; i < nrows; i++) {
			const struct exit_counts *c = &rows[i].c;
			char nb[40];

			fprintf(out, "  %-24s %8s %12llu %6.2f%% %12.1f %16.6f ",
				reason_name(rows[i].isa, rows[i].reason, nb, sizeof(nb)),
				report_code_str(rows[i].isa, rows[i].reason, code, sizeof(code)),
				(unsigned long long)c->count, total ? 100.0 * c->count / total : 0,
				span > 0 ? c->count / span : 0, c->time_ns / 1e9);
			if (c->timed)
				fprintf(out, "%12.3f\n", c->time_ns / 1e3 / c->timed);
			else
				fprintf(out, "%12s\n", "-");
		}
	}
	free(rows);

	fprintf(out, "\nTimeline: %zu windows of %.6f s from t=%.6f s (source clock); typical rate "
		"%.1f exits/s (median of the windows with exits; p90 window %.1f exits/s)\n",
		a->nwin, a->width_ns / 1e9, a->t0 / 1e9, a->typical_rate, a->p90_rate);
	fprintf(out, "Thresholds: idle below %.1f exits/s, burst from %.1f exits/s\n",
		a->typical_rate / a->o.idle_factor, a->typical_rate * a->o.burst_factor);
	fprintf(out, "\nPhases (times in s from the first exit)\n");
	fprintf(out, "  %3s %-6s %10s %10s %10s %12s %12s %9s\n", "#", "kind", "start_s", "end_s",
		"dur_s", "exits", "rate/s", "x_typical");
	for (size_t i = 0; i < a->nphases; i++) {
		const struct phase *ph = &a->phases[i];

		fprintf(out, "  %3zu %-6s %10.3f %10.3f %10.3f %12llu %12.1f %9.2f\n", i + 1,
			phase_kind_name(ph->kind), ph->start_ns / 1e9, ph->end_ns / 1e9,
			(ph->end_ns - ph->start_ns) / 1e9, (unsigned long long)ph->exits, ph->rate,
			ph->vs_typical);
	}
	for (size_t i = 0; i < a->nphases; i++) {
		const struct phase *ph = &a->phases[i];

		fprintf(out, "\nPhase %zu (%s, %.3f-%.3f s): most frequent ", i + 1,
			phase_kind_name(ph->kind), ph->start_ns / 1e9, ph->end_ns / 1e9);
		list_ties(out, a, ph->count, ph->order, ph->nonzero, true, ph->exits);
		fprintf(out, "; least frequent ");
		list_ties(out, a, ph->count, ph->order, ph->nonzero, false, ph->exits);
		fprintf(out, "\n  %-24s %12s %7s %12s %16s\n", "reason", "exits", "share", "rate/s",
			"time_in_exit_s");
		for (size_t k = 0; k < ph->nonzero; k++) {
			size_t r = ph->order[k];
			double d = (ph->end_ns - ph->start_ns) / 1e9;

			fprintf(out, "  %-24s %12llu %6.2f%% %12.1f %16.6f\n", a->reasons[r].name,
				(unsigned long long)ph->count[r], 100.0 * ph->count[r] / ph->exits,
				d > 0 ? ph->count[r] / d : 0, ph->time_ns[r] / 1e9);
		}
	}
	fprintf(out, "\n");
	print_notes(out, a, m);
	return ferror(out) ? -1 : 0;
}

/* ---- JSON ---- */

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *dbl(double v)
{
	return json_object_new_double(v);
}

static json_object *reason_ref(const struct analysis *a, size_t col, uint64_t count)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "isa", json_object_new_string(isa_name(a->reasons[col].isa)));
	json_object_object_add(o, "code", u64(a->reasons[col].code));
	json_object_object_add(o, "name", json_object_new_string(a->reasons[col].name));
	json_object_object_add(o, "count", u64(count));
	return o;
}

static json_object *tie_list(const struct analysis *a, const uint64_t *counts, const size_t *order,
			     size_t nonzero, bool most)
{
	json_object *arr = json_object_new_array();
	size_t first = 0, n = ties(counts, order, nonzero, most, &first);

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, reason_ref(a, order[first + i], counts[order[first + i]]));
	return arr;
}

static json_object *whole_reasons(const struct analysis *a)
{
	json_object *arr = json_object_new_array();
	struct reason_row *rows = NULL;
	size_t n = stats_by_reason(a->acc.stats, &a->o.filter, SORT_COUNT, &rows);
	uint64_t total = 0;
	double span = analysis_span_s(a);
	char code[16], nb[40];

	if (n == (size_t)-1)
		return arr;
	for (size_t i = 0; i < n; i++)
		total += rows[i].c.count;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		const struct exit_counts *c = &rows[i].c;

		json_object_object_add(o, "isa", json_object_new_string(isa_name(rows[i].isa)));
		json_object_object_add(o, "code", u64(rows[i].reason));
		json_object_object_add(o, "code_str", json_object_new_string(report_code_str(
							      rows[i].isa, rows[i].reason, code, sizeof(code))));
		json_object_object_add(o, "name", json_object_new_string(
							  reason_name(rows[i].isa, rows[i].reason, nb, sizeof(nb))));
		json_object_object_add(o, "count", u64(c->count));
		json_object_object_add(o, "percent", dbl(total ? 100.0 * c->count / total : 0));
		json_object_object_add(o, "rate_per_s", span > 0 ? dbl(c->count / span) : NULL);
		json_object_object_add(o, "timed", u64(c->timed));
		json_object_object_add(o, "time_total_ns", u64(c->time_ns));
		json_object_object_add(o, "time_mean_ns", c->timed ? u64(c->time_ns / c->timed) : NULL);
		json_object_array_add(arr, o);
	}
	free(rows);
	return arr;
}

static json_object *phase_json(const struct analysis *a, size_t i)
{
	const struct phase *ph = &a->phases[i];
	json_object *o = json_object_new_object(), *rs = json_object_new_array();

	json_object_object_add(o, "index", u64(i));
	json_object_object_add(o, "kind", json_object_new_string(phase_kind_name(ph->kind)));
	json_object_object_add(o, "start_s", dbl(ph->start_ns / 1e9));
	json_object_object_add(o, "end_s", dbl(ph->end_ns / 1e9));
	json_object_object_add(o, "duration_s", dbl((ph->end_ns - ph->start_ns) / 1e9));
	json_object_object_add(o, "first_window", u64(ph->first_win));
	json_object_object_add(o, "end_window", u64(ph->end_win));
	json_object_object_add(o, "exits", u64(ph->exits));
	json_object_object_add(o, "rate_per_s", dbl(ph->rate));
	json_object_object_add(o, "vs_typical", dbl(ph->vs_typical));
	for (size_t k = 0; k < ph->nonzero; k++) {
		size_t r = ph->order[k];
		json_object *ro = reason_ref(a, r, ph->count[r]);

		json_object_object_add(ro, "share", dbl((double)ph->count[r] / ph->exits));
		json_object_object_add(ro, "time_total_ns", u64(ph->time_ns[r]));
		json_object_array_add(rs, ro);
	}
	json_object_object_add(o, "reasons", rs);
	json_object_object_add(o, "most_frequent", tie_list(a, ph->count, ph->order, ph->nonzero, true));
	json_object_object_add(o, "least_frequent",
			       tie_list(a, ph->count, ph->order, ph->nonzero, false));
	return o;
}

static json_object *timeline_json(const struct analysis *a)
{
	json_object *o = json_object_new_object(), *cols = json_object_new_array();
	json_object *wins = json_object_new_array();
	double start = 0;

	for (size_t k = 0; k < a->nreasons; k++)
		json_object_array_add(cols, reason_ref(a, a->order[k], a->reasons[a->order[k]].count));
	json_object_object_add(o, "window_s", dbl(a->width_ns / 1e9));
	json_object_object_add(o, "t0_ns", u64(a->t0));
	json_object_object_add(o, "reasons", cols);
	for (size_t w = 0; w < a->nwin && a->win_dur_s; w++) {
		json_object *wo = json_object_new_object(), *cs = json_object_new_array();
		json_object *ts = json_object_new_array();
		uint64_t tot = 0;

		for (size_t k = 0; k < a->nreasons; k++) {
			uint64_t c = a->win_count[w * a->rcap + a->order[k]];

			tot += c;
			json_object_array_add(cs, u64(c));
			json_object_array_add(ts, u64(a->win_time[w * a->rcap + a->order[k]]));
		}
		json_object_object_add(wo, "start_s", dbl(start));
		json_object_object_add(wo, "duration_s", dbl(a->win_dur_s[w]));
		json_object_object_add(wo, "exits", u64(tot));
		json_object_object_add(wo, "counts", cs);
		json_object_object_add(wo, "time_ns", ts);
		json_object_array_add(wins, wo);
		start += a->win_dur_s[w];
	}
	json_object_object_add(o, "windows", wins);
	return o;
}

int analysis_print_json(FILE *out, const struct analysis *a, const struct analysis_meta *m)
{
	uint64_t *counts = calloc(a->nreasons ? a->nreasons : 1, sizeof(*counts));
	char *sum = summary_text(a, m);
	json_object *root, *filter, *th, *phases, *bursts;
	size_t nz = 0;
	int rc;

	if (!counts || !sum) {
		free(counts);
		free(sum);
		return -1;
	}
	root = json_object_new_object();
	filter = json_object_new_object();
	th = json_object_new_object();
	phases = json_object_new_array();
	bursts = json_object_new_array();
	for (size_t r = 0; r < a->nreasons; r++) {
		counts[r] = a->reasons[r].count;
		nz += counts[r] > 0;
	}
	json_object_object_add(root, "tool", json_object_new_string("exitstat"));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "kind", json_object_new_string("analysis"));
	json_object_object_add(root, "source", m->source ? json_object_new_string(m->source) : NULL);
	json_object_object_add(root, "clock", json_object_new_string(m->clock ? m->clock : "ns"));
	json_object_object_add(root, "partial", json_object_new_boolean(m->partial));
	json_object_object_add(root, "incomplete", json_object_new_boolean(m->incomplete));
	json_object_object_add(root, "note", m->note ? json_object_new_string(m->note) : NULL);
	json_object_object_add(filter, "pid", a->o.filter.pid ? u64(a->o.filter.pid) : NULL);
	json_object_object_add(filter, "vcpu", a->o.filter.vcpu != STATS_VCPU_UNKNOWN ?
						 u64(a->o.filter.vcpu) : NULL);
	json_object_object_add(root, "filter", filter);
	json_object_object_add(root, "total", u64(a->acc.stats->total - a->filtered_out));
	json_object_object_add(root, "timeline_exits", u64(timeline_total(a)));
	json_object_object_add(root, "untimed_exits", u64(a->untimed));
	json_object_object_add(root, "lost", u64(m->lost + a->acc.stats->lost));
	json_object_object_add(root, "skipped_lines", u64(m->skipped));
	json_object_object_add(root, "nested_exits", u64(m->nested));
	json_object_object_add(root, "unpaired_exits", u64(accum_open_exits(&a->acc)));
	json_object_object_add(root, "span_s", dbl(analysis_span_s(a)));
	json_object_object_add(root, "window_s", dbl(a->width_ns / 1e9));
	json_object_object_add(root, "windows", u64(a->nwin));
	json_object_object_add(root, "typical_rate_per_s", dbl(a->typical_rate));
	json_object_object_add(root, "p90_window_rate_per_s", dbl(a->p90_rate));
	json_object_object_add(th, "idle_below_per_s", dbl(a->typical_rate / a->o.idle_factor));
	json_object_object_add(th, "burst_from_per_s", dbl(a->typical_rate * a->o.burst_factor));
	json_object_object_add(th, "idle_factor", dbl(a->o.idle_factor));
	json_object_object_add(th, "burst_factor", dbl(a->o.burst_factor));
	json_object_object_add(th, "burst_min_windows", u64(a->o.burst_min_windows));
	json_object_object_add(th, "rate_ratio", dbl(a->o.rate_ratio));
	json_object_object_add(th, "mix_distance", dbl(a->o.mix_distance));
	json_object_object_add(root, "thresholds", th);
	json_object_object_add(root, "summary", json_object_new_string(sum));
	json_object_object_add(root, "most_frequent", tie_list(a, counts, a->order, nz, true));
	json_object_object_add(root, "least_frequent", tie_list(a, counts, a->order, nz, false));
	json_object_object_add(root, "reasons", whole_reasons(a));
	for (size_t i = 0; i < a->nphases; i++) {
		json_object_array_add(phases, phase_json(a, i));
		if (a->phases[i].kind == PHASE_BURST)
			json_object_array_add(bursts, u64(i));
	}
	json_object_object_add(root, "phases", phases);
	json_object_object_add(root, "bursts", bursts);
	json_object_object_add(root, "timeline", timeline_json(a));
	rc = fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(root);
	free(counts);
	free(sum);
	return rc || ferror(out) ? -1 : 0;
}
