/* SPDX-License-Identifier: GPL-2.0 */
/* VM, guest memory and vCPU setup on /dev/kvm, and the per-vCPU state. */
#ifndef EXITGEN_VM_H
#define EXITGEN_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/kvm.h>

#include "guest.h"
#include "kvmstats.h"
#include "steps.h"

/* Exit reasons counted by name; larger ones share the last bucket. */
#define EXIT_REASON_SLOTS 64

struct vm {
	int kvm_fd;
	int vm_fd;
	uint8_t *mem;
	size_t mem_size;
	size_t run_size;
	const struct guest_mode *mode;
	bool msr_to_user;	/* MSR filter sends rdmsr/wrmsr to us */
	uint32_t msr;		/* the MSR the guest reads and writes */
	struct kvm_cpuid2 *cpuid;
	bool exit_stats_cpuid;	/* KVM_CAP_X86_EXIT_STATS_CPUID enabled */
	bool irqchip;		/* KVM_CREATE_IRQCHIP: PIC, IOAPIC, LAPIC in KVM */
	uint8_t *touch_mem;	/* the touch steps' memslot (TOUCH_SLOT), or NULL */
	size_t touch_size;
};

struct run_shared;

struct vcpu {
	int index;
	int fd;
	struct kvm_run *run;
	struct vm *vm;
	struct run_shared *shared;
	pthread_t thread;
	bool thread_started;
	_Atomic pid_t tid;

	struct guest_image img;
	struct exit_counts expected;
	uint64_t expected_userspace;
	uint64_t expected_msr_user;	/* of it, RDMSR/WRMSR exits */

	/* where the guest is: steps[step], with remaining repetitions */
	int step;
	uint32_t remaining;

	uint64_t exits[EXIT_REASON_SLOTS];
	/* --kvm-stats: the binary stats fd, read at the wait step and at the end */
	struct kvm_exit_stats kstats;
	struct kvm_exit_sample kstats_wait, kstats_end;
	bool done;		/* reached the final HLT at the right rip */
	bool stopped;		/* stopped because another vCPU failed */
	char error[512];
};

/* State all vCPU threads share. */
struct run_shared {
	const struct step *steps;
	int nsteps;
	struct vcpu *vcpus;
	int nvcpus;
	uint64_t max_exits;
	atomic_uint_fast64_t total_exits;
	atomic_bool stop;

	/* vCPU threads that have returned, so main can wait with a timeout */
	pthread_mutex_t lock;
	pthread_cond_t finished_cond;
	int finished;

	/*
	 * The wait step (under lock): the last vCPU to reach it writes
	 * ready_file, then reads one byte from go_fd; the others wait for go.
	 */
	const char *ready_file;
	int go_fd;
	bool kvm_stats;		/* sample every vCPU's stats fd at the wait step */
	pthread_cond_t wait_cond;
	int waiting;
	bool go;
};

/*
 * Setup steps exit(1) with a message naming the failing ioctl; there is
 * nothing to clean up that the kernel does not.
 */
void vm_open(struct vm *vm, const char *device);
/*
 * The exitstat kernel patch (kernel/patches/): let this VM's guest read the
 * host's VM-exit statistics through CPUID 0x4ffffffc-0x4fffffff. Not in
 * upstream headers; the patch numbers it far from upstream's capabilities.
 */
#ifndef KVM_CAP_X86_EXIT_STATS_CPUID
#define KVM_CAP_X86_EXIT_STATS_CPUID 0x45530001
#endif
void vm_enable_exit_stats_cpuid(struct vm *vm);

void vm_create(struct vm *vm, const struct guest_mode *mode, int nvcpus,
	       bool want_msr_filter);
/*
 * --irqchip: KVM's in-kernel PIC, IOAPIC and LAPIC (KVM_CREATE_IRQCHIP;
 * before any vCPU). With need_x2apic (an icr step), also checks that the
 * guest's CPUID (KVM_GET_SUPPORTED_CPUID) offers x2APIC.
 */
void vm_create_irqchip(struct vm *vm, bool need_x2apic);
void vm_load_image(struct vm *vm, const struct guest_image *img);
/*
 * The touch steps' memslot: TOUCH_SLOT at TOUCH_BASE, TOUCH_PAGES pages per
 * vCPU, never touched before the guest writes it, in 4 KiB pages (no THP,
 * so each first write is one nested page fault of its own).
 */
void vm_add_touch_slot(struct vm *vm, int nvcpus);
void vcpu_create(struct vm *vm, struct vcpu *vcpu);
/*
 * Gives the VM and its vCPUs back to KVM (--vms: before the next VM); vm is
 * zeroed. The vCPUs' counts stay.
 */
void vm_close(struct vm *vm, struct vcpu *vcpus, int nvcpus);

/* For error reports: current rip, or ~0 if it cannot be read. */
uint64_t vcpu_rip(struct vcpu *vcpu);

#endif
