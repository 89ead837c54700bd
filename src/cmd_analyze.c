// SPDX-License-Identifier: GPL-2.0
/* `exitstat report --analyze [OPTIONS] FILE|-`: timelines, phases, bursts. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "commands.h"

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

bool analyze_parse_double(const char *s, double min, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*v) && *v >= min;
}

bool analyze_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && end != s && !*end && s[0] != '-';
}

int analyze_parse_window(const char *s, uint64_t *ns)
{
	double v;

	if (!analyze_parse_double(s, 1e-6, &v) || v > 1e6)
		return -1;
	*ns = (uint64_t)llround(v * 1e9);
	return 0;
}

int cmd_analyze(int argc, char **argv)
{
	enum { O_VCPU = 256, O_BURST, O_BURST_MIN, O_IDLE, O_RATIO, O_MIX, O_SKIP };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "window", required_argument, NULL, 'w' },
		{ "top", required_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "vcpu", required_argument, NULL, O_VCPU },
		{ "burst-factor", required_argument, NULL, O_BURST },
		{ "burst-min-windows", required_argument, NULL, O_BURST_MIN },
		{ "idle-factor", required_argument, NULL, O_IDLE },
		{ "rate-ratio", required_argument, NULL, O_RATIO },
		{ "mix-distance", required_argument, NULL, O_MIX },
		{ "skip-bad", no_argument, NULL, O_SKIP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct analyze_opts o;
	struct analyze_input in = { 0 };
	struct analysis a;
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
		case 'w':
			if (analyze_parse_window(optarg, &o.window_ns))
				goto bad_value;
			break;
		case 't':
			if (!analyze_parse_u64(optarg, &v) || !v || v > 1000)
				goto bad_value;
			o.top = (size_t)v;
			break;
		case 'p':
			if (!analyze_parse_u64(optarg, &v) || !v || v > UINT32_MAX)
				goto bad_value;
			o.filter.pid = (uint32_t)v;
			break;
		case O_VCPU:
			if (!analyze_parse_u64(optarg, &v) || v >= UINT32_MAX)
				goto bad_value;
			o.filter.vcpu = (uint32_t)v;
			break;
		case O_BURST:
			if (!analyze_parse_double(optarg, 1.01, &o.burst_factor))
				goto bad_value;
			break;
		case O_BURST_MIN:
			if (!analyze_parse_u64(optarg, &v) || !v || v > ANALYZE_MAX_WINDOWS)
				goto bad_value;
			o.burst_min_windows = (unsigned int)v;
			break;
		case O_IDLE:
			if (!analyze_parse_double(optarg, 1.01, &o.idle_factor))
				goto bad_value;
			break;
		case O_RATIO:
			if (!analyze_parse_double(optarg, 1.01, &o.rate_ratio))
				goto bad_value;
			break;
		case O_MIX:
			if (!analyze_parse_double(optarg, 0.001, &o.mix_distance) ||
			    o.mix_distance > 1)
				goto bad_value;
			break;
		case O_SKIP:
			in.skip_bad = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "exitstat report --analyze: see --help for the options it takes\n");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (analysis_init(&a, &o)) {
		fprintf(stderr, "exitstat report --analyze: %s\n", a.err);
		return EXIT_FAIL;
	}
	rc = analyze_load("report --analyze", argv[optind], &a, &in);
	if (rc && !in.partial) {
		analysis_fini(&a);
		return rc;
	}
	m.source = in.source;
	m.skipped = in.skipped;
	m.nested = in.nested;
	m.lost = in.lost;
	m.clock = in.clock;
	m.note = in.note[0] ? in.note : NULL;
	m.partial = in.partial;
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
	fprintf(stderr, "exitstat report --analyze: bad value '%s' for option %s (see --help)\n",
		optarg, argv[optind - 1]);
	return EXIT_USAGE;
}
