// SPDX-License-Identifier: GPL-2.0
/* `exitstat plot FILE -o OUT.svg`: the analysis as a picture. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "cmd/analyze_opts.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "output/analyze_out.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitstat plot [OPTIONS] FILE|- -o OUT.svg\n"
		"  An SVG picture of a trace's exits: the exit rate over time stacked by reason\n"
		"  (top K + other) with the phases of `exitstat report --analyze` shaded, and\n"
		"  bars of exits and of time in exit per reason.\n"
		"  -o, --output OUT.svg      where to write it (- for stdout); required\n"
		"  -k, --top K               reasons drawn by name, the rest as 'other' (1-9, default 8)\n"
		"  -w, --window SECONDS      timeline window (default automatic, as --analyze)\n"
		"      --title TEXT          picture title (default: the source)\n"
		"  -p, --pid PID, --vcpu N   only this VM / vCPU\n"
		"      --burst-factor K, --idle-factor F, --burst-min-windows M,\n"
		"      --rate-ratio R, --mix-distance D   phase detection, as --analyze\n"
		"      --skip-bad            count malformed lines and go on\n");
}

int cmd_plot(int argc, char **argv)
{
	enum { O_TITLE = ANALYZE_OPT_LAST };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, 'k' },
		{ "title", required_argument, NULL, O_TITLE },
		ANALYZE_COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct analyze_opts o;
	struct analyze_input in = { 0 };
	struct plot_opts po = { .top = 8 };
	struct analysis a;
	struct es_error err = { "" };
	struct es_diag diag;
	struct analysis_meta m = { 0 };
	const char *out_path = NULL;
	FILE *out;
	uint64_t v;
	int c, rc;

	analyze_opts_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:k:w:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case 'k':
			if (!cli_parse_u64(optarg, &v) || !v || v > 9)
				goto bad_value;
			po.top = (size_t)v;
			break;
		case O_TITLE:
			po.title = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			rc = analyze_common_option(c, optarg, &o, &in);
			if (rc < 0)
				goto bad_value;
			if (rc == 0) {
				usage(stderr);
				return EXIT_USAGE;
			}
		}
	}
	if (argc - optind != 1 || !out_path) {
		if (!out_path)
			fprintf(stderr, "exitstat plot: say where to write the SVG with -o OUT.svg\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (analysis_init(&a, &o, &err)) {
		msg_error("plot", &err);
		return EXIT_FAIL;
	}
	diag = msg_diag("plot");
	rc = analyze_load(argv[optind], &a, &in, &diag, &err) ? EXIT_FAIL : EXIT_OK;
	if (rc)
		msg_error("plot", &err);
	if (rc) {
		if (in.partial)
			fprintf(stderr, "exitstat plot: no picture: reading %s stopped at an error\n",
				argv[optind]);
		analysis_fini(&a);
		return rc;
	}
	analysis_meta_from_input(&m, &in);
	out = strcmp(out_path, "-") ? fopen(out_path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "exitstat plot: cannot create %s: %s\n", out_path, strerror(errno));
		analysis_fini(&a);
		return EXIT_FAIL;
	}
	rc = plot_svg(out, &a, &m, &po);
	if (out != stdout && fclose(out))
		rc = -1;
	if (rc) {
		fprintf(stderr, "exitstat plot: cannot write %s: %s\n", out_path, strerror(errno));
		if (out != stdout)
			unlink(out_path);
		rc = EXIT_FAIL;
	} else if (out == stdout) {
		fflush(stdout);
	}
	analysis_fini(&a);
	return rc;

bad_value:
	cli_bad_value("plot", opts, c, optarg);
	return EXIT_USAGE;
}
