/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counting core shared by every data source (trace files, recordings,
 * live BPF and perf collection): exit counts and time in exit, keyed by
 * (VM = host pid, vCPU, ISA, reason). O(1) work per event; memory grows with
 * the number of distinct keys, never with the number of events.
 */
#ifndef EXITSTAT_STATS_H
#define EXITSTAT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reasons.h"

#define STATS_VCPU_UNKNOWN UINT32_MAX	/* the source does not say which vCPU */
#define STATS_PID_ANY 0

/* Time-in-exit histogram: bucket 0 holds [0, 2) ns, bucket i holds [2^i, 2^(i+1)) ns. */
#define STATS_HIST_BUCKETS 48

struct exit_key {
	uint32_t pid;		/* the VM: the host process (tgid) of the vCPU thread */
	uint32_t vcpu;		/* vCPU index, or STATS_VCPU_UNKNOWN */
	uint32_t isa;		/* enum exit_isa */
	uint32_t reason;	/* VMX basic reason or SVM exit code */
};

struct exit_counts {
	uint64_t count;		/* exits */
	uint64_t timed;		/* exits whose time in exit is known */
	uint64_t time_ns;	/* total time in exit of the timed exits */
	uint64_t max_ns;
	uint64_t hist[STATS_HIST_BUCKETS];
};

struct stats_entry {
	struct exit_key key;
	struct exit_counts c;
};

struct stats {
	struct stats_entry *slots;	/* open addressing; key.isa == 0 marks a free slot */
	size_t cap;			/* power of two */
	size_t used;
	struct stats_entry *last;	/* the slot found last (NULL after grow, reset) */
	uint64_t total;			/* exits over all keys */
	uint64_t first_ns, last_ns;	/* time window of the events seen (source clock) */
	bool have_window;
	uint64_t lost;			/* events the source says it lost */
};

struct stats *stats_new(void);
void stats_free(struct stats *s);
void stats_reset(struct stats *s);

/* The counters of key, created if new; NULL only when out of memory. */
struct exit_counts *stats_counts(struct stats *s, const struct exit_key *key);

/* One exit: count it and widen the time window (ts_ns is ignored if has_ts is false). */
struct exit_counts *stats_add_exit(struct stats *s, const struct exit_key *key,
				   bool has_ts, uint64_t ts_ns);

/* Add n exits at once (aggregating sources: BPF maps, perf counters, kernel tables). */
int stats_add_count(struct stats *s, const struct exit_key *key, uint64_t n);

/* Record one exit's time in exit on its counters. */
void exit_counts_add_time(struct exit_counts *c, uint64_t ns);

/* Add the counters a into d (counts, times, histogram; the larger max). */
void exit_counts_merge(struct exit_counts *d, const struct exit_counts *a);

/* Add all of src into dst (counts, histograms, window, lost). 0 or -1 (no memory). */
int stats_merge(struct stats *dst, const struct stats *src);

/* Iterate: start with *iter = 0; returns NULL at the end. */
const struct stats_entry *stats_next(const struct stats *s, size_t *iter);

/* Which keys a per-reason view sums over. */
struct stats_filter {
	uint32_t pid;		/* STATS_PID_ANY for all */
	uint32_t vcpu;		/* STATS_VCPU_UNKNOWN for all */
};

struct reason_row {
	enum exit_isa isa;
	uint32_t reason;
	struct exit_counts c;
};

enum row_sort { SORT_COUNT, SORT_TIME, SORT_CODE };

/* What a group of keys shares: the reason (any VM, vCPU), or the VM and vCPU (any reason). */
enum stats_group { GROUP_REASON, GROUP_VCPU };

/*
 * The one group-by: sum the keys f lets through into one entry per group
 * (the fields the group does not share are 0; isa is ISA_UNKNOWN in a vCPU
 * group), into a new array (caller frees), sorted as asked (SORT_CODE: by
 * key), ties by key. Returns the number of entries, or (size_t)-1 when out
 * of memory.
 */
size_t stats_group(const struct stats *s, const struct stats_filter *f, enum stats_group by,
		   enum row_sort sort, struct stats_entry **out);

/*
 * The same groups as the caller's own rows: fill makes each row (row_size
 * bytes, zeroed) from its group, in order. A new array (caller frees) with
 * *n rows, or NULL when out of memory.
 */
typedef void (*stats_row_fn)(void *row, const struct stats_entry *group, void *ctx);
void *stats_group_rows(const struct stats *s, const struct stats_filter *f, enum stats_group by,
		       enum row_sort sort, size_t row_size, stats_row_fn fill, void *ctx, size_t *n);

/*
 * stats_group by reason, as (isa, reason, counters) rows (caller frees),
 * sorted as asked; ties by isa then code. Returns the number of rows, or
 * (size_t)-1 when out of memory.
 */
size_t stats_by_reason(const struct stats *s, const struct stats_filter *f,
		       enum row_sort sort, struct reason_row **rows);

/*
 * Percentile p (0-100) of a histogram: the upper bound in ns of the bucket
 * holding it (2^(i+1) - 1 for bucket i), so the true value is <= the result.
 * 0 when the histogram is empty.
 */
uint64_t hist_percentile(const uint64_t hist[STATS_HIST_BUCKETS], double p);

/*
 * The same for one key's counters, never above the longest time seen
 * (c->max_ns): still a bound the true percentile is at most.
 */
uint64_t exit_counts_percentile(const struct exit_counts *c, double p);

/* The bucket index of ns. */
unsigned int hist_bucket(uint64_t ns);

#endif
