/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An analysis (analysis/analyze.h) printed: as text or JSON (analyze_out.c)
 * and as an SVG picture (plot_svg.c).
 */
#ifndef EXITSTAT_ANALYZE_OUT_H
#define EXITSTAT_ANALYZE_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "analysis/analyze.h"

/* Plain-language summary, then the numbers. 0 or -1 (write error). */
int analysis_print_text(FILE *out, const struct analysis *a, const struct analysis_meta *m);
/* The same as JSON (schema in docs/analysis.md). 0 or -1. */
int analysis_print_json(FILE *out, const struct analysis *a, const struct analysis_meta *m);

/* Plot options and the SVG writer (plot_svg.c). */
struct plot_opts {
	size_t top;		/* reasons drawn by name; the rest are "other" (default 8) */
	const char *title;	/* NULL: from the source */
};

int plot_svg(FILE *out, const struct analysis *a, const struct analysis_meta *m,
	     const struct plot_opts *po);

#endif
