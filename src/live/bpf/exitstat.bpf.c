// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat's in-kernel side: counts every kvm_exit per (pid, vCPU, ISA,
 * reason) and measures the time in exit (kvm_exit -> next kvm_entry of the
 * same thread) into a log2 histogram, so nothing is copied per exit to user
 * space. The counts live in one row per vCPU thread, indexed by a dense
 * reason slot (live_abi.h); the thread's row and pending exit in its
 * task-local storage. In record mode each finished exit also goes through
 * a ring buffer.
 *
 * Two ways in, chosen by user space before load (see live_bpf.c):
 *  - tp_btf/kvm_exit: the tracepoint's raw arguments. Since Linux 5.12 they
 *    are (vcpu, isa); before that (exit_reason, vcpu, isa). The reason is
 *    read with CO-RE from the vendor module's vcpu struct (kvm_amd:
 *    vcpu_svm->vmcb->control.exit_code, kvm_intel: vcpu_vmx->exit_reason).
 *  - tracepoint/kvm/kvm_exit: the classic tracepoint record, at the field
 *    offsets user space read from tracefs (no module BTF needed).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "live_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load: the verifier drops the branches of what is off. */
const volatile __u32 targ_tgid;		/* 0: every process */
const volatile bool follow_children;	/* also the processes targ_tgid forks (a command) */
const volatile bool record_on;		/* send each exit through `records` */
const volatile bool timing = true;	/* time each exit (kvm_entry attached); off: --no-time */
const volatile __u32 row_limit = LIVE_ROWS;	/* rows to hand out (tests: fewer) */
const volatile __u64 ring_wake_bytes = 1 << 23;	/* record: half the ring (its size is set too) */
const volatile __u64 batch_ns = 20000000;	/* record: a partial batch goes after this long */
const volatile __s32 off_reason = -1;	/* classic tracepoint field offsets, -1: absent */
const volatile __s32 off_isa = -1;
const volatile __s32 off_vcpu = -1;
/* --detail: per (ISA - 1) * LIVE_SLOTS + slot, what to keep of the exit information (detail_need). */
const volatile bool detail_on;
const volatile __u8 dflags[2 * LIVE_SLOTS];	/* LIVE_DN_*: COUNT, INTR read, MSR wanted */
const volatile __u64 dmask1[2 * LIVE_SLOTS];
const volatile __u64 dmask2[2 * LIVE_SLOTS];
const volatile __u32 dmask_intr[2 * LIVE_SLOTS];
const volatile __s32 off_info1 = -1;	/* classic tracepoint fields, -1: absent */
const volatile __s32 off_info2 = -1;
const volatile __s32 off_intr = -1;
/* --hotspots: keep each exit's guest RIP (with the detail, in the detail programs) */
const volatile bool rip_on;
const volatile __s32 off_rip = -1;	/* the classic tracepoint's guest_rip, -1: absent */
/* --detail npf on VMX: the EPT violation's page from kvm_page_fault (LIVE_DN_PF slots) */
const volatile bool pf_on;
const volatile __s32 off_pf_addr = -1;	/* the classic kvm_page_fault's fault_address */
/* --detail npf with the vCPU at hand (tp_btf): each page's memslot from the VM's gfn tree */
const volatile bool region_on;

/* New rows handed out so far (stops at row_limit; then free_rows). */
__u32 next_row;

/* Bumped at every thread's end: last_thread slots filled before it are stale. */
__u64 slot_gen;

/* The dense counts: row * LIVE_SLOTS + slot (live_abi.h); mmapped by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, LIVE_ROWS * LIVE_SLOTS);
	__type(key, __u32);
	__type(value, struct live_counts);
} rows SEC(".maps");

/* Which row a (pid, tid, vCPU, ISA) counts in; looked up once per thread and vCPU. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIVE_ROWS);
	__type(key, struct live_row_key);
	__type(value, __u32);
} row_index SEC(".maps");

/*
 * Rows handed back by user space once it folded an ended thread's counts
 * into its own totals (live_bpf.c recycle()): taken when next_row is used up.
 */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, LIVE_ROWS);
	__type(value, __u32);
} free_rows SEC(".maps");

/* The threads holding rows, by tid; on_thread_exit marks one ended for user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIVE_ROWS);
	__type(key, __u32);
	__type(value, struct live_row_owner);
} row_owner SEC(".maps");

/* Exits without a row or a slot (rare codes, more than LIVE_ROWS threads). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct live_okey);
	__type(value, struct live_counts);
} exit_stats SEC(".maps");

/*
 * The processes with keys in exit_stats; on_thread_exit marks one ended
 * (value 1) when its last thread goes, and user space then moves its keys'
 * counts into its own totals and deletes them, so the hash does not fill
 * up with the keys of VMs long gone. A process that finds this map full
 * is never recycled (its counts stay exact, in the hash).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct live_oproc);
	__type(value, __u32);
} overflow_procs SEC(".maps");

/* --detail (not recording): exits and time per detail; sized to 1 without --detail. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LIVE_DETAIL_KEYS);
	__type(key, struct live_dkey);
	__type(value, struct live_dcounts);
} details SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct live_thread);
} threads SEC(".maps");

/* Processes forked by the target (and theirs), with follow_children. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} children SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EVI__MAX);
	__type(key, __u32);
	__type(value, __u64);
} kvm_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);	/* resized by user space */
} records SEC(".maps");

/* Record mode: each CPU's batch of records not yet in the ring (live_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct live_batch);
} batches SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct live_batch_detail);
} dbatches SEC(".maps");

/* Minimal CO-RE views of KVM's structs; libbpf finds them in kvm/kvm_amd/kvm_intel BTF. */
struct kvm_vcpu_arch___x {
	unsigned long regs[17];	/* NR_VCPU_REGS; the guest's GPRs, saved at every exit */
} __attribute__((preserve_access_index));

/* The VM's memslots (Linux >= 5.17: a gfn-ordered rbtree per address space). */
struct rb_node___x {
	struct rb_node___x *rb_right;
	struct rb_node___x *rb_left;
} __attribute__((preserve_access_index));

