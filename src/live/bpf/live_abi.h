/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF program (exitstat.bpf.c) and user space (live_bpf.c) share:
 * map keys and values, ring-buffer records, counter and event indexes.
 * Only fixed-size __u32/__u64 fields so both compilers lay them out alike.
 */
#ifndef EXITSTAT_LIVE_ABI_H
#define EXITSTAT_LIVE_ABI_H

#include "live_events.h"

#define LIVE_HIST_BUCKETS 48	/* == STATS_HIST_BUCKETS (checked in live_bpf.c) */
#define LIVE_VCPU_UNKNOWN 0xffffffffu

struct live_key {
	__u32 pid;	/* tgid of the vCPU thread */
	__u32 vcpu;
	__u32 isa;
	__u32 reason;
};

/* Per CPU and key; user space sums the CPUs (max: the largest). */
struct live_counts {
	__u64 count;
	__u64 timed;
	__u64 time_ns;
	__u64 max_ns;
	__u64 hist[LIVE_HIST_BUCKETS];
};

/* The exit of a thread waiting for its next entry. */
struct live_pending {
	__u64 ts;	/* 0: no exit pending */
	struct live_key key;
};

/* One exit, sent through the ring buffer at the entry that ends it (record mode). */
struct live_record {
	__u64 ts;	/* exit time, bpf_ktime_get_ns() */
	__u64 dur_ns;
	__u32 pid;
	__u32 tid;
	__u32 vcpu;
	__u32 isa;
	__u32 reason;
	__u32 pad;
};

/* Indexes of the per-CPU counters array. */
enum live_counter {
	CNT_EXITS,		/* kvm_exit events counted (after the pid filter) */
	CNT_ENTRIES,		/* kvm_entry events seen (after the pid filter) */
	CNT_RINGBUF_LOST,	/* records the ring buffer had no room for */
	CNT_STATS_FULL,		/* exits not counted: the stats map was full */
	CNT_PENDING_FULL,	/* exits whose time could not be kept: pending map full */
	CNT_NO_REASON,		/* tp_btf: could not read the exit reason */
	CNT__MAX,
};

#endif
