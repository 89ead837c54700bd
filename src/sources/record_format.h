/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The on-disk layout of exitstat recordings, version RECORD_VERSION, shared
 * by the writer (record_write.c) and the reader (record_read.c). The contract,
 * field by field, is docs/record-format.md; in short:
 *
 * - All integers are little-endian; CRC-32 and compression are zlib's.
 * - A FILE_HDR_LEN-byte file header: FILE_MAGIC, version, header length,
 *   event clock, start times, pid, source text, and the CRC-32 of the bytes
 *   before it (at offset 60).
 * - Then blocks, each a BLOCK_HDR_LEN-byte header (BLOCK_MAGIC, type, lengths,
 *   exits, dictionary keys, base time, cumulative lost exits, 4 reserved
 *   bytes, CRC-32 of the first 44 bytes and the payload; version 1 had the
 *   CRC at 40, over 40 bytes) followed by its zlib payload. The type is
 *   BLOCK_EVENTS (a dictionary of struct rec_key then one varint-coded exit
 *   per event, times as zigzag deltas) or BLOCK_TRAILER (the recorder ended).
 * - A reader trusts no payload over MAX_BLOCK_RAW bytes, and no count the
 *   payload cannot back.
 *
 * Changing any of this changes the format: bump RECORD_VERSION (record.h)
 * and docs/record-format.md with it.
 */
#ifndef EXITSTAT_RECORD_FORMAT_H
#define EXITSTAT_RECORD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define FILE_MAGIC "EXITREC"	/* 8 bytes with its NUL */
#define FILE_HDR_LEN 64
#define BLOCK_MAGIC 0x31425845u	/* "EXB1" */
#define BLOCK_HDR_LEN 48
#define BLOCK_EVENTS 1
#define BLOCK_TRAILER 2
#define MAX_BLOCK_RAW (64u << 20)	/* reader's sanity bound */

/*
 * One dictionary entry of an exits block: what an exit's key index stands
 * for. Version 3: and the exit's detail (record --detail), the bits of its
 * exit information detail_decode reads: REC_INFO (info1, info2), REC_INTR,
 * REC_MSR say which are there; version 4: and its guest RIP (REC_RIP,
 * record --hotspots); version 5: and a VMX EPT violation's page (REC_GPA,
 * from kvm_page_fault) and a nested page fault's memslot (REC_SLOT). No padding: keys compare with memcmp.
 */
struct rec_key {
	uint32_t pid, tid, vcpu, isa, reason;
	uint32_t dflags;	/* REC_*; 0: no detail */
	uint64_t info1, info2;
	uint32_t intr, msr;
	uint64_t rip;		/* REC_RIP (version 4: record --hotspots) */
	uint64_t gpa;		/* REC_GPA (version 5: a VMX EPT violation's page) */
	uint32_t slot, pad;	/* REC_SLOT (version 5): a nested page fault's memslot, or
				 * DETAIL_NO_MEMSLOT; pad 0 */
	uint64_t slot_base, slot_size;
};

#define REC_INFO 1u	/* info1 and info2 follow in the dictionary */
#define REC_INTR 2u	/* intr_info follows (with REC_INFO) */
#define REC_MSR 4u	/* the MSR index follows (with REC_INFO) */
#define REC_RIP 8u	/* version 4: the exit's guest RIP follows (with or without REC_INFO) */
#define REC_GPA 16u	/* version 5: the guest-physical page follows (with REC_INFO: VMX EPT
			 * violations, whose GPA is not in the exit information) */
#define REC_SLOT 32u	/* version 5: the page's memslot follows (with REC_INFO): slot + 1 (0:
			 * in no memslot, MMIO), then, for a slot, its base and size */
#define REC_DFLAGS_V3 7u
#define REC_DFLAGS_V4 15u
#define REC_DFLAGS_ALL 63u

/* A growing byte buffer (a block's payload while it is built). */
struct rec_buf {
	unsigned char *p;
	size_t len, cap;
};

/* Little-endian fixed-width fields. */
void rec_put_u32(unsigned char *p, uint32_t v);
void rec_put_u64(unsigned char *p, uint64_t v);
uint32_t rec_get_u32(const unsigned char *p);
uint64_t rec_get_u64(const unsigned char *p);

/* Make room for n more bytes in b. 0 or -1 (out of memory). */
int rec_buf_reserve(struct rec_buf *b, size_t n);
/* Append v as an unsigned LEB128 varint. 0 or -1. */
int rec_put_varint(struct rec_buf *b, uint64_t v);
/*
 * Decode a varint at *p (not past end) and advance *p. 0 or -1 (cut or too
 * long). Inline: the reader decodes three per exit (one byte is the common case).
 */
static inline int rec_get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	const unsigned char *q = *p;
	uint64_t r = 0;

	if (q < end && !(*q & 0x80)) {
		*v = *q;
		*p = q + 1;
		return 0;
	}
	for (int shift = 0; shift < 64 && q < end; shift += 7) {
		unsigned char c = *q++;

		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			*p = q;
			return 0;
		}
	}
	*p = q;
	return -1;
}

/* Signed deltas as unsigned varints: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... */
uint64_t rec_zigzag(int64_t v);

static inline int64_t rec_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

#endif
