// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat: count, time, record and explain KVM VM exits by exit reason.
 * This file only dispatches to the subcommands (cmd_*.c).
 */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "live", cmd_live, "live per-reason exit statistics (the default command)" },
	{ "record", cmd_record, "record every exit to a compact file" },
	{ "report", cmd_report, "statistics of a kernel trace or a recording" },
	{ "plot", cmd_plot, "SVG: exit-rate timeline by reason with phases, counts and time bars" },
	{ "kernel-stats", cmd_kernel_stats, "the per-reason table of a kernel with exitstat's KVM patch" },
	{ "reasons", cmd_reasons, "the exit-reason catalogue: list, or look up a number or name" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: exitstat [COMMAND] [OPTIONS] [-- CMD ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`exitstat COMMAND --help` tells more. Without a command, exitstat runs `live`.\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 1 && argv[1][0] != '-') {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].fn(argc - 1, argv + 1);
		fprintf(stderr, "exitstat: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	/* No command: live collection with these options (perf/kvm_stat style). */
	argv[0] = "live";
	return cmd_live(argc, argv);
}
