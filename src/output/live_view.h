/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live top-like view (kvm_stat's and perf top's kind): one screen per
 * refresh, per exit reason the total since the start and the CURRENT count
 * and rate (since the baseline: the last refresh, or the user's reset), the
 * share of exits and of time in exit and the time columns, fitted to the
 * terminal's width by dropping columns in a fixed priority (live_view_cols).
 * It computes from two cumulative snapshots and prints; the terminal, the
 * keys and the snapshots' timing are the caller's (cmd/cmd_live.c).
 */
#ifndef EXITSTAT_LIVE_VIEW_H
#define EXITSTAT_LIVE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/stats.h"

/* The sort keys, in the order the s key cycles through them. */
enum live_view_sort { LV_SORT_TOTAL, LV_SORT_CURRENT, LV_SORT_TIME, LV_SORT_CODE, LV_SORTS };

const char *live_view_sort_name(enum live_view_sort s);	/* "total", "current", "time", "code" */

/*
 * The columns, left to right. Which are shown at a width: live_view_cols.
 * Dropped first when narrower (the stated priority, kept first to last):
 * reason, total, cur/s (never dropped), %, time%, mean, code, p99<=, max,
 * cur, time.
 */
enum live_view_col {
	LV_COL_CODE,	/* isa and code: "svm 0x7b", "vmx 30" */
	LV_COL_REASON,	/* the reason's name (the event's, in the event view) */
	LV_COL_TOTAL,	/* exits since the start */
	LV_COL_CUR,	/* exits since the baseline */
	LV_COL_RATE,	/* exits per second since the baseline */
	LV_COL_PCT,	/* share of all exits since the start */
	LV_COL_TPCT,	/* share of all time in exit since the start */
	LV_COL_TIME,	/* time in exit since the start */
	LV_COL_MEAN,	/* mean time in exit */
	LV_COL_P99,	/* p99 bound of the time in exit (log2 histogram, at most max) */
	LV_COL_MAX,	/* longest time in exit */
	LV_COLS
};

#define LV_WIDTH_DEFAULT 80	/* when the terminal does not say */

/*
 * The columns shown at `width` (a mask of 1 << enum live_view_col) and
 * the reason column's width (*reason_w). times: the time columns exist
 * (false in the event view, whose rows have no time or code).
 */
unsigned int live_view_cols(unsigned int width, bool times, unsigned int *reason_w);

/* One KVM event of the mix, for the view shown while kvm_exit has not fired. */
struct live_view_event {
	const char *name;	/* "kvm_pio" */
	uint64_t total;		/* since the start */
	uint64_t base;		/* at the baseline */
};

struct live_view_in {
	const struct stats *cur;	/* cumulative now */
	const struct stats *base;	/* cumulative at the baseline; NULL: no baseline yet */
	/* kvm_exit has not fired: these events are the rows instead (cur is then ignored) */
	const struct live_view_event *events;
	size_t nevents;
	double window_s;	/* seconds since the start */
	double interval_s;	/* seconds from the baseline to now (cur/s; <= 0: "-") */
	const char *source;	/* the backend, e.g. "live: BPF tp_btf/kvm_exit ..." */
	uint64_t lost;		/* events the source lost */
	struct stats_filter filter;
	enum live_view_sort sort;
	size_t top;		/* rows at most (the rest summed in one row); 0 = all */
	unsigned int width;	/* columns of the terminal; 0: LV_WIDTH_DEFAULT */
	unsigned int height;	/* lines of the terminal (rows are cut to fit); 0: no limit */
	const char *status;	/* the last header line ("paused ...", "reset ..."), or NULL: the keys */
};

/*
 * One screen of the view to out (no screen control codes: the caller
 * clears). Every line at most `width` characters. 0, or -1 with errno (a
 * write or out of memory).
 */
int live_view_print(FILE *out, const struct live_view_in *in);

#endif
