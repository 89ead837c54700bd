/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat recordings: every exit (time, pid, thread, vCPU, ISA, reason, time
 * in exit) in a compact, versioned, checksummed file written in blocks, so
 * that a recorder killed mid-run loses at most its last, unwritten block and
 * the reader says so. The format is in docs/record-format.md.
 */
#ifndef EXITSTAT_RECORD_H
#define EXITSTAT_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/event.h"
#include "sources/trace.h"

#define RECORD_VERSION 5		/* 2: every block header byte under the CRC; 3: each dictionary
					 * key has its exits' detail; 4: and their guest RIP; 5: and a
					 * VMX EPT violation's page (1 to 4 are read too) */
#define RECORD_MAX_BAD_LISTED 8		/* damaged regions named one by one */
#define RECORD_BLOCK_EVENTS 65536	/* a block is written at this many exits, or on flush */

struct record_info {
	unsigned int version;
	uint32_t pid;			/* the recorded VM's pid, 0 = all */
	char source[25];		/* how it was recorded, e.g. "bpf tp_btf" */
	uint64_t start_realtime_ns;	/* wall clock at the start */
	uint64_t start_ns;		/* the same instant on the event clock (CLOCK_MONOTONIC) */
	uint64_t blocks, events;	/* read and delivered */
	uint64_t open_exits;		/* exits whose entry never came (no time in exit) */
	uint64_t lost;			/* exits the recorder lost (ring buffer full, ...) */
	bool complete;			/* the trailer was read: the recorder finished */
	bool truncated;			/* the file ends inside a block (killed while writing) */
	bool damaged;			/* a block failed its checksum or did not decode */
	bool header_damaged;		/* the file header failed its checksum (its fields are 0) */
	uint64_t ignored_bytes;		/* bytes after the last good block (unreadable tail) */
	uint64_t tail_at;		/* where that tail starts */
	bool stream;			/* not a regular file: no search past damage */
	unsigned int nbad;		/* damaged regions skipped, the reading going on after */
	uint64_t bad_at[RECORD_MAX_BAD_LISTED];	 /* their offsets (the first ones) */
	uint64_t bad_len[RECORD_MAX_BAD_LISTED]; /* and lengths in bytes */
	uint64_t bad_bytes;		/* bytes in all of them */
	uint64_t written;		/* trailer: exits written to the file (0 without trailer) */
	uint64_t missing;		/* written - delivered: exits in damaged blocks */
	uint64_t kernel_exits;		/* trailer: exits the kernel counted (0 without trailer) */
};

/* Is f a recording? Peeks at the magic and rewinds. */
bool record_is_recording(FILE *f);

/*
 * Read a recording and deliver every exit (EV_EXIT, has_ts, has_dur unless
 * the exit never ended) to fn. Damage is not an error: a block that fails
 * its checksum (or a damaged file header) is skipped and the reading goes on
 * with the next intact block (a seekable file; a pipe stops there); a
 * truncated tail is ignored. info says what was lost and a notice on diag
 * names each place ("NAME: block at offset N ..."). Returns 0; -1 with err
 * "NAME: ..." when the file is not a readable recording (or no memory); or
 * fn's non-zero value.
 */
int record_read(FILE *f, const char *name, trace_event_fn fn, void *ctx, struct record_info *info,
		const struct es_diag *diag, struct es_error *err);

/* --- writing --- */

struct record_writer;

/*
 * Each returns 0 (or the writer), or -1 (NULL) with err naming the file and
 * what failed (a write at offset N, no memory); after a failure the writer
 * only takes record_writer_abort.
 */
struct record_writer *record_writer_open(FILE *f, const char *name, uint32_t pid,
					 const char *source, struct es_error *err);
/* Add one exit; writes a block when RECORD_BLOCK_EVENTS are buffered. */
int record_writer_add(struct record_writer *w, const struct exit_event *e, struct es_error *err);
/* Write what is buffered as a block (lost = exits lost so far, cumulative). */
int record_writer_flush(struct record_writer *w, uint64_t lost, struct es_error *err);
/* Flush, write the trailer and free w (the caller closes f). */
int record_writer_finish(struct record_writer *w, uint64_t lost, uint64_t kernel_exits,
			 struct es_error *err);
/* Free without a trailer (after an error). */
void record_writer_abort(struct record_writer *w);
uint64_t record_writer_events(const struct record_writer *w);
uint64_t record_writer_bytes(const struct record_writer *w);

#endif
