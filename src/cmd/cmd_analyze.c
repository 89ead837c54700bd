// SPDX-License-Identifier: GPL-2.0
/* `exitstat report --analyze [OPTIONS] FILE|-`: timelines, phases, bursts. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "cmd/analyze_opts.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "output/analyze_out.h"
#include "output/report.h"

static const struct cli_opt opt_top = {
	"top", 't', CLI_ARG, "K", "reasons listed per phase in the summary (1-1000, default 3)",
	CLI_TOP, 0 };

static const struct cli_opt *const analyze_opts[] = {
	&cli_opt_format_no_csv, &cli_opt_output, CLI_ANALYSIS_OPTS, &opt_top, NULL,
};

const struct cli_cmd cli_cmd_analyze = {
	.name = "analyze",
	.title = "report --analyze",
	.summary = "timeline, phases and bursts of a trace or a recording",
	.synopsis = "[OPTIONS] FILE|-",
	.description =
		"When and why a trace's exits happen: exit rate per reason over time, the\n"
		"trace cut into idle, steady and burst phases with the reasons driving each,\n"
		"the most and least frequent reasons overall and per phase, time in exit.\n"
		"Method: docs/analysis.md.",
	.opts = analyze_opts,
	.operands = CLI_ONE,
	.run = cmd_analyze,
	.parent = "report",
	.selector = &cli_opt_analyze,
};

void analysis_cli_init(struct analysis_cli *c)
{
	memset(c, 0, sizeof(*c));
	analyze_opts_default(&c->o);
}

static int parse_window(const char *s, uint64_t *ns)
{
	double v;

	if (!cli_parse_double(s, 1e-6, 1e6, &v))
		return -1;
	*ns = (uint64_t)llround(v * 1e9);
	return 0;
}

int analysis_cli_apply(struct analysis_cli *c, int id, const char *arg)
{
	struct analyze_opts *o = &c->o;
	size_t n;

	switch (id) {
	case CLI_WINDOW:
		return parse_window(arg, &o->window_ns);
	case CLI_PID:
		return cli_parse_pid(arg, &o->filter.pid) ? 0 : -1;
	case CLI_VCPU:
		return cli_parse_vcpu(arg, &o->filter.vcpu) ? 0 : -1;
	case CLI_BURST_FACTOR:
		return cli_parse_double(arg, 1.01, 1e9, &o->burst_factor) ? 0 : -1;
	case CLI_BURST_MIN:
		if (!cli_parse_count(arg, ANALYZE_MAX_WINDOWS, &n))
			return -1;
		o->burst_min_windows = (unsigned int)n;
		return 0;
	case CLI_IDLE_FACTOR:
		return cli_parse_double(arg, 1.01, 1e9, &o->idle_factor) ? 0 : -1;
	case CLI_RATE_RATIO:
		return cli_parse_double(arg, 1.01, 1e9, &o->rate_ratio) ? 0 : -1;
	case CLI_MIX_DISTANCE:
		return cli_parse_double(arg, 0.001, 1, &o->mix_distance) ? 0 : -1;
	case CLI_SKIP_BAD:
		c->in.skip_bad = true;
		return 0;
	case CLI_ISA:
		return isa_parse(arg, &c->in.isa_hint);
	case CLI_PARTIAL_OK:
		c->partial_ok = true;
		return 0;
	default:
		return -1;
	}
}

int analysis_cli_load(struct analysis_cli *c, const char *who, const char *path, bool *show)
{
	struct es_error err = { "" };
	struct es_diag diag = msg_diag(who);
	int rc, status;

	*show = false;
	if (analysis_init(&c->a, &c->o, &err)) {
		msg_error(who, &err);
		return EXIT_FAIL;
	}
	c->loaded = true;
	rc = analyze_load(path, &c->a, &c->in, &diag, &err);
	/* The analysis failed (no memory, too many windows): nothing to show. */
	if (rc && !c->in.partial)
		c->in.info.partial = false;
	status = msg_input_status(who, rc, &err, &c->in.info, c->partial_ok, show);
	if (*show)
		analysis_meta_from_input(&c->m, &c->in);
	return status;
}

void analysis_cli_fini(struct analysis_cli *c)
{
	if (c->loaded)
		analysis_fini(&c->a);
	c->loaded = false;
}

struct analyze_cmd {
	struct analysis_cli ac;
	enum out_format fmt;
	struct cli_out out;
};

static int apply_analyze(void *ctx, int id, const char *arg)
{
	struct analyze_cmd *c = ctx;

	switch (id) {
	case CLI_FORMAT:
		return out_format_parse(arg, &c->fmt) || c->fmt == FMT_CSV ? -1 : 0;
	case CLI_TOP:
		return cli_parse_count(arg, 1000, &c->ac.o.top) ? 0 : -1;
	case CLI_ANALYZE:
		return 0;	/* what selected this command */
	case CLI_OUTPUT:
		c->out.name = arg;
		return 0;
	default:
		return analysis_cli_apply(&c->ac, id, arg);
	}
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_cmd c = { .fmt = FMT_TABLE };
	bool printed;
	int first, rc;
	bool show;

	analysis_cli_init(&c.ac);
	first = cli_parse(&cli_cmd_analyze, argc, argv, apply_analyze, &c);
	if (first < 0)
		return cli_end_status(first);
	if (cli_out_open(&cli_cmd_analyze, &c.out))
		return EXIT_FAIL;
	rc = analysis_cli_load(&c.ac, "report --analyze", argv[first], &show);
	if (!show) {
		analysis_cli_fini(&c.ac);
		cli_out_close(&cli_cmd_analyze, &c.out, false);
		return rc;	/* nothing was read: no output, the reason is on stderr */
	}
	printed = !(c.fmt == FMT_JSON ? analysis_print_json(c.out.f, &c.ac.a, &c.ac.m)
				      : analysis_print_text(c.out.f, &c.ac.a, &c.ac.m));
	if (!printed) {
		fprintf(stderr, "exitstat report --analyze: cannot write %s: %s\n", c.out.name,
			strerror(errno));
		rc = EXIT_FAIL;
	}
	if (cli_out_close(&cli_cmd_analyze, &c.out, printed))
		rc = EXIT_FAIL;
	analysis_cli_fini(&c.ac);
	return rc;
}
