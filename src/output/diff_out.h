/* SPDX-License-Identifier: GPL-2.0 */
/* `exitstat diff` as a table, JSON or CSV (docs/diff.md): every row, the runs of each side, the rule. */
#ifndef EXITSTAT_DIFF_OUT_H
#define EXITSTAT_DIFF_OUT_H

#include <stdio.h>

#include "analysis/diff.h"
#include "output/report.h"

struct diff_meta {
	const char *const *a, *const *b;	/* the runs' file names */
	size_t na, nb;
	double a_exits, b_exits;		/* mean exits per run */
	bool ticks;				/* times are clock ticks, not ns */
	size_t top;				/* rows shown in the table (0: all); JSON/CSV: all */
	bool details;				/* rows per (reason, detail): diff --detail */
	const char *note;			/* what runs not read whole miss, or "" */
};

/* Print the comparison. 0, or -1 with errno from the failed write. */
int diff_print(FILE *f, enum out_format fmt, const struct diff_meta *m, const struct diff_row *rows,
	       size_t n);

#endif
