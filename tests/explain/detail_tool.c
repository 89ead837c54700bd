// SPDX-License-Identifier: GPL-2.0
/* detail_tool msrs: the MSR name table (core/detail.c), "0xINDEX NAME" per line, for the catalogue check. */
#include <stdio.h>
#include <string.h>

#include "core/detail.h"

int main(int argc, char **argv)
{
	size_t n;
	const struct msr_entry *t = msr_table(&n);

	if (argc != 2 || strcmp(argv[1], "msrs")) {
		fprintf(stderr, "usage: detail_tool msrs\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		printf("%#x %s\n", t[i].index, t[i].name);
	return 0;
}
