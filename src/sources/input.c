// SPDX-License-Identifier: GPL-2.0
/* Opening an input and telling recordings from trace text. See input.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "sources/decompress.h"
#include "sources/input.h"
#include "sources/record.h"

#define PEEK_BYTES 8

/* A stream that first gives back bytes already read from `under`, then the rest of it. */
struct prefixed {
	FILE *under;
	char buf[PEEK_BYTES];
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

/*
 * The first bytes of f, without taking them from the reader: a seekable file
 * is read and put back; a pipe is wrapped in *wrapped, a stream that replays
 * the peeked bytes before the rest (the caller closes it). Returns the
 * stream to read from, NULL when out of memory.
 */
static FILE *peek(FILE *f, struct prefixed *p, FILE **wrapped)
{
	static const cookie_io_functions_t io = { .read = prefixed_read };
	off_t at = ftello(f);

	*wrapped = NULL;
	p->n = fread(p->buf, 1, sizeof(p->buf), f);
	p->pos = 0;
	if (at >= 0 && fseeko(f, at, SEEK_SET) == 0)
		return f;
	clearerr(f);
	p->under = f;
	*wrapped = fopencookie(p, "r", io);
	return *wrapped;
}

/* Do the peeked bytes start a recording? The record module judges its own magic. */
static bool is_recording(const struct prefixed *p)
{
	FILE *probe;
	bool is_rec;

	if (p->n != sizeof(p->buf))
		return false;
	probe = fmemopen((void *)p->buf, p->n, "r");
	is_rec = probe && record_is_recording(probe);
	if (probe)
		fclose(probe);
	return is_rec;
}

/* What a damaged, cut or unfinished recording lost, in buf (also returned). */
static const char *recording_note(const struct record_info *ri, char *buf, size_t size)
{
	size_t n = 0;

#define ADD(...) (n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
	buf[0] = '\0';
	if (ri->header_damaged)
		ADD("the file header is damaged (start time, pid, source unknown); ");
	if (ri->nbad) {
		ADD("%u damaged block%s skipped (%llu bytes, at offset", ri->nbad,
		    ri->nbad > 1 ? "s" : "", (unsigned long long)ri->bad_bytes);
		for (unsigned int i = 0; i < ri->nbad && i < RECORD_MAX_BAD_LISTED; i++)
			ADD("%s %llu", i ? "," : "", (unsigned long long)ri->bad_at[i]);
		ADD("%s); ", ri->nbad > RECORD_MAX_BAD_LISTED ? ", ..." : "");
	}
	if (ri->truncated)
		ADD("ends inside a block at offset %llu (the recorder was killed?): %llu bytes "
		    "ignored; ", (unsigned long long)ri->tail_at, (unsigned long long)ri->ignored_bytes);
	else if (ri->ignored_bytes && ri->stream)
		ADD("damaged at offset %llu, where the reading of the stream stopped; ",
		    (unsigned long long)ri->tail_at);
	else if (ri->ignored_bytes)
		ADD("damaged from offset %llu on, no intact block after it: %llu bytes ignored; ",
		    (unsigned long long)ri->tail_at, (unsigned long long)ri->ignored_bytes);
	if (ri->stream && ri->ignored_bytes && !ri->truncated)
		ADD("what follows is unread; ");
	else if (!ri->complete)
		ADD("no trailer (the recorder did not finish): exits after the last block may be "
		    "missing; ");
	if (ri->missing)
		ADD("%llu of the %llu exits written are missing; ", (unsigned long long)ri->missing,
		    (unsigned long long)ri->written);
	ADD("%llu exits read", (unsigned long long)ri->events);
#undef ADD
	return buf;
}

/* Append to info->note what the trace's records cut short became, with their lines. */
static void cut_note(struct input_info *info, const struct trace_result *res)
{
	size_t n = strlen(info->note), cap = sizeof(info->note);
	uint64_t listed = res->cut_records < TRACE_MAX_SKIPPED_LISTED ? res->cut_records
								      : TRACE_MAX_SKIPPED_LISTED;

	n += (size_t)snprintf(info->note + n, cap - n,
			      "%s%llu kvm records cut short or abridged (%llu exits counted without "
			      "a time in exit, %llu of them of a reason cut off); lines",
			      n ? "; " : "", (unsigned long long)res->cut_records,
			      (unsigned long long)(res->cut_records - res->cut_entries),
			      (unsigned long long)res->cut_unknown);
	for (uint64_t i = 0; i < listed && n < cap; i++)
		n += (size_t)snprintf(info->note + n, cap - n, "%s%llu", i ? "," : " ",
				      (unsigned long long)res->cut_lines[i]);
	if (n >= cap - 1)
		strcpy(info->note + cap - 4, "...");
}

int input_read(const char *path, const struct trace_opts *to, trace_event_fn fn, void *ctx,
	       struct input_info *info, struct es_error *err)
{
	struct prefixed pre = { 0 }, pre2 = { 0 };
	FILE *f, *wrapped, *wrapped2 = NULL, *src;
	struct decomp *dc = NULL;
	enum compression comp;
	int rc;

