// SPDX-License-Identifier: GPL-2.0
/*
 * Long mode with identity paging: the first 1 GiB mapped with 2 MiB pages
 * (no 1 GiB pages: those need PDPE1GB in the guest CPUID). Entered
 * directly through KVM_SET_SREGS; the GDT and TSS in memory only mirror
 * what the segment registers hold.
 */
#include <string.h>

#include "guest.h"

#define PTE_P	(1ull << 0)
#define PTE_RW	(1ull << 1)
#define PTE_PS	(1ull << 7)

#define CR0_PE	(1ull << 0)
#define CR0_MP	(1ull << 1)
#define CR0_ET	(1ull << 4)
#define CR0_NE	(1ull << 5)
#define CR0_WP	(1ull << 16)
#define CR0_PG	(1ull << 31)
#define CR4_PAE	(1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

static uint64_t g64_rip_base(int vcpu)
{
	return region_base(vcpu);
}

static void g64_mmio_setup(struct code *c, int vcpu)
{
	emit8(c, 0xbf);		/* mov edi, imm32 (zero-extends into rdi) */
	emit32(c, (uint32_t)mmio_addr(vcpu));
}

static void g64_mmio_store(struct code *c)
{
	emit8(c, 0x89);		/* mov [rdi], eax */
	emit8(c, 0x07);
}

static void g64_leaf_store(struct code *c, int vcpu, uint64_t gpa)
{
	/* mov [rdi], eax; mov [rdi+4], ebx; mov [rdi+8], ecx; mov [rdi+12], edx */
	static const uint8_t stores[] = {
		0x89, 0x07,
		0x89, 0x5f, 0x04,
		0x89, 0x4f, 0x08,
		0x89, 0x57, 0x0c,
	};

	(void)vcpu;
	emit8(c, 0xbf);
	emit32(c, (uint32_t)gpa);
	emit_bytes(c, stores, sizeof(stores));
}

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, sizeof(v));
}

/* Flat descriptor: base 0, limit 4 GiB. */
static uint64_t gdt_entry(uint8_t type, bool long_mode)
{
	uint64_t d = 0xffffull | 0xfull << 48;	/* limit */

	d |= (uint64_t)type << 40;
	d |= 1ull << 44;			/* S: code/data */
	d |= 1ull << 47;			/* P */
	d |= 1ull << 55;			/* G */
	if (long_mode)
		d |= 1ull << 53;		/* L */
	else
		d |= 1ull << 54;		/* D/B */
	return d;
}

static void g64_setup_memory(uint8_t *mem, size_t size)
{
	uint64_t tss_low;

	(void)size;
	put64(mem, PML4_ADDR, PDPT_ADDR | PTE_P | PTE_RW);
	put64(mem, PDPT_ADDR, PD_ADDR | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < 512; i++)
		put64(mem, PD_ADDR + 8 * i,
		      (i << 21) | PTE_P | PTE_RW | PTE_PS);

	put64(mem, GDT_ADDR, 0);
	put64(mem, GDT_ADDR + SEL_CODE64, gdt_entry(0x0b, true));
	put64(mem, GDT_ADDR + SEL_DATA, gdt_entry(0x03, false));
	/* 64-bit busy TSS, limit 0x67, base TSS_ADDR (upper half zero) */
	tss_low = 0x67 | (uint64_t)(TSS_ADDR & 0xffffff) << 16 |
		  0xbull << 40 | 1ull << 47 |
		  (uint64_t)(TSS_ADDR >> 24) << 56;
	put64(mem, GDT_ADDR + SEL_TSS, tss_low);
	put64(mem, GDT_ADDR + SEL_TSS + 8, 0);
}

static void flat_segment(struct kvm_segment *seg, uint16_t sel, uint8_t type)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = 0;
	seg->limit = 0xffffffff;
	seg->selector = sel;
	seg->type = type;
	seg->present = 1;
	seg->s = 1;
	seg->g = 1;
}

static void g64_init_sregs(struct kvm_sregs *sregs, int vcpu)
{
	(void)vcpu;
	flat_segment(&sregs->cs, SEL_CODE64, 0x0b);
	sregs->cs.l = 1;
	flat_segment(&sregs->ds, SEL_DATA, 0x03);
	sregs->ds.db = 1;
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;

	memset(&sregs->tr, 0, sizeof(sregs->tr));
	sregs->tr.base = TSS_ADDR;
	sregs->tr.limit = 0x67;
	sregs->tr.selector = SEL_TSS;
	sregs->tr.type = 0x0b;	/* 64-bit busy TSS */
	sregs->tr.present = 1;

	sregs->gdt.base = GDT_ADDR;
	sregs->gdt.limit = SEL_TSS + 16 - 1;

	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->cr3 = PML4_ADDR;
	sregs->cr4 = CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;
}

static uint64_t g64_start_rip(int vcpu)
{
	return region_base(vcpu);
}

const struct guest_mode guest64_mode = {
	.bits = 64,
	.rip_base = g64_rip_base,
	.mmio_setup = g64_mmio_setup,
	.mmio_store = g64_mmio_store,
	.leaf_store = g64_leaf_store,
	.setup_memory = g64_setup_memory,
	.init_sregs = g64_init_sregs,
	.start_rip = g64_start_rip,
};