struct rb_root___x {
	struct rb_node___x *rb_node;
} __attribute__((preserve_access_index));

struct kvm_memslots___x {
	struct rb_root___x gfn_tree;
	int node_idx;
} __attribute__((preserve_access_index));

struct kvm_memory_slot___x {
	struct rb_node___x gfn_node[2];
	__u64 base_gfn;
	unsigned long npages;
	short id;
} __attribute__((preserve_access_index));

struct kvm___x {
	struct kvm_memslots___x *memslots[2];	/* per address space (1: SMM) */
} __attribute__((preserve_access_index));

/* x86's struct kvm_vcpu_stat */
struct kvm_vcpu_stat___x {
	__u64 exits;
} __attribute__((preserve_access_index));

struct kvm_vcpu___x {
	struct kvm___x *kvm;
	int vcpu_id;
	void *pid;	/* struct pid of the thread running it: KVM_RUN sets it */
	struct kvm_vcpu_arch___x arch;
	struct kvm_vcpu_stat___x stat;
} __attribute__((preserve_access_index));

#define VCPU_REGS_RCX 1
#define VCPU_REGS_RIP 16	/* enum kvm_reg: the GPRs, then RIP */

struct vmcb_control_area___x {
	__u32 exit_code;
	__u64 exit_info_1;
	__u64 exit_info_2;
} __attribute__((preserve_access_index));

struct vmcb___x {
	struct vmcb_control_area___x control;
} __attribute__((preserve_access_index));

struct vcpu_svm___x {
	struct kvm_vcpu___x vcpu;
	struct vmcb___x *vmcb;
} __attribute__((preserve_access_index));

/* Linux >= 5.12: union vmx_exit_reason; before: a plain u32. */
union vmx_exit_reason___x {
	__u32 full;
} __attribute__((preserve_access_index));

struct vcpu_vmx___x {
	struct kvm_vcpu___x vcpu;
	union vmx_exit_reason___x exit_reason;
} __attribute__((preserve_access_index));

struct vcpu_vmx___old {
	struct kvm_vcpu___x vcpu;
	__u32 exit_reason;
} __attribute__((preserve_access_index));

/*
 * A nested page fault's memslot: the VM's memslot holding gpa, found as KVM's
 * own search_memslots() does, down the gfn tree of address space 0 (the SMM
 * one is not read), at most MEMSLOT_DEPTH nodes (a red-black tree of KVM's
 * 32,764 slots is at most 30 deep). A walk that ends at a leaf: the page is
 * in no memslot, which is MMIO by definition. The vCPU thread is in KVM's
 * handler, inside kvm->srcu, so the slots stay; each read is a probe read.
 * Kernels before 5.17 (a sorted array, no gfn_tree): not known.
 */
#define MEMSLOT_DEPTH 40

static __always_inline void memslot_of(struct kvm_vcpu___x *vcpu, __u64 gpa, struct live_dinfo *d)
{
	struct kvm_memslots___x *ms = NULL;
	struct rb_node___x *node;
	struct kvm___x *kvm;
	__u64 gfn = gpa >> 12, off, base, npages;
	int i;

	if (!bpf_core_field_exists(struct kvm_memslots___x, gfn_tree) || !vcpu)
		return;
	kvm = BPF_CORE_READ(vcpu, kvm);
	if (!kvm || bpf_core_read(&ms, sizeof(ms), &kvm->memslots[0]) || !ms)
		return;
	/* the slot's node in the tree in use: gfn_node[node_idx] */
	off = bpf_core_field_offset(struct kvm_memory_slot___x, gfn_node) +
	      (BPF_CORE_READ(ms, node_idx) & 1) * bpf_core_type_size(struct rb_node);
	node = BPF_CORE_READ(ms, gfn_tree.rb_node);
	for (i = 0; i < MEMSLOT_DEPTH; i++) {
		struct kvm_memory_slot___x *slot;

		if (!node) {
			d->slot = LIVE_NO_MEMSLOT;
			d->slot_base = d->slot_size = 0;
			d->flags |= LIVE_DN_SLOT;
			return;
		}
		slot = (void *)node - off;
		base = BPF_CORE_READ(slot, base_gfn);
		npages = BPF_CORE_READ(slot, npages);
		if (gfn >= base && gfn - base < npages) {
			d->slot = (__u16)BPF_CORE_READ(slot, id);
			d->slot_base = base << 12;
			d->slot_size = npages << 12;
			d->flags |= LIVE_DN_SLOT;
			return;
		}
		node = gfn >= base ? BPF_CORE_READ(node, rb_right) : BPF_CORE_READ(node, rb_left);
	}
}

#define ISA_VMX LIVE_ISA_VMX
#define ISA_SVM LIVE_ISA_SVM

static __always_inline void count_n(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += n;
}

static __always_inline void count(__u32 idx)
{
	count_n(idx, 1);
}

static __always_inline bool wanted(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (!targ_tgid || tgid == targ_tgid)
		return true;
	return follow_children && bpf_map_lookup_elem(&children, &tgid);
}

/* wanted() without the children lookup: false only for what wanted() refuses too. */
static __always_inline bool maybe_wanted(__u64 pid_tgid)
{
	return !targ_tgid || follow_children || (__u32)(pid_tgid >> 32) == targ_tgid;
}

struct task_struct___x {
	int tgid;
} __attribute__((preserve_access_index));

/* A process forked by a followed one is followed too (a command's children: its VMs). */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct___x *parent, struct task_struct___x *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	if (ptgid == ctgid)
		return 0;	/* a new thread, already covered by its tgid */
	if (ptgid == targ_tgid || bpf_map_lookup_elem(&children, &ptgid))
		bpf_map_update_elem(&children, &ctgid, &one, BPF_ANY);
	return 0;
}

/* floor(log2(ns)) capped to the last bucket; 0 and 1 go to bucket 0. */
static __always_inline __u32 hist_bucket(__u64 ns)
{
	__u32 b = 0;

	/* binary search for the top set bit, unrolled */
#pragma unroll
	for (int shift = 32; shift; shift >>= 1) {
		if (ns >> shift) {
			ns >>= shift;
			b += shift;
		}
	}
	return b < LIVE_HIST_BUCKETS ? b : LIVE_HIST_BUCKETS - 1;
}

