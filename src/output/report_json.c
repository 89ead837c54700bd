// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output (json-c). The schema is documented in docs/json.md and kept
 * stable: at least "total" and "reasons" [{isa, code, name, count}].
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "output/emit.h"
#include "output/detail_out.h"
#include "output/hotspot_out.h"
#include "output/report_format.h"

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *num_or_null(double v)
{
	return v >= 0 ? json_object_new_double(v) : NULL;
}

/*
 * The time keys of a row in the report's unit: time_total_ns, time_mean_ns,
 * time_p50_ns_max, ... on a nanosecond clock; the same with "ticks" on a
 * tick clock, where the "_ns" keys are null (no frequency to convert with).
 */
static void times_json(json_object *o, const struct report_view *v, const struct report_row *r)
{
	static const char *const units[] = { "ns", "ticks" };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		bool mine = !strcmp(units[i], v->unit), have = mine && r->c.timed;
		char key[32];

		if (!mine && strcmp(units[i], "ns"))
			continue;
		snprintf(key, sizeof(key), "time_total_%s", units[i]);
		json_object_object_add(o, key, mine ? u64(r->c.time_ns) : NULL);
		snprintf(key, sizeof(key), "time_mean_%s", units[i]);
		json_object_object_add(o, key, have ? u64(r->mean) : NULL);
		snprintf(key, sizeof(key), "time_p50_%s_max", units[i]);
		json_object_object_add(o, key, have && r->pct_known ? u64(r->p50) : NULL);
		snprintf(key, sizeof(key), "time_p99_%s_max", units[i]);
		json_object_object_add(o, key, have && r->pct_known ? u64(r->p99) : NULL);
		snprintf(key, sizeof(key), "time_max_%s", units[i]);
		json_object_object_add(o, key, have ? u64(r->c.max_ns) : NULL);
	}
}

/* The numbers every kind of row has: count, shares, rate, times. */
static void counts_json(json_object *o, const struct report_view *v, const struct report_row *r)
{
	json_object_object_add(o, "count", u64(r->c.count));
	json_object_object_add(o, "percent", json_object_new_double(r->percent));
	json_object_object_add(o, "rate_per_s", num_or_null(r->rate));
	json_object_object_add(o, "timed", u64(r->c.timed));
	times_json(o, v, r);
	json_object_object_add(o, "time_percent", num_or_null(r->time_percent));
}

static json_object *row_json(const struct report_view *v, const struct report_row *r)
{
	json_object *o = json_object_new_object();
	char hex[16];

	json_object_object_add(o, "isa", json_object_new_string(isa_name(r->isa)));
	json_object_object_add(o, "code", u64(r->code));
	json_object_object_add(o, "code_str", json_object_new_string(
						report_code_str(r->isa, r->code, hex, sizeof(hex))));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "known", json_object_new_boolean(r->known));
	counts_json(o, v, r);
	return o;
}

static json_object *ref_json(const struct report_row *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "isa", json_object_new_string(isa_name(r->isa)));
	json_object_object_add(o, "code", u64(r->code));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "count", u64(r->c.count));
	return o;
}

static const char *const window_from[] = {
	[WINDOW_NONE] = NULL, [WINDOW_RUN] = "run", [WINDOW_EXITS] = "exits",
};

static void head_json(json_object *root, const struct report_view *v)
{
	json_object *filter = json_object_new_object();
	const char *from = window_from[v->window_from];

	json_object_object_add(root, "tool", json_object_new_string("exitstat"));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "source", v->source ? json_object_new_string(v->source) : NULL);
	json_object_object_add(root, "final", json_object_new_boolean(v->final));
	json_object_object_add(root, "seq", json_object_new_int((int)v->seq));
	json_object_object_add(root, "clock", json_object_new_string(v->clock));
	json_object_object_add(root, "time_unit", json_object_new_string(v->unit));
	json_object_object_add(root, "window_s", v->window_s > 0 ?
			       json_object_new_double(v->window_s) : NULL);
	json_object_object_add(root, "window_ticks", v->ticks && v->window_from == WINDOW_EXITS ?
			       u64(v->window_ticks) : NULL);
	json_object_object_add(root, "window_from", from ? json_object_new_string(from) : NULL);
	json_object_object_add(filter, "pid", v->filter.pid ? u64(v->filter.pid) : NULL);
	json_object_object_add(filter, "vcpu", v->filter.vcpu != STATS_VCPU_UNKNOWN ?
						 u64(v->filter.vcpu) : NULL);
	json_object_object_add(root, "filter", filter);
	json_object_object_add(root, "total", u64(v->total));
	json_object_object_add(root, "lost", u64(v->lost));
	json_object_object_add(root, "skipped_lines", u64(v->skipped));
	json_object_object_add(root, "nested_exits", u64(v->nested));
	json_object_object_add(root, "unpaired_exits", u64(v->unpaired));
}

static json_object *summary_json(const struct report_view *v)
{
	json_object *summary = json_object_new_object();

	json_object_object_add(summary, "total", u64(v->total));
	json_object_object_add(summary, "exits_per_s", num_or_null(v->all.rate));
	json_object_object_add(summary, "most_frequent", v->most ? ref_json(v->most) : NULL);
	json_object_object_add(summary, "most_frequent_ties", u64(v->most_ties));
	json_object_object_add(summary, "least_frequent", v->least ? ref_json(v->least) : NULL);
	json_object_object_add(summary, "least_frequent_ties", u64(v->least_ties));
	return summary;
}

static json_object *vms_json(const struct report_view *v)
{
	json_object *vms = json_object_new_array();

	for (size_t i = 0; i < v->nvms; i++) {
		const struct report_row *r = &v->vms[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "pid", u64(r->pid));
		json_object_object_add(e, "vcpu", r->vcpu == STATS_VCPU_UNKNOWN ? NULL : u64(r->vcpu));
		counts_json(e, v, r);
		json_object_array_add(vms, e);
	}
	return vms;
}

int report_json(FILE *out, const struct report_view *v)
{
	json_object *root = json_object_new_object();
	json_object *reasons = json_object_new_array();
	json_object *totals = json_object_new_object();
	json_object *notes = json_object_new_array();

	head_json(root, v);
	for (size_t i = 0; i < v->shown; i++)
		json_object_array_add(reasons, row_json(v, &v->rows[i]));
	json_object_object_add(root, "reasons", reasons);
	if (v->other_reasons) {
		json_object *other = json_object_new_object();

		json_object_object_add(other, "reasons", u64(v->other_reasons));
		counts_json(other, v, &v->other);
		json_object_object_add(root, "other", other);
	}
	counts_json(totals, v, &v->all);
	json_object_object_add(root, "totals", totals);
	json_object_object_add(root, "summary", summary_json(v));
	if (v->source_note)
		json_object_object_add(root, "note", json_object_new_string(v->source_note));
	for (size_t i = 0; i < v->nnotes; i++)
		json_object_array_add(notes, json_object_new_string(v->notes[i]));
	json_object_object_add(root, "notes", notes);
	if (v->per_vm)
		json_object_object_add(root, "vms", vms_json(v));
	if (v->details_on)
		json_object_object_add(root, "details", detail_json_array(v->details, v->ndetails,
									  v->ticks));
	if (v->hotspots) {
		json_object *h = hotspot_json(v->hotspot_meta, v->hotspots);

		if (!h) {
			json_object_put(root);
			return -1;
		}
		json_object_object_add(root, "hotspots", h);
	}
	json_emit(out, root);
	return 0;
}
