/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_exit / kvm_entry events from a trace-cmd trace.dat (`trace-cmd record
 * -e kvm ...`), read through Debian's libtracecmd and libtraceevent: each
 * record's fields (exit_reason, isa, vcpu_id, common_pid), its CPU and its
 * timestamp, never its rendered text. Every kernel era: kvm_exit without
 * vcpu_id (before 5.5) gives STATS_VCPU_UNKNOWN, without isa (2.6.31-2.6.33)
 * takes trace_opts.isa_hint or is an error that says so.
 */
#ifndef EXITSTAT_TRACE_DAT_H
#define EXITSTAT_TRACE_DAT_H

#include "sources/trace.h"

/* The first bytes of every trace.dat: "\027\010Dtracing". */
#define TRACE_DAT_MAGIC "\x17\x08\x44tracing"

/*
 * Read the trace.dat at path (a file libtracecmd can seek in; name is what
 * messages call it) to the end, calling fn per kvm_exit / kvm_entry in time
 * order, from the top buffer and every buffer instance (trace-cmd record
 * -B). Fills res like trace_read (format TRACE_DAT; lost: events the ring
 * buffer dropped, from the records' missed-events counts; lost_marks: drops
 * of unknown size; lines: records read). Returns 0; -1 with err `NAME: ...`
 * (events before the problem were delivered); or the callback's non-zero
 * value (err untouched).
 */
int trace_dat_read(const char *path, const char *name, const struct trace_opts *opts,
		   trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err);

#ifndef EXITSTAT_NO_TRACECMD
struct tep_handle;
struct tep_record;
struct trace_dat_kvm;

/*
 * The kvm events of one libtraceevent handle and where their fields are
 * (exposed for the unit tests, which parse every era's format). NULL with
 * err set when the handle has no kvm_exit/kvm_entry format or kvm_exit has
 * no exit_reason.
 */
struct trace_dat_kvm *trace_dat_kvm_new(struct tep_handle *tep, const struct trace_opts *opts,
					const char *name, struct es_error *err);
void trace_dat_kvm_free(struct trace_dat_kvm *k);

enum trace_dat_kind { TD_OTHER, TD_EXIT, TD_ENTRY, TD_NESTED };

/*
 * What rec is; for TD_EXIT / TD_ENTRY *ev is filled (pid = tid =
 * common_pid, ts_ns = the record's time). -1 with err set when a kvm_exit
 * has no ISA (no isa field and no isa_hint) or a field cannot be read.
 */
int trace_dat_kvm_event(const struct trace_dat_kvm *k, struct tep_record *rec,
			struct exit_event *ev, enum trace_dat_kind *kind, struct es_error *err);
#endif

#endif
