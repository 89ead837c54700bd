/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An open-addressing hash table of fixed-size slots, for counting per key
 * (exit details, guest RIPs): linear probing, a power-of-two number of
 * slots, kept at most half full. A slot is free while the uint64_t count at
 * count_off in it is 0, so a counted slot is never free.
 */
#ifndef EXITSTAT_OA_H
#define EXITSTAT_OA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct oa {
	void *slots;
	size_t cap, used;	/* slots, and slots in use (the caller adds to used) */
	size_t size;		/* bytes of a slot */
	size_t count_off;	/* offset of its uint64_t count */
};

/* 0, or -1 out of memory. */
int oa_init(struct oa *t, size_t size, size_t count_off);
void oa_fini(struct oa *t);

/* A 64-bit mix of a key's bits (the murmur3 finaliser's first steps). */
static inline uint64_t oa_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return h;
}

/*
 * Counted entries in report order: by isa and reason (each an integer),
 * then most exits first; 0 when all three tie.
 */
static inline int oa_order(int ia, uint32_t ra, uint64_t ca, int ib, uint32_t rb, uint64_t cb)
{
	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return ca > cb ? -1 : ca < cb;
}

/* The slot of key with hash h: its own, or the free slot it would take. */
void *oa_probe(const struct oa *t, uint64_t h, bool (*match)(const void *slot, const void *key),
	       const void *key);

/* Room for one more slot in use: doubles (rehashing every slot by hash_of) when half full. 0, or -1 out of memory. */
int oa_reserve(struct oa *t, uint64_t (*hash_of)(const void *slot));

/* The slots in use copied into a new array (caller frees), sorted by cmp; their number, or (size_t)-1 out of memory. */
size_t oa_sorted(const struct oa *t, void **out, int (*cmp)(const void *, const void *));

#endif
