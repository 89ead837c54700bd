/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report view: everything any output format prints, computed once by
 * report_build() from the stats, the options and the meta. The formats
 * (report_table.c, report_json.c, report_csv.c) only print a view, whole:
 * every row and every note, so no format can drop what another shows.
 */
#ifndef EXITSTAT_REPORT_FORMAT_H
#define EXITSTAT_REPORT_FORMAT_H

#include "output/report.h"

/* One row: a reason, the rows past --top ("other"), the total, or a VM's vCPU. */
struct report_row {
	enum exit_isa isa;
	uint32_t code;
	const char *name;	/* the reason's name; "" for total and vCPU rows */
	char name_buf[40];
	bool known;		/* in the catalogue */
	uint32_t pid, vcpu;	/* per-VM rows: the VM (host pid) and vCPU (STATS_VCPU_UNKNOWN: ?) */
	struct exit_counts c;	/* times in the report's clock unit (ns or ticks) */
	double percent;		/* of the report's exits */
	double time_percent;	/* of the report's time in exit; < 0 when c.timed is 0 */
	double rate;		/* exits per second over the window; < 0 if no window in seconds */
	uint64_t mean, p50, p99;	/* 0 when c.timed is 0; p50/p99: bounds, never above c.max_ns */
	bool pct_known;		/* p50/p99 are known: the histogram holds every timed exit
				 * (not so for times from another tool's totals) */
};

/* Where the report's window comes from. */
enum report_window {
	WINDOW_NONE,	/* unknown */
	WINDOW_RUN,	/* the collection's own duration (live, kernel-stats -i/-d) */
	WINDOW_EXITS,	/* the first to the last exit's timestamp */
};

struct report_view {
	const char *source;	/* where the numbers come from, or NULL */
	bool final;		/* the last report of a run */
	unsigned int seq;	/* interim report number; in the final one, how many came before */
	const char *clock;	/* the source's clock: "ns", or "ticks" (raw counter timestamps) */
	bool ticks;		/* times are clock ticks of an unknown frequency, not ns */
	const char *unit;	/* "ns" or "ticks": the unit of every time below */
	struct stats_filter filter;
	enum report_window window_from;
	double window_s;	/* seconds; 0 when unknown (always, from a tick clock's exits) */
	uint64_t window_ticks;	/* tick clocks: ticks from the first to the last exit */

	struct report_row *rows;	/* every reason, sorted as asked */
	size_t nrows, shown;		/* shown = rows printed before "other" */
	struct report_row other;	/* rows past --top, summed (when other_reasons) */
	size_t other_reasons;
	struct report_row all;		/* the total: every reason summed */
	uint64_t total;			/* exits matching the filter (all.c.count) */
	const struct report_row *most, *least;	/* by count, among the reasons seen */
	size_t most_ties, least_ties;	/* reasons sharing most's / least's count (1: no tie) */

	bool per_vm;			/* vms[] were asked for */
	struct report_row *vms;		/* per VM and vCPU, most exits first */
	size_t nvms;

	uint64_t lost;			/* events the source lost */
	uint64_t skipped, nested, unpaired;	/* see struct report_meta */
	const char *source_note;	/* the source's own note (report_meta.note), or NULL */
	char **notes;			/* every note, source_note first, for the user */
	size_t nnotes;

	bool details_on;		/* --detail: the drill-down follows (report_meta) */
	const struct detail_entry *details;
	size_t ndetails, detail_top;
	const struct hotspot_stats *hotspots;	/* --hotspots: they follow (report_meta), or NULL */
	const struct hotspot_meta *hotspot_meta;
};

int report_build(const struct report_opts *o, const struct report_meta *m, const struct stats *s,
		 struct report_view *v);
void report_view_free(struct report_view *v);

int report_table(FILE *out, const struct report_view *v);
int report_json(FILE *out, const struct report_view *v);
int report_csv(FILE *out, const struct report_view *v);

/* "0x7b" for SVM, "30" for VMX (the way each vendor's manual numbers them). */
const char *report_code_str(enum exit_isa isa, uint32_t code, char *buf, size_t len);

#endif
