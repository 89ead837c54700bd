// SPDX-License-Identifier: GPL-2.0
/* `exitstat explain` as a table, JSON or CSV. See detail_out.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "output/detail_out.h"
#include "output/emit.h"
#include "output/units.h"

/* Exits of the reason whose first detail is e[i] (its details follow it), for shares. */
static uint64_t reason_total(const struct detail_entry *e, size_t n, size_t i)
{
	uint64_t t = 0;

	for (size_t j = i; j < n && e[j].isa == e[i].isa && e[j].reason == e[i].reason; j++)
		t += e[j].count;
	return t;
}

void detail_cols_fit(const struct exit_detail *d, int *key_w, int *name_w)
{
	char key[96], nbuf[64];
	int k = (int)detail_str(d, key, sizeof(key));
	int w = (int)strlen(detail_name(d, nbuf, sizeof(nbuf)));

	*key_w = k > *key_w ? k : *key_w;
	*name_w = w > *name_w ? w : *name_w;
}

/* Whether e[i] is its reason's first detail (a reason's details are together). */
static bool reason_first(const struct detail_entry *e, size_t i)
{
	return i == 0 || e[i].isa != e[i - 1].isa || e[i].reason != e[i - 1].reason;
}

void detail_table(FILE *f, const struct detail_entry *e, size_t n, size_t top, bool ticks)
{
	char rname[40], key[96], mean[32], nbuf[64];
	/* each text column as wide as its longest entry shown, so no row shifts the rest */
	int reason_w = 14, key_w = 34, name_w = 28;
	size_t rank = 0;
	uint64_t rtotal = 0;

	for (size_t i = 0; i < n; i++) {
		rank = reason_first(e, i) ? 0 : rank + 1;
		if (top && rank >= top)
			continue;
		if (!rank) {
			int w = (int)strlen(reason_name(e[i].isa, e[i].reason, rname, sizeof(rname)));

			reason_w = w > reason_w ? w : reason_w;
		}
		detail_cols_fit(&e[i].d, &key_w, &name_w);
	}
	fprintf(f, "%-4s %-*s %-*s %-*s %10s %7s %11s\n", "isa", reason_w, "reason", key_w, "detail",
		name_w, "what", "exits", "share", "time/exit");
	for (size_t i = 0; i < n; i++) {
		rank = reason_first(e, i) ? 0 : rank + 1;
		if (!rank)
			rtotal = reason_total(e, n, i);
		if (top && rank >= top) {
			if (rank == top)
				fprintf(f, "%-4s %-*s (more: --top 0 shows all)\n", "", reason_w, "");
			continue;
		}
		detail_str(&e[i].d, key, sizeof(key));
		if (e[i].timed)
			fmt_amount(mean, sizeof(mean), (double)e[i].time / (double)e[i].timed, ticks, 4);
		else
			snprintf(mean, sizeof(mean), "-");
		fprintf(f, "%-4s %-*s %-*s %-*s %10" PRIu64 " %6.1f%% %11s\n",
			rank ? "" : isa_name(e[i].isa), reason_w,
			rank ? "" : reason_name(e[i].isa, e[i].reason, rname, sizeof(rname)), key_w, key,
			name_w, detail_name(&e[i].d, nbuf, sizeof(nbuf)), e[i].count,
			100.0 * (double)e[i].count / (double)rtotal, mean);
	}
	fprintf(f, "detail: decoded from each exit's own information (SVM EXITINFO1/2, VMX exit "
		"qualification and interruption information); share: of the reason's exits; "
		"time/exit: mean time in exit of the timed exits (%s); an MSR's index is not in "
		"it: it comes from the vCPU's RCX (live, record) or the kvm_msr event after the "
		"exit (traces), else ?; nor is a VMX EPT violation's address: from the kvm_page_fault "
		"event after the exit, else ?; a page's memslot where live BPF read the VM's "
		"memslots (MMIO: in none)\n",
		ticks ? "clock ticks" : "ns clock");
}

