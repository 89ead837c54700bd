// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_tool FILE: the Prometheus exposition (output/metrics.c, what
 * `exitstat serve` answers) of the exits in a trace or recording, so the
 * format and its counts can be checked on real bed traces without a KVM:
 * by promtool, and against the hist trigger counts of the same run.
 */
#include <stdio.h>

#include "core/event.h"
#include "output/metrics.h"
#include "sources/input.h"

static int on_event(void *ctx, const struct exit_event *ev)
{
	return accum_event(ctx, ev);
}

int main(int argc, char **argv)
{
	struct trace_opts to = { 0 };
	struct input_info in;
	struct es_error err = { "" };
	struct accum acc;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: metrics_tool FILE\n");
		return 2;
	}
	if (accum_init(&acc))
		return 1;
	if (input_read(argv[1], &to, on_event, &acc, &in, &err)) {
		fprintf(stderr, "metrics_tool: %s\n", err.msg[0] ? err.msg : "reading failed");
		return 1;
	}
	rc = metrics_write(stdout, &(struct metrics_view){
		.stats = acc.stats, .histogram = true, .up = true, .kvm_exit_fired = true,
		.lost = in.lost, .untimed = accum_open_exits(&acc), .source = in.source,
		.version = "test" }, NULL);
	accum_fini(&acc);
	return rc || fflush(stdout) ? 1 : 0;
}
