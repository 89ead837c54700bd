// SPDX-License-Identifier: GPL-2.0
/* `exitstat explain --hotspots` as a table, JSON or CSV. See hotspot_out.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "output/emit.h"
#include "output/hotspot_out.h"
#include "output/report_format.h"
#include "output/units.h"

#define KERNEL_RULE "kernel: the RIP is in the canonical high half (bit 63 set); user: the low " \
	"half; by address, not privilege: code a guest runs at CPL 0 in the low half counts as user"

/* One reason's rows: e[0..n) its tracked RIPs (most first), the shown ones and the rest. */
struct reason_view {
	const struct hotspot_reason *r;
	const struct hotspot_entry *e;
	size_t n, shown;
	uint64_t other, other_timed, other_time;	/* every exit not in a shown row */
	size_t other_rips;	/* tracked RIPs not shown (untracked ones not known) */
};

static void reason_view(const struct hotspot_meta *m, const struct hotspot_reason *r,
			const struct hotspot_entry *e, size_t n, struct reason_view *v)
{
	uint64_t count = 0, timed = 0, time = 0;

	v->r = r;
	v->e = e;
	v->n = n;
	v->shown = m->d.top && m->d.top < n ? m->d.top : n;
	for (size_t i = 0; i < v->shown; i++) {
		count += e[i].count;
		timed += e[i].timed;
		time += e[i].time;
	}
	v->other = r->exits - count;
	v->other_timed = r->timed - timed;
	v->other_time = r->time - time;
	v->other_rips = n - v->shown;
}

/* `name+0xoff` of rip, or "" when there are no symbols or none at or below it. */
static const char *symbol(const struct hotspot_meta *m, uint64_t rip, char *buf, size_t len)
{
	const char *name;
	uint64_t off;

	buf[0] = '\0';
	if (m->syms && guest_syms_lookup(m->syms, rip, &name, &off))
		snprintf(buf, len, "%s+0x%" PRIx64, name, off);
	return buf;
}

static const char *mean(char *buf, size_t len, uint64_t time, uint64_t timed, bool ticks)
{
	if (!timed)
		snprintf(buf, len, "-");
	else
		fmt_amount(buf, len, (double)time / (double)timed, ticks, 4);
	return buf;
}

/* Call fn for each reason with its view. */
typedef int (*reason_fn)(FILE *f, const struct hotspot_meta *m, const struct reason_view *v,
			 void *ctx);

static int each_reason(FILE *f, const struct hotspot_meta *m, const struct hotspot_stats *s,
		       reason_fn fn, void *ctx)
{
	struct hotspot_entry *e;
	size_t n = hotspot_sorted(s, &e), nr, i = 0;
	const struct hotspot_reason *r = hotspot_reasons(s, &nr);
	int rc = 0;

	if (n == (size_t)-1) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t k = 0; k < nr && !rc; k++) {
		struct reason_view v;
		size_t j = i;

		while (j < n && e[j].isa == r[k].isa && e[j].reason == r[k].reason)
			j++;
		reason_view(m, &r[k], e + i, j - i, &v);
		rc = fn(f, m, &v, ctx);
		i = j;
	}
	free(e);
	return rc;
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static int table_reason(FILE *f, const struct hotspot_meta *m, const struct reason_view *v,
			void *ctx)
{
	char rname[40], sym[256], t[32], rip[24];

	(void)ctx;
	for (size_t i = 0; i < v->shown; i++) {
		const struct hotspot_entry *e = &v->e[i];

		snprintf(rip, sizeof(rip), "0x%" PRIx64, e->rip);
		fprintf(f, "%-4s %-14s %-18s %-6s %-32s %10" PRIu64 " %6.1f%% %11s\n",
			i ? "" : isa_name(e->isa),
			i ? "" : reason_name(e->isa, e->reason, rname, sizeof(rname)), rip,
			hotspot_is_kernel(e->rip) ? "kernel" : "user",
			symbol(m, e->rip, sym, sizeof(sym)), e->count, pct(e->count, v->r->exits),
			mean(t, sizeof(t), e->time, e->timed, m->d.ticks));
	}
	if (v->other) {
		char what[64];

		if (v->r->untracked)
			snprintf(what, sizeof(what), "(other: %zu RIPs + untracked)", v->other_rips);
		else
			snprintf(what, sizeof(what), "(other: %zu RIPs)", v->other_rips);
		fprintf(f, "%-4s %-14s %-58s %10" PRIu64 " %6.1f%% %11s\n",
			v->shown ? "" : isa_name(v->r->isa),
			v->shown ? "" : reason_name(v->r->isa, v->r->reason, rname, sizeof(rname)),
			what, v->other, pct(v->other, v->r->exits),
			mean(t, sizeof(t), v->other_time, v->other_timed, m->d.ticks));
	}
	fprintf(f, "%-4s %-14s %-58s kernel %" PRIu64 " (%.1f%%), user %" PRIu64 " (%.1f%%)\n", "", "",
		"", v->r->kernel, pct(v->r->kernel, v->r->exits), v->r->user,
		pct(v->r->user, v->r->exits));
	return 0;
}

