/* SPDX-License-Identifier: GPL-2.0 */
/* Guest program steps: parsing STEP strings and the exits each step causes. */
#ifndef EXITGEN_STEPS_H
#define EXITGEN_STEPS_H

#include <stdbool.h>
#include <stdint.h>

/* Bounded so one vCPU's code and leaf results fit its 64 KiB region. */
#define MAX_STEPS 512
#define MAX_SLEEP_MS 3600000u

enum step_op {
	OP_OUT,
	OP_IN,
	OP_CPUID,
	OP_RDMSR,
	OP_WRMSR,
	OP_MMIO,
	OP_HLT,
	OP_SLEEP,
	OP_LEAF,
	OP_WAIT,
	OP_ICR,
	OP_TOUCH,
};

struct step {
	enum step_op op;
	uint32_t n;		/* repetitions; 1 for hlt, sleep, leaf and wait */
	uint32_t ms;		/* sleep */
	uint32_t eax_in;	/* leaf */
	uint32_t ecx_in;	/* leaf */
	const char *text;	/* as given on the command line */
};

/* Exits a step causes, by the kind a real KVM's kvm_exit tracepoint shows. */
struct exit_counts {
	uint64_t io;
	uint64_t cpuid;
	uint64_t msr;
	uint64_t mmio;
	uint64_t hlt;
	uint64_t touch;		/* first touches of exitgen's second memslot: NPF / EPT violations */
};

const char *step_op_name(enum step_op op);

/*
 * Parses STEP number index (from 0). On failure returns -1 and writes a
 * message naming the step and what is wrong with it into err.
 */
int step_parse(const char *text, int index, struct step *step, char *err,
	       size_t errlen);

/*
 * Adds the exits one vCPU running all steps is asked to cause, including
 * its end: the final HLT, or with an in-kernel irqchip (irqchip true) the
 * final OUT that replaces it (see guest.h END_MARKER).
 */
void program_expected(const struct step *steps, int nsteps, bool irqchip,
		      struct exit_counts *counts);

/*
 * icr:N steps: the x2APIC ICR writes one vCPU makes (the N of each step)
 * and its writes of IA32_APIC_BASE that turn x2APIC on (one per step with
 * N > 0). Both are msr exits in program_expected's counts.
 */
void program_icr(const struct step *steps, int nsteps, uint64_t *icr_writes,
		 uint64_t *x2apic_enables);

/*
 * User-space exits (KVM_RUN returns) a step causes. RDMSR/WRMSR reach user
 * space only when the MSR filter sends them there.
 */
uint64_t step_userspace_exits(const struct step *step, bool msr_to_user);

#endif
