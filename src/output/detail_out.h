/* SPDX-License-Identifier: GPL-2.0 */
/* `exitstat explain`: exits per reason broken down by detail, as a table, JSON or CSV (docs/explain.md). */
#ifndef EXITSTAT_DETAIL_OUT_H
#define EXITSTAT_DETAIL_OUT_H

#include <stdio.h>

#include "core/detail.h"
#include "output/report.h"

struct detail_meta {
	const char *source;	/* what was read */
	bool ticks;		/* times are clock ticks, not ns */
	uint64_t exits;		/* every exit read */
	uint64_t with_info;	/* exits whose line carried exit information */
	size_t top;		/* table: details shown per reason (0: all); JSON/CSV: all */
	const char *note;	/* what an incomplete input misses, or "" */
};

/* Print every entry (sorted by detail_stats_sorted). 0, or -1 with errno from the failed write. */
int detail_print(FILE *f, enum out_format fmt, const struct detail_meta *m,
		 const struct detail_entry *e, size_t n);

#endif
