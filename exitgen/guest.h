/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs: memory layout, the ports and MSR they use, and the
 * code generators for real mode (guest16.c) and long mode (guest64.c).
 */
#ifndef EXITGEN_GUEST_H
#define EXITGEN_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "steps.h"

/*
 * Guest-physical layout. Everything stays below 1 MiB so real mode reaches
 * it: page tables and GDT in the first 64 KiB, then one 64 KiB region per
 * vCPU (code first, leaf results at REGION_LEAVES), then unbacked space
 * from MMIO_BASE on where the mmio step writes.
 */
#define MAX_VCPUS	14
#define REGION_SIZE	0x10000u
#define REGION_CODE_MAX	0x8000u
#define REGION_LEAVES	0x8000u
#define LEAF_SLOT_SIZE	16u	/* eax, ebx, ecx, edx */
#define MMIO_BASE	0xf0000u
#define MMIO_STRIDE	0x10u

/*
 * The touch step's memslot (slot 1, only when a touch step is given): each
 * vCPU has TOUCH_PAGES pages of it, each written once, for the first time,
 * by one touch (long mode only: it is above what real mode reaches).
 */
#define TOUCH_SLOT	1u
#define TOUCH_BASE	0x100000u
#define TOUCH_PAGES	64u
#define PAGE_SIZE_4K	0x1000u

#define PML4_ADDR	0x1000u
#define PDPT_ADDR	0x2000u
#define PD_ADDR		0x3000u
#define GDT_ADDR	0x4000u
#define TSS_ADDR	0x4100u
/* Only used by VMX real-mode emulation; three pages above 4 GiB - 0x43000. */
#define KVM_TSS_ADDR	0xfffbd000u

#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x18

/* No in-kernel device listens on these, so every access exits to user space. */
#define PORT_OUT	0xe0
#define PORT_IN		0xe4
#define PORT_CONTROL	0xe8	/* sleep:MS */

/*
 * MSR for rdmsr/wrmsr. With the MSR filter: an index outside every range
 * of the VMX MSR bitmap and the SVM MSR permission map, so the CPU always
 * intercepts it, and outside KVM's own and Hyper-V's ranges; the filter
 * denies it, so every access exits to user space. Without the filter:
 * IA32_BIOS_SIGN_ID (microcode revision), intercepted on VMX and SVM,
 * readable, guest writes ignored by KVM.
 */
#define PRIVATE_MSR	0x45584700u	/* "EXG\0" */
#define FALLBACK_MSR	0x0000008bu

/*
 * icr:N (needs --irqchip: the in-kernel LAPIC). The guest turns x2APIC on
 * by writing IA32_APIC_BASE (the default base, enabled, EXTD; BSP on vCPU
 * 0), then writes the x2APIC ICR (MSR 0x830) N times with ICR_VALUE: fixed
 * delivery, physical destination, no shorthand, edge, vector ICR_VECTOR, to
 * the x2APIC ID ICR_DEST that no vCPU has and that is not the broadcast
 * 0xffffffff. That is the form Linux 6.12's handle_fastpath_set_msr_irqoff()
 * (arch/x86/kvm/x86.c, handle_fastpath_set_x2apic_icr_irqoff()) completes
 * in the fastpath and re-enters the guest from (EXIT_FASTPATH_REENTER_GUEST);
 * no bit of kvm_x2apic_icr_write()'s reserved mask is set, and with no
 * such destination the IPI reaches nobody.
 */
#define MSR_APIC_BASE		0x0000001bu
#define APIC_BASE_X2APIC	0xfee00c00u	/* base 0xfee00000, EN (11), EXTD (10) */
#define APIC_BASE_BSP		0x00000100u
#define MSR_X2APIC_ICR		0x00000830u
#define ICR_VECTOR		0xeeu
#define ICR_DEST		0x45584700u	/* "EXG\0": far above any vCPU's x2APIC ID */
#define ICR_VALUE		((uint64_t)ICR_DEST << 32 | ICR_VECTOR)

/*
 * --irqchip: the in-kernel LAPIC emulates HLT (the vCPU halts inside KVM
 * until an interrupt, which IF=0 never lets in), so a program cannot end on
 * HLT: it ends with one OUT to PORT_CONTROL of END_MARKER instead (no step
 * index is that large).
 */
