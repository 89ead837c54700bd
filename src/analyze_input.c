// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a trace or a recording into an analysis: shared by
 * `report --analyze` and `plot`. The input kind is told by the recording's
 * magic; a pipe is peeked through a small prefix stream so that stdin works
 * for both.
 */
#include <errno.h>
#include <string.h>

#include "analyze.h"
#include "commands.h"
#include "record.h"
#include "trace.h"

struct load_ctx {
	struct analysis *a;
	bool failed;
};

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct load_ctx *l = ctx;

	if (analysis_event(l->a, ev)) {
		l->failed = true;
		return -1;
	}
	return 0;
}

/* A stream that first gives back bytes already read from `under`, then the rest of it. */
struct prefixed {
	FILE *under;
	char buf[16];
	size_t n, pos;
};

static ssize_t prefixed_read(void *cookie, char *out, size_t len)
{
	struct prefixed *p = cookie;
	size_t k;

	if (p->pos < p->n) {
		k = p->n - p->pos < len ? p->n - p->pos : len;
		memcpy(out, p->buf + p->pos, k);
		p->pos += k;
		return (ssize_t)k;
	}
	k = fread(out, 1, len, p->under);
	return ferror(p->under) ? -1 : (ssize_t)k;
}

/* Is the stream a recording? Seekable files are peeked by record_is_recording(); a pipe gets
 * *wrapped, a stream replaying the peeked bytes (close it; the prefixed struct is p). */
static bool peek_recording(FILE *f, struct prefixed *p, FILE **wrapped)
{
	static const cookie_io_functions_t io = { .read = prefixed_read };

	*wrapped = NULL;
	if (fseek(f, 0, SEEK_CUR) == 0)
		return record_is_recording(f);
	p->under = f;
	p->n = fread(p->buf, 1, 8, f);
	p->pos = 0;
	*wrapped = fopencookie(p, "r", io);
	if (!*wrapped)
		return false;
	return p->n == 8 && !memcmp(p->buf, "EXITREC", 8);
}

static int load_recording(const char *cmd, FILE *f, const char *path, struct load_ctx *l,
			  struct analyze_input *in)
{
	struct record_info info;
	int rc = record_read(f, path, on_event, l, &info);

	snprintf(in->source, sizeof(in->source), "recording (%s) %s", info.source, path);
	in->lost = info.lost;
	if (l->failed)
		return rc;
	if (rc) {
		fprintf(stderr, "exitstat %s: %s: cannot read the recording\n", cmd, path);
		return rc;
	}
	if (!info.events) {
		fprintf(stderr, "exitstat %s: %s: the recording holds no exits\n", cmd, path);
		return -2;
	}
	return 0;
}

int analyze_load(const char *cmd, const char *path, struct analysis *a, struct analyze_input *in)
{
	struct trace_opts to = { .skip_bad = in->skip_bad };
	struct trace_result res = { 0 };
	struct load_ctx l = { .a = a };
	struct prefixed pre = { 0 };
	FILE *f, *wrapped, *src;
	int rc;

	if (!strcmp(path, "-")) {
		f = stdin;
		path = "<stdin>";
	} else {
		f = fopen(path, "r");
		if (!f) {
			fprintf(stderr, "exitstat %s: cannot open %s: %s\n", cmd, path, strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (peek_recording(f, &pre, &wrapped)) {
		rc = load_recording(cmd, wrapped ? wrapped : f, path, &l, in);
		if (rc == -2)
			rc = -1;
		else if (rc && !l.failed)
			in->partial = true;
	} else {
		src = wrapped ? wrapped : f;
		rc = trace_read(src, path, &to, on_event, &l, &res);
		snprintf(in->source, sizeof(in->source), "%s %s", trace_format_name(res.format),
			 path);
		in->skipped = res.skipped;
		in->nested = res.nested_exits;
		in->lines = res.lines;
		if (rc && !l.failed)
			in->partial = true;
		if (!l.failed && !res.exits && !res.entries) {
			fprintf(stderr, "exitstat %s: %s: no kvm_exit or kvm_entry events in %llu "
					"lines\n", cmd, path, (unsigned long long)res.lines);
			in->partial = false;
			rc = -1;
		}
	}
	if (wrapped)
		fclose(wrapped);
	if (f != stdin)
		fclose(f);
	if (l.failed) {
		fprintf(stderr, "exitstat %s: %s: %s\n", cmd, path, a->err);
		return EXIT_FAIL;
	}
	if (rc && !in->partial)
		return EXIT_FAIL;
	if (analysis_finish(a)) {
		fprintf(stderr, "exitstat %s: %s: %s\n", cmd, path, a->err);
		in->partial = false;
		return EXIT_FAIL;
	}
	return in->partial ? EXIT_FAIL : EXIT_OK;
}