	memset(info, 0, sizeof(*info));
	info->clock = "ns";
	if (!strcmp(path, "-")) {
		f = stdin;
		path = "<stdin>";
	} else {
		f = fopen(path, "r");
		if (!f)
			return es_error_set(err, "cannot open %s: %s", path, strerror(errno));
	}
	src = peek(f, &pre, &wrapped);
	if (!src) {
		rc = es_error_set(err, "%s: out of memory", path);
		goto out;
	}
	comp = compression_of((const unsigned char *)pre.buf, pre.n);
	if (comp != COMP_NONE) {
		/* Compressed: decode as a stream, then look at what is inside. */
		dc = decomp_open(src, comp, path, err);
		if (!dc) {
			rc = -1;
			goto out;
		}
		src = peek(decomp_stream(dc), &pre2, &wrapped2);
		if (!src) {
			rc = es_error_set(err, "%s: out of memory", path);
			goto out;
		}
		info->compression = compression_name(comp);
	}
	info->recording = is_recording(dc ? &pre2 : &pre);
	if (info->recording) {
		struct record_info ri;

		rc = record_read(src, path, fn, ctx, &ri, to ? &to->diag : NULL, err);
		snprintf(info->source, sizeof(info->source), "recording (%s) %s%s%s%s", ri.source, path,
			 dc ? " (" : "", dc ? info->compression : "", dc ? ")" : "");
		info->exits = ri.events;
		info->lost = ri.lost;
		info->partial = rc != 0 || ri.truncated || ri.damaged;
		if (!rc && (ri.truncated || ri.damaged))
			rc = es_error_set(err, "%s: %s", path, recording_note(&ri, info->note,
									 sizeof(info->note)));
		else if (!rc && !ri.complete)
			recording_note(&ri, info->note, sizeof(info->note));
	} else {
		struct trace_result res = { 0 };
		struct trace_opts o = to ? *to : (struct trace_opts){ 0 };
		struct stat st;

		/* A pipe or a device (trace_pipe): its lines are read as they come. */
		o.stream = fstat(fileno(f), &st) || !S_ISREG(st.st_mode);
		rc = trace_read(src, path, &o, fn, ctx, &res, err);
		snprintf(info->source, sizeof(info->source), "%s %s%s%s%s%s",
			 trace_format_name(res.format), path, dc ? " (" : "",
			 dc ? info->compression : "", dc ? ")" : "",
			 res.quoted_printable ? " (quoted-printable mail text)" : "");
		info->lines = res.lines;
		info->exits = res.exits;
		info->entries = res.entries;
		info->lost = res.lost;
		info->lost_marks = res.lost_marks;
		info->skipped = res.skipped;
		info->nested = res.nested_exits;
		info->clock = res.ts_counter ? "ticks" : "ns";
		info->partial = rc != 0;
		if (res.lost_marks)
			snprintf(info->note, sizeof(info->note),
				 "the trace says events were lost at %llu more places without saying how many",
				 (unsigned long long)res.lost_marks);
		if (res.cut_records)
			cut_note(info, &res);
		if (!rc && !res.exits && !res.entries)
			rc = es_error_set(err, "%s: no kvm_exit or kvm_entry events in %llu lines", path,
					  (unsigned long long)res.lines);
	}
	if (dc && decomp_why(dc)) {
		/* The decoder's failure is what the user must hear, not "read error". */
		rc = es_error_set(err, "%s", decomp_why(dc));
		info->partial = true;
	}
out:
	if (wrapped2)
		fclose(wrapped2);
	decomp_close(dc);
	if (wrapped)
		fclose(wrapped);
	if (f != stdin)
		fclose(f);
	return rc;
}
