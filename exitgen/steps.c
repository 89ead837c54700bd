// SPDX-License-Identifier: GPL-2.0
/* Parsing STEP strings ("out:1000", "leaf:0x4ffffffc:0") into struct step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps.h"

static const struct {
	const char *name;
	enum step_op op;
	bool counted;		/* takes ":N" */
} step_ops[] = {
	{ "out", OP_OUT, true },
	{ "in", OP_IN, true },
	{ "cpuid", OP_CPUID, true },
	{ "rdmsr", OP_RDMSR, true },
	{ "wrmsr", OP_WRMSR, true },
	{ "mmio", OP_MMIO, true },
	{ "hlt", OP_HLT, false },
	{ "sleep", OP_SLEEP, false },
	{ "leaf", OP_LEAF, false },
	{ "wait", OP_WAIT, false },
	{ "icr", OP_ICR, true },
	{ "touch", OP_TOUCH, true },
};

const char *step_op_name(enum step_op op)
{
	for (size_t i = 0; i < sizeof(step_ops) / sizeof(step_ops[0]); i++)
		if (step_ops[i].op == op)
			return step_ops[i].name;
	return "?";
}

/* A 32-bit number, decimal or 0x-hex, nothing else. */
static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int step_parse(const char *text, int index, struct step *step, char *err,
	       size_t errlen)
{
	const char *colon = strchr(text, ':');
	size_t namelen = colon ? (size_t)(colon - text) : strlen(text);
	const char *arg = colon ? colon + 1 : NULL;
	size_t i;

	memset(step, 0, sizeof(*step));
	step->text = text;
	for (i = 0; i < sizeof(step_ops) / sizeof(step_ops[0]); i++)
		if (strlen(step_ops[i].name) == namelen &&
		    !strncmp(step_ops[i].name, text, namelen))
			break;
	if (i == sizeof(step_ops) / sizeof(step_ops[0])) {
		snprintf(err, errlen,
			 "step %d '%s': unknown operation '%.*s' (expected out, in, cpuid, rdmsr, wrmsr, mmio, hlt, sleep, leaf, wait, icr or touch)",
			 index + 1, text, (int)namelen, text);
		return -1;
	}
	step->op = step_ops[i].op;
	step->n = 1;

	switch (step->op) {
	case OP_HLT:
	case OP_WAIT:
		if (arg) {
			snprintf(err, errlen, "step %d '%s': %s takes no argument",
				 index + 1, text, step_ops[i].name);
			return -1;
		}
		return 0;
	case OP_SLEEP:
		if (!arg || parse_u32(arg, MAX_SLEEP_MS, &step->ms)) {
			snprintf(err, errlen,
				 "step %d '%s': expected sleep:MS with MS a number of milliseconds from 0 to %u",
				 index + 1, text, MAX_SLEEP_MS);
			return -1;
		}
		return 0;
	case OP_LEAF: {
		char eax[32];
		const char *ecx = arg ? strchr(arg, ':') : NULL;
		size_t len = arg ? (ecx ? (size_t)(ecx - arg) : strlen(arg)) : 0;

		if (!arg || len >= sizeof(eax))
			goto bad_leaf;
		memcpy(eax, arg, len);
		eax[len] = '\0';
		if (parse_u32(eax, UINT32_MAX, &step->eax_in))
			goto bad_leaf;
		if (ecx && parse_u32(ecx + 1, UINT32_MAX, &step->ecx_in))
			goto bad_leaf;
		return 0;
bad_leaf:
		snprintf(err, errlen,
			 "step %d '%s': expected leaf:EAX or leaf:EAX:ECX with 32-bit numbers (decimal or 0x hex)",
			 index + 1, text);
		return -1;
	}
	default:
		if (!arg || parse_u32(arg, UINT32_MAX, &step->n)) {
			snprintf(err, errlen,
				 "step %d '%s': expected %s:N with N a count from 0 to %u",
				 index + 1, text, step_ops[i].name, UINT32_MAX);
			return -1;
		}
		return 0;
	}
}

static void step_expected(const struct step *step, struct exit_counts *c)
{
	switch (step->op) {
	case OP_OUT:
	case OP_IN:
		c->io += step->n;
		break;
	case OP_SLEEP:		/* one OUT to the control port */
	case OP_WAIT:
		c->io += 1;
		break;
	case OP_CPUID:
		c->cpuid += step->n;
		break;
	case OP_LEAF:
		c->cpuid += 1;
		break;
	case OP_RDMSR:
	case OP_WRMSR:
		c->msr += step->n;
		break;
	case OP_MMIO:
		c->mmio += step->n;
		break;
	case OP_HLT:
		c->hlt += 1;
		break;
	case OP_ICR:		/* IA32_APIC_BASE once, then N x the ICR */
		c->msr += step->n ? step->n + 1ull : 0;
		break;
	case OP_TOUCH:
		c->touch += step->n;
		break;
	}
}

void program_expected(const struct step *steps, int nsteps, bool irqchip,
		      struct exit_counts *counts)
{
	for (int i = 0; i < nsteps; i++)
		step_expected(&steps[i], counts);
	/* What ends every program: its final HLT, or the OUT replacing it. */
	if (irqchip)
		counts->io += 1;
	else
		counts->hlt += 1;
}

void program_icr(const struct step *steps, int nsteps, uint64_t *icr_writes,
		 uint64_t *x2apic_enables)
{
	for (int i = 0; i < nsteps; i++) {
		if (steps[i].op != OP_ICR || !steps[i].n)
			continue;
		*icr_writes += steps[i].n;
		*x2apic_enables += 1;
	}
}

uint64_t step_userspace_exits(const struct step *step, bool msr_to_user)
{
	switch (step->op) {
	case OP_OUT:
	case OP_IN:
	case OP_MMIO:
		return step->n;
	case OP_RDMSR:
	case OP_WRMSR:
		return msr_to_user ? step->n : 0;
	case OP_HLT:
	case OP_SLEEP:
	case OP_WAIT:
		return 1;
	case OP_CPUID:
	case OP_LEAF:
	case OP_ICR:		/* KVM's in-kernel LAPIC handles both MSRs */
	case OP_TOUCH:		/* a nested page fault KVM handles */
		return 0;
	}
	return 0;
}
