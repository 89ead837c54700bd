/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading kvm_exit / kvm_entry events from the text other tools print:
 * the kernel's ftrace buffer (trace, trace_pipe), `perf script`, and
 * `trace-cmd report` (with or without libtraceevent's kvm plugin), from
 * every kernel era. The format is detected by the reader itself.
 */
#ifndef EXITSTAT_TRACE_H
#define EXITSTAT_TRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/event.h"

enum trace_format {
	TRACE_UNKNOWN,
	TRACE_FTRACE,		/* /sys/kernel/tracing/trace, trace_pipe */
	TRACE_PERF_SCRIPT,	/* perf script */
	TRACE_TRACE_CMD,	/* trace-cmd report */
	TRACE_AGGREGATE,	/* a table of totals (perf kvm stat, kvm_stat, perf report), not a
				 * trace: its rows are delivered as aggregate exit events */
	TRACE_DAT,		/* trace-cmd record's binary trace.dat, read by its fields (trace_dat.h) */
};

struct trace_opts {
	bool skip_bad;		/* count malformed lines and go on, instead of stopping */
	struct es_diag diag;	/* each line skipped under skip_bad (no fn: not said) */
	/*
	 * The ISA of bare-number reasons when no line of the trace names a
	 * reason (ISA_UNKNOWN: such a trace is an error). Names always win.
	 */
	enum exit_isa isa_hint;
	bool want_info;		/* read each exit's information into exit_event.info (exit details) */
	bool want_msr;		/* deliver kvm_msr records as EV_MSR events (text traces) */
	/*
	 * Non-zero when a signal asks to stop (input_read(): the read ends
	 * there, with what was read, as "interrupted"); NULL: never.
	 */
	const volatile sig_atomic_t *interrupt;
	/*
	 * The text arrives as it is made (a pipe, trace_pipe): read it in small
	 * pieces, so that events (and --every's reports) follow it, not 1 MB
	 * chunks. input_read sets it for anything but a regular file.
	 */
	bool stream;
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
	/*
	 * Events the trace says were lost: ftrace `CPU:N [LOST N EVENTS]` and
	 * `# entries-in-buffer/entries-written: A/B` (B - A overwritten),
	 * trace-cmd `CPU:N [N EVENTS DROPPED]`, perf script --show-lost-events
	 * `PERF_RECORD_LOST lost N` / `LOST N events!`. Never hidden: callers
	 * should add it to stats->lost and show it.
	 */
	uint64_t lost;
	/* Places that say events were lost without saying how many (`[EVENTS DROPPED]`, `##### CPU N buffer started ####`). */
	uint64_t lost_marks;
	/* The lines that say events were lost (the first ones), and how many there are. */
	uint64_t lost_lines[TRACE_MAX_SKIPPED_LISTED];
	uint64_t nlost_lines;
	/*
	 * Timestamps were integers: raw clock ticks (trace-cmd report -C x86-tsc,
	 * ftrace trace_clock=x86-tsc/counter), carried as-is in ts_ns, so times in
	 * exit are in ticks, not ns.
	 */
	bool ts_counter;
	/* kvm records wrapped onto two or more lines (mail) and read joined with a space */
	uint64_t joined;
	/*
	 * kvm records that stop short with nothing after them to join (a damaged
	 * paste, a line abridged to `kvm_exit: reason X`). A kvm_exit is counted
	 * as its reason when the reason is whole, else as EXIT_REASON_CUT_OFF
	 * (cut_unknown); either way its time in exit is unknown (no_time). A cut
	 * kvm_entry is not counted. Each is said on opts->diag; the first line
	 * numbers are in cut_lines.
	 */
	uint64_t cut_records;
	uint64_t cut_unknown;
	uint64_t cut_entries;	/* of cut_records, the kvm_entry ones */
	/* The text was a quoted-printable mail body (`=3D`, soft breaks), read decoded. */
	bool quoted_printable;
	uint64_t cut_lines[TRACE_MAX_SKIPPED_LISTED];
	/* TRACE_AGGREGATE: the tool ("perf kvm stat report", "kvm_stat", ...) and what its numbers are */
	const char *totals_tool;
	char totals_note[240];
};

/* Called for each exit and entry, in file order. Non-zero stops the read. */
typedef int (*trace_event_fn)(void *ctx, const struct exit_event *ev);

/*
 * Read the whole stream. Returns 0 on success. On a malformed line (without
 * skip_bad) returns -1 with err `NAME:LINE: what is wrong: <text>`; events
 * before it have been delivered (with skip_bad each such line is said on
 * opts->diag with " (skipped)" and the read goes on). A table of totals
 * (perf kvm stat report/live, kvm_stat, perf report --sort trace -n) is read
 * with format TRACE_AGGREGATE: one aggregate exit event per row, at the end
 * (sources/trace_totals.h); a malformed table returns -1 with err naming the
 * line. A read error or no memory returns -1 with err `NAME:LINE: ...`.
 * Returns the callback's value if it stops the read (err untouched: the
 * callback says its own). The format rules are described in trace_text.c.
 */
int trace_read(FILE *f, const char *name, const struct trace_opts *opts,
	       trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err);

const char *trace_format_name(enum trace_format f);

#endif
