/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one error convention of the library (every layer below src/cmd/):
 *
 *  - A function that can fail returns an error code (-1, or NULL for a
 *    constructor) and fills the caller's struct es_error with one message
 *    that names what failed and where: the file (and line or offset), the
 *    call that failed and why ("t.txt:12: malformed kvm_exit record: ...",
 *    "perf_event_open(kvm:kvm_exit, cpu 1) failed: Permission denied").
 *    The message has no program name and no newline: only src/cmd/ prints,
 *    as `exitstat CMD: MESSAGE`.
 *  - Notices while a call goes on (each line --skip-bad skips, what a
 *    damaged recording lost, libbpf's --verbose output) go to the
 *    struct es_diag the caller supplies, one message per call, in the same
 *    form; no diag (NULL or no fn) drops them.
 *  - The library never writes to stderr or stdout itself (`make check-layers`
 *    checks it); output/ prints only to the FILE * it is given.
 */
#ifndef EXITSTAT_ERROR_H
#define EXITSTAT_ERROR_H

#include <stdarg.h>

#define ES_ERROR_LEN 1024

struct es_error {
	char msg[ES_ERROR_LEN];	/* "" until set */
};

/* Set err's message (err may be NULL: the caller does not want it). Returns -1. */
int es_error_set(struct es_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int es_error_vset(struct es_error *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Put "PREFIX: " in front of err's message ("PATH" to say where). Returns -1. */
int es_error_prefix(struct es_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The message, or "" for a NULL err. */
const char *es_error_msg(const struct es_error *err);

/* A stream of notices: fn gets one message at a time (no newline). */
typedef void (*es_diag_fn)(void *ctx, const char *msg);

struct es_diag {
	es_diag_fn fn;		/* NULL: notices are dropped */
	void *ctx;
};

/* Say one notice on d (d may be NULL). */
void es_diag_say(const struct es_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void es_diag_vsay(const struct es_diag *d, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
