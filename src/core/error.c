// SPDX-License-Identifier: GPL-2.0
/* The library's error convention: see error.h. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"

int es_error_vset(struct es_error *err, const char *fmt, va_list ap)
{
	if (err)
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int es_error_set(struct es_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	es_error_vset(err, fmt, ap);
	va_end(ap);
	return -1;
}

int es_error_prefix(struct es_error *err, const char *fmt, ...)
{
	char prefix[ES_ERROR_LEN];
	size_t plen, mlen, room = sizeof(err->msg) - 1;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	if (plen > room - 2)
		plen = room - 2;
	mlen = strnlen(err->msg, room);
	if (mlen > room - plen - 2)
		mlen = room - plen - 2;
	/* "PREFIX: MESSAGE", cut at the end when it does not fit */
	memmove(err->msg + plen + 2, err->msg, mlen);
	memcpy(err->msg, prefix, plen);
	memcpy(err->msg + plen, ": ", 2);
	err->msg[plen + 2 + mlen] = '\0';
	return -1;
}

const char *es_error_msg(const struct es_error *err)
{
	return err ? err->msg : "";
}

void es_diag_vsay(const struct es_diag *d, const char *fmt, va_list ap)
{
	char msg[ES_ERROR_LEN];

	if (!d || !d->fn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d->fn(d->ctx, msg);
}

void es_diag_say(const struct es_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	es_diag_vsay(d, fmt, ap);
	va_end(ap);
}
