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

/*
 * The exit_stats hash's key: the exit's key and its process's start (the
 * group leader's start_time), so that a new process that got an ended
 * one's pid never adds into the ended one's keys while user space folds
 * them into its totals (live_bpf.c recycle_keys()).
 */
struct live_okey {
	struct live_key k;
	__u64 start;
};

/* A process with keys in exit_stats (overflow_procs; the value: ended). */
struct live_oproc {
	__u32 pid;
	__u32 pad;
	__u64 start;
};

/* Per CPU and key; user space sums the CPUs (max: the largest). */
struct live_counts {
	__u64 count;
	__u64 timed;
	__u64 time_ns;
	__u64 max_ns;
	__u64 hist[LIVE_HIST_BUCKETS];
};

/*
 * The hot path's dense counts: one row of LIVE_SLOTS live_counts per vCPU
 * thread (a plain array, not per CPU: only the thread itself writes its row),
 * indexed by a slot every VMX and SVM exit code of the catalogue has:
 *   VMX basic reasons 0-0xaf          -> slot = reason & 0xffff
 *   SVM codes 0x000-0x09f             -> slot = code
 *   SVM codes 0x400-0x40f (npf, avic, vmgexit) -> slot 0xa0 + code - 0x400
 * Anything else (SVM_EXIT_ERR, a future code), or a thread beyond LIVE_ROWS,
 * goes to the exit_stats hash, keyed by the full live_key: exact either way.
 */
#define LIVE_SLOTS 0xb0u
#define LIVE_ROWS 64u
#define LIVE_NO_SLOT 0xffffffffu
#define LIVE_NO_ROW 0xffffffffu
#define LIVE_ISA_VMX 1u
#define LIVE_ISA_SVM 2u
#define LIVE_SVM_LOW 0xa0u
#define LIVE_SVM_HIGH 0x400u

static inline __u32 live_slot(__u32 isa, __u32 reason)
{
	if (isa == LIVE_ISA_SVM) {
		if (reason < LIVE_SVM_LOW)
			return reason;
		if (reason - LIVE_SVM_HIGH < LIVE_SLOTS - LIVE_SVM_LOW)
			return LIVE_SVM_LOW + reason - LIVE_SVM_HIGH;
		return LIVE_NO_SLOT;
	}
	if (isa == LIVE_ISA_VMX && (reason & 0xffffu) < LIVE_SLOTS)
		return reason & 0xffffu;
	return LIVE_NO_SLOT;
}

/* The reason a slot stands for (VMX: the basic reason). */
static inline __u32 live_slot_reason(__u32 isa, __u32 slot)
{
	return isa == LIVE_ISA_SVM && slot >= LIVE_SVM_LOW ? LIVE_SVM_HIGH + slot - LIVE_SVM_LOW : slot;
}

/* Who a row belongs to: one thread running one vCPU (tid: rows need one writer). */
struct live_row_key {
	__u32 pid;
	__u32 tid;
	__u32 vcpu;
	__u32 isa;
};

/* A thread holding rows (row_owner, by tid): ended once it exits, then recycled. */
struct live_row_owner {
	__u32 pid;
	__u32 ended;
};

/*
 * --detail: what an exit was about, reduced to the bits core/detail.c
 * decodes (detail_need: user space fills the per-slot masks before load),
 * so a key is bounded (SVM's info2 of an I/O exit is the next RIP).
 */
#define LIVE_DN_COUNT 1u	/* the exit has a detail asked for */
#define LIVE_DN_INTR 2u		/* intr is known (VMX interruption information) */
#define LIVE_DN_MSR 4u		/* msr is known (ECX, from the vCPU's RCX); in the masks: wanted */
#define LIVE_DN_RIP 8u		/* --hotspots: rip is known (the guest RIP of the exit) */
#define LIVE_DN_GPA 16u		/* gpa is known (a VMX EPT violation's, from kvm_page_fault) */
#define LIVE_DN_PF 32u		/* in the masks only: the exit's page comes from kvm_page_fault */
#define LIVE_DN_SLOT 64u	/* slot is known: the page's memslot in the VM (or LIVE_NO_MEMSLOT) */
#define LIVE_NO_MEMSLOT 0xffffffffu	/* == DETAIL_NO_MEMSLOT: the page is in no memslot (MMIO) */