static int print_table(FILE *f, const struct detail_meta *m, const struct detail_entry *e, size_t n)
{
	fprintf(f, "exit details of %s: %" PRIu64 " exits, %" PRIu64 " with exit information\n",
		m->source, m->exits, m->with_info);
	detail_table(f, e, n, m->top, m->ticks);
	if (m->note && m->note[0])
		fprintf(f, "note: INCOMPLETE: %s\n", m->note);
	return ferror(f) ? -1 : 0;
}

struct json_object *detail_json_array(const struct detail_entry *e, size_t n, bool ticks)
{
	json_object *arr = json_object_new_array();
	char rname[40], key[96], nbuf[64];

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		detail_str(&e[i].d, key, sizeof(key));
		json_object_object_add(o, "isa", json_object_new_string(isa_name(e[i].isa)));
		json_object_object_add(o, "reason", json_object_new_string(
			reason_name(e[i].isa, e[i].reason, rname, sizeof(rname))));
		json_object_object_add(o, "code", json_object_new_int64(e[i].reason));
		json_object_object_add(o, "key", json_object_new_string(key));
		json_object_object_add(o, "name", json_object_new_string(detail_name(&e[i].d, nbuf,
											     sizeof(nbuf))));
		json_object_object_add(o, "count", json_object_new_int64((int64_t)e[i].count));
		json_object_object_add(o, "timed", json_object_new_int64((int64_t)e[i].timed));
		json_object_object_add(o, "time", json_object_new_int64((int64_t)e[i].time));
		if (!ticks)
			json_object_object_add(o, "time_ns", json_object_new_int64((int64_t)e[i].time));
		json_object_array_add(arr, o);
	}
	return arr;
}

size_t detail_text(const struct detail_entry *e, char *buf, size_t len)
{
	char key[96], nbuf[64];
	const char *name = detail_name(&e->d, nbuf, sizeof(nbuf));
	int n;

	detail_str(&e->d, key, sizeof(key));
	n = snprintf(buf, len, name[0] ? "%s (%s)" : "%s%s", key, name);
	return n < 0 ? 0 : (size_t)n;
}

void detail_csv_key(FILE *f, const struct detail_entry *e)
{
	char key[96], nbuf[64];
	const char *name = detail_name(&e->d, nbuf, sizeof(nbuf));

	detail_str(&e->d, key, sizeof(key));
	fprintf(f, "%s,", key);
	if (strpbrk(name, ",\""))
		csv_quoted(f, name);
	else
		fputs(name, f);
}

static int print_json(FILE *f, const struct detail_meta *m, const struct detail_entry *e, size_t n)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "source", json_object_new_string(m->source));
	json_object_object_add(root, "exits", json_object_new_int64((int64_t)m->exits));
	json_object_object_add(root, "exits_with_info", json_object_new_int64((int64_t)m->with_info));
	json_object_object_add(root, "time_unit", json_object_new_string(m->ticks ? "ticks" : "ns"));
	json_object_object_add(root, "note", m->note && m->note[0] ?
			       json_object_new_string(m->note) : NULL);
	json_object_object_add(root, "details", detail_json_array(e, n, m->ticks));
	return json_emit(f, root);
}

static int print_csv(FILE *f, const struct detail_meta *m, const struct detail_entry *e, size_t n)
{
	char rname[40];

	fprintf(f, "isa,code,reason,key,name,count,timed,time,time_unit,note\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s,%u,%s,", isa_name(e[i].isa), e[i].reason,
			reason_name(e[i].isa, e[i].reason, rname, sizeof(rname)));
		detail_csv_key(f, &e[i]);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,\n", e[i].count, e[i].timed,
			e[i].time, m->ticks ? "ticks" : "ns");
	}
	return csv_note_row(f, 9, m->note);
}

int detail_print(FILE *f, enum out_format fmt, const struct detail_meta *m,
		 const struct detail_entry *e, size_t n)
{
	int rc = fmt == FMT_JSON ? print_json(f, m, e, n) :
		 fmt == FMT_CSV ? print_csv(f, m, e, n) : print_table(f, m, e, n);

	if (rc && !errno)
		errno = EIO;
	return rc;
}
