/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports: one per-reason view of a stats, printed as a table, JSON or CSV.
 * Every number says where it came from (the source), its unit and its
 * window; lost and skipped events are always shown.
 */
#ifndef EXITSTAT_REPORT_H
#define EXITSTAT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/detail.h"
#include "core/stats.h"

enum out_format { FMT_TABLE, FMT_JSON, FMT_CSV };

int out_format_parse(const char *s, enum out_format *f);	/* 0 or -1 */
int row_sort_parse(const char *s, enum row_sort *sort);	/* count|time|rate|code: 0 or -1 */

struct report_opts {
	enum out_format format;
	enum row_sort sort;
	size_t top;			/* rows to show; 0 = all (the rest are summed as "other") */
	struct stats_filter filter;	/* which VM / vCPU */
	bool per_vm;			/* also break the totals down per VM and vCPU */
};

struct hotspot_stats;
struct hotspot_meta;

/* What the numbers are: printed with every report. */
struct report_meta {
	const char *source;	/* e.g. "ftrace text trace.txt", "live: BPF tp_btf/kvm_exit" */
	const char *clock;	/* unit of the event timestamps: "ns" (default), or "ticks" (raw
				   counter timestamps, e.g. trace-cmd -C x86-tsc) */
	bool final;		/* the last report of a run */
	unsigned int seq;	/* interim report number (1, 2, ...) when !final */
	double window_s;	/* seconds the report covers; <= 0: from the stats' own window */
	uint64_t lost;		/* events lost by the source (besides stats->lost) */
	uint64_t skipped;	/* malformed input lines skipped */
	uint64_t nested;	/* kvm_nested_vmexit events seen, not counted as exits */
	uint64_t unpaired;	/* exits with no entry after them (no time in exit) */
	const char *note;	/* one extra line for the user, or NULL */
	/* --detail: the exits per reason and detail (detail_stats_sorted), printed after the report */
	bool details_on;
	const struct detail_entry *details;
	size_t ndetails;
	size_t detail_top;		/* table: details shown per reason (0: all) */
	uint64_t details_lost;		/* exits counted whose detail (or RIP) was not kept */
	/* --hotspots: the guest RIPs per reason, printed after the report as explain --hotspots does */
	const struct hotspot_stats *hotspots;
	const struct hotspot_meta *hotspot_meta;
};

/* Print one report. Returns 0, or -1 on an output or memory error. */
int report_print(FILE *out, const struct report_opts *o, const struct report_meta *m,
		 const struct stats *s);

#endif
