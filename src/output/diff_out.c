// SPDX-License-Identifier: GPL-2.0
/* `exitstat diff` as a table, JSON or CSV. See diff_out.h. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "output/detail_out.h"
#include "output/diff_out.h"
#include "output/emit.h"
#include "output/units.h"

static const char *row_name(const struct diff_row *r, char *buf, size_t len)
{
	return reason_name(r->isa, r->reason, buf, len);
}

static const char *noise_word(const struct diff_row *r)
{
	if (!r->noise_known)
		return "";
	return r->within_noise ? "noise" : "real";
}

static void side_cells(char *out, size_t len, const struct diff_side_row *s, bool ticks)
{
	char rate[32], t[32];

	if (s->rate >= 0)
		snprintf(rate, sizeof(rate), "%.0f/s", s->rate);
	else
		snprintf(rate, sizeof(rate), "-");
	if (s->time_per_exit >= 0)
		fmt_amount(t, sizeof(t), s->time_per_exit, ticks, 4);
	else
		snprintf(t, sizeof(t), "-");
	snprintf(out, len, "%10s %11s", rate, t);
}

static int print_table(FILE *f, const struct diff_meta *m, const struct diff_row *rows, size_t n)
{
	size_t shown = m->top && m->top < n ? m->top : n;
	char name[40], sa[64], sb[64], pct[16];
	int reason_w = 22, key_w = 28, name_w = 24;

	fprintf(f, "exitstat diff: A = %s%s (%zu run%s, %.1f exits/run), B = %s%s (%zu run%s, "
		"%.1f exits/run)\n", m->a[0], m->na > 1 ? ", ..." : "", m->na, m->na > 1 ? "s" : "",
		m->a_exits, m->b[0], m->nb > 1 ? ", ..." : "", m->nb, m->nb > 1 ? "s" : "",
		m->b_exits);
	/* each text column as wide as its longest entry shown, so no row shifts the rest */
	for (size_t i = 0; i < shown; i++) {
		int w = (int)strlen(row_name(&rows[i], name, sizeof(name)));

		reason_w = w > reason_w ? w : reason_w;
		if (m->details)
			detail_cols_fit(&rows[i].d, &key_w, &name_w);
	}
	fprintf(f, "%-4s %7s %-*s ", "isa", "code", reason_w, "reason");
	if (m->details)
		fprintf(f, "%-*s %-*s ", key_w, "detail", name_w, "what");
	fprintf(f, "%11s %11s %11s %8s %10s %11s %10s %11s %s\n",
		"count A", "count B", "change", "change%", "rate A", "time/exit A",
		"rate B", "time/exit B", m->na > 1 && m->nb > 1 ? "noise?" : "");
	for (size_t i = 0; i < shown; i++) {
		const struct diff_row *r = &rows[i];

		side_cells(sa, sizeof(sa), &r->a, m->ticks);
		side_cells(sb, sizeof(sb), &r->b, m->ticks);
		if (isnan(r->change_pct))
			snprintf(pct, sizeof(pct), "new");
		else
			snprintf(pct, sizeof(pct), "%+.1f%%", r->change_pct);
		fprintf(f, "%-4s %#7x %-*s ", isa_name(r->isa), r->reason, reason_w,
			row_name(r, name, sizeof(name)));
		if (m->details) {
			char key[96], nbuf[64];

			detail_str(&r->d, key, sizeof(key));
			fprintf(f, "%-*s %-*s ", key_w, key, name_w, detail_name(&r->d, nbuf, sizeof(nbuf)));
		}
		fprintf(f, "%11.1f %11.1f %+11.1f %8s %s %s %s\n", r->a.count, r->b.count,
			r->change, pct, sa, sb, noise_word(r));
	}
	if (shown < n)
		fprintf(f, "(%zu more %s: --top 0 shows all)\n", n - shown,
			m->details ? "details" : "reasons");
	if (m->details)
		fprintf(f, "detail: decoded from each exit's own information, as exitstat explain "
			"shows it; ");
	fprintf(f, "counts: exits per run (the mean over a side's runs); rate: exits per second of "
		"each run's first-to-last-event window; time/exit: mean time in exit of the timed "
		"exits (%s)", m->ticks ? "clock ticks" : "ns clock");
	if (m->na > 1 && m->nb > 1)
		fprintf(f, "; noise: |change| <= 2 x sqrt(sdA^2/nA + sdB^2/nB) of the per-run counts");
	else
		fprintf(f, "; one run on a side: no noise estimate (give several runs per side with -a/-b)");
	fputc('\n', f);
	if (m->note && m->note[0])
		fprintf(f, "note: %s\n", m->note);
	return ferror(f) ? -1 : 0;
}

