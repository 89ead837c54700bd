// SPDX-License-Identifier: GPL-2.0
/* Printing the library's errors and notices; see msg.h. */
#include <stdio.h>

#include "cmd/commands.h"
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

int msg_input_status(const char *cmd, int rc, const struct es_error *err,
		     const struct input_info *in, bool partial_ok, bool *show)
{
	char buf[ES_ERROR_LEN + sizeof(in->note) + sizeof(in->source) + 80];

	*show = !rc || in->partial;
	if (rc) {
		if (err && err->msg[0])	/* else a callback stopped the read and said why */
			msg_error(cmd, err);
	} else if (in->incomplete) {
		snprintf(buf, sizeof(buf), "incomplete input (%s): %s", in->source, in->note);
		say(cmd, buf);
	}
	if (!rc && !in->incomplete)
		return EXIT_OK;
	return partial_ok && *show ? EXIT_OK : EXIT_FAIL;
}
