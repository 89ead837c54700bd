/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two sets of runs compared per exit reason (`exitstat diff`): for each
 * reason, the mean count per run of each side, its change, the rate (exits
 * per second of each run's window) and the mean time in exit; with two or
 * more runs per side, whether the change is within run-to-run noise.
 */
#ifndef EXITSTAT_DIFF_H
#define EXITSTAT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/detail.h"
#include "core/stats.h"

/*
 * One run: its counts and the seconds from its first to its last event (0:
 * unknown); for a comparison per detail (diff --detail), its exits per
 * (reason, detail) too.
 */
struct diff_run {
	const struct stats *stats;
	double window_s;
	const struct detail_stats *details;	/* NULL: per reason only */
};

struct diff_side_row {
	double count;		/* mean count per run */
	double sd;		/* sample standard deviation of the count (0 with one run) */
	double rate;		/* mean of count / window over the runs with a window; < 0: none */
	uint64_t timed;		/* exits with a time in exit, all runs */
	double time_per_exit;	/* mean time in exit of those (source clock units); < 0: none */
};

struct diff_row {
	enum exit_isa isa;
	uint32_t reason;
	bool has_detail;	/* a row per (reason, detail): d says which */
	struct exit_detail d;
	struct diff_side_row a, b;
	double change;		/* b.count - a.count */
	double change_pct;	/* change / a.count * 100; NAN when a.count is 0 */
	bool noise_known;	/* two or more runs on each side */
	bool within_noise;	/* |change| <= 2 * sqrt(sd_a^2/n_a + sd_b^2/n_b) */
};

/*
 * Compare side A (na runs) with side B (nb runs), every reason either side
 * has, into a new array (caller frees), largest |change| first, ties by
 * (isa, reason). Returns the number of rows, or (size_t)-1 out of memory.
 */
size_t diff_build(const struct diff_run *a, size_t na, const struct diff_run *b, size_t nb,
		  struct diff_row **rows);

/*
 * The same per (reason, detail) from each run's details (every run has
 * them): counts, rates, times and the noise rule as per reason, a row for
 * every (reason, detail) either side has; ties by (isa, reason, detail).
 */
size_t diff_build_details(const struct diff_run *a, size_t na, const struct diff_run *b,
			  size_t nb, struct diff_row **rows);

#endif
