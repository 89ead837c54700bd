// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output (json-c). The schema is documented in docs/json.md and kept
 * stable: at least "total" and "reasons" [{isa, code, name, count}].
 */
#include <json-c/json.h>
#include <stdlib.h>

#include "output/report_format.h"

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *row_json(enum exit_isa isa, uint32_t code, const char *name,
			     const struct exit_counts *c, const struct report_row *r, double pct,
			     double rate)
{
	json_object *o = json_object_new_object();
	char hex[16];

	json_object_object_add(o, "isa", json_object_new_string(isa_name(isa)));
	json_object_object_add(o, "code", u64(code));
	json_object_object_add(o, "code_str", json_object_new_string(
						report_code_str(isa, code, hex, sizeof(hex))));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "known", json_object_new_boolean(r ? r->known : 0));
	json_object_object_add(o, "count", u64(c->count));
	json_object_object_add(o, "percent", json_object_new_double(pct));
	json_object_object_add(o, "rate_per_s", rate >= 0 ? json_object_new_double(rate) : NULL);
	json_object_object_add(o, "timed", u64(c->timed));
	json_object_object_add(o, "time_total_ns", u64(c->time_ns));
	json_object_object_add(o, "time_mean_ns", c->timed ? u64(c->time_ns / c->timed) : NULL);
	json_object_object_add(o, "time_p50_ns_max", r && c->timed ? u64(r->p50_ns) : NULL);
	json_object_object_add(o, "time_p99_ns_max", r && c->timed ? u64(r->p99_ns) : NULL);
	json_object_object_add(o, "time_max_ns", c->timed ? u64(c->max_ns) : NULL);
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

int report_json(FILE *out, const struct report_opts *o, const struct report_meta *m,
		const struct stats *s, const struct report_view *v)
{
	json_object *root = json_object_new_object();
	json_object *reasons = json_object_new_array();
	json_object *summary = json_object_new_object();
	json_object *filter = json_object_new_object();

	json_object_object_add(root, "tool", json_object_new_string("exitstat"));
	json_object_object_add(root, "schema", json_object_new_int(1));
	json_object_object_add(root, "source",
			       m && m->source ? json_object_new_string(m->source) : NULL);
	json_object_object_add(root, "final", json_object_new_boolean(!m || m->final));
	json_object_object_add(root, "seq", json_object_new_int(m ? (int)m->seq : 0));
	json_object_object_add(root, "clock",
			       json_object_new_string(m && m->clock ? m->clock : "ns"));
	json_object_object_add(root, "window_s",
			       v->window_s > 0 ? json_object_new_double(v->window_s) : NULL);
	json_object_object_add(filter, "pid", o->filter.pid ? u64(o->filter.pid) : NULL);
	json_object_object_add(filter, "vcpu", o->filter.vcpu != STATS_VCPU_UNKNOWN ?
						 u64(o->filter.vcpu) : NULL);
	json_object_object_add(root, "filter", filter);
	json_object_object_add(root, "total", u64(v->total));
	json_object_object_add(root, "lost", u64(v->lost));
	json_object_object_add(root, "skipped_lines", u64(m ? m->skipped : 0));
	json_object_object_add(root, "nested_exits", u64(m ? m->nested : 0));
	json_object_object_add(root, "unpaired_exits", u64(m ? m->unpaired : 0));
	for (size_t i = 0; i < v->shown; i++) {
		const struct report_row *r = &v->rows[i];

		json_object_array_add(reasons, row_json(r->isa, r->code, r->name, &r->c, r,
							r->percent, r->rate));
	}
	json_object_object_add(root, "reasons", reasons);
	if (v->other_reasons) {
		json_object *other = json_object_new_object();

		json_object_object_add(other, "reasons", u64(v->other_reasons));
		json_object_object_add(other, "count", u64(v->other.count));
		json_object_object_add(other, "time_total_ns", u64(v->other.time_ns));
		json_object_object_add(root, "other", other);
	}
	json_object_object_add(summary, "total", u64(v->total));
	json_object_object_add(summary, "exits_per_s", v->window_s > 0 ?
			       json_object_new_double((double)v->total / v->window_s) : NULL);
	json_object_object_add(summary, "most_frequent", v->most ? ref_json(v->most) : NULL);
	json_object_object_add(summary, "least_frequent", v->least ? ref_json(v->least) : NULL);
	json_object_object_add(root, "summary", summary);
	if (m && m->note)
		json_object_object_add(root, "note", json_object_new_string(m->note));
	if (o->per_vm) {
		struct vm_row *vr;
		size_t n = report_vm_rows(s, &o->filter, &vr);
		json_object *vms = json_object_new_array();

		if (n == (size_t)-1) {
			json_object_put(root);
			json_object_put(vms);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "pid", u64(vr[i].pid));
			json_object_object_add(e, "vcpu", vr[i].vcpu == STATS_VCPU_UNKNOWN ?
						  NULL : u64(vr[i].vcpu));
			json_object_object_add(e, "count", u64(vr[i].count));
			json_object_array_add(vms, e);
		}
		free(vr);
		json_object_object_add(root, "vms", vms);
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}
