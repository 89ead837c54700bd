// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver: runs the analysis commands without the exitstat dispatcher,
 * so tests/analyze can run before and independently of the CLI wiring.
 *   analyze-driver analyze ARGS...  ==  exitstat report --analyze ARGS...
 *   analyze-driver plot ARGS...     ==  exitstat plot ARGS...
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analyze.h"
#include "cmd/commands.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "analyze")) {
		argv[1] = "report";
		return cmd_analyze(argc - 1, argv + 1);
	}
	if (argc >= 2 && !strcmp(argv[1], "plot"))
		return cmd_plot(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s analyze|plot ARGS...\n", argv[0]);
	return EXIT_USAGE;
}
