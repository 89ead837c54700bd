/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live collection of kvm_exit / kvm_entry from the running kernel, through
 * one of two backends:
 *  - BPF (live_bpf.c): aggregates in the kernel, one row of counts per vCPU
 *    thread by exit-reason slot, with a log2 time-in-exit histogram; in
 *    record mode also streams every exit through a ring buffer.
 *  - perf (live_perf.c): perf_event_open on the same tracepoints, sampling
 *    every event with PERF_SAMPLE_RAW, counted in user space.
 * Both also count the other kvm events (the "event mix"), so a KVM whose
 * kvm_exit never fires (kvm_pvm) can be told apart from an idle VM.
 */
#ifndef EXITSTAT_LIVE_H
#define EXITSTAT_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/detail.h"
#include "core/hotspot.h"
#include "core/error.h"
#include "core/event.h"
#include "core/stats.h"

enum live_backend { BACKEND_AUTO, BACKEND_BPF, BACKEND_PERF };

int live_backend_parse(const char *s, enum live_backend *b);	/* 0 or -1 */

struct live_opts {
	enum live_backend backend;
	uint32_t pid;		/* the VM's tgid; 0 for all */
	bool inherit_pid;	/* pid is a command not yet exec'd: follow its threads and the
				 * processes it forks (BPF: fork tracking; perf: inherit) */
	bool record;		/* BPF: send every exit through a ring buffer */
	size_t ringbuf_bytes;	/* record mode; power of two */
	bool verbose;		/* libbpf's own messages, on diag */
	struct es_diag diag;	/* notices while collecting (libbpf's with verbose) */
	bool no_event_mix;	/* do not count the other kvm events at all */
	bool bpf_tracepoint;	/* BPF: the classic tracepoint even where tp_btf works */
	bool no_time;		/* count only: no kvm_entry, no time in exit */
	unsigned int detail_kinds;	/* --detail: DETAIL_KINDS bits (core/detail.h); 0: none.
					 * BPF: counted by detail in the kernel, or with record,
					 * the exit information with every exit; perf: from each
					 * sample's record (no MSR index) */
	bool hotspots;		/* --hotspots (BPF only): each exit's guest RIP, counted per
				 * (reason, RIP) in the kernel, or with record in every exit */
};

typedef int (*live_exit_fn)(void *ctx, const struct exit_event *e);

struct live_src;

/* The kvm events of the mix, by index; NULL past the end. */
const char *live_event_name(unsigned int i);
unsigned int live_event_count(void);
/* live_event_count() is at most this: callers size their arrays of the mix with it. */
#define LIVE_EVENTS_MAX 32

struct live_counters {
	uint64_t exits;		/* kvm_exit events counted */
	uint64_t entries;
	uint64_t lost;		/* exits not counted or records lost (ring full, maps full,
				 * perf: events its rings never gave us) */
	uint64_t untimed;	/* exits whose time in exit could not be kept */
};

/*
 * Open and attach. On failure returns NULL with err set (what failed and
 * why; with both backends tried, "BPF: ...; perf: ..."). live_note() says
 * why the backend was chosen.
 */
struct live_src *live_open(const struct live_opts *o, struct es_error *err);

/* What the numbers come from, e.g. "live: BPF tp_btf/kvm_exit, reason via CO-RE (kvm_amd BTF)". */
const char *live_source(const struct live_src *l);
/* Why this backend (NULL if it was simply asked for or the first choice). */
const char *live_note(const struct live_src *l);
bool live_is_bpf(const struct live_src *l);

/*
 * Wait up to timeout_ms for data and process it (perf: drain the rings;
 * record mode: deliver exits to fn). Returns 0, -1 with err set, or fn's
 * non-zero value (err untouched: fn says its own).
 */
int live_poll(struct live_src *l, int timeout_ms, live_exit_fn fn, void *ctx,
	      struct es_error *err);

/* The cumulative totals (cheap: for --every). Returns 0 (the counters cannot fail). */
int live_counters(struct live_src *l, struct live_counters *c);

/* The cumulative per-key stats so far, into s (reset first). 0, or -1 with err set. */
int live_read(struct live_src *l, struct stats *s, struct es_error *err);

/*
 * --detail: the exits per (ISA, reason, detail) so far, added into ds (empty
 * it first), and --hotspots: per (ISA, reason, guest RIP) into hs (new:
 * added once); either may be NULL; times in ns; *lost gets the exits whose
 * detail or RIP the kernel had no room for. 0, or -1 with err set.
 */
int live_details(struct live_src *l, struct detail_stats *ds, struct hotspot_stats *hs,
		 uint64_t *lost, struct es_error *err);

/* Cumulative counts of the event mix, counts[live_event_count()]; attached[i] false if absent. */
int live_events(struct live_src *l, uint64_t *counts, bool *attached);

/*
 * Stop counting the event mix (its counts freeze): once kvm_exit is seen to
 * fire, the mix is no longer needed and costs time on every exit.
 */
void live_stop_events(struct live_src *l);

/*
 * The end of a run, before the final report: stop collecting (the programs or
 * events are detached or disabled, so the report is one consistent moment),
 * then drain what the rings still hold (record mode: deliver to fn). After it
 * the counts, and the losses, are final; live_poll does nothing.
 */
int live_finish(struct live_src *l, live_exit_fn fn, void *ctx, struct es_error *err);

/*
 * What was lost and where, in words (e.g. per CPU ring), for the report's
 * note; "" when nothing was lost or the backend has nothing to add.
 */
void live_lost_note(struct live_src *l, char *buf, size_t len);

/* Record mode at the end: deliver the exits still waiting for their entry (has_dur false). */
int live_flush_open(struct live_src *l, live_exit_fn fn, void *ctx, struct es_error *err);

void live_close(struct live_src *l);

/* --- shared by the backends (live_common.c) --- */

/* tracefs events directory ("/sys/kernel/tracing/events"), or NULL with err set. */
const char *live_tracefs_events(struct es_error *err);

/*
 * Check what live collection needs before trying, in this order: /dev/kvm
 * (KVM loaded at all), privileges, tracefs, kvm events, pid. 0, or -1 with
 * err saying the first thing missing.
 */
int live_preflight(uint32_t pid, enum live_backend b, struct es_error *err);

/* Offset of a field of events/kvm/EVENT/format, -1 if absent; *size gets its size. */
int live_tp_field(const char *event, const char *field, int *size);

/* The tracepoint id of events/kvm/EVENT/id, -1 if absent. */
int live_tp_id(const char *event);

#endif