static json_object *side_json(const struct diff_side_row *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "count", json_object_new_double(s->count));
	json_object_object_add(o, "count_sd", json_object_new_double(s->sd));
	json_object_object_add(o, "rate_per_s", s->rate >= 0 ? json_object_new_double(s->rate) : NULL);
	json_object_object_add(o, "timed", json_object_new_int64((int64_t)s->timed));
	json_object_object_add(o, "time_per_exit", s->time_per_exit >= 0 ?
			       json_object_new_double(s->time_per_exit) : NULL);
	return o;
}

static json_object *names_json(const char *const *names, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	return a;
}

static int print_json(FILE *f, const struct diff_meta *m, const struct diff_row *rows, size_t n)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	char name[40];

	json_object_object_add(root, "a", names_json(m->a, m->na));
	json_object_object_add(root, "b", names_json(m->b, m->nb));
	json_object_object_add(root, "time_unit", json_object_new_string(m->ticks ? "ticks" : "ns"));
	json_object_object_add(root, "note", m->note && m->note[0] ?
			       json_object_new_string(m->note) : NULL);
	json_object_object_add(root, "noise_rule", json_object_new_string(
		m->na > 1 && m->nb > 1 ? "|change| <= 2*sqrt(sd_a^2/n_a + sd_b^2/n_b)" : "none: one run on a side"));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		const struct diff_row *r = &rows[i];

		json_object_object_add(o, "isa", json_object_new_string(isa_name(r->isa)));
		json_object_object_add(o, "code", json_object_new_int64(r->reason));
		json_object_object_add(o, "reason", json_object_new_string(row_name(r, name, sizeof(name))));
		if (m->details) {
			char key[96], nbuf[64];

			detail_str(&r->d, key, sizeof(key));
			json_object_object_add(o, "key", json_object_new_string(key));
			json_object_object_add(o, "name", json_object_new_string(detail_name(&r->d, nbuf, sizeof(nbuf))));
		}
		json_object_object_add(o, "a", side_json(&r->a));
		json_object_object_add(o, "b", side_json(&r->b));
		json_object_object_add(o, "change", json_object_new_double(r->change));
		json_object_object_add(o, "change_pct", isnan(r->change_pct) ? NULL :
				       json_object_new_double(r->change_pct));
		json_object_object_add(o, "within_noise", r->noise_known ?
				       json_object_new_boolean(r->within_noise) : NULL);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "by", json_object_new_string(m->details ? "detail" : "reason"));
	json_object_object_add(root, m->details ? "details" : "reasons", arr);
	return json_emit(f, root);
}

static void csv_num(FILE *f, double v, bool present)
{
	if (present)
		fprintf(f, ",%.6g", v);
	else
		fputs(",", f);
}

static int print_csv(FILE *f, const struct diff_meta *m, const struct diff_row *rows, size_t n)
{
	char name[40];

	fprintf(f, "isa,code,reason,%scount_a,count_b,change,change_pct,rate_a,rate_b,"
		"time_per_exit_a,time_per_exit_b,time_unit,within_noise,note\n",
		m->details ? "key,name," : "");
	for (size_t i = 0; i < n; i++) {
		const struct diff_row *r = &rows[i];

		fprintf(f, "%s,%u,%s,", isa_name(r->isa), r->reason, row_name(r, name, sizeof(name)));
		if (m->details) {
			char key[96], nbuf[64];

			detail_str(&r->d, key, sizeof(key));
			csv_quoted(f, key);
			fputc(',', f);
			csv_quoted(f, detail_name(&r->d, nbuf, sizeof(nbuf)));
			fputc(',', f);
		}
		fprintf(f, "%.6g,%.6g,%.6g", r->a.count, r->b.count, r->change);
		csv_num(f, r->change_pct, !isnan(r->change_pct));
		csv_num(f, r->a.rate, r->a.rate >= 0);
		csv_num(f, r->b.rate, r->b.rate >= 0);
		csv_num(f, r->a.time_per_exit, r->a.time_per_exit >= 0);
		csv_num(f, r->b.time_per_exit, r->b.time_per_exit >= 0);
		fprintf(f, ",%s,%s,\n", m->ticks ? "ticks" : "ns",
			r->noise_known ? (r->within_noise ? "true" : "false") : "");
	}
	if (m->note && m->note[0]) {	/* one row, the note in its last column */
		fprintf(f, m->details ? "note,,,,,,,,,,,,,,," : "note,,,,,,,,,,,,,");
		csv_quoted(f, m->note);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

int diff_print(FILE *f, enum out_format fmt, const struct diff_meta *m, const struct diff_row *rows,
	       size_t n)
{
	int rc = fmt == FMT_JSON ? print_json(f, m, rows, n) :
		 fmt == FMT_CSV ? print_csv(f, m, rows, n) : print_table(f, m, rows, n);

	if (rc && !errno)
		errno = EIO;
	return rc;
}
