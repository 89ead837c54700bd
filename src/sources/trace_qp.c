// SPDX-License-Identifier: GPL-2.0
/*
 * Quoted-printable mail bodies (RFC 2045 6.7): a trace pasted into a mail
 * that the mail client encoded, `=3D` for `=`, `=20` for a blank, and lines
 * longer than 76 columns broken with a soft break (`=` at the line's end).
 *
 * Detected by its signs, never guessed from one `=`: a line is "clean" when
 * every `=` in it is followed by two upper-case hex digits or ends the line.
 * Lines with a `=` are held (a few) until two signs are seen (escapes and
 * soft breaks): the text is then decoded from the first held line on. A
 * line with a `=` that is not clean (`comm=perf`, `exit_reason=12`), or too
 * many held lines without a second sign, says it is not quoted-printable:
 * the held lines are given on as they are and nothing is decoded.
 */
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "sources/trace_line.h"

#define QP_HELD_MAX 8	/* lines held before deciding */

struct qp_held {
	char *text;
	size_t len;
	uint64_t line;
};

struct qp_reader {
	enum { QP_UNDECIDED, QP_ON, QP_OFF } mode;
	int signs;
	struct qp_held held[QP_HELD_MAX];
	int nheld;
	char *soft;		/* decoded text of a line broken by soft breaks */
	size_t soft_len, soft_cap;
	uint64_t soft_line;	/* its first line */
	bool in_soft;
	bool nomem;
	qp_line_fn fn;
	void *ctx;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Signs of quoted-printable in the line, or -1 if a `=` says it is not. */
static int qp_signs(const char *s, size_t n)
{
	int signs = 0;

	for (const char *p = memchr(s, '=', n); p; p = memchr(p + 1, '=', (size_t)(s + n - p - 1))) {
		if (p == s + n - 1)
			return signs + 1;	/* soft break */
		if (p + 2 >= s + n || hexval(p[1]) < 0 || hexval(p[2]) < 0)
			return -1;
		signs++;
		p += 2;
		if (p == s + n - 1)
			break;
	}
	return signs;
}

struct qp_reader *qp_new(qp_line_fn fn, void *ctx)
{
	struct qp_reader *q = calloc(1, sizeof(*q));

	if (q) {
		q->fn = fn;
		q->ctx = ctx;
	}
	return q;
}

/* Decode one physical line onto q->soft; give the logical line on when it ends. */
static int decode(struct qp_reader *q, const char *s, size_t n, uint64_t line)
{
	bool soft = n && s[n - 1] == '=';
	int ret = 0;

	if (soft)
		n--;
	if (!q->in_soft) {
		q->soft_len = 0;
		q->soft_line = line;
		q->in_soft = true;
	}
	if (array_reserve(&q->soft, &q->soft_cap, q->soft_len + n + 1, 1, 256)) {
		q->nomem = true;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			q->soft[q->soft_len++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			q->soft[q->soft_len++] = s[i];
		}
	}
	if (!soft) {
		q->in_soft = false;
		ret = q->fn(q->ctx, q->soft, q->soft_len, q->soft_line);
	}
	return ret;
}

/* Give the held lines on, decoded (mode ON) or as they are. */
static int release(struct qp_reader *q)
{
	int ret = 0, i;

	for (i = 0; i < q->nheld && !ret; i++) {
		struct qp_held *h = &q->held[i];

		ret = q->mode == QP_ON ? decode(q, h->text, h->len, h->line)
				       : q->fn(q->ctx, h->text, h->len, h->line);
	}
	for (i = 0; i < q->nheld; i++)
		free(q->held[i].text);
	q->nheld = 0;
	return ret;
}

int qp_line(struct qp_reader *q, const char *s, size_t n, uint64_t line)
{
	struct qp_held *h;
	int signs;

	if (q->mode == QP_OFF)
		return q->fn(q->ctx, s, n, line);
	if (q->mode == QP_ON)
		return decode(q, s, n, line);
	signs = memchr(s, '=', n) ? qp_signs(s, n) : 0;
	if (signs < 0 || (!q->nheld && !signs)) {
		if (signs < 0) {
			q->mode = QP_OFF;
			if (release(q))
				return -1;
		}
		return q->fn(q->ctx, s, n, line);
	}
	h = &q->held[q->nheld];
	h->text = malloc(n ? n : 1);
	if (!h->text) {
		q->nomem = true;
		return -1;
	}
	memcpy(h->text, s, n);
	h->len = n;
	h->line = line;
	q->nheld++;
	q->signs += signs;
	if (q->signs >= 2)
		q->mode = QP_ON;
	else if (q->nheld == QP_HELD_MAX)
		q->mode = QP_OFF;
	else
		return 0;
	return release(q);
}

int qp_end(struct qp_reader *q)
{
	if (q->mode == QP_UNDECIDED)
		q->mode = QP_OFF;
	if (release(q))
		return -1;
	if (q->in_soft) {
		/* The text ended inside a soft break: give on what there is. */
		q->in_soft = false;
		return q->fn(q->ctx, q->soft, q->soft_len, q->soft_line);
	}
	return 0;
}

bool qp_out_of_memory(const struct qp_reader *q)
{
	return q->nomem;
}

bool qp_decoding(const struct qp_reader *q)
{
	return q->mode == QP_ON;
}

void qp_free(struct qp_reader *q)
{
	if (!q)
		return;
	for (int i = 0; i < q->nheld; i++)
		free(q->held[i].text);
	free(q->soft);
	free(q);
}
