/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timeline analysis of a stream of exits: exit rate per reason in fixed time
 * windows, the trace cut into phases (idle, steady, burst) with the reasons
 * that drive each, and the overall most/least frequent reasons and time in
 * exit. It consumes events from any source (trace text, recording): feed
 * each with analysis_event(), then analysis_finish(). The method is described
 * in docs/analysis.md. Memory: windows x reasons seen, never per event.
 */
#ifndef EXITSTAT_ANALYZE_H
#define EXITSTAT_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/event.h"
#include "core/stats.h"
#include "sources/input.h"

/* Automatic windows: start at 1 ms, double while there would be more than this many. */
#define ANALYZE_AUTO_MIN_WIDTH_NS 1000000ull
#define ANALYZE_AUTO_MAX_WINDOWS 200
/* ... and while the windows hold fewer exits than this on average (but keep 16+ windows). */
#define ANALYZE_AUTO_MIN_EXITS 25
#define ANALYZE_AUTO_MIN_WINDOWS 16
/* Non-burst segments shorter than this many windows join a neighbour. */
#define ANALYZE_MIN_PHASE_WINDOWS 3
/* A --window so small that the trace needs more windows than this is refused. */
#define ANALYZE_MAX_WINDOWS (1u << 17)
/* ... and once read, if it gives more than this many windows per exit (and more than the cap). */
#define ANALYZE_WINDOWS_PER_EXIT 4
#define ANALYZE_MIN_WINDOW_CAP 1000
/* Segmentation starts from at most this many blocks of windows (keeps it O(n^2) cheap). */
#define ANALYZE_MAX_BLOCKS 2000

struct analyze_opts {
	uint64_t window_ns;		/* 0: automatic */
	double burst_factor;		/* burst: rate >= this x the typical rate (default 3) */
	unsigned int burst_min_windows;	/* ... for at least this many windows (default 1) */
	double idle_factor;		/* idle: rate < typical / this (default 10) */
	double rate_ratio;		/* windows within this rate ratio may merge (default 2) */
	double mix_distance;		/* ... and within this reason-mix distance (default 0.3) */
	struct stats_filter filter;	/* which VM / vCPU */
	size_t top;			/* reasons listed per phase (default 3) */
};

void analyze_opts_default(struct analyze_opts *o);

enum phase_kind { PHASE_IDLE, PHASE_STEADY, PHASE_BURST };

const char *phase_kind_name(enum phase_kind k);

/* One reason of the trace (a column of the window matrix). */
struct an_reason {
	enum exit_isa isa;
	uint32_t code;		/* VMX basic reason or SVM exit code */
	char name[40];
	uint64_t count;		/* exits in the windows (timestamped exits) */
	uint64_t time_ns;	/* time in exit of those of them that were paired */
};

struct phase {
	enum phase_kind kind;
	size_t first_win, end_win;	/* windows [first_win, end_win) */
	uint64_t start_ns, end_ns;	/* relative to the first event */
	uint64_t exits;
	double rate;			/* exits per second */
	double vs_typical;		/* rate / typical rate */
	uint64_t *count;		/* per reason column */
	uint64_t *time_ns;		/* per reason column */
	size_t *order;			/* reason columns by count, descending (count > 0 only) */
	size_t nonzero;			/* reasons with exits in this phase */
};

struct analysis {
	struct analyze_opts o;
	struct accum acc;		/* overall totals and the pairing (its on_time hook adds
					 * each exit's time to the timeline) */

	struct an_reason *reasons;
	size_t nreasons, rcap;		/* rcap: the matrices' row stride */
	uint64_t *win_count;		/* [window * rcap + reason] */
	uint64_t *win_time;
	size_t nwin, wcap;
	uint64_t width_ns;
	bool auto_width;

	bool started;
	uint64_t t0, t_last;		/* first and last timestamp (source clock) */
	uint64_t untimed;		/* exits without a timestamp: in the totals, not the timeline */
	uint64_t early;			/* exits stamped before the first event: put in window 0 */
	uint64_t filtered_out;		/* exits of other VMs / vCPUs */

	/* Results of analysis_finish(). */
	bool finished;
	double *win_dur_s;		/* each window's length in seconds */
	double typical_rate;		/* median rate of the busy windows */
	double p90_rate;
	double log_noise;		/* sigma of a window's log rate (see analyze.c) */
	struct phase *phases;
	size_t nphases;
	size_t *order;			/* reason columns by count, descending */
};

/* 0, or -1 with err set (out of memory or bad options). */
int analysis_init(struct analysis *a, const struct analyze_opts *o, struct es_error *err);
void analysis_fini(struct analysis *a);

/* Feed one event. 0, or -1 with err set (out of memory, too many windows). */
int analysis_event(struct analysis *a, const struct exit_event *ev, struct es_error *err);

/* Compute windows' rates, the typical rate and the phases. 0, or -1 with err set. */
int analysis_finish(struct analysis *a, struct es_error *err);

/* Seconds from the first event to the last. */
double analysis_span_s(const struct analysis *a);

/* What the input was, for the outputs. */
struct analysis_meta {
	const char *source;
	const char *clock;	/* "ns", or "ticks" (raw counter timestamps); NULL = "ns" */
	const char *note;	/* about the input (input.h), or NULL */
	bool partial;		/* reading stopped early: the analysis covers what came before */
	bool incomplete;	/* something was skipped, cut, lost or unread: the note says what */
	uint64_t lost, skipped, nested;
};

/*
 * Read FILE (trace text or a recording; "-" = stdin) into a finished
 * analysis. Returns 0, or -1 with err set ("PATH...: what"); with
 * in->partial set the analysis of what was read before the problem is
 * finished and may be shown. Notices (lines skipped) go to diag.
 */
struct analyze_input {
	bool skip_bad;
	enum exit_isa isa_hint;		/* the ISA of bare reason numbers (--isa) */
	struct input_info info;		/* what was read (source, clock, lost, incomplete, note) */
	bool partial;			/* reading stopped at an error */
};

int analyze_load(const char *path, struct analysis *a, struct analyze_input *in,
		 const struct es_diag *diag, struct es_error *err);

/* What the output says about the input it came from (points into in). */
void analysis_meta_from_input(struct analysis_meta *m, const struct analyze_input *in);

#endif
