// SPDX-License-Identifier: GPL-2.0
/* A collection run's common parts for live and record. See collect.h. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/collect.h"
#include "cmd/msg.h"
#include "live/ready.h"

void collect_init(struct collect *c, const char *cmd)
{
	*c = (struct collect){ .cmd = cmd, .child = { .pid = -1, .go_fd = -1, .exec_fd = -1 } };
}

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
	case CLI_BACKEND:
		return live_backend_parse(arg, &c->lo.backend);
	case CLI_NO_TIME:
		c->lo.no_time = true;
		return 0;
	case CLI_DETAIL: {
		char why[128];

		return detail_kinds_parse(arg, &c->lo.detail_kinds, why, sizeof(why));
	}
	case CLI_BPF_ATTACH:
		if (strcmp(arg, "tp_btf") && strcmp(arg, "tracepoint"))
			return -1;
		c->lo.bpf_tracepoint = !strcmp(arg, "tracepoint");
		return 0;
	default:
		return 1;
	}
}

int collect_operands(struct collect *c, int argc, char **argv, int first)
{
	struct es_error err;

	if (first < argc)
		c->cmd_argv = argv + first;
	if (!c->cmd_argv || !c->lo.pid)
		return 0;
	es_error_set(&err, "give either -p PID or a command, not both");
	msg_error(c->cmd, &err);
	return -1;
}

int collect_preflight(struct collect *c)
{
	struct es_error err = { "" };

	if (!live_preflight(c->lo.pid, c->lo.backend, &err))
		return 0;
	msg_error(c->cmd, &err);
	return -1;
}

int collect_attach(struct collect *c)
{
	struct es_error err = { "" };

	live_install_signals();
	if (c->cmd_argv) {
		if (live_child_start(&c->child, c->cmd_argv, &err))
			goto fail;
		c->have_child = true;
		c->lo.pid = c->child.pid;
		c->lo.inherit_pid = true;
	}
	c->lo.diag = msg_diag(c->cmd);
	c->src = live_open(&c->lo, &err);
	if (c->src)
		return 0;
fail:
	msg_error(c->cmd, &err);
	return -1;
}

int collect_go(struct collect *c)
{
	struct es_error err = { "" };

	if (c->ready_file && ready_file_write(c->ready_file, &err))
		goto fail;
	/* A command that cannot run: nothing to measure, its exec's error is the message. */
	if (c->have_child && live_child_release(&c->child, &err))
		goto fail;
	c->start = live_now();
	return 0;
fail:
	msg_error(c->cmd, &err);
	return -1;
}

bool collect_over(struct collect *c, double now)
{
	return (c->have_child && live_child_done(&c->child)) ||
	       (c->duration && now - c->start >= c->duration);
}

/* ms from now to a time (monotonic s) no later than it, at least 1; want_ms if it is further. */
static int ms_until(double now, double at, int want_ms)
{
	double left = (at - now) * 1000;

	if (left >= want_ms)
		return want_ms;
	return left < 1 ? 1 : (int)left + 1;
}

int collect_poll_ms(const struct collect *c, double now, int want_ms, double deadline)
{
	if (deadline)
		want_ms = ms_until(now, deadline, want_ms);
	if (c->duration)
		want_ms = ms_until(now, c->start + c->duration, want_ms);
	return want_ms;
}

int collect_end_command(struct collect *c)
{
	struct es_error err;

	if (!c->have_child)
		return 0;
	live_child_stop(&c->child, live_stop_requested ? SIGTERM : 0);
	if (!live_child_exit_code(&c->child))
		return 0;
	es_error_set(&err, "%s exited with status %d", c->cmd_argv[0],
		     live_child_exit_code(&c->child));
	msg_error(c->cmd, &err);
	return -1;
}

void collect_close(struct collect *c)
{
	if (c->have_child)
		live_child_stop(&c->child, SIGKILL);
	live_close(c->src);
	c->src = NULL;
}
