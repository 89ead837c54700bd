/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code hotspots: exits counted per (isa, reason, guest RIP), with
 * their time in exit, in bounded memory. At most `cap` distinct (isa,
 * reason, RIP) are tracked; an exit of a RIP not tracked once the cap is
 * reached is counted in its reason's "other" (untracked) row, never
 * dropped. Each reason also counts its exits by the half of the address
 * space their RIP is in (hotspot_is_kernel).
 */
#ifndef EXITSTAT_HOTSPOT_H
#define EXITSTAT_HOTSPOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reasons.h"

/* Distinct (isa, reason, RIP) tracked by default: 65536 x 48 bytes, 3 MiB at most. */
#define HOTSPOT_DEFAULT_CAP 65536

struct hotspot_entry {
	enum exit_isa isa;
	uint32_t reason;	/* VMX: the basic reason */
	uint64_t rip;
	uint64_t count, timed, time;	/* time: in the source clock's unit */
};

/* A reason's totals: every exit with a RIP, the kernel/user split, the untracked ones. */
struct hotspot_reason {
	enum exit_isa isa;
	uint32_t reason;
	uint64_t exits, kernel, user;
	uint64_t untracked, untracked_timed, untracked_time;
	uint64_t timed, time;	/* all its timed exits */
};

struct hotspot_stats;

/* cap: distinct (isa, reason, RIP) kept (0: HOTSPOT_DEFAULT_CAP). NULL out of memory. */
struct hotspot_stats *hotspot_stats_new(size_t cap);
void hotspot_stats_free(struct hotspot_stats *s);

/* Count one exit of (isa, reason) at rip. 0, or -1 out of memory. */
int hotspot_count(struct hotspot_stats *s, enum exit_isa isa, uint32_t reason, uint64_t rip);

/*
 * count exits of (isa, reason) at rip at once, timed of them with time in
 * exit in all (live: the kernel's counts per RIP). 0, or -1 out of memory.
 */
int hotspot_add(struct hotspot_stats *s, enum exit_isa isa, uint32_t reason, uint64_t rip,
		uint64_t count, uint64_t timed, uint64_t time);

/* Add every row of s into d (d's cap applies: RIPs past it go untracked). 0, or -1 out of memory. */
int hotspot_merge(struct hotspot_stats *d, const struct hotspot_stats *s);

/* The time in exit of one counted exit (to its RIP's row, or its reason's untracked one). */
void hotspot_time(struct hotspot_stats *s, enum exit_isa isa, uint32_t reason, uint64_t rip,
		  uint64_t time);

/*
 * Guest kernel or user code, by the RIP alone: kernel when bit 63 is set
 * (the canonical high half of x86-64, 4- and 5-level paging alike), user
 * otherwise. It is the address, not the privilege level (the trace does not
 * carry CPL): code a guest runs at CPL 0 in the low half (a 32-bit or
 * real-mode guest, exitgen) counts as user.
 */
static inline bool hotspot_is_kernel(uint64_t rip)
{
	return rip >> 63;
}

/*
 * Every tracked entry, in a new array (caller frees): by isa and reason,
 * then most exits first, ties by RIP. The number, or (size_t)-1 out of memory.
 */
size_t hotspot_sorted(const struct hotspot_stats *s, struct hotspot_entry **out);

/* The reasons, by isa and reason (the array is the stats' own). */
const struct hotspot_reason *hotspot_reasons(const struct hotspot_stats *s, size_t *n);

/* Every exit counted (with a RIP), over the reasons. */
uint64_t hotspot_total(const struct hotspot_stats *s);

/* The reason row of (isa, reason) in hotspot_reasons, or NULL. */
const struct hotspot_reason *hotspot_reason_of(const struct hotspot_stats *s, enum exit_isa isa,
					       uint32_t reason);

#endif
