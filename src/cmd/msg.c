// SPDX-License-Identifier: GPL-2.0
/* Printing the library's errors and notices; see msg.h. */
#include <stdio.h>

#include "cmd/msg.h"

static void say(const char *cmd, const char *msg)
{
	if (cmd && cmd[0])
		fprintf(stderr, "exitstat %s: %s\n", cmd, msg);
	else
		fprintf(stderr, "exitstat: %s\n", msg);
}

void msg_error(const char *cmd, const struct es_error *err)
{
	say(cmd, err && err->msg[0] ? err->msg : "failed (no message)");
}

static void on_notice(void *ctx, const char *msg)
{
	say(ctx, msg);
}

struct es_diag msg_diag(const char *cmd)
{
	return (struct es_diag){ .fn = on_notice, .ctx = (void *)cmd };
}
