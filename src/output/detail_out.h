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

/*
 * The parts a report with --detail prints after its own (report_table.c,
 * report_json.c, report_csv.c), and explain prints whole: the table of
 * details (a header, top per reason, 0 all, and the legend); the JSON array
 * of details; one CSV row's key and name columns.
 */
void detail_table(FILE *f, const struct detail_entry *e, size_t n, size_t top, bool ticks);
struct json_object *detail_json_array(const struct detail_entry *e, size_t n, bool ticks);
/*
 * Widen *key_w and *name_w to d's key and name: a table's detail and what
 * columns as wide as their longest entry (a memslot's name is 29 characters
 * and more), so that no row shifts the columns after them.
 */
void detail_cols_fit(const struct exit_detail *d, int *key_w, int *name_w);
/* "KEY" or "KEY (NAME)": a detail in words. */
size_t detail_text(const struct detail_entry *e, char *buf, size_t len);
/* "KEY,NAME" as CSV columns (a key has no comma or quote; a name is quoted if it has). */
void detail_csv_key(FILE *f, const struct detail_entry *e);

/* Print every entry (sorted by detail_stats_sorted). 0, or -1 with errno from the failed write. */
int detail_print(FILE *f, enum out_format fmt, const struct detail_meta *m,
		 const struct detail_entry *e, size_t n);

#endif
