// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat's in-kernel side: counts every kvm_exit per (pid, vCPU, ISA,
 * reason) and measures the time in exit (kvm_exit -> next kvm_entry of the
 * same thread) into a log2 histogram, all in per-CPU maps, so nothing is
 * copied per exit to user space. In record mode each finished exit also
 * goes through a ring buffer.
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

/* Set by user space before load. */
const volatile __u32 targ_tgid;		/* 0: every process */
const volatile bool follow_children;	/* also the processes targ_tgid forks (a command) */
const volatile bool record_on;		/* send each exit through `records` */
const volatile __s32 off_reason = -1;	/* classic tracepoint field offsets, -1: absent */
const volatile __s32 off_isa = -1;
const volatile __s32 off_vcpu = -1;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct live_key);
	__type(value, struct live_counts);
} exit_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* thread id */
	__type(value, struct live_pending);
} pending SEC(".maps");

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

/* Minimal CO-RE views of KVM's structs; libbpf finds them in kvm/kvm_amd/kvm_intel BTF. */
struct kvm_vcpu___x {
	int vcpu_id;
} __attribute__((preserve_access_index));

struct vmcb_control_area___x {
	__u32 exit_code;
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

#define ISA_VMX 1
#define ISA_SVM 2

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		(*v)++;
}

static __always_inline bool wanted(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (!targ_tgid || tgid == targ_tgid)
		return true;
	return follow_children && bpf_map_lookup_elem(&children, &tgid);
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

static __always_inline struct live_counts *counts_of(struct live_key *key)
{
	static const struct live_counts zero;
	struct live_counts *c = bpf_map_lookup_elem(&exit_stats, key);

	if (c)
		return c;
	bpf_map_update_elem(&exit_stats, key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&exit_stats, key);
}

static __always_inline void on_exit(__u64 pid_tgid, __u32 vcpu, __u32 isa, __u32 reason)
{
	struct live_pending p = {}, *old;
	struct live_counts *c;
	__u32 tid = (__u32)pid_tgid;

	p.ts = bpf_ktime_get_ns();
	p.key.pid = pid_tgid >> 32;
	p.key.vcpu = vcpu;
	p.key.isa = isa;
	p.key.reason = reason;
	count(CNT_EXITS);
	c = counts_of(&p.key);
	if (c)
		c->count++;
	else
		count(CNT_STATS_FULL);
	/* In place when the thread has its slot: an update would allocate each time. */
	old = bpf_map_lookup_elem(&pending, &tid);
	if (old)
		*old = p;
	else if (bpf_map_update_elem(&pending, &tid, &p, BPF_ANY))
		count(CNT_PENDING_FULL);
}

static __always_inline void on_entry(__u64 pid_tgid)
{
	__u32 tid = (__u32)pid_tgid;
	struct live_pending *p;
	struct live_counts *c;
	__u64 now, dur;

	count(CNT_ENTRIES);
	p = bpf_map_lookup_elem(&pending, &tid);
	if (!p || !p->ts)
		return;
	now = bpf_ktime_get_ns();
	dur = now > p->ts ? now - p->ts : 0;
	c = bpf_map_lookup_elem(&exit_stats, &p->key);
	if (c) {
		c->timed++;
		c->time_ns += dur;
		if (dur > c->max_ns)
			c->max_ns = dur;
		c->hist[hist_bucket(dur)]++;
	}
	if (record_on) {
		struct live_record *r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);

		if (r) {
			r->ts = p->ts;
			r->dur_ns = dur;
			r->pid = p->key.pid;
			r->tid = tid;
			r->vcpu = p->key.vcpu;
			r->isa = p->key.isa;
			r->reason = p->key.reason;
			r->pad = 0;
			/* User space polls on a timer; wake it only when the ring fills up. */
			bpf_ringbuf_submit(r, bpf_ringbuf_query(&records, BPF_RB_AVAIL_DATA) >
					   bpf_ringbuf_query(&records, BPF_RB_RING_SIZE) / 2 ?
					   BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
		} else {
			count(CNT_RINGBUF_LOST);
		}
	}
	p->ts = 0;
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

static __always_inline int exit_btf(struct kvm_vcpu___x *vcpu, __u32 isa)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 reason;

	if (!wanted(pid_tgid) || !vcpu)
		return 0;
	if (!vcpu_exit_reason(vcpu, isa, &reason)) {
		count(CNT_NO_REASON);
		return 0;
	}
	on_exit(pid_tgid, BPF_CORE_READ(vcpu, vcpu_id), isa, reason);
	return 0;
}

/* Linux >= 5.12: TP_PROTO(struct kvm_vcpu *vcpu, u32 isa) */
SEC("tp_btf/kvm_exit")
int BPF_PROG(exit_btf_vcpu_isa, struct kvm_vcpu___x *vcpu, __u32 isa)
{
	return exit_btf(vcpu, isa);
}

/* Linux < 5.12: TP_PROTO(unsigned int exit_reason, struct kvm_vcpu *vcpu, u32 isa) */
SEC("tp_btf/kvm_exit")
int BPF_PROG(exit_btf_reason_vcpu_isa, unsigned int exit_reason, struct kvm_vcpu___x *vcpu,
	     __u32 isa)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!wanted(pid_tgid) || !vcpu)
		return 0;
	on_exit(pid_tgid, BPF_CORE_READ(vcpu, vcpu_id), isa, exit_reason);
	return 0;
}

SEC("tp_btf/kvm_entry")
int BPF_PROG(entry_btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (wanted(pid_tgid))
		on_entry(pid_tgid);
	return 0;
}

static __always_inline __u32 field_u32(void *ctx, __s32 off, __u32 dflt)
{
	__u32 v;

	if (off < 0 || bpf_probe_read_kernel(&v, sizeof(v), ctx + off))
		return dflt;
	return v;
}

SEC("tracepoint/kvm/kvm_exit")
int exit_tp(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!wanted(pid_tgid))
		return 0;
	on_exit(pid_tgid, field_u32(ctx, off_vcpu, LIVE_VCPU_UNKNOWN), field_u32(ctx, off_isa, 0),
		field_u32(ctx, off_reason, 0));
	return 0;
}

SEC("tracepoint/kvm/kvm_entry")
int entry_tp(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (wanted(pid_tgid))
		on_entry(pid_tgid);
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
