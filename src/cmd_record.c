// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "commands.h"
int cmd_record(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "exitstat record: not written yet\n");
	return EXIT_FAIL;
}