/*
 * What an exit was about (--detail: COUNT, INTR, MSR) and where the guest
 * was (--hotspots: RIP); flags 0: neither. Both share the detail programs,
 * the details map and the records' detail.
 */
struct live_dinfo {
	__u64 info1, info2;	/* SVM EXITINFO1/2, VMX qualification and info2, masked */
	__u32 intr, msr;
	__u32 flags;		/* LIVE_DN_*; 0: no detail, no RIP */
	__u32 slot;		/* LIVE_DN_SLOT: the memslot's id, or LIVE_NO_MEMSLOT */
	__u64 rip;		/* LIVE_DN_RIP: SVM the vCPU's saved RIP, VMX the record's guest_rip */
	__u64 gpa;		/* LIVE_DN_GPA: the guest-physical page (VMCS GUEST_PHYSICAL_ADDRESS) */
	__u64 slot_base, slot_size;	/* LIVE_DN_SLOT: the memslot's GPA and bytes (0 in none) */
};

/* The detail counts: per CPU, by (pid, vCPU, ISA, reason, detail). */
struct live_dkey {
	__u32 pid, vcpu, isa, reason;
	struct live_dinfo d;
};

struct live_dcounts {
	__u64 count, timed, time_ns;
};

#define LIVE_DETAIL_KEYS 16384u

/*
 * A vCPU thread's state: the row it counts in (for the vCPU `tag` names) and
 * its exit waiting for the next entry. In the thread's BPF task-local
 * storage (row, tag, key: found again on a miss in the per-CPU slot), and at
 * its row in `row_threads` (key, pending exit); a thread without a row keeps
 * everything in its task storage.
 */
struct live_thread {
	__u64 ts;	/* 0: no exit pending */
	__u64 tag;	/* the vCPU the row is for (its kvm_vcpu pointer or id); 0: none yet */
	__u32 row;	/* LIVE_NO_ROW: count in exit_stats */
	__u32 slot;	/* of the pending exit; LIVE_NO_SLOT: in exit_stats */
	struct live_key key;	/* of the pending exit */
	struct live_dinfo d;	/* --detail: of the pending exit */
	__u32 pf_wait;		/* the pending exit waits for its kvm_page_fault (its page) */
	__u32 vexits;		/* tp_btf: its vCPU's stat.exits (low 32 bits) at the pending exit */
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
	__u32 flags;	/* LIVE_REC_OPEN: its entry never came (dur_ns unknown) */
};

#define LIVE_REC_OPEN 1u

/* record --detail: the record and its exit's detail. */
struct live_record_detail {
	struct live_record r;
	struct live_dinfo d;
};

/*
 * Record mode: each CPU gathers the records of its kvm_entry events and
 * sends them through the ring LIVE_BATCH at a time, or sooner when the first
 * is older than batch_ns: one ring-buffer write per batch instead of a
 * reserve, query and submit per exit. A ring message's size says what it
 * is: a struct live_batch or live_batch_detail (--detail) holds n records;
 * a struct live_record or live_record_detail is a single record (a thread
 * that ended with its exit pending). The partial batches are read from
 * `batches` / `dbatches` at the end, after every program is detached.
 */
#define LIVE_BATCH 32

struct live_batch {
	__u32 n;
	__u32 pad;
	__u64 first_ts;
	struct live_record rec[LIVE_BATCH];
};

struct live_batch_detail {
	__u32 n;
	__u32 pad;
	__u64 first_ts;
	struct live_record_detail rec[LIVE_BATCH];
};

/* Indexes of the per-CPU counters array. */
enum live_counter {
	CNT_ENTRY_ALONE,	/* kvm_entry events with no exit pending (after the pid filter) */
	CNT_RINGBUF_LOST,	/* records the ring buffer had no room for */
	CNT_STATS_FULL,		/* exits not counted: the stats map was full */
	CNT_PENDING_FULL,	/* exits whose time could not be kept: no task storage */
	CNT_NO_REASON,		/* tp_btf: could not read the exit reason */
	CNT_DETAIL_FULL,	/* --detail, --hotspots: exits whose detail or RIP found no room in the details map */
	CNT__MAX,
};

#endif
