/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One way in for every file-based command: open FILE or stdin, decompress
 * it when its magic bytes say gzip, xz or zstd (decompress.h, streamed),
 * tell a recording (record.h), a trace-cmd trace.dat (trace_dat.h) and a
 * perf.data (perf_data.h) from trace text (trace.h), and deliver its events.
 */
#ifndef EXITSTAT_INPUT_H
#define EXITSTAT_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "sources/trace.h"

struct input_info {
	char source[600];	/* "ftrace text FILE", "recording (bpf tp_btf) FILE" */
	bool recording;
	const char *compression;	/* "gzip", "xz", "zstd", or NULL: read as it is */
	const char *clock;	/* "ns", or "ticks" for integer timestamps (trace-cmd -C x86-tsc) */
	uint64_t lines;		/* text lines read (traces) */
	uint64_t exits, entries;
	uint64_t lost;		/* events the source says were lost */
	uint64_t lost_marks;	/* places that say events were lost without a number */
	uint64_t skipped;	/* malformed lines skipped (--skip-bad) */
	uint64_t nested;	/* kvm_nested_vmexit events, not counted */
	uint64_t events;	/* exits and entries delivered */
	bool partial;		/* reading stopped at an error after delivering events */
	bool interrupted;	/* reading stopped because *to->interrupt was set */
	/*
	 * Not a complete read: something was skipped (--skip-bad), cut (records
	 * cut short, a damaged or truncated recording), lost (the source says
	 * so) or left unread (partial). The note says what and where.
	 */
	bool incomplete;
	char note[1024];	/* what the user should know about the input, or "" */
};

/*
 * Read path ("-" = stdin) to the end, calling fn per event. Returns 0 when
 * the input was read to its end (info->incomplete when something in it was
 * skipped, cut or lost: info->note says what and where); -1 with err set
 * when reading stopped ("cannot open PATH: ...", "PATH: is a directory",
 * "PATH:LINE: ...", "PATH: no kvm_exit ...", a recording nothing could be
 * read of): info->partial when events before the problem were delivered
 * (the note then says where it stopped); or the callback's non-zero value
 * (err untouched). Notices (lines skipped, a recording's damaged blocks) go
 * to to->diag.
 */
int input_read(const char *path, const struct trace_opts *to, trace_event_fn fn, void *ctx,
	       struct input_info *info, struct es_error *err);

#endif
