// SPDX-License-Identifier: GPL-2.0
/*
 * The floors of `make bench`: the least a BPF exit counter can do. One
 * kvm_exit program, the SVM exit code read with CO-RE (as exitstat does),
 * one per-CPU array slot incremented. No pid filter, no time, no vCPU.
 * `floor --time` loads the second pair below instead: the same count plus
 * the time in exit, the least any tool that times exits must add.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define FLOOR_CODES 4096	/* SVM codes 0x000-0xfff (0x400 npf included) */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FLOOR_CODES);
	__type(key, __u32);
	__type(value, __u64);
} by_code SEC(".maps");

struct vmcb_control_area___f {
	__u32 exit_code;
} __attribute__((preserve_access_index));

struct vmcb___f {
	struct vmcb_control_area___f control;
} __attribute__((preserve_access_index));

struct vcpu_svm___f {
	struct vmcb___f *vmcb;
} __attribute__((preserve_access_index));

/* The exit's code, counted. */
static __always_inline __u32 count_exit(struct vcpu_svm___f *svm)
{
	__u32 code = BPF_CORE_READ(svm, vmcb, control.exit_code) & (FLOOR_CODES - 1);
	__u64 *v = bpf_map_lookup_elem(&by_code, &code);

	if (v)
		(*v)++;
	return code;
}

/* kvm_exit(vcpu, isa): vcpu is the first member of struct vcpu_svm. */
SEC("tp_btf/kvm_exit")
int BPF_PROG(floor_exit, struct vcpu_svm___f *svm)
{
	if (svm)
		count_exit(svm);
	return 0;
}

/*
 * The floor with time in exit (`floor --time`): the least a counter that
 * also times each exit can do. The exit's clock and code wait in a
 * one-slot per-CPU array for the next kvm_entry on that CPU; the entry adds
 * the time to the code's total. Per CPU, not per vCPU: a vCPU that moves to
 * another CPU between its exit and its entry is timed wrong, which a real
 * tool cannot accept and a floor may. Helper calls: the two reads of the
 * code and the clock at kvm_exit, the clock at kvm_entry.
 */
struct floor_pending {
	__u64 ts;	/* 0: no exit waiting */
	__u32 code;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct floor_pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FLOOR_CODES);
	__type(key, __u32);
	__type(value, __u64);
} ns_by_code SEC(".maps");

SEC("tp_btf/kvm_exit")
int BPF_PROG(floor_time_exit, struct vcpu_svm___f *svm)
{
	struct floor_pending *p;
	__u32 code, zero = 0;

	if (!svm)
		return 0;
	code = count_exit(svm);
	p = bpf_map_lookup_elem(&pending, &zero);
	if (p) {
		p->ts = bpf_ktime_get_ns();
		p->code = code;
	}
	return 0;
}

SEC("tp_btf/kvm_entry")
int BPF_PROG(floor_time_entry)
{
	struct floor_pending *p;
	__u32 zero = 0;
	__u64 *v;

	p = bpf_map_lookup_elem(&pending, &zero);
	if (!p || !p->ts)
		return 0;
	v = bpf_map_lookup_elem(&ns_by_code, &p->code);
	if (v)
		*v += bpf_ktime_get_ns() - p->ts;
	p->ts = 0;
	return 0;
}
