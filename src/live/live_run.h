/* SPDX-License-Identifier: GPL-2.0 */
/* What `exitstat [live]` and `exitstat record` share around a collection run. */
#ifndef EXITSTAT_LIVE_RUN_H
#define EXITSTAT_LIVE_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

/* A command started for measurement: forked, held before exec until released. */
struct live_child {
	pid_t pid;
	const char *name;	/* argv[0], for messages */
	int go_fd;	/* write end: one byte lets the child exec */
	int exec_fd;	/* read end: EOF once the exec worked, or the exec's errno */
	bool exited;
	int status;	/* waitpid status once exited */
};

/* Fork argv[0] held before its exec; its pid is known for the filter. 0, or -1 with err set. */
int live_child_start(struct live_child *c, char **argv, struct es_error *err);
/*
 * Let it exec and wait until it has: 0, or -1 with err set ("cannot run
 * NAME: why"; the child then exits 127, as a shell's would).
 */
int live_child_release(struct live_child *c, struct es_error *err);
/* Has it ended? (non-blocking) */
bool live_child_done(struct live_child *c);
/* Stop it (if running) and reap it. */
void live_child_stop(struct live_child *c, int sig);
/* The command's exit status as a shell would give it. */
int live_child_exit_code(const struct live_child *c);

/* SIGINT / SIGTERM set this flag (to the signal's number) instead of killing us. */
extern volatile sig_atomic_t live_stop_requested;
void live_install_signals(void);

double live_now(void);	/* CLOCK_MONOTONIC seconds */

#endif