static int print_table(FILE *f, const struct hotspot_meta *m, const struct hotspot_stats *s)
{
	fprintf(f, "guest code hotspots of %s: %" PRIu64 " exits, %" PRIu64 " with a guest RIP",
		m->d.source, m->d.exits, m->d.with_info);
	if (m->syms)
		fprintf(f, "; symbols: %s (%zu code symbols)\n", m->syms_name,
			guest_syms_count(m->syms));
	else
		fprintf(f, "; no symbols (--guest-symbols FILE names them)\n");
	fprintf(f, "%-4s %-14s %-18s %-6s %-32s %10s %7s %11s\n", "isa", "reason", "rip", "space",
		"symbol", "exits", "share", "time/exit");
	if (each_reason(f, m, s, table_reason, NULL))
		return -1;
	fprintf(f, "share: of the reason's exits with a RIP; time/exit: mean time in exit of the "
		"timed exits (%s); other: the RIPs not shown (--hotspots=N shows N per reason, 0 all) "
		"and those past the cap of %d distinct RIPs (untracked), counted, never dropped; "
		KERNEL_RULE "\n", m->d.ticks ? "clock ticks" : "ns clock", HOTSPOT_DEFAULT_CAP);
	if (m->d.note && m->d.note[0])
		fprintf(f, "note: INCOMPLETE: %s\n", m->d.note);
	return ferror(f) ? -1 : 0;
}

static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static int json_reason(FILE *f, const struct hotspot_meta *m, const struct reason_view *v,
		       void *ctx)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array(), *other;
	char rname[40], sym[256];

	(void)f;
	json_object_object_add(o, "isa", json_object_new_string(isa_name(v->r->isa)));
	json_object_object_add(o, "reason", json_object_new_string(
		reason_name(v->r->isa, v->r->reason, rname, sizeof(rname))));
	json_object_object_add(o, "code", json_object_new_int64(v->r->reason));
	json_object_object_add(o, "exits", json_object_new_int64((int64_t)v->r->exits));
	json_object_object_add(o, "kernel", json_object_new_int64((int64_t)v->r->kernel));
	json_object_object_add(o, "user", json_object_new_int64((int64_t)v->r->user));
	json_object_object_add(o, "timed", json_object_new_int64((int64_t)v->r->timed));
	json_object_object_add(o, "time", json_object_new_int64((int64_t)v->r->time));
	for (size_t i = 0; i < v->shown; i++) {
		const struct hotspot_entry *e = &v->e[i];
		json_object *h = json_object_new_object();

		json_object_object_add(h, "rip", hex(e->rip));
		json_object_object_add(h, "symbol", m->syms && symbol(m, e->rip, sym, sizeof(sym))[0] ?
				       json_object_new_string(sym) : NULL);
		json_object_object_add(h, "space", json_object_new_string(
			hotspot_is_kernel(e->rip) ? "kernel" : "user"));
		json_object_object_add(h, "count", json_object_new_int64((int64_t)e->count));
		json_object_object_add(h, "timed", json_object_new_int64((int64_t)e->timed));
		json_object_object_add(h, "time", json_object_new_int64((int64_t)e->time));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "hotspots", arr);
	other = json_object_new_object();
	json_object_object_add(other, "rips", json_object_new_int64((int64_t)v->other_rips));
	json_object_object_add(other, "count", json_object_new_int64((int64_t)v->other));
	json_object_object_add(other, "untracked", json_object_new_int64((int64_t)v->r->untracked));
	json_object_object_add(other, "timed", json_object_new_int64((int64_t)v->other_timed));
	json_object_object_add(other, "time", json_object_new_int64((int64_t)v->other_time));
	json_object_object_add(o, "other", other);
	json_object_array_add(ctx, o);
	return 0;
}

json_object *hotspot_json(const struct hotspot_meta *m, const struct hotspot_stats *s)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();

	json_object_object_add(root, "source", json_object_new_string(m->d.source));
	json_object_object_add(root, "exits", json_object_new_int64((int64_t)m->d.exits));
	json_object_object_add(root, "exits_with_rip", json_object_new_int64((int64_t)m->d.with_info));
	json_object_object_add(root, "time_unit", json_object_new_string(m->d.ticks ? "ticks" : "ns"));
	json_object_object_add(root, "symbols", m->syms ? json_object_new_string(m->syms_name) : NULL);
	json_object_object_add(root, "top", json_object_new_int64((int64_t)m->d.top));
	json_object_object_add(root, "rip_cap", json_object_new_int64(HOTSPOT_DEFAULT_CAP));
	json_object_object_add(root, "space_rule", json_object_new_string(KERNEL_RULE));
	json_object_object_add(root, "note", m->d.note && m->d.note[0] ?
			       json_object_new_string(m->d.note) : NULL);
	json_object_object_add(root, "reasons", arr);
	if (each_reason(NULL, m, s, json_reason, arr)) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

