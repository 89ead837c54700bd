/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an exit was about, decoded from its own exit information: the I/O
 * port, direction and size; the MSR and direction; the control register and
 * access; the guest-physical address of a nested page fault; the exception
 * vector. The layouts are the vendors': SVM EXITINFO1/EXITINFO2 (AMD APM
 * Vol. 2, 15.7-15.10 and Appendix C), VMX exit qualifications and
 * interruption information (Intel SDM Vol. 3C, 28.2). The kvm_exit
 * tracepoint prints them as info1, info2 and intr_info (older kernels: VMX
 * `info QUAL INTR`). An MSR's index is in neither: it is ECX, given by the
 * kvm_msr event that follows the exit, or read from the vCPU.
 */
#ifndef EXITSTAT_DETAIL_H
#define EXITSTAT_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reasons.h"

enum detail_kind {
	DETAIL_NONE,	/* the reason carries no detail this decodes */
	DETAIL_IO,	/* key: port; dir, size, string */
	DETAIL_MSR,	/* key: MSR index (DETAIL_UNKNOWN_MSR until known); dir */
	DETAIL_CR,	/* key: control register number; dir (write: to CR), access */
	DETAIL_NPF,	/* key: guest-physical page (address & ~0xfff); dir: write */
	DETAIL_VECTOR,	/* key: exception vector */
};

#define DETAIL_UNKNOWN_MSR UINT64_MAX
#define DETAIL_NO_MEMSLOT UINT32_MAX	/* a GPA in no memslot of the VM: MMIO */

enum detail_dir { DIR_NONE, DIR_IN, DIR_OUT };	/* in: read / from; out: write / to */

enum cr_access { CR_MOV, CR_CLTS, CR_LMSW, CR_SELECTIVE };

struct exit_detail {
	enum detail_kind kind;
	uint64_t key;
	enum detail_dir dir;
	uint8_t size;		/* I/O: bytes (1, 2, 4); 0 unknown */
	bool string;		/* I/O: INS/OUTS */
	enum cr_access access;	/* CR */
	/*
	 * NPF: the VM's memslot holding the page, where known (live BPF reads
	 * the VM's memslots; a trace cannot know them): its id, or
	 * DETAIL_NO_MEMSLOT (MMIO), and its guest-physical base and size.
	 */
	bool has_region;
	uint32_t slot;
	uint64_t slot_base, slot_size;
};

/* The exit information as a tracepoint or the vCPU gives it. */
struct exit_info {
	uint64_t info1, info2;	/* SVM EXITINFO1/2; VMX exit qualification, and info2 */
	uint32_t intr_info;	/* VMX VM-exit interruption information */
	bool has_intr_info;
	bool has_msr;		/* msr holds the MSR index (ECX) of an MSR exit */
	uint32_t msr;
	bool has_rip;		/* rip: the guest RIP of the exit (hotspots, core/hotspot.h) */
	uint64_t rip;
	bool has_gpa;		/* gpa: a VMX EPT violation's guest-physical address (a VMCS
				 * field of its own: from the kvm_page_fault event after it) */
	uint64_t gpa;
	bool has_slot;		/* a nested page fault's memslot: slot (DETAIL_NO_MEMSLOT: in
				 * none), its base and size in bytes (live BPF, recordings) */
	uint32_t slot;
	uint64_t slot_base, slot_size;
};

/* The kinds --detail asks for, as bits (1u << enum detail_kind). */
#define DETAIL_KINDS_ALL ((1u << DETAIL_IO) | (1u << DETAIL_MSR) | (1u << DETAIL_CR) | \
			  (1u << DETAIL_NPF) | (1u << DETAIL_VECTOR))

/* "io,msr,cr,npf,vector" or "all" into kind bits. 0, or -1 naming the word in err (len bytes). */
int detail_kinds_parse(const char *s, unsigned int *kinds, char *err, size_t len);

