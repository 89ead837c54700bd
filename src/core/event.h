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

#include "core/stats.h"

enum event_kind {
	EV_EXIT,	/* kvm:kvm_exit */
	EV_ENTRY,	/* kvm:kvm_entry */
};

struct exit_event {
	enum event_kind kind;
	bool has_ts;
	bool has_dur;		/* dur_ns already known (recordings, live) */
	uint64_t ts_ns;		/* event time, source clock */
	uint64_t dur_ns;	/* time in exit of this exit */
	uint32_t pid;		/* VM: host process (tgid); the thread id if the source lacks it */
	uint32_t tid;		/* vCPU thread */
	uint32_t vcpu;		/* STATS_VCPU_UNKNOWN if the source does not say */
	enum exit_isa isa;	/* exits only */
	uint32_t reason;	/* exits only; VMX: full 32-bit reason as printed */
};

/*
 * One finished exit as live record mode delivers it (BPF ring buffer) and a
 * recording stores it (record.h). The same facts as an EV_EXIT exit_event
 * with has_ts; one event type for both is the next step (issue 15).
 */
struct live_exit {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	uint64_t dur_ns;
	bool has_dur;		/* false: the run ended before the exit's entry */
	uint32_t pid, tid, vcpu, isa, reason;
};

struct pending_exit;

struct accum {
	struct stats *stats;
	struct pending_exit *pending;	/* per thread: the exit waiting for its entry */
	size_t pending_cap, pending_used;
	uint64_t unpaired_entries;	/* entries with no exit before them (trace start) */
	uint64_t paired;		/* exits whose time in exit was measured */
	uint64_t negative;		/* entry before exit in time: clock went back */
};

int accum_init(struct accum *a);
void accum_fini(struct accum *a);

/* Feed one event. 0, or -1 when out of memory. */
int accum_event(struct accum *a, const struct exit_event *ev);

/* Exits still waiting for their entry (trace end, or lost entries). */
uint64_t accum_open_exits(const struct accum *a);

#endif
