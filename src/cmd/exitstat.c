// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat: count, time, record and explain KVM VM exits by exit reason.
 * This file only finds the command in the command table (commands.c) and runs it.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cli_commands_usage(stdout, exitstat_commands);
		return EXIT_OK;
	}
	if (argc < 2 || argv[1][0] == '-') {
		/* No command: live collection with these options (perf/kvm_stat style). */
		argv[0] = "live";
		return cli_cmd_live.run(argc, argv);
	}
	cmd = command_find(argv[1]);
	if (!cmd || cmd->parent) {
		fprintf(stderr, "exitstat: unknown command '%s'\n", argv[1]);
		cli_commands_usage(stderr, exitstat_commands);
		return EXIT_USAGE;
	}
	return command_select(cmd, argc - 1, argv + 1)->run(argc - 1, argv + 1);
}
