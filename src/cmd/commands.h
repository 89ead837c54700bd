/* SPDX-License-Identifier: GPL-2.0 */
/* The exitstat subcommands. Each takes its own argv (argv[0] = command name)
 * and returns the process exit status. */
#ifndef EXITSTAT_COMMANDS_H
#define EXITSTAT_COMMANDS_H

int cmd_live(int argc, char **argv);		/* default: live per-reason stats */
int cmd_record(int argc, char **argv);		/* per-exit events to a file */
int cmd_report(int argc, char **argv);		/* stats of a trace or recording */
int cmd_reasons(int argc, char **argv);		/* the exit-reason catalogue */
int cmd_analyze(int argc, char **argv);		/* report --analyze: timeline, phases */
int cmd_plot(int argc, char **argv);		/* SVG timeline and bars */
int cmd_kernel_stats(int argc, char **argv);	/* the patched kernel's debugfs table */

/* Exit statuses shared by all commands. */
#define EXIT_OK 0
#define EXIT_FAIL 1	/* the run failed: bad input, collection error */
#define EXIT_USAGE 2	/* bad options */

#endif
