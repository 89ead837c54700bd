/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading kvm_exit / kvm_entry events from the text other tools print:
 * the kernel's ftrace buffer (trace, trace_pipe), `perf script`, and
 * `trace-cmd report` (with or without libtraceevent's kvm plugin), from
 * every kernel era. The format is detected by the reader itself.
 */
#ifndef EXITSTAT_TRACE_H
#define EXITSTAT_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

enum trace_format {
	TRACE_UNKNOWN,
	TRACE_FTRACE,		/* /sys/kernel/tracing/trace, trace_pipe */
	TRACE_PERF_SCRIPT,	/* perf script */
	TRACE_TRACE_CMD,	/* trace-cmd report */
};

struct trace_opts {
	bool skip_bad;		/* count malformed lines and go on, instead of stopping */
	FILE *diag;		/* where to say what was skipped (NULL: stderr) */
};

#define TRACE_MAX_SKIPPED_LISTED 64

struct trace_result {
	enum trace_format format;
	uint64_t lines;		/* lines read */
	uint64_t exits;		/* kvm_exit events */
	uint64_t entries;	/* kvm_entry events */
	uint64_t nested_exits;	/* kvm_nested_vmexit*: L2 exits, not counted as exits */
	uint64_t other_events;	/* other events (kvm_pio, tracing_mark_write, ...) */
	uint64_t skipped;	/* malformed lines skipped under skip_bad */
	uint64_t skipped_lines[TRACE_MAX_SKIPPED_LISTED];	/* their line numbers (first ones) */
	enum exit_isa isa;	/* the ISA the trace showed (ISA_UNKNOWN if none or mixed) */
};

/* Called for each exit and entry, in file order. Non-zero stops the read. */
typedef int (*trace_event_fn)(void *ctx, const struct exit_event *ev);

/*
 * Read the whole stream. Returns 0 on success. On a malformed line (without
 * skip_bad) prints `NAME:LINE: what is wrong: <text>` to diag and returns -1;
 * events before it have been delivered. Returns the callback's value if it
 * stops the read, and -1 on a read error (said on diag).
 */
int trace_read(FILE *f, const char *name, const struct trace_opts *opts,
	       trace_event_fn fn, void *ctx, struct trace_result *res);

const char *trace_format_name(enum trace_format f);

#endif
