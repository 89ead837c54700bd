// SPDX-License-Identifier: GPL-2.0
/* `exitstat report --analyze [OPTIONS] FILE|-`: timelines, phases, bursts. */
#include <errno.h>
#include <getopt.h>
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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitstat report --analyze [OPTIONS] FILE|-\n"
		"  When and why a trace's exits happen: exit rate per reason over time, the\n"
		"  trace cut into idle, steady and burst phases with the reasons driving each,\n"
		"  the most and least frequent reasons overall and per phase, time in exit.\n"
		"  Method: docs/analysis.md.\n"
		"  -f, --format table|json        output format (default table)\n"
		"  -w, --window SECONDS           timeline window (default: automatic, 1 ms doubled\n"
		"                                 until the trace has at most %d windows)\n"
		"  -t, --top K                    reasons listed per phase in the summary (default 3)\n"
		"  -p, --pid PID                  only this VM (host process)\n"
		"      --vcpu N                   only this vCPU\n"
		"      --burst-factor K           burst: rate >= K x the typical rate (default 3)\n"
		"      --burst-min-windows M      ... for at least M windows (default 1)\n"
		"      --idle-factor F            idle: rate < typical rate / F (default 10)\n"
		"      --rate-ratio R             neighbours within a rate ratio R may merge (default 2)\n"
		"      --mix-distance D           ... if their reason mixes are within D (default 0.3)\n"
		"      --skip-bad                 count malformed lines and go on\n",
		ANALYZE_AUTO_MAX_WINDOWS);
}

int analyze_parse_window(const char *s, uint64_t *ns)
{
	double v;

	if (!cli_parse_double(s, 1e-6, 1e6, &v))
		return -1;
	*ns = (uint64_t)llround(v * 1e9);
	return 0;
}

int analyze_common_option(int c, const char *arg, struct analyze_opts *o,
			  struct analyze_input *in)
{
	uint64_t v;

	switch (c) {
	case 'w':
		return analyze_parse_window(arg, &o->window_ns) ? -1 : 1;
	case 'p':
		return cli_parse_pid(arg, &o->filter.pid) ? 1 : -1;
	case ANALYZE_OPT_VCPU:
		return cli_parse_vcpu(arg, &o->filter.vcpu) ? 1 : -1;
	case ANALYZE_OPT_BURST:
		return cli_parse_double(arg, 1.01, 1e9, &o->burst_factor) ? 1 : -1;
	case ANALYZE_OPT_BURST_MIN:
		if (!cli_parse_u64(arg, &v) || !v || v > ANALYZE_MAX_WINDOWS)
			return -1;
		o->burst_min_windows = (unsigned int)v;
		return 1;
	case ANALYZE_OPT_IDLE:
		return cli_parse_double(arg, 1.01, 1e9, &o->idle_factor) ? 1 : -1;
	case ANALYZE_OPT_RATIO:
		return cli_parse_double(arg, 1.01, 1e9, &o->rate_ratio) ? 1 : -1;
	case ANALYZE_OPT_MIX:
		return cli_parse_double(arg, 0.001, 1, &o->mix_distance) ? 1 : -1;
	case ANALYZE_OPT_SKIP:
		in->skip_bad = true;
		return 1;
	default:
		return 0;
	}
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "top", required_argument, NULL, 't' },
		ANALYZE_COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct analyze_opts o;
	struct analyze_input in = { 0 };
	struct analysis a;
	struct es_error err = { "" };
	struct es_diag diag;
	struct analysis_meta m = { 0 };
	enum out_format fmt = FMT_TABLE;
	uint64_t v;
	int c, rc;

	analyze_opts_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:w:t:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (out_format_parse(optarg, &fmt) || fmt == FMT_CSV)
				goto bad_value;
			break;
		case 't':
			if (!cli_parse_u64(optarg, &v) || !v || v > 1000)
				goto bad_value;
			o.top = (size_t)v;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			rc = analyze_common_option(c, optarg, &o, &in);
			if (rc < 0)
				goto bad_value;
			if (rc == 0) {
				fprintf(stderr, "exitstat report --analyze: see --help for the options it takes\n");
				return EXIT_USAGE;
			}
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (analysis_init(&a, &o, &err)) {
		msg_error("report --analyze", &err);
		return EXIT_FAIL;
	}
	diag = msg_diag("report --analyze");
	rc = analyze_load(argv[optind], &a, &in, &diag, &err) ? EXIT_FAIL : EXIT_OK;
	if (rc)
		msg_error("report --analyze", &err);
	if (rc && !in.partial) {
		analysis_fini(&a);
		return rc;
	}
	analysis_meta_from_input(&m, &in);
	if (in.partial)
		fprintf(stderr, "exitstat report --analyze: PARTIAL: reading stopped at the error "
				"above; the analysis covers the lines before it\n");
	if ((fmt == FMT_JSON ? analysis_print_json(stdout, &a, &m)
			     : analysis_print_text(stdout, &a, &m))) {
		fprintf(stderr, "exitstat report --analyze: cannot write the output: %s\n",
			strerror(errno));
		rc = EXIT_FAIL;
	}
	analysis_fini(&a);
	return rc;

bad_value:
	cli_bad_value("report --analyze", opts, c, optarg);
	return EXIT_USAGE;
}