/* The current thread's process start (its group leader's start_time, ns since boot). */
static __always_inline __u64 proc_start(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, group_leader, start_time);
}

/*
 * A per-CPU hash's value at key, made from zero (size bytes of zeros) if
 * new; NULL when the map is full. *made: whether this call added the key.
 */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero,
					    bool *made)
{
	void *v = bpf_map_lookup_elem(map, key);

	*made = false;
	if (v)
		return v;
	*made = !bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* The hash's counts of an exit of the current thread (key->pid is its process). */
static __always_inline struct live_counts *counts_of(struct live_key *key)
{
	static const struct live_counts zero;
	struct live_okey ok = { .k = *key, .start = proc_start() };
	struct live_oproc op = { .pid = key->pid, .start = ok.start };
	struct live_counts *c;
	__u32 running = 0;
	bool made;

	c = lookup_or_init(&exit_stats, &ok, &zero, &made);
	/* A new key: its process noted, so user space can fold it once the process ends. */
	if (made)
		bpf_map_update_elem(&overflow_procs, &op, &running, BPF_NOEXIST);
	return c;
}

/* The row of this thread for this vCPU: once per thread and vCPU, not per exit. */
static __always_inline __u32 row_of(__u32 tid, const struct live_key *key)
{
	struct live_row_key rk = { .pid = key->pid, .tid = tid, .vcpu = key->vcpu, .isa = key->isa };
	struct live_row_owner owner = { .pid = key->pid };
	__u32 *found = bpf_map_lookup_elem(&row_index, &rk);
	__u32 row;

	if (found) {
		/* A row of an ended thread whose tid is in use again: not recycled yet, not ours. */
		struct live_row_owner *o = bpf_map_lookup_elem(&row_owner, &tid);

		return o && o->ended ? LIVE_NO_ROW : *found;
	}
	/* New rows first (next_row stops growing at the limit), then recycled ones. */
	row = next_row < row_limit ? __sync_fetch_and_add(&next_row, 1) : LIVE_NO_ROW;
	if ((row >= row_limit || row >= LIVE_ROWS) && bpf_map_pop_elem(&free_rows, &row))
		return LIVE_NO_ROW;
	/* Only this thread inserts its key: a failure here is a full map. */
	if (bpf_map_update_elem(&row_index, &rk, &row, BPF_NOEXIST))
		goto give_back;
	/* The owner before any count: user space frees a row only through it. */
	if (bpf_map_update_elem(&row_owner, &tid, &owner, BPF_ANY)) {
		bpf_map_delete_elem(&row_index, &rk);
		goto give_back;
	}
	return row;
give_back:
	bpf_map_push_elem(&free_rows, &row, 0);
	return LIVE_NO_ROW;
}

/* The vCPU id: from the kvm_vcpu (tp_btf) or the tracepoint field (vcpu NULL). */
static __always_inline __u32 vcpu_id(struct kvm_vcpu___x *vcpu, __u32 field)
{
	return vcpu ? BPF_CORE_READ(vcpu, vcpu_id) : field;
}

/*
 * Where a vCPU thread's state is found, fastest first:
 *  1. `last_thread`, a one-slot per-CPU array (an inlined lookup, no helper):
 *     the last wanted thread that exited on this CPU, its vCPU (tag), its
 *     row and key. Tracepoint probes run with preemption off, so no other
 *     exit runs on this CPU meanwhile. Only wanted threads get in, so a hit
 *     needs no pid filter. tp_btf tells a hit from the vCPU alone, without
 *     the pid_tgid helper (slot_hit()); the classic tracepoint by pid_tgid.
 *  2. on a miss (another thread, or the first exit here): the pid filter,
 *     then the thread's task-local storage (timing) or the row index
 *     (--no-time), and the slot is refilled.
 * The pending exit (timing) lives in `row_threads` at the thread's row, a
 * plain array (inlined, and not per CPU: a thread that moves to another CPU
 * between its exit and its entry finds it there); a thread without a row
 * (beyond LIVE_ROWS) keeps it in its task storage.
 */
struct live_last {
	__u64 pid_tgid;	/* 0: empty */
	__u64 tag;	/* the vCPU the row is for; 0: never a hit */
	__u64 gen;	/* slot_gen when filled */
	__u64 pidp;	/* tp_btf: the vCPU's pid (its thread's struct pid) when filled */
	__u32 row;	/* LIVE_NO_ROW: count in exit_stats by key */
	__u32 vcpu_id;	/* tp_btf: vcpu->vcpu_id when filled */
	struct live_key key;	/* pid, vCPU, ISA of the row (reason unset) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct live_last);
} last_thread SEC(".maps");

/* The pending exit of each row's thread (timing); read by user space at the end. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LIVE_ROWS);
	__type(key, __u32);
	__type(value, struct live_thread);
} row_threads SEC(".maps");

/* The thread's state for its row: row_threads, or its task storage without a row. */
static __always_inline struct live_thread *state_of(__u32 row)
{
	if (row < LIVE_ROWS)
		return bpf_map_lookup_elem(&row_threads, &row);
	return bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0, 0);
}

/*
 * The vCPU's exit count, low 32 bits (x86 kvm_vcpu_stat.exits; 0 without a
 * vCPU or the field). KVM adds one after each kvm_exit, before the next
 * kvm_entry (vcpu_enter_guest; before Linux 5.12 before kvm_exit too): an
 * entry is 0 or 1 ahead of the exit it ends, a new vCPU's first at 0.
 */
static __always_inline __u32 vcpu_exits(struct kvm_vcpu___x *vcpu)
{
	if (!vcpu || !bpf_core_field_exists(vcpu->stat.exits))
		return 0;
	return (__u32)vcpu->stat.exits;
}

/*
 * A hit in last_thread for this vCPU (tp_btf), with no helper call: the same
 * kvm_vcpu, run by the same thread (vcpu->pid) with the same id, and no
 * thread has ended since the slot was filled. While the vCPU lives it holds
 * its thread's pid, and neither comes back at the same address before a
 * thread ends (slot_gen), so the slot's row is this thread's and vCPU's.
 */
static __always_inline bool slot_hit(const struct live_last *l, struct kvm_vcpu___x *vcpu)
{
	return l->tag == (__u64)vcpu && l->gen == slot_gen && l->pidp == (__u64)vcpu->pid &&
	       l->vcpu_id == (__u32)vcpu->vcpu_id;
}

/*
 * A miss in last_thread: find (or hand out) this thread's row for this vCPU
 * and cache it. Without task storage (out of memory) the slot gets the key
 * and no row (the hash, untimed) but no tag: the next exit tries again.
 */
static __always_inline void refill(struct live_last *l, __u64 pid_tgid, __u64 tag,
				   struct kvm_vcpu___x *vcpu, __u32 vcpu_field, __u32 isa)
{
	struct live_thread *t, *rt;
	struct live_key key = {};
	__u32 row;

	l->gen = slot_gen;
	if (vcpu) {
		l->pidp = (__u64)vcpu->pid;
		l->vcpu_id = vcpu->vcpu_id;
	}
	if (!timing) {
		/* No state to keep: the row index (a hash) once per thread switch on this CPU. */
		key.pid = pid_tgid >> 32;
		key.vcpu = vcpu_id(vcpu, vcpu_field);
		key.isa = isa;
		row = row_of((__u32)pid_tgid, &key);
	} else {
		t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!t) {
			l->pid_tgid = 0;
			l->tag = 0;
			l->row = LIVE_NO_ROW;
			l->key = (struct live_key){ .pid = pid_tgid >> 32,
						    .vcpu = vcpu_id(vcpu, vcpu_field), .isa = isa };
			return;
		}
		if (t->tag != tag) {
			t->tag = tag;
			t->key.pid = pid_tgid >> 32;
			t->key.vcpu = vcpu_id(vcpu, vcpu_field);
			t->key.isa = isa;
			t->row = row_of((__u32)pid_tgid, &t->key);
			t->ts = 0;
			rt = t->row < LIVE_ROWS ? bpf_map_lookup_elem(&row_threads, &t->row) : NULL;
			if (rt) {
				rt->key = t->key;
				rt->row = t->row;
				rt->tag = tag;
			}
		}
		key = t->key;
		row = t->row;
	}
	l->pid_tgid = pid_tgid;
	l->tag = tag;
	l->row = row;
	l->key = key;
}