/*
 * What detail_decode reads of the exit information for (isa, reason): the
 * bits of info1, info2 and intr_info it looks at, and whether the MSR index
 * is wanted. Collection keeps only these bits (a bounded key: SVM's info2 of
 * an I/O exit is the next RIP), and detail_decode gives the same detail
 * from them as from the whole information. need.count is false for a
 * reason with no detail of the asked kinds.
 */
struct detail_need {
	bool count;		/* the reason has a detail of a kind asked for */
	bool intr;		/* intr_info is read */
	bool msr;		/* the MSR index (ECX) is wanted */
	bool gpa;		/* the GPA is wanted (a VMX EPT violation's: not in the exit information) */
	bool region;		/* the GPA's memslot is wanted (nested page faults, both ISAs) */
	uint64_t mask1, mask2;
	uint32_t mask_intr;
};

void detail_need(enum exit_isa isa, uint32_t reason, unsigned int kinds, struct detail_need *n);

/* in with only the bits need reads (what collection keeps). */
void detail_info_reduce(const struct detail_need *n, struct exit_info *in);

/*
 * Decode (isa, reason) with its exit information into d. Returns false (d
 * says DETAIL_NONE) for reasons that carry no decodable detail.
 */
bool detail_decode(enum exit_isa isa, uint32_t reason, const struct exit_info *in,
		   struct exit_detail *d);

/* The detail as a key users read: "0xcf8 out 4", "msr 0x1b read", "cr0 write", "gpa 0xfeb00000 write", "vector 14 (#PF)". */
size_t detail_str(const struct exit_detail *d, char *buf, size_t len);

/* Whether two details are the same key (kind, key, direction, size, string, access). */
bool detail_equal(const struct exit_detail *a, const struct exit_detail *b);

/*
 * The name of what the key is: a port's device, an MSR's or a vector's name,
 * a page's memslot ("memslot 1 (0x100000-0x17ffff)", "MMIO (no memslot)",
 * written into buf); "" if none.
 */
const char *detail_name(const struct exit_detail *d, char *buf, size_t len);

/* What is at a legacy PC I/O port (as QEMU and firmware use them), or NULL. */
const char *io_port_name(uint16_t port);

/* The name of an MSR (the kernel's msr-index.h / KVM's spelling), or NULL. */
const char *msr_name(uint32_t index);

/* The MSR names, in index order: entry i of *n (i < *n), for catalogue checks. */
struct msr_entry {
	uint32_t index;
	const char *name;
};
const struct msr_entry *msr_table(size_t *n);

/* The mnemonic of an exception vector ("#PF"), or NULL. */
const char *vector_name(unsigned int vector);

/*
 * Exits counted per (isa, reason, detail): how many, how many timed and
 * their time in exit. Memory grows with the distinct details, not the exits.
 */
struct detail_entry {
	enum exit_isa isa;
	uint32_t reason;	/* VMX: the basic reason */
	struct exit_detail d;
	uint64_t count, timed, time;	/* time: in the source clock's unit */
};

struct detail_stats;

struct detail_stats *detail_stats_new(void);
void detail_stats_free(struct detail_stats *s);

/* Count one exit of (isa, reason, d). 0, or -1 out of memory. */
int detail_stats_count(struct detail_stats *s, enum exit_isa isa, uint32_t reason,
		       const struct exit_detail *d);

/* Add count exits of (isa, reason, d), timed of them with time in exit in total (live). */
int detail_stats_add(struct detail_stats *s, enum exit_isa isa, uint32_t reason,
		     const struct exit_detail *d, uint64_t count, uint64_t timed, uint64_t time);

/* The time in exit of one counted exit (an entry added later may have moved it: looked up again). */
void detail_stats_time(struct detail_stats *s, enum exit_isa isa, uint32_t reason,
		       const struct exit_detail *d, uint64_t time);

/*
 * Every entry, in a new array (caller frees): by isa and reason, then most
 * exits first, ties by key. The number of entries, or (size_t)-1 out of memory.
 */
size_t detail_stats_sorted(const struct detail_stats *s, struct detail_entry **out);

#endif
