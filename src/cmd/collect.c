// SPDX-License-Identifier: GPL-2.0
/* A collection run's common parts for live and record. See collect.h. */
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/collect.h"
#include "live/ready.h"

int collect_apply(struct collect *c, int id, const char *arg)
{
	switch (id) {
	case CLI_PID:
		return cli_parse_pid(arg, &c->lo.pid) ? 0 : -1;
	case CLI_DURATION:
		return cli_parse_double(arg, 1e-9, 1e9, &c->duration) ? 0 : -1;
	case CLI_RINGBUF:
		return cli_parse_ringbuf_mib(arg, &c->lo.ringbuf_bytes) ? 0 : -1;
	case CLI_READY_FILE:
		c->ready_file = arg;
		return 0;
	case CLI_VERBOSE:
		c->lo.verbose = true;
		return 0;
	default:
		return 1;
	}
}

int collect_operands(struct collect *c, int argc, char **argv, int first)
{
	if (first < argc)
		c->cmd = argv + first;
	if (c->cmd && c->lo.pid) {
		fprintf(stderr, "%s: give either -p PID or a command, not both\n", c->who);
		return -1;
	}
	return 0;
}

int collect_preflight(struct collect *c)
{
	char err[1024];

	if (!live_preflight(c->lo.pid, c->lo.backend, err, sizeof(err)))
		return 0;
	fprintf(stderr, "%s: %s\n", c->who, err);
	return -1;
}

int collect_attach(struct collect *c)
{
	char err[1024];

	live_install_signals();
	if (c->cmd) {
		if (live_child_start(&c->child, c->cmd))
			return -1;
		c->have_child = true;
		c->lo.pid = c->child.pid;
		c->lo.inherit_pid = true;
	}
	c->src = live_open(&c->lo, err, sizeof(err));
	if (!c->src) {
		fprintf(stderr, "%s: %s\n", c->who, err);
		return -1;
	}
	return 0;
}

int collect_go(struct collect *c)
{
	if (c->ready_file && ready_file_write(c->ready_file, c->who))
		return -1;
	if (c->have_child)
		live_child_release(&c->child);
	c->start = live_now();
	return 0;
}

bool collect_over(struct collect *c, double now)
{
	return (c->have_child && live_child_done(&c->child)) ||
	       (c->duration && now - c->start >= c->duration);
}

int collect_end_command(struct collect *c)
{
	if (!c->have_child)
		return 0;
	live_child_stop(&c->child, live_stop_requested ? SIGTERM : 0);
	if (!live_child_exit_code(&c->child))
		return 0;
	fprintf(stderr, "%s: %s exited with status %d\n", c->who, c->cmd[0],
		live_child_exit_code(&c->child));
	return -1;
}

void collect_close(struct collect *c)
{
	if (c->have_child)
		live_child_stop(&c->child, SIGKILL);
	live_close(c->src);
	c->src = NULL;
}
