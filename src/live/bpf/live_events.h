/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM events of the event mix, by index: shared by the BPF program
 * (exitstat.bpf.c, through live_abi.h) and both user-space backends. Plain C
 * preprocessor, no kernel types, so the perf backend needs nothing else of
 * the BPF ABI.
 */
#ifndef EXITSTAT_LIVE_EVENTS_H
#define EXITSTAT_LIVE_EVENTS_H

/* The KVM events counted for the event mix (kvm_exit itself included). */
#define LIVE_KVM_EVENTS(X)		\
	X(kvm_exit)			\
	X(kvm_entry)			\
	X(kvm_userspace_exit)		\
	X(kvm_pio)			\
	X(kvm_fast_mmio)		\
	X(kvm_mmio)			\
	X(kvm_msr)			\
	X(kvm_cpuid)			\
	X(kvm_emulate_insn)		\
	X(kvm_hypercall)		\
	X(kvm_page_fault)		\
	X(kvm_cr)			\
	X(kvm_inj_virq)			\
	X(kvm_inj_exception)		\
	X(kvm_apic)			\
	X(kvm_set_irq)			\
	X(kvm_fpu)			\
	X(kvm_nested_vmexit)

#define LIVE_EV_ENUM(name) EVI_##name,
enum live_kvm_event { LIVE_KVM_EVENTS(LIVE_EV_ENUM) EVI__MAX };
#undef LIVE_EV_ENUM

#endif
