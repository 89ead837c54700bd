// SPDX-License-Identifier: GPL-2.0
/* The command table: every command exitstat runs, and how a command word finds one. */
#include <string.h>

#include "cmd/commands.h"

const struct cli_cmd *const exitstat_commands[] = {
	&cli_cmd_live, &cli_cmd_record, &cli_cmd_report, &cli_cmd_analyze, &cli_cmd_diff,
	&cli_cmd_explain,
	&cli_cmd_plot,
	&cli_cmd_kernel_stats,
#ifndef EXITSTAT_NO_SERVE	/* the static build (for the real-KVM bed) has no HTTP server */
	&cli_cmd_serve,
#endif
	&cli_cmd_reasons, &cli_cmd_help, NULL,
};

const struct cli_cmd *command_find(const char *name)
{
	for (const struct cli_cmd *const *c = exitstat_commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

/* Is --NAME of opt (or a prefix of it, as getopt_long takes) among argv[1..] before any "--"? */
static bool has_option(const struct cli_opt *opt, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		size_t len = strlen(argv[i]);

		if (len > 2 && !strncmp(argv[i], "--", 2) && !strncmp(opt->name, argv[i] + 2, len - 2))
			return true;
	}
	return false;
}

const struct cli_cmd *command_select(const struct cli_cmd *cmd, int argc, char **argv)
{
	for (const struct cli_cmd *const *c = exitstat_commands; *c; c++)
		if ((*c)->parent && !strcmp((*c)->parent, cmd->name) &&
		    has_option((*c)->selector, argc, argv))
			return *c;
	return cmd;
}
