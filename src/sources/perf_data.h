/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_exit / kvm_entry events from a perf.data (`perf record -e kvm:kvm_exit
 * -e kvm:kvm_entry`, `perf kvm stat record`), read by perf's own reader: `perf
 * script` runs as a child with a fixed field list and its output is streamed
 * through a pipe into the trace text reader (trace.h), never copied.
 */
#ifndef EXITSTAT_PERF_DATA_H
#define EXITSTAT_PERF_DATA_H

#include "sources/trace.h"

/* The first bytes of a perf.data (file and pipe mode alike). */
#define PERF_DATA_MAGIC "PERFILE2"

/*
 * The command, after `-i FILE`: every field the text reader uses, for
 * tracepoint events only (`trace:`; other events in the file keep perf's
 * defaults, and perf does not warn about fields they lack). perf records
 * every tracepoint with TID, TIME, CPU and RAW, so no perf.data of them is
 * refused: `COMM PID/TID [CPU] S.NNNNNNNNN: kvm:kvm_exit: BODY`, plus
 * `PERF_RECORD_LOST` lines for what the kernel dropped.
 */
#define PERF_DATA_SCRIPT_ARGS "-F", "trace:comm,pid,tid,cpu,time,event,trace", "--ns", "--show-lost-events"

/* The same, as the documentation and messages show it. */
#define PERF_DATA_SCRIPT_CMD "perf script -i FILE -F trace:comm,pid,tid,cpu,time,event,trace --ns --show-lost-events"

/*
 * Run `perf` (found in PATH) on the perf.data at path (name is what messages
 * call it) and read its output with trace_read(). Returns as trace_read; -1
 * with err `NAME: ...` also when perf is not installed (naming the Debian
 * package), cannot be started, or fails (its exit status and its own last
 * message). perf's warnings when it succeeds go to opts->diag.
 */
int perf_data_read(const char *path, const char *name, const struct trace_opts *opts,
		   trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err);

#endif
