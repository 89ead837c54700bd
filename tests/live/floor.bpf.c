// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of `make bench`: the least a BPF exit counter can do. One
 * kvm_exit program, the SVM exit code read with CO-RE (as exitstat does),
 * one per-CPU array slot incremented. No pid filter, no time, no vCPU.
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

/* kvm_exit(vcpu, isa): vcpu is the first member of struct vcpu_svm. */
SEC("tp_btf/kvm_exit")
int BPF_PROG(floor_exit, struct vcpu_svm___f *svm)
{
	__u32 code;
	__u64 *v;

	if (!svm)
		return 0;
	code = BPF_CORE_READ(svm, vmcb, control.exit_code) & (FLOOR_CODES - 1);
	v = bpf_map_lookup_elem(&by_code, &code);
	if (v)
		(*v)++;
	return 0;
}
