/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both analysis commands (report --analyze, plot) share: the analysis
 * options (CLI_ANALYSIS_OPTS) and reading a file into an analysis
 * (cmd_analyze.c).
 */
#ifndef EXITSTAT_ANALYZE_OPTS_H
#define EXITSTAT_ANALYZE_OPTS_H

#include <stdbool.h>

#include "analysis/analyze.h"

struct analysis_cli {
	struct analyze_opts o;
	struct analyze_input in;
	struct analysis a;
	struct analysis_meta m;
	bool loaded;		/* a is set up: analysis_cli_fini frees it */
};

/* The defaults. */
void analysis_cli_init(struct analysis_cli *c);

/* One of the analysis options, as cli_apply_fn says. */
int analysis_cli_apply(struct analysis_cli *c, int id, const char *arg);

/*
 * Analyse the file at path (who: the command, for messages): 0 when it was
 * read whole; -1 when not (said on stderr), with c->in.partial when the
 * analysis holds what came before the error (c->m then describes it).
 */
int analysis_cli_load(struct analysis_cli *c, const char *who, const char *path);

void analysis_cli_fini(struct analysis_cli *c);

#endif
