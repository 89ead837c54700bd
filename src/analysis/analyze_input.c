// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a trace or a recording into an analysis (input.h does the
 * reading): shared by `report --analyze` and `plot`.
 */
#include "analysis/analyze.h"

struct load_ctx {
	struct analysis *a;
	struct es_error *err;
	bool failed;
};

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct load_ctx *l = ctx;

	if (analysis_event(l->a, ev, l->err)) {
		l->failed = true;
		return -1;
	}
	return 0;
}

int analyze_load(const char *path, struct analysis *a, struct analyze_input *in,
		 const struct es_diag *diag, struct es_error *err)
{
	struct trace_opts to = { .skip_bad = in->skip_bad, .isa_hint = in->isa_hint };
	struct load_ctx l = { .a = a, .err = err };
	int rc;

	if (diag)
		to.diag = *diag;
	rc = input_read(path, &to, on_event, &l, &in->info, err);
	in->partial = in->info.partial && !l.failed;
	if (l.failed)
		return es_error_prefix(err, "%s", path);
	/* Nothing was read (no such file, no events): nothing to show. */
	if (rc && !in->partial)
		return -1;
	if (analysis_finish(a, err)) {
		in->partial = false;
		return es_error_prefix(err, "%s", path);
	}
	return rc ? -1 : 0;
}

void analysis_meta_from_input(struct analysis_meta *m, const struct analyze_input *in)
{
	m->source = in->info.source;
	m->skipped = in->info.skipped;
	m->nested = in->info.nested;
	m->lost = in->info.lost;
	m->clock = in->info.clock ? in->info.clock : "ns";
	m->note = in->info.note[0] ? in->info.note : NULL;
	m->partial = in->partial;
	m->incomplete = in->info.incomplete;
}
