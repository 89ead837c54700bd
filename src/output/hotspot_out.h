/* SPDX-License-Identifier: GPL-2.0 */
/* `exitstat explain --hotspots`: the guest RIPs of each reason, as a table, JSON or CSV (docs/explain.md). */
#ifndef EXITSTAT_HOTSPOT_OUT_H
#define EXITSTAT_HOTSPOT_OUT_H

#include <stdio.h>

#include "core/hotspot.h"
#include "output/detail_out.h"
#include "output/report.h"
#include "sources/guest_syms.h"

/*
 * What explain's details say of their input, with_info being the exits
 * with a guest RIP and top the RIPs shown per reason in every format (0:
 * all; the rest in "other"); and the symbols (NULL: no --guest-symbols).
 */
struct hotspot_meta {
	struct detail_meta d;
	const struct guest_syms *syms;
	const char *syms_name;
};

/* Print the hotspots of s. 0, or -1 with errno from the failed write (or out of memory). */
int hotspot_print(FILE *f, enum out_format fmt, const struct hotspot_meta *m,
		  const struct hotspot_stats *s);

/* The same as a JSON object (explain's document; the report's "hotspots"), NULL out of memory. */
struct json_object *hotspot_json(const struct hotspot_meta *m, const struct hotspot_stats *s);

/*
 * The report's CSV rows of kind `hotspot` (docs/csv.md), report rep: per
 * reason its shown RIPs and its other row. 0, or -1 (out of memory).
 */
int hotspot_report_csv(FILE *f, const char *rep, const struct hotspot_meta *m,
		       const struct hotspot_stats *s);

#endif
