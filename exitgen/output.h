/* SPDX-License-Identifier: GPL-2.0 */
/* What exitgen prints: a human summary or one JSON object. */
#ifndef EXITGEN_OUTPUT_H
#define EXITGEN_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm.h"

struct report {
	const struct vm *vm;
	const struct run_shared *shared;
	struct exit_counts expected;		/* over all vCPUs */
	uint64_t icr_writes, x2apic_enables;	/* icr steps, all vCPUs (in expected.msr) */
	uint64_t exits[EXIT_REASON_SLOTS];	/* over all vCPUs */
	uint64_t elapsed_ns;			/* --vms: from the first VM's start */
	int vms;				/* VMs run one after another (--vms) */
	bool ok;
	const char *error;			/* first error, or NULL */
};

/* A vCPU's leaf result slot, read back from guest memory. */
void leaf_result(const struct vm *vm, const struct vcpu *v, int step,
		 uint32_t regs[4]);

void print_human(FILE *f, const struct report *r);
/* 0, or -1 after saying on stderr why the JSON could not be built. */
int print_json(FILE *f, const struct report *r);

#endif
