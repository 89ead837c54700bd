// SPDX-License-Identifier: GPL-2.0
/* Reading a trace into an analysis: shared by `report --analyze` and `plot`. */
#include <errno.h>
#include <string.h>

#include "analyze.h"
#include "commands.h"
#include "trace.h"

struct load_ctx {
	struct analysis *a;
	bool failed;
};

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct load_ctx *l = ctx;

	if (analysis_event(l->a, ev)) {
		l->failed = true;
		return -1;
	}
	return 0;
}

/*
 * Recordings (record.h) are not read here yet: when the recording reader
 * lands, detect it with record_is_recording() and feed record_read() the
 * same on_event callback.
 */
int analyze_load(const char *cmd, const char *path, struct analysis *a, struct analyze_input *in)
{
	struct trace_opts to = { .skip_bad = in->skip_bad };
	struct trace_result res = { 0 };
	struct load_ctx l = { .a = a };
	FILE *f;
	int rc;

	if (!strcmp(path, "-")) {
		f = stdin;
		path = "<stdin>";
	} else {
		f = fopen(path, "r");
		if (!f) {
			fprintf(stderr, "exitstat %s: cannot open %s: %s\n", cmd, path, strerror(errno));
			return EXIT_FAIL;
		}
	}
	rc = trace_read(f, path, &to, on_event, &l, &res);
	if (f != stdin)
		fclose(f);
	snprintf(in->source, sizeof(in->source), "%s %s", trace_format_name(res.format), path);
	in->skipped = res.skipped;
	in->nested = res.nested_exits;
	in->lines = res.lines;
	if (l.failed) {
		fprintf(stderr, "exitstat %s: %s: %s\n", cmd, path, a->err);
		return EXIT_FAIL;
	}
	if (rc)
		in->partial = true;
	if (!res.exits && !res.entries) {
		fprintf(stderr, "exitstat %s: %s: no kvm_exit or kvm_entry events in %llu lines\n",
			cmd, path, (unsigned long long)res.lines);
		return EXIT_FAIL;
	}
	if (analysis_finish(a)) {
		fprintf(stderr, "exitstat %s: %s: %s\n", cmd, path, a->err);
		return EXIT_FAIL;
	}
	return in->partial ? EXIT_FAIL : EXIT_OK;
}
