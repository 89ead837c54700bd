/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition format (version 0.0.4) of exit statistics:
 * what `exitstat serve` answers on /metrics. Every series is named, typed
 * and documented (# HELP / # TYPE); counts are cumulative since the exporter
 * attached, times are in seconds. docs/serve.md lists every metric.
 */
#ifndef EXITSTAT_METRICS_H
#define EXITSTAT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/stats.h"

/*
 * The time-in-exit histogram's `le` bounds: the log2 buckets of the stats
 * (bucket i holds [2^i, 2^(i+1)) ns) from METRICS_LE_FIRST to METRICS_LE_LAST,
 * each bound the largest whole ns its bucket holds, 2^(i+1) - 1 ns, so
 * `le` is exact: 255 ns ... 17.18 s, then +Inf.
 */
#define METRICS_LE_FIRST 7
#define METRICS_LE_LAST 33

/* The label of a VM (its pid when it has no name): writes into buf, returns it. */
typedef const char *(*metrics_vm_fn)(void *ctx, uint32_t pid, char *buf, size_t len);

/* Whether a VM's series are still exported (a VM gone past its grace period is not). */
typedef bool (*metrics_keep_fn)(void *ctx, uint32_t pid);

struct metrics_view {
	const struct stats *stats;	/* cumulative exits per (pid, vcpu, isa, reason) */
	metrics_vm_fn vm_name;		/* NULL: the pid */
	metrics_keep_fn keep;		/* NULL: every VM */
	void *ctx;			/* for vm_name and keep */
	size_t max_series;		/* most (VM, vCPU, reason) keys exported; 0: no limit */
	bool histogram;			/* export kvm_exit_duration_seconds */

	bool up;			/* attached and collecting */
	bool kvm_exit_fired;		/* kvm:kvm_exit has been seen (kvm_pvm: never) */
	uint64_t lost;			/* exits the collection lost (said by the backend) */
	uint64_t untimed;		/* exits counted without a time in exit */
	const char *source;		/* the backend, e.g. "BPF tp_btf/kvm_exit" */
	const char *version;
	double start_unix;		/* when collection started (Unix seconds) */
	double snapshot_unix;		/* when these counts were read */

	/* The other kvm events (exported while counted; NULL names: none). */
	unsigned int nevents;
	const char *const *event_names;
	const uint64_t *event_counts;
	const bool *event_attached;
};

struct metrics_result {
	size_t series;		/* (VM, vCPU, reason) keys exported */
	size_t dropped;		/* keys over max_series, not exported */
	size_t hidden;		/* keys of VMs gone past their grace period */
};

/*
 * Write the whole exposition to f. Keys are exported in (pid, vcpu, isa,
 * reason) order, so the same keys are the first max_series at every scrape.
 * Returns 0, or -1 with errno set (out of memory, a failed write); r (may be
 * NULL) gets what was exported.
 */
int metrics_write(FILE *f, const struct metrics_view *v, struct metrics_result *r);

/* A label value as the format wants it: \\, \" and \n escaped, into buf. */
const char *metrics_escape(const char *s, char *buf, size_t len);

#endif
