/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that prints the library's errors and notices
 * (core/error.h): `exitstat CMD: MESSAGE` on stderr.
 */
#ifndef EXITSTAT_MSG_H
#define EXITSTAT_MSG_H

#include "core/error.h"

/* `exitstat CMD: err's message` (cmd NULL or "": `exitstat: ...`). */
void msg_error(const char *cmd, const struct es_error *err);

/* A diag that says each notice as `exitstat CMD: notice`. */
struct es_diag msg_diag(const char *cmd);

#endif