/* The counts of an exit: its thread's row at its slot, else the hash by key. */
static __always_inline struct live_counts *counts_at(__u32 row, __u32 slot, struct live_key *key)
{
	__u32 idx = row * LIVE_SLOTS + slot;

	if (row < LIVE_ROWS && slot < LIVE_SLOTS)
		return bpf_map_lookup_elem(&rows, &idx);
	return counts_of(key);
}

/* The counts of a detail key on this CPU, made if new; NULL when the map is full. */
static __always_inline struct live_dcounts *dcounts_of(const struct live_dkey *dk)
{
	static const struct live_dcounts zero;
	bool made;

	return lookup_or_init(&details, dk, &zero, &made);
}

/*
 * --detail: keep what detail_need says of the exit information (raw) and
 * count it by detail in `details` (not recording: the ring carries it);
 * with timing the thread's state keeps it for the entry. Off: the verifier
 * drops every call (detail_on is rodata). An exit whose page comes later
 * (LIVE_DN_PF) waits for it in s (detail_page).
 */
static __always_inline void detail_exit(const struct live_key *key, __u32 slot,
					const struct live_dinfo *raw, struct live_thread *s)
{
	__u32 idx = (key->isa == ISA_SVM ? LIVE_SLOTS : 0) + slot;
	bool rip = rip_on && (raw->flags & LIVE_DN_RIP);
	struct live_dkey dk = {};
	struct live_dcounts *c;
	__u32 fl = 0;

	if (key->isa - 1 <= 1 && slot < LIVE_SLOTS && idx < 2 * LIVE_SLOTS)
		fl = dflags[idx];
	if (s)
		s->pf_wait = pf_on && (fl & LIVE_DN_PF);
	if (!(fl & LIVE_DN_COUNT) && !rip) {
		if (s)
			s->d.flags = 0;
		return;
	}
	dk.pid = key->pid;
	dk.vcpu = key->vcpu;
	dk.isa = key->isa;
	dk.reason = key->reason;
	if ((fl & LIVE_DN_COUNT) && idx < 2 * LIVE_SLOTS) {
		dk.d.info1 = raw->info1 & dmask1[idx];
		dk.d.info2 = raw->info2 & dmask2[idx];
		dk.d.flags = LIVE_DN_COUNT;
		if ((fl & LIVE_DN_INTR) && (raw->flags & LIVE_DN_INTR)) {
			dk.d.intr = raw->intr & dmask_intr[idx];
			dk.d.flags |= LIVE_DN_INTR;
		}
		if ((fl & LIVE_DN_MSR) && (raw->flags & LIVE_DN_MSR)) {
			dk.d.msr = raw->msr;
			dk.d.flags |= LIVE_DN_MSR;
		}
		if (raw->flags & LIVE_DN_SLOT) {	/* an NPF's memslot (memslot_of) */
			dk.d.slot = raw->slot;
			dk.d.slot_base = raw->slot_base;
			dk.d.slot_size = raw->slot_size;
			dk.d.flags |= LIVE_DN_SLOT;
		}
	}
	if (rip) {
		dk.d.rip = raw->rip;
		dk.d.flags |= LIVE_DN_RIP;
	}
	if (s)
		s->d = dk.d;
	if (record_on)
		return;
	c = dcounts_of(&dk);
	if (c)
		c->count++;
	else
		count(CNT_DETAIL_FULL);
}

/* The details key of a thread's pending exit with detail d. */
static __always_inline void pending_dkey(const struct live_thread *t, const struct live_dinfo *d,
					 struct live_dkey *dk)
{
	dk->pid = t->key.pid;
	dk->vcpu = t->key.vcpu;
	dk->isa = t->key.isa;
	dk->reason = t->key.reason;
	dk->d = *d;
}

