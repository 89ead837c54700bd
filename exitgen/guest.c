// SPDX-License-Identifier: GPL-2.0
/*
 * The guest program, common to both modes: each step becomes a loop with
 * the repetition count in esi, so large counts cost a few bytes. Only the
 * operand-size prefix and memory addressing differ between real mode and
 * long mode; those come from struct guest_mode.
 *
 * Exit bookkeeping the VMM relies on (see vcpu.c):
 *   out   OUT  PORT_OUT, 4 bytes, data = remaining count (n .. 1)
 *   in    IN   PORT_IN, 4 bytes
 *   mmio  4-byte write of the remaining count to mmio_addr(vcpu)
 *   wrmsr edx:eax = step index : remaining count
 *   sleep OUT  PORT_CONTROL, 4 bytes, data = step index
 *   icr   WRMSR IA32_APIC_BASE (x2APIC on), then N x WRMSR of the x2APIC
 *         ICR (guest.h ICR_VALUE); both handled inside KVM
 *   touch 4-byte write to the next page of the vCPU's share of the touch
 *         memslot, each page once: its first access, one nested page fault
 *   end   HLT, or with an irqchip OUT PORT_CONTROL of END_MARKER
 * No other port I/O, HLT, MSR access or CPUID is executed, so the kvm_exit
 * counts of a real KVM equal the expected counts in steps.c exactly.
 */
#include <stdio.h>
#include <string.h>

#include "guest.h"

void emit8(struct code *c, uint8_t b)
{
	if (c->len >= c->cap) {
		c->overflow = true;
		return;
	}
	c->buf[c->len++] = b;
}

void emit16(struct code *c, uint16_t v)
{
	emit8(c, v & 0xff);
	emit8(c, v >> 8);
}

void emit32(struct code *c, uint32_t v)
{
	emit16(c, v & 0xffff);
	emit16(c, v >> 16);
}

void emit_bytes(struct code *c, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		emit8(c, bytes[i]);
}

/* 32-bit operand: real mode needs the operand-size prefix. */
static void op32(struct code *c, const struct guest_mode *m)
{
	if (m->bits == 16)
		emit8(c, 0x66);
}

enum reg { EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESI = 6, EDI = 7 };

static void mov_imm32(struct code *c, const struct guest_mode *m, enum reg r,
		      uint32_t v)
{
	op32(c, m);
	emit8(c, 0xb8 + r);
	emit32(c, v);
}

static void mov_eax_esi(struct code *c, const struct guest_mode *m)
{
	op32(c, m);
	emit8(c, 0x89);		/* mov r/m32, r32 */
	emit8(c, 0xc0 | ESI << 3 | EAX);
}

static void xor_self(struct code *c, const struct guest_mode *m, enum reg r)
{
	op32(c, m);
	emit8(c, 0x31);
	emit8(c, 0xc0 | r << 3 | r);
}

static void out_eax(struct code *c, const struct guest_mode *m, uint8_t port)
{
	op32(c, m);
	emit8(c, 0xe7);
	emit8(c, port);
}

static void in_eax(struct code *c, const struct guest_mode *m, uint8_t port)
{
	op32(c, m);
	emit8(c, 0xe5);
	emit8(c, port);
}

static void cpuid(struct code *c)
{
	emit8(c, 0x0f);
	emit8(c, 0xa2);
}

static void wrmsr(struct code *c)
{
	emit8(c, 0x0f);
	emit8(c, 0x30);
}

/* Starts a loop run n times (n > 0); returns the loop's top. */
static size_t loop_begin(struct code *c, const struct guest_mode *m,
			 uint32_t n)
{
	mov_imm32(c, m, ESI, n);
	return c->len;
}

/* dec esi; jnz top. Bodies are short, so rel8 reaches. */
static int loop_end(struct code *c, const struct guest_mode *m, size_t top)
{
	long rel;

	op32(c, m);
	emit8(c, 0xff);
	emit8(c, 0xc8 | ESI);	/* dec r/m32: /1 */
	rel = (long)top - (long)(c->len + 2);
	if (rel < -128)
		return -1;
	emit8(c, 0x75);
	emit8(c, (uint8_t)(int8_t)rel);
	return 0;
}

