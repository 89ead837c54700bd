/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tables of totals other tools print, read as aggregate counts per exit
 * reason (trace_totals.c): `perf kvm stat report` and `perf kvm stat live`,
 * kvm_stat (`-1`, `-l` and `-l -c` logs, its screen), and `perf report
 * --sort trace` with a Samples column (-n). The trace reader (trace_text.c)
 * hands over every line from the one that starts such a table on; the rows
 * become aggregate exit events (struct exit_event.aggregate: a count, and
 * the tool's times where it gives them), delivered at the end. There is no
 * timeline: no row has a timestamp.
 */
#ifndef EXITSTAT_TRACE_TOTALS_H
#define EXITSTAT_TRACE_TOTALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/trace.h"
#include "sources/trace_line.h"

enum totals_kind {
	TOTALS_NONE,
	TOTALS_PERF_KVM_STAT,	/* perf kvm stat report / live */
	TOTALS_KVM_STAT,	/* kvm_stat */
	TOTALS_PERF_REPORT,	/* perf report --sort trace */
};

/* Does this line (leading blanks and mail quote marks `> ` removed) start a table of totals, and whose? */
enum totals_kind totals_starts(const char *s, size_t n);

/* Is the line a time of day alone (`22:55:25.670862`), as perf kvm stat live prints before each display? */
bool totals_time_of_day(const char *s, size_t n);

struct totals;

/* A reader of one kind; live: the line before the first table was a time of day. NULL: no memory. */
struct totals *totals_new(enum totals_kind kind, bool live, struct reason_cache *cache);
void totals_free(struct totals *t);

/*
 * One line (no terminator, trailing blanks removed), the starting line
 * first. 0; -1 with *why saying what is wrong with the line; -2 when out
 * of memory.
 */
int totals_line(struct totals *t, const char *s, size_t n, uint64_t line, const char **why);

/*
 * The end of the input: check the last table is whole, settle the rows'
 * ISA (rows that name one; then isa_hint) and deliver one aggregate event
 * per row. 0; -1 with err `NAME:LINE: ...` or `NAME: ...`; or fn's value.
 * *exits gets the exits delivered; the events the tool says it lost are
 * added to *lost.
 */
int totals_end(struct totals *t, const char *name, enum exit_isa isa_hint, trace_event_fn fn,
	       void *ctx, uint64_t *exits, uint64_t *lost, struct es_error *err);

/* The tool, for the report's source ("perf kvm stat report", "kvm_stat", ...). */
const char *totals_tool(const struct totals *t);

/* What the numbers are (no timeline; whose times), for the report's note. */
void totals_note(const struct totals *t, char *buf, size_t len);

#endif
