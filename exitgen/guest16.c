// SPDX-License-Identifier: GPL-2.0
/*
 * Real mode: each vCPU runs with all segment bases at its own region, so
 * code and leaf slots are 16-bit offsets; ES points at MMIO_BASE for the
 * mmio step. No paging, no descriptor tables, IF clear.
 */
#include "guest.h"

static uint64_t g16_rip_base(int vcpu)
{
	(void)vcpu;
	return 0;		/* rip is the offset from CS base */
}

static void g16_mmio_setup(struct code *c, int vcpu)
{
	emit8(c, 0xb8);		/* mov ax, MMIO_BASE >> 4 */
	emit16(c, MMIO_BASE >> 4);
	emit8(c, 0x8e);		/* mov es, ax */
	emit8(c, 0xc0);
	emit8(c, 0xbf);		/* mov di, offset */
	emit16(c, (uint16_t)(mmio_addr(vcpu) - MMIO_BASE));
}

static void g16_mmio_store(struct code *c)
{
	static const uint8_t mov_es_di_eax[] = { 0x26, 0x66, 0x89, 0x05 };

	emit_bytes(c, mov_es_di_eax, sizeof(mov_es_di_eax));
}

static void g16_leaf_store(struct code *c, int vcpu, uint64_t gpa)
{
	/* mov [di], eax; mov [di+4], ebx; mov [di+8], ecx; mov [di+12], edx */
	static const uint8_t stores[] = {
		0x66, 0x89, 0x05,
		0x66, 0x89, 0x5d, 0x04,
		0x66, 0x89, 0x4d, 0x08,
		0x66, 0x89, 0x55, 0x0c,
	};

	emit8(c, 0xbf);		/* mov di, offset in DS */
	emit16(c, (uint16_t)(gpa - region_base(vcpu)));
	emit_bytes(c, stores, sizeof(stores));
}

static void g16_setup_memory(uint8_t *mem, size_t size)
{
	(void)mem;
	(void)size;
}

static void real_segment(struct kvm_segment *seg, uint64_t base)
{
	seg->base = base;
	seg->selector = (uint16_t)(base >> 4);
	seg->limit = 0xffff;
	seg->present = 1;
	seg->s = 1;
	seg->dpl = 0;
	seg->db = 0;
	seg->l = 0;
	seg->g = 0;
	seg->unusable = 0;
}

static void g16_init_sregs(struct kvm_sregs *sregs, int vcpu)
{
	uint64_t base = region_base(vcpu);

	/* Start from the reset state, which is real mode already. */
	real_segment(&sregs->cs, base);
	sregs->cs.type = 0x0b;	/* execute/read, accessed */
	real_segment(&sregs->ds, base);
	sregs->ds.type = 0x03;	/* read/write, accessed */
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->cr0 &= ~(1ull << 31 | 1ull);	/* PG, PE off */
	sregs->efer = 0;
}

static uint64_t g16_start_rip(int vcpu)
{
	(void)vcpu;
	return 0;
}

const struct guest_mode guest16_mode = {
	.bits = 16,
	.rip_base = g16_rip_base,
	.mmio_setup = g16_mmio_setup,
	.mmio_store = g16_mmio_store,
	.leaf_store = g16_leaf_store,
	.setup_memory = g16_setup_memory,
	.init_sregs = g16_init_sregs,
	.start_rip = g16_start_rip,
};