/*
 * The entry of an exit with a detail: its time in exit, by detail (on this
 * CPU: a thread that moved since its exit makes the key here).
 */
static __always_inline void detail_entry(const struct live_thread *t, __u64 dur)
{
	struct live_dkey dk = {};
	struct live_dcounts *c;

	if (!t->d.flags || record_on)
		return;
	pending_dkey(t, &t->d, &dk);
	c = dcounts_of(&dk);
	if (c) {
		c->timed++;
		c->time_ns += dur;
	}
}

/*
 * A VMX EPT violation's page, from the kvm_page_fault that KVM's handler
 * traces right after the exit (the GPA is a VMCS field of its own, not in
 * kvm_exit's record). The exit was counted at kvm_exit under its detail
 * without a page (`gpa ?`); here it moves to its page: one count less there,
 * one more here (per-CPU values: a CPU's may wrap below zero, the sum over
 * the CPUs is right). So every exit is in the details exactly once at every
 * moment, and one whose kvm_page_fault never came (or came after the
 * programs were detached) stays `gpa ?`. A recording takes the page with the
 * exit's record at its entry. No room for the page's key: the exit stays
 * where it is.
 */
static __always_inline void detail_page(struct live_thread *t, __u64 gpa,
					struct kvm_vcpu___x *vcpu)
{
	struct live_dkey from = {}, to = {};
	struct live_dinfo d = t->d;
	struct live_dcounts *cf, *ct;

	t->pf_wait = 0;
	if (!(d.flags & LIVE_DN_COUNT))
		return;
	d.gpa = gpa & ~0xfffull;
	d.flags |= LIVE_DN_GPA;
	if (region_on && vcpu)
		memslot_of(vcpu, gpa, &d);
	if (!record_on) {
		pending_dkey(t, &t->d, &from);
		pending_dkey(t, &d, &to);
		ct = dcounts_of(&to);
		if (!ct)
			return;
		cf = dcounts_of(&from);
		if (!cf)
			return;
		cf->count--;
		ct->count++;
	}
	t->d = d;
}

/*
 * This CPU's last_thread slot; *hit: it is this thread's (and vCPU's). tp_btf
 * passes the vCPU (slot_hit(), no helper; on a miss *pid_tgid is read); the
 * classic tracepoint vcpu NULL and *pid_tgid, and at an exit the tag made of
 * the vCPU id (0 at an entry: the thread's pending exit, whichever vCPU).
 */
static __always_inline struct live_last *last_of(struct kvm_vcpu___x *vcpu, __u64 *pid_tgid,
						 __u64 tag, bool *hit)
{
	__u32 zero = 0;
	struct live_last *l = bpf_map_lookup_elem(&last_thread, &zero);

	if (!l)
		return NULL;
	*hit = vcpu ? slot_hit(l, vcpu) : l->pid_tgid == *pid_tgid && (!tag || l->tag == tag) &&
					  l->gen == slot_gen;
	if (!*hit && vcpu)
		*pid_tgid = bpf_get_current_pid_tgid();
	return l;
}

/*
 * The last_thread slot of an exit of this thread and vCPU, refilled on a
 * miss; NULL: not a wanted thread. vcpu, pid_tgid, tag: as for last_of().
 */
static __always_inline struct live_last *exit_slot(__u64 pid_tgid, __u64 tag,
						   struct kvm_vcpu___x *vcpu, __u32 vcpu_field,
						   __u32 isa)
{
	struct live_last *l;
	bool hit;

	l = last_of(vcpu, &pid_tgid, tag, &hit);
	if (!l || hit)
		return l;
	if (!wanted(pid_tgid))
		return NULL;
	refill(l, pid_tgid, tag, vcpu, vcpu_field, isa);
	return l;
}

/*
 * One exit of l's thread (exit_slot): counted at once (the counts are exact
 * at every moment) and, with timing, kept in its thread's state until its
 * entry gives the time. Per exit, on a hit in last_thread: two inlined array
 * lookups (and the clock with timing); nothing else.
 */
static __always_inline void on_exit(struct live_last *l, struct kvm_vcpu___x *vcpu, __u32 isa,
				    __u32 reason, const struct live_dinfo *raw)
{
	struct live_counts *c;
	struct live_thread *s;
	struct live_key key;
	__u32 slot;

	slot = live_slot(isa, reason);
	key = l->key;
	key.reason = reason;
	c = counts_at(l->row, slot, &key);
	if (c)
		c->count++;
	else
		count(CNT_STATS_FULL);
	if (!timing) {
		if (raw && detail_on)
			detail_exit(&key, slot, raw, NULL);
		return;
	}
	s = state_of(l->row);
	if (raw && detail_on)
		detail_exit(&key, slot, raw, s);
	if (!s) {
		count(CNT_PENDING_FULL);
		return;
	}
	s->key.reason = reason;
	s->slot = slot;
	s->vexits = vcpu_exits(vcpu);
	s->ts = bpf_ktime_get_ns();
}

/* A record of t's exit; with --detail its detail after it (r is a live_record_detail). */
static __always_inline void fill_record(struct live_record *r, struct live_thread *t, __u32 tid,
					__u64 dur, __u32 flags)
{
	r->ts = t->ts;
	r->dur_ns = dur;
	r->pid = t->key.pid;
	r->tid = tid;
	r->vcpu = t->key.vcpu;
	r->isa = t->key.isa;
	r->reason = t->key.reason;
	r->flags = flags;
	if (detail_on)
		((struct live_record_detail *)r)->d = t->d;
}

/* User space polls on a timer; wake it only when the ring is half full. */
static __always_inline __u64 ring_wake(void)
{
	return bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA) > ring_wake_bytes ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* One exit into the ring buffer alone (a thread ending with its exit pending). */
static __always_inline void send_record(struct live_thread *t, __u32 tid, __u64 dur, __u32 flags)
{
	struct live_record *r = bpf_ringbuf_reserve(&records, detail_on ?
		sizeof(struct live_record_detail) : sizeof(*r), 0);

	if (!r) {
		count(CNT_RINGBUF_LOST);
		return;
	}
	fill_record(r, t, tid, dur, flags);
	bpf_ringbuf_submit(r, ring_wake());
}

