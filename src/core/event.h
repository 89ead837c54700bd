/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One event from any source (trace text, recording, live collection), and
 * the accumulator that turns a stream of them into stats: it counts exits
 * and pairs each exit with the next entry of the same vCPU thread to get the
 * time in exit.
 */
#ifndef EXITSTAT_EVENT_H
#define EXITSTAT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/detail.h"
#include "core/stats.h"

enum event_kind {
	EV_EXIT,	/* kvm:kvm_exit */
	EV_ENTRY,	/* kvm:kvm_entry */
	/*
	 * kvm:kvm_msr, only to a reader that asks (trace_opts.want_msr): the
	 * MSR an exit of its thread read or wrote (msr, msr_write). Not an
	 * exit or an entry: accum_event ignores it.
	 */
	EV_MSR,
};

/*
 * Every source delivers this: trace text (exits and entries), recordings and
 * live record mode (exits with has_ts and, when the entry was seen, has_dur).
 */
struct exit_event {
	enum event_kind kind;
	bool has_ts;
	bool has_dur;		/* dur_ns already known (recordings, live); false for a
				 * live exit whose entry the run ended before */
	bool no_time;		/* exits: time in exit unknown (a trace line abridged to
				 * its reason): counted, never timed; it ends the wait of
				 * its thread's earlier exit */
	bool ts_ticks;		/* ts_ns counts clock ticks, not ns (integer trace
				 * timestamps, e.g. trace-cmd -C x86-tsc) */
	uint64_t ts_ns;		/* event time, source clock */
	uint64_t dur_ns;	/* time in exit of this exit */
	uint32_t pid;		/* VM: host process (tgid); the thread id if the source lacks it */
	uint32_t tid;		/* vCPU thread */
	uint32_t vcpu;		/* STATS_VCPU_UNKNOWN if the source does not say */
	enum exit_isa isa;	/* exits only */
	uint32_t reason;	/* exits only; VMX: full 32-bit reason as printed */
	bool has_info;		/* exits: info holds the exit information (asked for: trace_opts.want_info) */
	struct exit_info info;
	uint32_t msr;		/* EV_MSR: the MSR's index (ECX) */
	bool msr_write;		/* EV_MSR: WRMSR (else RDMSR) */
	/*
	 * A row of another tool's table of totals (perf kvm stat, kvm_stat,
	 * perf report): `count` exits of this reason at once, no timestamp;
	 * with has_dur, dur_ns is their total time in exit and max_ns the
	 * longest, as the tool gave them (no per-exit times: no histogram).
	 */
	bool aggregate;
	uint64_t count;
	uint64_t max_ns;
};

/* How many exits an exit event stands for (1, or an aggregate row's count). */
static inline uint64_t exit_event_count(const struct exit_event *ev)
{
	return ev->aggregate ? ev->count : 1;
}

struct pending_exit;

/*
 * Called once for every exit whose time in exit became known: an exit with
 * has_dur as it is fed, or a timestamped exit when the next entry of its
 * thread arrives (not before it in time). exit is the exit event as fed.
 * Returns 0, or non-zero to make accum_event() fail.
 */
typedef int (*accum_time_fn)(void *ctx, const struct exit_event *exit, uint64_t dur_ns);

/*
 * The one pairing of exits with entries: an exit waits per vCPU thread (tid)
 * for the next entry of that thread; its time in exit is the difference.
 * A new exit of the thread replaces one still waiting (its entry was lost).
 */
struct accum {
	struct stats *stats;
	accum_time_fn on_time;		/* optional hook (analysis), set after accum_init */
	void *on_time_ctx;
	struct pending_exit *pending;	/* per thread: the exit waiting for its entry */
	size_t pending_cap, pending_used;
	uint64_t unpaired_entries;	/* entries with no exit before them (trace start) */
	uint64_t paired;		/* exits whose time in exit was measured */
	uint64_t negative;		/* entry before exit in time: clock went back */
};

int accum_init(struct accum *a);
void accum_fini(struct accum *a);

/* Feed one event. 0, or -1 when out of memory or the on_time hook failed. */
int accum_event(struct accum *a, const struct exit_event *ev);

/* Exits still waiting for their entry (trace end, or lost entries). */
uint64_t accum_open_exits(const struct accum *a);

#endif
