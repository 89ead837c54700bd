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
	bool partial_ok;	/* --partial-ok */
	bool loaded;		/* a is set up: analysis_cli_fini frees it */
};

/* The defaults. */
void analysis_cli_init(struct analysis_cli *c);

/* One of the analysis options, as cli_apply_fn says. */
int analysis_cli_apply(struct analysis_cli *c, int id, const char *arg);

/*
 * Analyse the file at path (who: the command, for messages) and return the
 * exit status of the one input rule (msg_input_status: what was not read is
 * said on stderr); *show: the analysis holds what was read (c->m describes
 * it) and is to be shown.
 */
int analysis_cli_load(struct analysis_cli *c, const char *who, const char *path, bool *show);

void analysis_cli_fini(struct analysis_cli *c);

#endif
