/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `exitstat [live]` on a terminal: the top-like view (output/live_view.c
 * draws it) and its keys: q quit (the final table as usual), s the next
 * sort key, p pause/resume the display (collection goes on), r reset the
 * baseline of the current counts. Each refresh reads the cumulative counts;
 * "current" is what changed since the previous refresh (or the reset).
 */
#ifndef EXITSTAT_LIVE_TOP_H
#define EXITSTAT_LIVE_TOP_H

#include <stdbool.h>
#include <stdio.h>

#include "core/stats.h"
#include "live/live.h"
#include "output/live_view.h"
#include "output/report.h"

struct live_top {
	FILE *out;
	struct live_src *src;
	const char *source;
	struct stats_filter filter;
	size_t top;
	double start;
	bool keys, paused;
	enum live_view_sort sort;
	struct stats *cur, *base;	/* cumulative at the last refresh, and at its baseline */
	double cur_t, base_t;
	uint64_t ev_cur[LIVE_EVENTS_MAX], ev_base[LIVE_EVENTS_MAX];
	bool ev_attached[LIVE_EVENTS_MAX];
	char status[192];
};

/*
 * The view of src to out from start (live_now() seconds), with the sort,
 * filter and --top of ro; keys from stdin when it is a terminal. 0, or -1
 * (said).
 */
int live_top_open(struct live_top *t, FILE *out, struct live_src *src, const char *source,
		  const struct report_opts *ro, double start);

/* A refresh: read the counts, draw (not while paused). 0, or -1 (said). */
int live_top_refresh(struct live_top *t);

/* Act on the keys pressed since the last call. 0, or -1 (said). */
int live_top_keys(struct live_top *t);

/* Keys off (the terminal as it was), snapshots freed. */
void live_top_close(struct live_top *t);

#endif
