/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit-reason catalogue: every VMX basic exit reason (Intel SDM Vol. 3,
 * Appendix C) and every SVM exit code (AMD APM Vol. 2, Appendix C), with the
 * Linux kernel's name, the other names tools print, and a plain meaning.
 * The data lives in reasons.c; this is its interface.
 */
#ifndef EXITSTAT_REASONS_H
#define EXITSTAT_REASONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Same numbering as the kvm_exit tracepoint's `isa` field (KVM_ISA_VMX/SVM). */
enum exit_isa {
	ISA_UNKNOWN = 0,
	ISA_VMX = 1,
	ISA_SVM = 2,
	ISA_NONE = 3,	/* an exit whose reason was cut off its record (EXIT_REASON_CUT_OFF) */
};

enum reason_flags {
	REASON_RESERVED = 1 << 0,	/* the SDM/APM reserves this number */
	REASON_KERNEL_NAMED = 1 << 1,	/* Linux's tracepoint prints `name` for it */
	REASON_VMGEXIT = 1 << 2,	/* SVM: a GHCB VMGEXIT sub-code (inside exit 0x403), no exit code */
};

struct exit_reason {
	enum exit_isa isa;
	uint32_t code;
	const char *name;	/* the kernel's name, or ours in the same style */
	const char *aliases;	/* other spellings, space separated ("" if none) */
	const char *meaning;	/* plain words */
	unsigned int flags;
};

/* VMX full exit-reason bits (SDM 28.2.1, "Basic VM-Exit Information"). */
#define VMX_EXIT_BASIC_MASK	0xffffu
#define VMX_EXIT_ENCLAVE_MODE	(1u << 27)
#define VMX_EXIT_PENDING_MTF	(1u << 28)
#define VMX_EXIT_FROM_ROOT	(1u << 29)
#define VMX_EXIT_FAILED_ENTRY	(1u << 31)

const char *isa_name(enum exit_isa isa);		/* "vmx", "svm", "none", "unknown" */
int isa_parse(const char *s, enum exit_isa *isa);	/* 0 or -1 */

/* All entries of one ISA in code order (reserved VMX numbers included). */
const struct exit_reason *reasons_table(enum exit_isa isa, size_t *n);

/*
 * The entry for (isa, code); VMX codes are reduced to the basic reason (a
 * code with reserved bits set, 16-26 or 30, has none). NULL if none.
 */
const struct exit_reason *reason_lookup(enum exit_isa isa, uint32_t code);

/*
 * Find a reason by any name a kernel or tool prints: the kernel's name
 * (`io`, `IO_INSTRUCTION`), aliases (`PENDING_INTERRUPT`, `EXIT_IOIO`,
 * `SVM_EXIT_IOIO`, `EXIT_REASON_IO_INSTRUCTION`), in any case. An exact,
 * case-sensitive match wins; otherwise `hint` (ISA_UNKNOWN for none) breaks
 * ties between the ISAs. Returns NULL when nothing matches.
 */
const struct exit_reason *reason_find(const char *name, enum exit_isa hint);

/* Like reason_find, but stops at the first `len` bytes of name. */
const struct exit_reason *reason_find_n(const char *name, size_t len, enum exit_isa hint);

/*
 * The names of 2.6.31-2.6.32's vmx_exit_reasons_str that are not the
 * catalogue's name in another case (`halt`, `ext_irq`). Lower case, as SVM
 * names are: a trace reader takes them as VMX when the trace's other lines
 * say VMX. reason_find_old_vmx: the VMX reason such a name (case and all)
 * is, or NULL; reason_old_vmx_names: r's, space separated, or NULL.
 */
const struct exit_reason *reason_find_old_vmx(const char *name, size_t len);
const char *reason_old_vmx_names(const struct exit_reason *r);

/*
 * Every reason the spelling can name, as some trace could print it: the
 * reason_find() answer first (hint: `only`), then the other ISA's reason of
 * that name in any case (lower-case VMX names of 2009, SVM names in capitals),
 * and 2009's VMX names. `only` (ISA_UNKNOWN: both) keeps one ISA. Up to max
 * in out; returns how many.
 */
size_t reason_find_all(const char *name, enum exit_isa only, const struct exit_reason **out,
		       size_t max);

/*
 * The other ISA's reasons with the same meaning (VMX 30 IO_INSTRUCTION and
 * SVM 0x7b io; VMX 31 and 32 and SVM 0x7c msr; VMX 48, 49 and SVM 0x400 npf),
 * from the catalogue's table of pairs. Up to max in out; returns how many.
 */
size_t reason_same_meaning(const struct exit_reason *r, const struct exit_reason **out,
			   size_t max);

/* Describe a full 32-bit VMX exit reason's flag bits, e.g. "FAILED_VMENTRY ENCLAVE". */
size_t vmx_exit_flags_str(uint32_t full_reason, char *buf, size_t len);

/*
 * The reason of an exit whose record was cut before its reason could be read
 * (a damaged paste): counted with isa ISA_NONE and this code.
 */
#define EXIT_REASON_CUT_OFF UINT32_MAX

/*
 * A printable name for (isa, code) that is never NULL: the catalogue's name,
 * "reason_cut_off" for (ISA_NONE, EXIT_REASON_CUT_OFF), or
 * "unknown_0x1234" (written to buf) for a number the catalogue lacks.
 */
const char *reason_name(enum exit_isa isa, uint32_t code, char *buf, size_t len);

#endif
