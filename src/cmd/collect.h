/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `exitstat [live]` and `exitstat record` share around a collection
 * run: their common options, the command run under measurement, attaching,
 * the ready file, when to stop and the end of the command.
 */
#ifndef EXITSTAT_COLLECT_H
#define EXITSTAT_COLLECT_H

#include <stdbool.h>

#include "live/live.h"
#include "live/live_run.h"

struct collect {
	const char *cmd;	/* NULL (live) or "record": msg_error's command */
	struct live_opts lo;
	double duration;	/* stop after this many seconds; 0: no limit */
	const char *ready_file;
	char **cmd_argv;	/* the command run and measured, or NULL */
	struct live_child child;
	bool have_child;
	struct live_src *src;
	double start;
};

/* Start with no command and nothing attached; cmd as in struct collect. */
void collect_init(struct collect *c, const char *cmd);

/*
 * The options of cli_opt_pid, _duration, _ringbuf, _ready_file, _verbose,
 * _backend, _no_time, _bpf_attach, _detail: as cli_apply_fn; 1 when none.
 */
int collect_apply(struct collect *c, int id, const char *arg);

/* The words from argv[first] on are the command to run: 0, or -1 (said) with -p too. */
int collect_operands(struct collect *c, int argc, char **argv, int first);

/* Can collection run here at all? 0, or -1 (said). */
int collect_preflight(struct collect *c);

/* Catch the signals, start the command held before its exec, attach. 0 or -1 (said). */
int collect_attach(struct collect *c);

/* Attached and set up: write the ready file, let the command run; the clock starts. */
int collect_go(struct collect *c);

/* Is the run over (the command ended, the duration passed)? */
bool collect_over(struct collect *c, double now);

/*
 * How long the next poll may sleep, in ms: want_ms, cut to what is left
 * until deadline (a live_now() time; 0: none) and until the end of the
 * duration (at least 1). The command's end cuts it short by itself
 * (SIGCHLD, live_child_start).
 */
int collect_poll_ms(const struct collect *c, double now, int want_ms, double deadline);

/*
 * A poll's sleep when nothing needs the collector sooner: every wake-up of
 * the collector takes the CPU from a VM for a moment (on a busy or
 * one-CPU host a measurable share of a fast-exiting guest's run).
 */
#define COLLECT_IDLE_MS 1000

/* The run is over: stop the command (SIGTERM after a signal) and reap it; -1 when it failed (said). */
int collect_end_command(struct collect *c);

/* Kill the command if still there, detach. */
void collect_close(struct collect *c);

#endif