/*
 * One exit into this CPU's batch, the batch into the ring when full or
 * older than batch_ns. Only kvm_entry calls this: it runs with interrupts
 * off, so nothing else on the CPU touches the batch meanwhile. The batch
 * layouts (with and without the detail) share their head; detail_on is
 * rodata, so the verifier keeps one of the two paths.
 */
static __always_inline void batch_record(struct live_thread *t, __u32 tid, __u64 dur, __u64 now)
{
	__u32 zero = 0, n;
	struct live_batch_detail *db = NULL;
	struct live_batch *b = NULL;
	struct live_record *r;
	__u32 *bn;
	__u64 *first;

	if (detail_on) {
		db = bpf_map_lookup_elem(&dbatches, &zero);
		if (!db) {
			count(CNT_RINGBUF_LOST);
			return;
		}
		bn = &db->n;
		first = &db->first_ts;
	} else {
		b = bpf_map_lookup_elem(&batches, &zero);
		if (!b) {
			count(CNT_RINGBUF_LOST);
			return;
		}
		bn = &b->n;
		first = &b->first_ts;
	}
	n = *bn;
	if (n >= LIVE_BATCH)	/* cannot be: it goes out when full */
		n = 0;
	if (!n)
		*first = now;
	r = detail_on ? &db->rec[n].r : &b->rec[n];
	fill_record(r, t, tid, dur, 0);
	*bn = ++n;
	if (n < LIVE_BATCH && now - *first < batch_ns)
		return;
	if (detail_on ? bpf_ringbuf_output(&records, db, sizeof(*db), ring_wake()) :
			bpf_ringbuf_output(&records, b, sizeof(*b), ring_wake()))
		count_n(CNT_RINGBUF_LOST, n);
	*bn = 0;
}

/*
 * The state of this thread's pending exit into *t and the thread's id into
 * *tid: through last_thread when it exited on this CPU last (as it mostly
 * did), else its task storage and row (*t NULL: it has none). false: not a
 * thread of ours (the pid filter). As in exit_slot(), tp_btf passes the
 * vCPU (no helper on a hit), the classic tracepoint vcpu NULL and pid_tgid.
 */
static __always_inline bool pending_of(struct kvm_vcpu___x *vcpu, __u64 pid_tgid,
				       struct live_thread **t, __u32 *tid)
{
	struct live_last *l;
	bool hit;

	l = last_of(vcpu, &pid_tgid, 0, &hit);
	if (!l)
		return false;
	if (hit) {
		*t = state_of(l->row);
		*tid = (__u32)l->pid_tgid;
		return true;
	}
	if (!wanted(pid_tgid))
		return false;
	*tid = (__u32)pid_tgid;
	*t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0, 0);
	if (*t && (*t)->row < LIVE_ROWS)
		*t = bpf_map_lookup_elem(&row_threads, &(*t)->row);
	return true;
}

/*
 * One entry: the time of its thread's pending exit. On a hit in last_thread
 * (the thread exited on this CPU last, as it mostly did): the clock and
 * inlined array lookups (the classic tracepoint: and the pid_tgid helper);
 * else its task storage. vcpu, pid_tgid: as for pending_of().
 */
static __always_inline void on_entry(struct kvm_vcpu___x *vcpu, __u64 pid_tgid)
{
	struct live_thread *t;
	struct live_counts *c;
	__u64 now, dur;
	__u32 tid;

	if (!pending_of(vcpu, pid_tgid, &t, &tid))
		return;
	/*
	 * tp_btf: the pending exit must be this vCPU's, at most one exit back,
	 * not the last exit of a vCPU this thread ran before (its VM ended and
	 * the next, made in the same thread, may even have its vCPU at the same
	 * address). That exit never gets its entry: untimed, as at a thread's
	 * end, and this entry has no exit pending.
	 */
	if (vcpu && t && t->ts && (t->tag != (__u64)vcpu || vcpu_exits(vcpu) - t->vexits > 1)) {
		if (record_on)
			send_record(t, tid, 0, LIVE_REC_OPEN);
		t->ts = 0;
	}
	if (!t || !t->ts) {
		count(CNT_ENTRY_ALONE);
		return;
	}
	now = bpf_ktime_get_ns();
	dur = now > t->ts ? now - t->ts : 0;
	c = counts_at(t->row, t->slot, &t->key);
	if (detail_on)
		detail_entry(t, dur);
	if (c) {
		c->timed++;
		/* A recording has each exit's time: the kernel keeps only the count. */
		if (!record_on) {
			c->time_ns += dur;
			if (dur > c->max_ns)
				c->max_ns = dur;
			c->hist[hist_bucket(dur)]++;
		}
	} else {
		count(CNT_ENTRY_ALONE);
	}
	if (record_on)
		batch_record(t, tid, dur, now);
	t->ts = 0;
}

/* A task's pending-exit state: at its row, or in its task storage without one. */
static __always_inline struct live_thread *task_state(struct task_struct *task)
{
	struct live_thread *t = bpf_task_storage_get(&threads, task, 0, 0);

	if (t && t->row < LIVE_ROWS)
		return bpf_map_lookup_elem(&row_threads, &t->row);
	return t;
}

/*
 * A thread ends. Record mode: a vCPU thread that ends with an exit pending
 * (a VM's last HLT) goes away, so its exit goes to the ring now, marked
 * open. Then, if it holds rows, they are marked for user space, which folds
 * their counts into its totals at its next read or poll and gives the rows
 * back (free_rows): last, as user space may zero them from then on; the
 * thread makes no exit after this. When the process's last thread ends,
 * its keys in exit_stats are marked likewise (overflow_procs).
 */
