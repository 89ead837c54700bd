/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options both analysis commands (report --analyze, plot) take, parsed
 * into the analysis library's options (cmd_analyze.c).
 */
#ifndef EXITSTAT_ANALYZE_OPTS_H
#define EXITSTAT_ANALYZE_OPTS_H

#include <getopt.h>
#include <stdint.h>

#include "analysis/analyze.h"

int analyze_parse_window(const char *s, uint64_t *ns);	/* seconds -> ns; 0 or -1 */

/* Options both analysis commands (report --analyze, plot) take; short 'w' and 'p'. */
enum {
	ANALYZE_OPT_VCPU = 256, ANALYZE_OPT_BURST, ANALYZE_OPT_BURST_MIN, ANALYZE_OPT_IDLE,
	ANALYZE_OPT_RATIO, ANALYZE_OPT_MIX, ANALYZE_OPT_SKIP, ANALYZE_OPT_LAST,
};
#define ANALYZE_COMMON_LONGOPTS \
	{ "window", required_argument, NULL, 'w' }, \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "vcpu", required_argument, NULL, ANALYZE_OPT_VCPU }, \
	{ "burst-factor", required_argument, NULL, ANALYZE_OPT_BURST }, \
	{ "burst-min-windows", required_argument, NULL, ANALYZE_OPT_BURST_MIN }, \
	{ "idle-factor", required_argument, NULL, ANALYZE_OPT_IDLE }, \
	{ "rate-ratio", required_argument, NULL, ANALYZE_OPT_RATIO }, \
	{ "mix-distance", required_argument, NULL, ANALYZE_OPT_MIX }, \
	{ "skip-bad", no_argument, NULL, ANALYZE_OPT_SKIP }

/* Apply one of those: 1 taken, 0 not one of them, -1 a bad value. */
int analyze_common_option(int c, const char *arg, struct analyze_opts *o,
			  struct analyze_input *in);

#endif