#define END_MARKER	0xffffffffu

static inline uint64_t region_base(int vcpu)
{
	return (uint64_t)REGION_SIZE * (vcpu + 1);
}

static inline uint64_t mmio_addr(int vcpu)
{
	return MMIO_BASE + (uint64_t)MMIO_STRIDE * vcpu;
}

static inline size_t guest_mem_size(int nvcpus)
{
	return (size_t)REGION_SIZE * (nvcpus + 1);
}

/* The k-th page (from 0) vCPU vcpu's touch steps write. */
static inline uint64_t touch_page(int vcpu, uint32_t k)
{
	return TOUCH_BASE + ((uint64_t)vcpu * TOUCH_PAGES + k) * PAGE_SIZE_4K;
}

static inline size_t touch_slot_size(int nvcpus)
{
	return (size_t)nvcpus * TOUCH_PAGES * PAGE_SIZE_4K;
}

/* One vCPU's program and where its checkpoints are. */
struct guest_image {
	uint8_t code[REGION_CODE_MAX];
	size_t len;
	uint64_t code_gpa;		/* where code[] is loaded */
	uint64_t hlt_rip[MAX_STEPS];	/* hlt steps: rip of the HLT */
	/*
	 * Every step: rip of the instruction that exits (OUT, IN, CPUID,
	 * RDMSR, WRMSR, the MMIO store, HLT); 0 for a step of n 0.
	 */
	uint64_t exit_rip[MAX_STEPS];
	uint64_t leaf_gpa[MAX_STEPS];	/* leaf steps: result slot */
	/* icr steps: rip of the WRMSR of IA32_APIC_BASE (exit_rip: the ICR's) */
	uint64_t x2apic_rip[MAX_STEPS];
	uint64_t touch_gpa[MAX_STEPS];	/* touch steps: the first page written (then one per touch) */
	uint32_t touched;		/* pages the touch steps so far write */
	uint64_t final_hlt_rip;		/* 0 with an irqchip */
	uint64_t final_out_rip;		/* with an irqchip: the OUT of END_MARKER */
};

/* Byte emitter shared by both generators. */
struct code {
	uint8_t *buf;
	size_t len;
	size_t cap;
	bool overflow;
};

/* Mode-specific pieces the common generator calls. */
struct guest_mode {
	int bits;
	/* rip of code offset 0 */
	uint64_t (*rip_base)(int vcpu);
	/* loads the register(s) the MMIO store addresses with */
	void (*mmio_setup)(struct code *c, int vcpu);
	/* stores eax to the MMIO address */
	void (*mmio_store)(struct code *c);
	/* stores eax, ebx, ecx, edx to the slot at gpa */
	void (*leaf_store)(struct code *c, int vcpu, uint64_t gpa);
	/* once per VM: page tables, descriptor tables */
	void (*setup_memory)(uint8_t *mem, size_t size);
	/* registers and segments a vCPU starts with */
	void (*init_sregs)(struct kvm_sregs *sregs, int vcpu);
	uint64_t (*start_rip)(int vcpu);
};

extern const struct guest_mode guest16_mode;
extern const struct guest_mode guest64_mode;

void emit8(struct code *c, uint8_t b);
void emit16(struct code *c, uint16_t v);
void emit32(struct code *c, uint32_t v);
void emit_bytes(struct code *c, const uint8_t *bytes, size_t n);

/*
 * Builds vCPU vcpu's program for the steps, ending on HLT, or with irqchip
 * on the OUT of END_MARKER. Returns -1 with a message in err if it does not
 * fit.
 */
/* The touch steps: long mode only, at most TOUCH_PAGES pages per vCPU in all. 0 or -1 (err). */
int guest_touch_check(const struct guest_mode *mode, const struct step *steps, int nsteps,
		      char *err, size_t errlen);

/* Whether the steps write the touch memslot (it is made only then). */
bool steps_touch(const struct step *steps, int nsteps);

int guest_build(const struct guest_mode *mode, const struct step *steps,
		int nsteps, int vcpu, uint32_t msr, bool irqchip,
		struct guest_image *img, char *err, size_t errlen);

#endif
