/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --hotspots[=N] and --guest-symbols FILE as explain, report and live take
 * them: the options, the counts they ask for (core/hotspot.c) and the
 * symbols; what every command prints them with is output/hotspot_out.c.
 */
#ifndef EXITSTAT_HOTSPOT_OPTS_H
#define EXITSTAT_HOTSPOT_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/hotspot.h"
#include "output/hotspot_out.h"
#include "sources/guest_syms.h"

struct hotspot_opts {
	bool on;		/* --hotspots given */
	size_t top;		/* its N (0: all) */
	const char *syms_path;	/* --guest-symbols */
	struct guest_syms *syms;
	struct hotspot_stats *hs;	/* made by hotspot_opts_ready */
};

/* CLI_HOTSPOTS, CLI_GUEST_SYMBOLS as cli_apply_fn: 0, -1 (a bad N), or 1 for another option. */
int hotspot_opts_apply(struct hotspot_opts *h, int id, const char *arg);

/*
 * After parsing: --guest-symbols without --hotspots is a usage error; load
 * the symbols and make the counts. 0, EXIT_USAGE or EXIT_FAIL (said, as cmd).
 */
int hotspot_opts_ready(struct hotspot_opts *h, const char *cmd);

/* The meta of the printers: the report's (source, exits...) with N and the symbols. */
void hotspot_opts_meta(const struct hotspot_opts *h, struct hotspot_meta *m);

void hotspot_opts_free(struct hotspot_opts *h);

#endif
