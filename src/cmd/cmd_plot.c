// SPDX-License-Identifier: GPL-2.0
/* `exitstat plot FILE -o OUT.svg`: the analysis as a picture. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "cmd/analyze_opts.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "output/analyze_out.h"

enum { OPT_PLOT_TOP = CLI_OWN, OPT_TITLE };

static const struct cli_opt opt_output = {
	"output", 'o', CLI_ARG, "OUT.svg", "where to write it (- for stdout)", CLI_OUTPUT,
	CLI_REQUIRED };
static const struct cli_opt opt_top = {
	"top", 'k', CLI_ARG, "K", "reasons drawn by name, the rest as 'other' (1-9, default 8)",
	OPT_PLOT_TOP, 0 };
static const struct cli_opt opt_title = {
	"title", 0, CLI_ARG, "TEXT", "picture title (default: the source)", OPT_TITLE, 0 };

static const struct cli_opt *const plot_opts[] = {
	&opt_output, &opt_top, &opt_title, CLI_ANALYSIS_OPTS, NULL,
};

const struct cli_cmd cli_cmd_plot = {
	.name = "plot",
	.title = "plot",
	.summary = "SVG: exit-rate timeline by reason with phases, counts and time bars",
	.synopsis = "[OPTIONS] FILE|- -o OUT.svg",
	.description =
		"An SVG picture of a trace's exits: the exit rate over time stacked by reason\n"
		"(top K + other) with the phases of `exitstat report --analyze` shaded, and\n"
		"bars of exits and of time in exit per reason. The analysis options are\n"
		"report --analyze's.",
	.opts = plot_opts,
	.operands = CLI_ONE,
	.run = cmd_plot,
};

struct plot_cmd {
	struct analysis_cli ac;
	struct plot_opts po;
	const char *out_path;
};

static int apply_plot(void *ctx, int id, const char *arg)
{
	struct plot_cmd *c = ctx;

	switch (id) {
	case CLI_OUTPUT:
		c->out_path = arg;
		return 0;
	case OPT_PLOT_TOP:
		return cli_parse_count(arg, 9, &c->po.top) ? 0 : -1;
	case OPT_TITLE:
		c->po.title = arg;
		return 0;
	default:
		return analysis_cli_apply(&c->ac, id, arg);
	}
}

/* The picture to c->out_path (- for stdout); a half-written file is removed. */
static int write_plot(struct plot_cmd *c)
{
	FILE *out = strcmp(c->out_path, "-") ? fopen(c->out_path, "w") : stdout;
	int rc;

	if (!out) {
		fprintf(stderr, "exitstat plot: cannot create %s: %s\n", c->out_path, strerror(errno));
		return EXIT_FAIL;
	}
	rc = plot_svg(out, &c->ac.a, &c->ac.m, &c->po);
	if (out != stdout && fclose(out))
		rc = -1;
	if (rc) {
		fprintf(stderr, "exitstat plot: cannot write %s: %s\n", c->out_path, strerror(errno));
		if (out != stdout)
			unlink(c->out_path);
		return EXIT_FAIL;
	}
	if (out == stdout)
		fflush(stdout);
	return EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_cmd c = { .po = { .top = 8 } };
	int first, rc;
	bool show;

	analysis_cli_init(&c.ac);
	first = cli_parse(&cli_cmd_plot, argc, argv, apply_plot, &c);
	if (first < 0)
		return cli_end_status(first);
	rc = analysis_cli_load(&c.ac, "plot", argv[first], &show);
	/* What was read is drawn, the picture saying what is missing (and the status). */
	if (show && write_plot(&c) != EXIT_OK)
		rc = EXIT_FAIL;
	analysis_cli_fini(&c.ac);
	return rc;
}
