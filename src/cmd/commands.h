/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exitstat commands: each is a table (struct cli_cmd, cli.h) of its name,
 * synopsis, description and options, and a function that takes its own argv
 * (argv[0] = the command's name) and returns the process exit status.
 */
#ifndef EXITSTAT_COMMANDS_H
#define EXITSTAT_COMMANDS_H

#include "cmd/cli.h"

extern const struct cli_cmd cli_cmd_live;		/* default: live per-reason stats */
extern const struct cli_cmd cli_cmd_record;		/* per-exit events to a file */
extern const struct cli_cmd cli_cmd_report;		/* stats of a trace or recording */
extern const struct cli_cmd cli_cmd_analyze;		/* report --analyze: timeline, phases */
extern const struct cli_cmd cli_cmd_diff;		/* two runs compared per reason */
extern const struct cli_cmd cli_cmd_explain;		/* exits broken down by their details */
extern const struct cli_cmd cli_cmd_plot;		/* SVG timeline and bars */
extern const struct cli_cmd cli_cmd_kernel_stats;	/* the patched kernel's debugfs table */
extern const struct cli_cmd cli_cmd_serve;		/* Prometheus metrics over HTTP */
extern const struct cli_cmd cli_cmd_reasons;		/* the exit-reason catalogue */
extern const struct cli_cmd cli_cmd_help;		/* help, the man page */

int cmd_live(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_kernel_stats(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_reasons(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* The command table: every command, NULL-terminated, in help order (commands.c). */
extern const struct cli_cmd *const exitstat_commands[];

/* The command named name (those reached through a parent too), or NULL. */
const struct cli_cmd *command_find(const char *name);

/*
 * What `exitstat CMD ARGS...` runs: cmd, or the command whose selector is
 * among ARGS (before any "--"): `report --analyze` runs analyze.
 */
const struct cli_cmd *command_select(const struct cli_cmd *cmd, int argc, char **argv);

/* Exit statuses shared by all commands. */
#define EXIT_OK 0
#define EXIT_FAIL 1	/* the run failed: bad input, collection error */
#define EXIT_USAGE 2	/* bad options */

#endif