SEC("raw_tp/sched_process_exit")
int on_thread_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct live_row_owner *o;
	struct task_struct *task;
	struct live_thread *t;

	if (record_on && timing) {
		t = task_state(bpf_get_current_task_btf());
		if (t && t->ts) {
			send_record(t, tid, 0, LIVE_REC_OPEN);
			t->ts = 0;
		}
	}
	/* a vCPU or pid freed after this may come back at the same address */
	__sync_fetch_and_add(&slot_gen, 1);
	o = bpf_map_lookup_elem(&row_owner, &tid);
	if (o)
		o->ended = 1;
	/*
	 * The process's last thread (do_exit() counted this one out of
	 * signal->live before this tracepoint): none of its threads exits a
	 * VM again, so its keys in exit_stats can go to user space's totals.
	 */
	task = (struct task_struct *)bpf_get_current_task();
	if (!BPF_CORE_READ(task, signal, live.counter)) {
		struct live_oproc op = {
			.pid = pid_tgid >> 32,
			.start = BPF_CORE_READ(task, group_leader, start_time),
		};
		__u32 *ended = bpf_map_lookup_elem(&overflow_procs, &op);

		if (ended)
			*ended = 1;
	}
	return 0;
}

/*
 * The exits still waiting for their entry, for user space at the end of a
 * recording (task storage cannot be walked from user space): one
 * live_record (dur_ns 0) per thread with an exit pending.
 */
SEC("iter/task")
int pending_exits(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct live_thread *t;
	struct live_record_detail rd = {};
	struct live_record *r = &rd.r;

	if (!task)
		return 0;
	t = task_state(task);
	if (!t || !t->ts)
		return 0;
	r->ts = t->ts;
	r->pid = t->key.pid;
	r->tid = task->pid;
	r->vcpu = t->key.vcpu;
	r->isa = t->key.isa;
	r->reason = t->key.reason;
	rd.d = t->d;
	/* with --detail the record and its detail (struct live_record_detail) */
	bpf_seq_write(ctx->meta->seq, &rd, detail_on ? sizeof(rd) : sizeof(*r));
	return 0;
}

/* The exit reason of a vCPU from its vendor struct; false if this kernel has neither. */
static __always_inline bool vcpu_exit_reason(struct kvm_vcpu___x *vcpu, __u32 isa, __u32 *reason)
{
	if (isa == ISA_SVM && bpf_core_type_exists(struct vcpu_svm___x)) {
		struct vcpu_svm___x *svm = (void *)vcpu -
			bpf_core_field_offset(struct vcpu_svm___x, vcpu);

		*reason = BPF_CORE_READ(svm, vmcb, control.exit_code);
		return true;
	}
	if (isa == ISA_VMX && bpf_core_type_exists(union vmx_exit_reason___x) &&
	    bpf_core_type_exists(struct vcpu_vmx___x)) {
		struct vcpu_vmx___x *vmx = (void *)vcpu -
			bpf_core_field_offset(struct vcpu_vmx___x, vcpu);

		*reason = BPF_CORE_READ(vmx, exit_reason.full);
		return true;
	}
	if (isa == ISA_VMX && bpf_core_type_exists(struct vcpu_vmx___old)) {
		struct vcpu_vmx___old *vmx = (void *)vcpu -
			bpf_core_field_offset(struct vcpu_vmx___old, vcpu);

		*reason = BPF_CORE_READ(vmx, exit_reason);
		return true;
	}
	return false;
}

/*
 * --detail from the vCPU: SVM's EXITINFO1/2 in the VMCB, and ECX (an MSR
 * exit's index) from the GPRs KVM saved at the exit. VMX's qualification is
 * read from the VMCS lazily, after this tracepoint: with --detail on VMX user
 * space attaches the classic tracepoint instead, whose record has it.
 */
static __always_inline void vcpu_detail(struct kvm_vcpu___x *vcpu, __u32 isa,
					struct live_dinfo *raw)
{
	if (isa == ISA_SVM && bpf_core_type_exists(struct vcpu_svm___x)) {
		struct vcpu_svm___x *svm = (void *)vcpu -
			bpf_core_field_offset(struct vcpu_svm___x, vcpu);
		struct vmcb___x *vmcb = BPF_CORE_READ(svm, vmcb);

		raw->info1 = BPF_CORE_READ(vmcb, control.exit_info_1);
		raw->info2 = BPF_CORE_READ(vmcb, control.exit_info_2);
	}
	if (bpf_core_field_exists(vcpu->arch.regs)) {
		unsigned long rcx = 0;

		if (!bpf_core_read(&rcx, sizeof(rcx), &vcpu->arch.regs[VCPU_REGS_RCX])) {
			raw->msr = (__u32)rcx;
			raw->flags |= LIVE_DN_MSR;
		}
	}
	/*
	 * --hotspots: SVM's RIP, which svm_vcpu_run copies from the VMCB's save
	 * area into the GPRs before it fires kvm_exit (not an SEV-ES guest's:
	 * encrypted, none kept). VMX reads RIP from the VMCS lazily: the
	 * classic tracepoint's guest_rip there (user space attaches it).
	 */
	if (rip_on && isa == ISA_SVM && bpf_core_field_exists(vcpu->arch.regs)) {
		unsigned long rip = 0;

		if (!bpf_core_read(&rip, sizeof(rip), &vcpu->arch.regs[VCPU_REGS_RIP])) {
			raw->rip = rip;
			raw->flags |= LIVE_DN_RIP;
		}
	}
}

/*
 * reason_arg: the exit reason of the Linux < 5.12 argument, or -1 (read it
 * from the vendor struct). detail: a constant, so the programs without it
 * carry none of its code (the *_detail programs are loaded with --detail).
 */
static __always_inline int exit_btf(struct kvm_vcpu___x *vcpu, __u32 isa, __s64 reason_arg,
				    bool detail)
{
	struct live_dinfo raw = {};
	struct live_last *l;
	__u32 reason;

	if (!vcpu)
		return 0;
	/* the thread first: an unwanted one's exit costs no reason read */
	l = exit_slot(0, (__u64)vcpu, vcpu, 0, isa);
	if (!l)
		return 0;
	if (reason_arg >= 0) {
		reason = reason_arg;
	} else if (!vcpu_exit_reason(vcpu, isa, &reason)) {
		count(CNT_NO_REASON);
		return 0;
	}
	if (detail)
		vcpu_detail(vcpu, isa, &raw);
	/* SVM: the NPF's GPA is EXITINFO2, at hand: its memslot now */
	if (detail && region_on && isa == ISA_SVM && reason == 0x400)
		memslot_of(vcpu, raw.info2, &raw);
	on_exit(l, vcpu, isa, reason, detail ? &raw : NULL);
	return 0;
}

