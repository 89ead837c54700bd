// SPDX-License-Identifier: GPL-2.0
/* Opening an input and telling recordings from trace text. See input.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sources/decompress.h"
#include "sources/input.h"
#include "sources/perf_data.h"
#include "sources/record.h"
#include "sources/trace_dat.h"

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
	/*
	 * A pipe or fifo (unbuffered, see peek): what is there now, as read(2)
	 * gives it; fread() would wait for a whole buffer, and a stream that
	 * never ends (trace_pipe) would hold its last lines back.
	 */
	if (fileno(p->under) >= 0)
		return read(fileno(p->under), out, len);
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
	/* Not seekable: no stdio buffer, so the wrapper's read(2) follows the peeked bytes. */
	if (at < 0 && fileno(f) >= 0)
		setvbuf(f, NULL, _IONBF, 0);
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

/* Append one part to info->note, "; " between parts; a note too long ends in "...". */
static void note_add(struct input_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_add(struct input_info *info, const char *fmt, ...)
{
	size_t n = strlen(info->note), cap = sizeof(info->note);
	va_list ap;
	int k;

	if (n >= cap - 4)
		return;
	if (n)
		n += (size_t)snprintf(info->note + n, cap - n, "; ");
	va_start(ap, fmt);
	k = vsnprintf(info->note + n, cap - n, fmt, ap);
	va_end(ap);
	if (k < 0 || n + (size_t)k >= cap)
		strcpy(info->note + cap - 4, "...");
}

/* "12,40,97" (",..." when there are more than were listed) in buf, also returned. */
static const char *line_list(char *buf, size_t size, const uint64_t *lines, uint64_t n)
{
	uint64_t listed = n < TRACE_MAX_SKIPPED_LISTED ? n : TRACE_MAX_SKIPPED_LISTED;
	size_t k = 0;

	buf[0] = '\0';
	for (uint64_t i = 0; i < listed && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%llu", i ? "," : "",
				      (unsigned long long)lines[i]);
	if (n > listed && k < size)
		snprintf(buf + k, size - k, ",...");
	return buf;
}

/* What a damaged, cut or unfinished recording lost, with its offsets. */
static void recording_note(struct input_info *info, const struct record_info *ri)
{
	if (ri->header_damaged)
		note_add(info, "the file header is damaged (start time, pid, source unknown)");
	if (ri->nbad) {
		char at[RECORD_MAX_BAD_LISTED * 22 + 8];
		size_t k = 0;

		for (unsigned int i = 0; i < ri->nbad && i < RECORD_MAX_BAD_LISTED; i++)
			k += (size_t)snprintf(at + k, sizeof(at) - k, "%s %llu", i ? "," : "",
					      (unsigned long long)ri->bad_at[i]);
		note_add(info, "%u damaged block%s skipped (%llu bytes, at offset%s%s)", ri->nbad,
			 ri->nbad > 1 ? "s" : "", (unsigned long long)ri->bad_bytes, at,
			 ri->nbad > RECORD_MAX_BAD_LISTED ? ", ..." : "");
	}
	if (ri->truncated)
		note_add(info, "ends inside a block at offset %llu (the recorder was killed?): %llu "
			 "bytes ignored", (unsigned long long)ri->tail_at,
			 (unsigned long long)ri->ignored_bytes);
	else if (ri->ignored_bytes && ri->stream)
		note_add(info, "damaged at offset %llu, where the reading of the stream stopped",
			 (unsigned long long)ri->tail_at);
	else if (ri->ignored_bytes)
		note_add(info, "damaged from offset %llu on, no intact block after it: %llu bytes "
			 "ignored", (unsigned long long)ri->tail_at,
			 (unsigned long long)ri->ignored_bytes);
	if (ri->stream && ri->ignored_bytes && !ri->truncated)
		note_add(info, "what follows is unread");
	else if (!ri->complete)
		note_add(info, "no trailer (the recorder did not finish): exits after the last "
			 "block may be missing");
	if (ri->missing)
		note_add(info, "%llu of the %llu exits written are missing",
			 (unsigned long long)ri->missing, (unsigned long long)ri->written);
	if (ri->lost)
		note_add(info, "the recorder lost %llu exits (its ring buffer was full): they were "
			 "never written", (unsigned long long)ri->lost);
	note_add(info, "%llu exits read", (unsigned long long)ri->events);
}

/* What a trace's lines skipped, lost and cut short were, with their line numbers. */
static void trace_note(struct input_info *info, const struct trace_result *res)
{
	char lines[TRACE_MAX_SKIPPED_LISTED * 21 + 8];

	if (res->skipped)
		note_add(info, "%llu malformed line%s skipped (--skip-bad): line%s %s",
			 (unsigned long long)res->skipped, res->skipped > 1 ? "s" : "",
			 res->skipped > 1 ? "s" : "",
			 line_list(lines, sizeof(lines), res->skipped_lines, res->skipped));
	if (res->nlost_lines)
		note_add(info, "the trace says events were lost at line%s %s (%llu events counted as "
			 "lost%s)", res->nlost_lines > 1 ? "s" : "",
			 line_list(lines, sizeof(lines), res->lost_lines, res->nlost_lines),
			 (unsigned long long)res->lost,
			 res->lost_marks ? "; some of those lines do not say how many" : "");
	if (res->cut_records)
		note_add(info, "%llu kvm records cut short or abridged (%llu exits counted without "
			 "a time in exit, %llu of them of a reason cut off); lines %s",
			 (unsigned long long)res->cut_records,
			 (unsigned long long)(res->cut_records - res->cut_entries),
			 (unsigned long long)res->cut_unknown,
			 line_list(lines, sizeof(lines), res->cut_lines, res->cut_records));
	if (res->totals_note[0])
		note_add(info, "%s", res->totals_note);
}

/* The caller's callback, stopped as soon as a signal asks to stop. */
struct stoppable {
	trace_event_fn fn;
	void *ctx;
	const volatile sig_atomic_t *interrupt;
};

static int stoppable_event(void *ctx, const struct exit_event *ev)
{
	struct stoppable *s = ctx;

	if (s->interrupt && *s->interrupt)
		return -1;	/* input_read says why */
	return s->fn(s->ctx, ev);
}

/* What a trace's reading (text, trace.dat, perf.data) tells the caller; the note comes at the end (trace_note). */
static void trace_info(struct input_info *info, const struct trace_result *res, int rc)
{
	info->lines = res->lines;
	info->exits = res->exits;
	info->entries = res->entries;
	/* A table of totals delivers its rows at its end: when it fails, nothing was read. */
	info->events = rc && res->format == TRACE_AGGREGATE ? 0 : res->exits + res->entries;
	info->lost = res->lost;
	info->lost_marks = res->lost_marks;
	info->skipped = res->skipped;
	info->nested = res->nested_exits;
	info->clock = res->ts_counter ? "ticks" : "ns";
	info->incomplete = res->skipped || res->lost || res->lost_marks || res->cut_records;
}

/* The binary recordings other tools write, read by their own libraries. */
enum binary { BIN_NONE, BIN_TRACE_DAT, BIN_PERF_DATA };

static enum binary binary_of(const struct prefixed *p)
{
	if (p->n == PEEK_BYTES && !memcmp(p->buf, TRACE_DAT_MAGIC, PEEK_BYTES))
		return BIN_TRACE_DAT;
	if (p->n == PEEK_BYTES && !memcmp(p->buf, PERF_DATA_MAGIC, PEEK_BYTES))
		return BIN_PERF_DATA;
	return BIN_NONE;
}

/*
 * A trace.dat (libtracecmd) or perf.data (perf script): both readers seek in
 * the file itself, so it must be one: not compressed (what is inside a
 * compressed stream would need a copy), not a pipe.
 */
static int binary_read(enum binary bin, const char *path, FILE *f, const struct trace_opts *to,
		       trace_event_fn fn, void *ctx, struct input_info *info,
		       struct trace_result *res, struct es_error *err)
{
	const char *kind = bin == BIN_TRACE_DAT ? "trace-cmd trace.dat" : "perf.data";
	const char *reader = bin == BIN_TRACE_DAT ? "libtracecmd" : "perf";
	const char *file = path;
	char fdpath[64];
	struct stat st;
	int rc;

	if (info->compression)
		return es_error_set(err, "%s: a %s-compressed %s, which %s reads only from the file "
				    "itself: unpack it first (%s -dk FILE)", path, info->compression,
				    kind, reader, info->compression);
	if (f == stdin) {
		if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
			return es_error_set(err, "%s: a %s on a pipe, which %s must read from a file: "
					    "give the file's name", path, kind, reader);
		/* By our pid: perf, a child, has its own stdin. */
		snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%d", (int)getpid(), fileno(f));
		file = fdpath;
	}
	if (bin == BIN_TRACE_DAT)
		rc = trace_dat_read(file, path, to, fn, ctx, res, err);
	else
		rc = perf_data_read(file, path, to, fn, ctx, res, err);
	snprintf(info->source, sizeof(info->source), "%s %s%s", kind, path,
		 bin == BIN_PERF_DATA ? " (read by perf script)" : "");
	trace_info(info, res, rc);
	if (!rc && !info->events)
		rc = es_error_set(err, "%s: no kvm_exit or kvm_entry events in %llu %s", path,
				  (unsigned long long)res->lines,
				  bin == BIN_TRACE_DAT ? "records" : "lines of perf script");
	return rc;
}

int input_read(const char *path, const struct trace_opts *to, trace_event_fn fn, void *ctx,
	       struct input_info *info, struct es_error *err)
{
	struct prefixed pre = { 0 }, pre2 = { 0 };
	FILE *f, *wrapped = NULL, *wrapped2 = NULL, *src;
	struct decomp *dc = NULL;
	struct trace_result res = { 0 };
	struct record_info ri = { 0 };
	enum compression comp;
	struct stoppable stop = { fn, ctx, to ? to->interrupt : NULL };
	bool damaged = false;
	struct stat st;
	int rc;

	fn = stoppable_event;
	ctx = &stop;
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
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = es_error_set(err, "%s: is a directory, not a trace or a recording", path);
		goto out;
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
		rc = record_read(src, path, fn, ctx, &ri, to ? &to->diag : NULL, err);
		snprintf(info->source, sizeof(info->source), "recording (%s) %s%s%s%s", ri.source, path,
			 dc ? " (" : "", dc ? info->compression : "", dc ? ")" : "");
		info->exits = info->events = ri.events;
		info->lost = ri.lost;
		damaged = ri.truncated || ri.damaged || ri.header_damaged || ri.nbad ||
			  ri.ignored_bytes || ri.missing;
		info->incomplete = damaged || !ri.complete || ri.lost;
	} else if (binary_of(dc ? &pre2 : &pre) != BIN_NONE) {
		rc = binary_read(binary_of(dc ? &pre2 : &pre), path, f, to, fn, ctx, info, &res, err);
	} else {
		struct trace_opts o = to ? *to : (struct trace_opts){ 0 };

		/* A pipe or a device (trace_pipe): its lines are read as they come. */
		o.stream = fstat(fileno(f), &st) || !S_ISREG(st.st_mode);
		rc = trace_read(src, path, &o, fn, ctx, &res, err);
		snprintf(info->source, sizeof(info->source), "%s%s %s%s%s%s%s",
			 res.totals_tool ? res.totals_tool : trace_format_name(res.format),
			 res.totals_tool ? " table of totals" : "", path, dc ? " (" : "",
			 dc ? info->compression : "", dc ? ")" : "",
			 res.quoted_printable ? " (quoted-printable mail text)" : "");
		trace_info(info, &res, rc);
		if (!rc && !info->events)
			rc = es_error_set(err, "%s: no kvm_exit or kvm_entry events in %llu lines%s",
					  path, (unsigned long long)res.lines,
					  res.skipped ? " (the malformed ones skipped)" : "");
	}
	if (stop.interrupt && *stop.interrupt) {
		/* A read cut by the signal (EINTR) or the callback stopped: not a read error. */
		info->interrupted = true;
		if (info->recording)
			rc = es_error_set(err, "%s: reading interrupted after %llu exits", path,
					  (unsigned long long)info->events);
		else
			rc = es_error_set(err, "%s:%llu: reading interrupted", path,
					  (unsigned long long)info->lines);
	} else if (dc && decomp_why(dc)) {	/* the decoder's failure is what the user must hear */
		rc = es_error_set(err, "%s", decomp_why(dc));
	}
	/* Something was read, then reading stopped: what is shown is partial, said first. */
	info->partial = rc && info->events;
	if (info->partial) {
		info->incomplete = true;
		note_add(info, "reading stopped at %s; what follows is unread",
			 err && err->msg[0] ? err->msg : "an error (said on stderr)");
	}
	if (info->recording && info->incomplete)
		recording_note(info, &ri);
	else if (!info->recording)
		trace_note(info, &res);
	/*
	 * A recording of which no exit could be read, damaged or unfinished: nothing
	 * to report (a finished one with no exits, or only lost ones, is a report of 0).
	 */
	if (info->recording && !rc && (damaged || !ri.complete) && !info->events)
		rc = es_error_set(err, "%s: no exit could be read: %s", path, info->note);
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
