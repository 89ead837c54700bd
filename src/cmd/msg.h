/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that prints the library's errors and notices
 * (core/error.h): `exitstat CMD: MESSAGE` on stderr.
 */
#ifndef EXITSTAT_MSG_H
#define EXITSTAT_MSG_H

#include <stdbool.h>

#include "core/error.h"
#include "sources/input.h"

/* `exitstat CMD: err's message` (cmd NULL or "": `exitstat: ...`). */
void msg_error(const char *cmd, const struct es_error *err);

/* A diag that says each notice as `exitstat CMD: notice`. */
struct es_diag msg_diag(const char *cmd);

/*
 * The one rule for input (report, report --analyze, plot), after
 * input_read() returned rc: says once on stderr what was not read (err when
 * reading stopped; else, for an incomplete read, its note) and returns the
 * exit status: EXIT_OK for a complete read; EXIT_FAIL when anything was
 * skipped, cut, lost or left unread, unless partial_ok and something was
 * read. *show: something was read, so there is a report to print (never
 * an empty one).
 */
int msg_input_status(const char *cmd, int rc, const struct es_error *err,
		     const struct input_info *in, bool partial_ok, bool *show);

#endif