/*
 * touch:N (long mode; guest_build checked): mov edi, first page; then N
 * times mov [rdi], eax; add edi, 4096. Each store is the first access to its
 * page: one nested page fault, which KVM handles (the page is in a memslot).
 */
static int emit_touch(struct code *c, const struct guest_mode *m, const struct step *s,
		      int index, int vcpu, struct guest_image *img)
{
	static const uint8_t add_edi_4k[] = { 0x81, 0xc7, 0x00, 0x10, 0x00, 0x00 };
	size_t top;

	img->touch_gpa[index] = touch_page(vcpu, img->touched);
	img->touched += s->n;
	mov_imm32(c, m, EDI, (uint32_t)img->touch_gpa[index]);
	top = loop_begin(c, m, s->n);
	img->exit_rip[index] = m->rip_base(vcpu) + c->len;
	emit8(c, 0x89);		/* mov [rdi], eax */
	emit8(c, 0x07);
	emit_bytes(c, add_edi_4k, sizeof(add_edi_4k));
	return loop_end(c, m, top);
}

static int emit_step(struct code *c, const struct guest_mode *m,
		     const struct step *s, int index, int vcpu, uint32_t msr,
		     struct guest_image *img)
{
	uint64_t *at = &img->exit_rip[index];	/* set just before the exiting instruction */
	size_t top;

	if ((s->op == OP_OUT || s->op == OP_IN || s->op == OP_CPUID ||
	     s->op == OP_RDMSR || s->op == OP_WRMSR || s->op == OP_MMIO ||
	     s->op == OP_ICR || s->op == OP_TOUCH) &&
	    s->n == 0)
		return 0;

	switch (s->op) {
	case OP_OUT:
		top = loop_begin(c, m, s->n);
		mov_eax_esi(c, m);
		*at = m->rip_base(vcpu) + c->len;
		out_eax(c, m, PORT_OUT);
		return loop_end(c, m, top);
	case OP_IN:
		top = loop_begin(c, m, s->n);
		*at = m->rip_base(vcpu) + c->len;
		in_eax(c, m, PORT_IN);
		return loop_end(c, m, top);
	case OP_CPUID:
		top = loop_begin(c, m, s->n);
		xor_self(c, m, EAX);
		xor_self(c, m, ECX);
		*at = m->rip_base(vcpu) + c->len;
		cpuid(c);
		return loop_end(c, m, top);
	case OP_RDMSR:
		top = loop_begin(c, m, s->n);
		mov_imm32(c, m, ECX, msr);
		*at = m->rip_base(vcpu) + c->len;
		emit8(c, 0x0f);
		emit8(c, 0x32);
		return loop_end(c, m, top);
	case OP_WRMSR:
		top = loop_begin(c, m, s->n);
		mov_imm32(c, m, ECX, msr);
		mov_eax_esi(c, m);
		mov_imm32(c, m, EDX, (uint32_t)index);
		*at = m->rip_base(vcpu) + c->len;
		wrmsr(c);
		return loop_end(c, m, top);
	case OP_MMIO:
		m->mmio_setup(c, vcpu);
		top = loop_begin(c, m, s->n);
		mov_eax_esi(c, m);
		*at = m->rip_base(vcpu) + c->len;
		m->mmio_store(c);
		return loop_end(c, m, top);
	case OP_HLT:
		img->hlt_rip[index] = m->rip_base(vcpu) + c->len;
		*at = img->hlt_rip[index];
		emit8(c, 0xf4);
		return 0;
	case OP_SLEEP:
	case OP_WAIT:
		mov_imm32(c, m, EAX, (uint32_t)index);
		*at = m->rip_base(vcpu) + c->len;
		out_eax(c, m, PORT_CONTROL);
		return 0;
	case OP_ICR:
		/* WRMSR leaves ecx, eax and edx alone: set once, then the loop. */
		mov_imm32(c, m, ECX, MSR_APIC_BASE);
		mov_imm32(c, m, EAX, APIC_BASE_X2APIC | (vcpu == 0 ? APIC_BASE_BSP : 0));
		xor_self(c, m, EDX);
		img->x2apic_rip[index] = m->rip_base(vcpu) + c->len;
		wrmsr(c);
		mov_imm32(c, m, ECX, MSR_X2APIC_ICR);
		mov_imm32(c, m, EAX, (uint32_t)ICR_VALUE);
		mov_imm32(c, m, EDX, (uint32_t)(ICR_VALUE >> 32));
		top = loop_begin(c, m, s->n);
		*at = m->rip_base(vcpu) + c->len;
		wrmsr(c);
		return loop_end(c, m, top);
	case OP_TOUCH:
		return emit_touch(c, m, s, index, vcpu, img);
	case OP_LEAF:
		img->leaf_gpa[index] = region_base(vcpu) + REGION_LEAVES +
				       (uint64_t)LEAF_SLOT_SIZE * index;
		mov_imm32(c, m, EAX, s->eax_in);
		mov_imm32(c, m, ECX, s->ecx_in);
		*at = m->rip_base(vcpu) + c->len;
		cpuid(c);
		m->leaf_store(c, vcpu, img->leaf_gpa[index]);
		return 0;
	}
	return 0;
}

