// SPDX-License-Identifier: GPL-2.0
/*
 * A reader of recordings for the bed (the format's tests: tests/unit/test_record.c).
 *   record_tool report FILE   the recording as exitstat's JSON report (what
 *                             `exitstat report FILE` prints once it reads recordings)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "output/report.h"
#include "sources/record.h"

static int feed(void *ctx, const struct exit_event *e)
{
	return accum_event(ctx, e);
}

static void say(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "record_tool: %s\n", msg);
}

static int report(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct accum acc;
	struct record_info info;
	struct report_opts ro = { .format = FMT_JSON, .sort = SORT_COUNT, .per_vm = true,
				  .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN } };
	struct report_meta m = { 0 };
	struct es_error err = { "" };
	char source[128];

	if (!f || accum_init(&acc)) {
		perror(path);
		return 1;
	}
	if (record_read(f, path, feed, &acc, &info, &(struct es_diag){ say, NULL }, &err)) {
		fprintf(stderr, "record_tool: %s\n", err.msg);
		return 1;
	}
	snprintf(source, sizeof(source), "recording %s (%s)", path, info.source);
	m.source = source;
	m.clock = "ns";
	m.final = true;
	m.lost = info.lost;
	m.unpaired = info.open_exits;
	report_print(stdout, &ro, &m, acc.stats);
	fprintf(stderr, "record_tool: %llu exits, %llu blocks, lost %llu, kernel counted %llu, complete %d\n",
		(unsigned long long)info.events, (unsigned long long)info.blocks,
		(unsigned long long)info.lost, (unsigned long long)info.kernel_exits, info.complete);
	accum_fini(&acc);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "report"))
		return report(argv[2]);
	fprintf(stderr, "usage: record_tool report FILE\n");
	return 2;
}