static int print_json(FILE *f, const struct hotspot_meta *m, const struct hotspot_stats *s)
{
	json_object *root = hotspot_json(m, s);

	return root ? json_emit(f, root) : -1;
}

static int csv_reason(FILE *f, const struct hotspot_meta *m, const struct reason_view *v,
		      void *ctx)
{
	char rbuf[40], sym[256];
	const char *unit = m->d.ticks ? "ticks" : "ns";
	const char *rname = reason_name(v->r->isa, v->r->reason, rbuf, sizeof(rbuf));

	(void)ctx;
	for (size_t i = 0; i < v->shown; i++) {
		const struct hotspot_entry *e = &v->e[i];

		fprintf(f, "%s,%u,%s,0x%" PRIx64 ",", isa_name(e->isa), e->reason, rname, e->rip);
		csv_quoted(f, symbol(m, e->rip, sym, sizeof(sym)));
		fprintf(f, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,\n",
			hotspot_is_kernel(e->rip) ? "kernel" : "user", e->count, e->timed, e->time,
			unit);
	}
	if (v->other)
		fprintf(f, "%s,%u,%s,other,\"(%zu RIPs%s)\",,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,\n",
			isa_name(v->r->isa), v->r->reason, rname, v->other_rips,
			v->r->untracked ? " + untracked" : "", v->other, v->other_timed, v->other_time,
			unit);
	/* the split: rip `kernel` / `user`, the reason's exits in that half */
	fprintf(f, "%s,%u,%s,kernel,,kernel,%" PRIu64 ",,,%s,\n", isa_name(v->r->isa), v->r->reason,
		rname, v->r->kernel, unit);
	fprintf(f, "%s,%u,%s,user,,user,%" PRIu64 ",,,%s,\n", isa_name(v->r->isa), v->r->reason,
		rname, v->r->user, unit);
	return 0;
}

static int print_csv(FILE *f, const struct hotspot_meta *m, const struct hotspot_stats *s)
{
	fprintf(f, "isa,code,reason,rip,symbol,space,count,timed,time,time_unit,note\n");
	if (each_reason(f, m, s, csv_reason, NULL))
		return -1;
	return csv_note_row(f, 10, m->d.note);
}

/* A reason's rows in the report's CSV columns (report_csv.c, docs/csv.md). */
static int report_csv_reason(FILE *f, const struct hotspot_meta *m, const struct reason_view *v,
			     void *ctx)
{
	char rbuf[40], sym[256], text[320], code[16];
	const char *unit = m->d.ticks ? "ticks" : "ns", *rep = ctx;
	const char *rname = reason_name(v->r->isa, v->r->reason, rbuf, sizeof(rbuf));

	for (size_t i = 0; i <= v->shown; i++) {
		const struct hotspot_entry *e = i < v->shown ? &v->e[i] : NULL;
		uint64_t count = e ? e->count : v->other, timed = e ? e->timed : v->other_timed;
		uint64_t time = e ? e->time : v->other_time;

		if (!e && !v->other)
			break;
		if (e)
			snprintf(text, sizeof(text), "0x%" PRIx64 " %s%s%s", e->rip,
				 hotspot_is_kernel(e->rip) ? "kernel" : "user",
				 symbol(m, e->rip, sym, sizeof(sym))[0] ? " " : "", sym);
		else
			snprintf(text, sizeof(text), "other (%zu RIPs%s)", v->other_rips,
				 v->r->untracked ? " + untracked" : "");
		/* count .. time_mean as a detail row has them; the RIP in text */
		fprintf(f, "%s,hotspot,%s,%s,%s,,,%" PRIu64 ",%.4f,,%" PRIu64 ",%s,%" PRIu64 ",",
			rep, isa_name(v->r->isa),
			report_code_str(v->r->isa, v->r->reason, code, sizeof(code)), rname, count,
			pct(count, v->r->exits), timed, unit, time);
		if (timed)
			fprintf(f, "%" PRIu64, time / timed);
		fputs(",,,,,,,,,,,,", f);
		csv_quoted(f, text);
		fputc('\n', f);
	}
	return 0;
}

int hotspot_report_csv(FILE *f, const char *rep, const struct hotspot_meta *m,
		       const struct hotspot_stats *s)
{
	return each_reason(f, m, s, report_csv_reason, (void *)rep);
}

int hotspot_print(FILE *f, enum out_format fmt, const struct hotspot_meta *m,
		  const struct hotspot_stats *s)
{
	int rc = fmt == FMT_JSON ? print_json(f, m, s) :
		 fmt == FMT_CSV ? print_csv(f, m, s) : print_table(f, m, s);

	if (rc && !errno)
		errno = EIO;
	return rc;
}