int guest_touch_check(const struct guest_mode *mode, const struct step *steps, int nsteps,
		       char *err, size_t errlen)
{
	uint64_t pages = 0;

	for (int i = 0; i < nsteps; i++) {
		if (steps[i].op != OP_TOUCH)
			continue;
		if (mode->bits != 64) {
			snprintf(err, errlen, "step %d '%s': touch needs --mode 64 (its memslot is at %#x, above what real mode reaches)",
				 i + 1, steps[i].text, TOUCH_BASE);
			return -1;
		}
		pages += steps[i].n;
		if (pages > TOUCH_PAGES) {
			snprintf(err, errlen, "step %d '%s': the touch steps write %llu pages per vCPU, at most %u",
				 i + 1, steps[i].text, (unsigned long long)pages, TOUCH_PAGES);
			return -1;
		}
	}
	return 0;
}

bool steps_touch(const struct step *steps, int nsteps)
{
	for (int i = 0; i < nsteps; i++)
		if (steps[i].op == OP_TOUCH && steps[i].n)
			return true;
	return false;
}

int guest_build(const struct guest_mode *mode, const struct step *steps,
		int nsteps, int vcpu, uint32_t msr, bool irqchip,
		struct guest_image *img, char *err, size_t errlen)
{
	struct code c = { .buf = img->code, .cap = sizeof(img->code) };

	memset(img, 0, sizeof(*img));
	img->code_gpa = region_base(vcpu);
	if (nsteps > MAX_STEPS) {
		snprintf(err, errlen, "too many steps: %d (at most %d)", nsteps,
			 MAX_STEPS);
		return -1;
	}
	if (guest_touch_check(mode, steps, nsteps, err, errlen))
		return -1;
	for (int i = 0; i < nsteps; i++) {
		if (emit_step(&c, mode, &steps[i], i, vcpu, msr, img)) {
			snprintf(err, errlen,
				 "step %d '%s': loop body too long for a short jump",
				 i + 1, steps[i].text);
			return -1;
		}
	}
	/* With an irqchip, the OUT that stands for the final HLT (guest.h). */
	if (irqchip) {
		mov_imm32(&c, mode, EAX, END_MARKER);
		img->final_out_rip = mode->rip_base(vcpu) + c.len;
		out_eax(&c, mode, PORT_CONTROL);
	}
	/* The final HLT; should the guest ever run on, it only halts again. */
	if (!irqchip)
		img->final_hlt_rip = mode->rip_base(vcpu) + c.len;
	emit8(&c, 0xf4);
	emit8(&c, 0xeb);	/* jmp back to the hlt */
	emit8(&c, 0xfd);
	if (c.overflow) {
		snprintf(err, errlen,
			 "the guest program for %d steps does not fit in %u bytes",
			 nsteps, REGION_CODE_MAX);
		return -1;
	}
	img->len = c.len;
	return 0;
}