/* Linux >= 5.12: TP_PROTO(struct kvm_vcpu *vcpu, u32 isa) */
SEC("tp_btf/kvm_exit")
int BPF_PROG(exit_btf_vcpu_isa, struct kvm_vcpu___x *vcpu, __u32 isa)
{
	return exit_btf(vcpu, isa, -1, false);
}

SEC("tp_btf/kvm_exit")
int BPF_PROG(exit_btf_vcpu_isa_detail, struct kvm_vcpu___x *vcpu, __u32 isa)
{
	return exit_btf(vcpu, isa, -1, true);
}

/* Linux < 5.12: TP_PROTO(unsigned int exit_reason, struct kvm_vcpu *vcpu, u32 isa) */
SEC("tp_btf/kvm_exit")
int BPF_PROG(exit_btf_reason_vcpu_isa, unsigned int exit_reason, struct kvm_vcpu___x *vcpu,
	     __u32 isa)
{
	return exit_btf(vcpu, isa, exit_reason, false);
}

SEC("tp_btf/kvm_exit")
int BPF_PROG(exit_btf_reason_vcpu_isa_detail, unsigned int exit_reason,
	     struct kvm_vcpu___x *vcpu, __u32 isa)
{
	return exit_btf(vcpu, isa, exit_reason, true);
}

/* kvm_entry(vcpu, ...) (Linux >= 5.10; before: kvm_entry(vcpu_id)) */
SEC("tp_btf/kvm_entry")
int BPF_PROG(entry_btf_vcpu, struct kvm_vcpu___x *vcpu)
{
	if (vcpu)
		on_entry(vcpu, 0);
	return 0;
}

SEC("tp_btf/kvm_entry")
int BPF_PROG(entry_btf)
{
	on_entry(NULL, bpf_get_current_pid_tgid());
	return 0;
}

static __always_inline __u32 field_u32(void *ctx, __s32 off, __u32 dflt)
{
	__u32 v;

	if (off < 0 || bpf_probe_read_kernel(&v, sizeof(v), ctx + off))
		return dflt;
	return v;
}

static __always_inline __u64 field_u64(void *ctx, __s32 off)
{
	__u64 v;

	if (off < 0 || bpf_probe_read_kernel(&v, sizeof(v), ctx + off))
		return 0;
	return v;
}

static __always_inline int exit_tp_common(void *ctx, bool detail)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct live_dinfo raw = {};
	struct live_last *l;
	__u32 vcpu, isa;

	if (!maybe_wanted(pid_tgid))
		return 0;
	vcpu = field_u32(ctx, off_vcpu, LIVE_VCPU_UNKNOWN);
	isa = field_u32(ctx, off_isa, 0);
	/* The tag: never 0, never a kernel pointer. */
	l = exit_slot(pid_tgid, (1ull << 40) | ((__u64)isa << 32) | vcpu, NULL, vcpu, isa);
	if (!l)
		return 0;
	if (detail) {
		/* the record's info1, info2 (and intr_info): the exit information (no ECX here) */
		raw.info1 = field_u64(ctx, off_info1);
		raw.info2 = field_u64(ctx, off_info2);
		if (off_intr >= 0) {
			raw.intr = field_u32(ctx, off_intr, 0);
			raw.flags |= LIVE_DN_INTR;
		}
		if (rip_on && off_rip >= 0) {
			raw.rip = field_u64(ctx, off_rip);
			raw.flags |= LIVE_DN_RIP;
		}
	}
	on_exit(l, NULL, isa, field_u32(ctx, off_reason, 0), detail ? &raw : NULL);
	return 0;
}

SEC("tracepoint/kvm/kvm_exit")
int exit_tp(void *ctx)
{
	return exit_tp_common(ctx, false);
}

SEC("tracepoint/kvm/kvm_exit")
int exit_tp_detail(void *ctx)
{
	return exit_tp_common(ctx, true);
}

SEC("tracepoint/kvm/kvm_entry")
int entry_tp(void *ctx)
{
	on_entry(NULL, bpf_get_current_pid_tgid());
	return 0;
}

/*
 * kvm_page_fault after a VMX EPT violation (--detail npf on VMX): its
 * fault_address is the exit's GPA. A page fault of a thread with no exit
 * waiting for one (a shadow-paging #PF, an SVM NPF) changes nothing.
 */
static __always_inline void on_page_fault(__u64 addr, struct kvm_vcpu___x *vcpu)
{
	struct live_thread *t = NULL;
	__u32 tid;

	if (!pf_on || !pending_of(vcpu, vcpu ? 0 : bpf_get_current_pid_tgid(), &t, &tid))
		return;
	if (t && t->ts && t->pf_wait)
		detail_page(t, addr, vcpu);
}

/* Linux >= 6.3 (vcpu_id in the record): TP_PROTO(struct kvm_vcpu *vcpu, u64 fault_address, u64 error_code) */
SEC("tp_btf/kvm_page_fault")
int BPF_PROG(pf_btf, struct kvm_vcpu___x *vcpu, __u64 fault_address, __u64 error_code)
{
	on_page_fault(fault_address, vcpu);
	return 0;
}

SEC("tracepoint/kvm/kvm_page_fault")
int pf_tp(void *ctx)
{
	if (off_pf_addr >= 0)
		on_page_fault(field_u64(ctx, off_pf_addr), NULL);
	return 0;
}

/* The KVM event mix: plain counts of the other kvm events (raw tracepoints need no BTF). */
#define MIX_PROG(name)						\
	SEC("raw_tp/" #name)					\
	int ev_##name(void *ctx)				\
	{							\
		__u32 idx = EVI_##name;				\
		__u64 *v;					\
								\
		if (!wanted(bpf_get_current_pid_tgid()))	\
			return 0;				\
		v = bpf_map_lookup_elem(&kvm_events, &idx);	\
		if (v)						\
			(*v)++;					\
		return 0;					\
	}
LIVE_KVM_EVENTS(MIX_PROG)
