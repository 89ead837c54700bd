// SPDX-License-Identifier: GPL-2.0
/* exitstat recordings: the writer (format: record_format.h, docs/record-format.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libdeflate.h>

#include "core/array.h"
#include "sources/record.h"
#include "sources/record_format.h"

struct record_writer {
	FILE *f;
	const char *name;
	struct rec_buf events, dict, raw;
	struct libdeflate_compressor *deflate;
	unsigned char *comp;
	size_t comp_cap;
	struct rec_key *keys;	/* this block's dictionary, in index order */
	uint32_t *slots;	/* open addressing: index + 1, 0 = free */
	size_t nkeys, keys_cap, slots_cap;
	uint32_t block_events;
	uint64_t base_ts, prev_ts;
	uint64_t total_events, bytes, open_exits;
	uint64_t lost;		/* cumulative, as of the last flush */
	bool failed;
};

static uint32_t key_hash(const struct rec_key *k)
{
	uint64_t h = k->pid * 0x9e3779b97f4a7c15ull;

	h ^= k->tid + (h << 6) + (h >> 2);
	h ^= k->vcpu * 0xff51afd7ed558ccdull;
	h ^= (uint64_t)k->reason << 20 ^ k->isa;
	h ^= (k->info1 * 0x9e3779b97f4a7c15ull) ^ (k->info2 >> 12) ^ ((uint64_t)k->msr << 32) ^
	     k->intr ^ ((uint64_t)k->dflags << 60) ^ (k->rip * 0xff51afd7ed558ccdull) ^
	     (k->gpa >> 12) ^ ((uint64_t)k->slot << 40);
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h >> 32);
}

static int write_all(struct record_writer *w, const void *p, size_t n, struct es_error *err)
{
	if (fwrite(p, 1, n, w->f) != n) {
		w->failed = true;
		return es_error_set(err, "writing %s failed at offset %llu: %s", w->name,
				    (unsigned long long)w->bytes, strerror(errno));
	}
	w->bytes += n;
	return 0;
}

static void dict_reset(struct record_writer *w)
{
	w->nkeys = 0;
	if (w->slots)
		memset(w->slots, 0, w->slots_cap * sizeof(*w->slots));
	w->dict.len = 0;
	w->events.len = 0;
	w->block_events = 0;
}

static int dict_grow(struct record_writer *w)
{
	size_t cap = w->slots_cap ? w->slots_cap * 2 : 256;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < w->nkeys; i++) {
		size_t s = key_hash(&w->keys[i]) & (cap - 1);

		while (slots[s])
			s = (s + 1) & (cap - 1);
		slots[s] = i + 1;
	}
	free(w->slots);
	w->slots = slots;
	w->slots_cap = cap;
	return 0;
}

/* The key's index in this block's dictionary, added if new; -1 on no memory. */
static long dict_index(struct record_writer *w, const struct rec_key *k)
{
	size_t s;

	if ((w->nkeys + 1) * 2 > w->slots_cap && dict_grow(w))
		return -1;
	s = key_hash(k) & (w->slots_cap - 1);
	while (w->slots[s]) {
		const struct rec_key *o = &w->keys[w->slots[s] - 1];

		if (!memcmp(o, k, sizeof(*k)))
			return w->slots[s] - 1;
		s = (s + 1) & (w->slots_cap - 1);
	}
	if (array_reserve(&w->keys, &w->keys_cap, (size_t)w->nkeys + 1, sizeof(*w->keys), 64))
		return -1;
	w->keys[w->nkeys] = *k;
	w->slots[s] = w->nkeys + 1;
	if (rec_put_varint(&w->dict, k->pid) || rec_put_varint(&w->dict, k->tid) ||
	    rec_put_varint(&w->dict, (uint32_t)(k->vcpu + 1)) || rec_put_varint(&w->dict, k->isa) ||
	    rec_put_varint(&w->dict, k->reason) || rec_put_varint(&w->dict, k->dflags) ||
	    ((k->dflags & REC_INFO) &&
	     (rec_put_varint(&w->dict, k->info1) || rec_put_varint(&w->dict, k->info2))) ||
	    ((k->dflags & REC_INTR) && rec_put_varint(&w->dict, k->intr)) ||
	    ((k->dflags & REC_MSR) && rec_put_varint(&w->dict, k->msr)) ||
	    ((k->dflags & REC_RIP) && rec_put_varint(&w->dict, k->rip)) ||
	    ((k->dflags & REC_GPA) && rec_put_varint(&w->dict, k->gpa)) ||
	    ((k->dflags & REC_SLOT) &&
	     (rec_put_varint(&w->dict, k->slot == DETAIL_NO_MEMSLOT ? 0 : (uint64_t)k->slot + 1) ||
	      (k->slot != DETAIL_NO_MEMSLOT &&
	       (rec_put_varint(&w->dict, k->slot_base) || rec_put_varint(&w->dict, k->slot_size))))))
		return -1;
	return w->nkeys++;
}

/*
 * libdeflate's level: its level 1 compresses these blocks several times
 * faster than zlib's default with files a few percent larger
 * (make bench-report prints both); the writer is on the recorder's hot path.
 */
#ifndef RECORD_DEFLATE_LEVEL
#define RECORD_DEFLATE_LEVEL 1
#endif

/* One block: header, then the zlib-compressed payload. */
static int write_block(struct record_writer *w, uint32_t type, const struct rec_buf *raw,
		       uint32_t nevents, uint32_t nkeys, uint64_t base_ts, uint64_t lost,
		       struct es_error *err)
{
	unsigned char hdr[BLOCK_HDR_LEN] = { 0 };
	size_t clen = libdeflate_zlib_compress_bound(w->deflate, raw->len);
	uint32_t crc;

	if (array_reserve(&w->comp, &w->comp_cap, clen, 1, 4096))
		return es_error_set(err, "out of memory compressing a block of %s", w->name);
	clen = libdeflate_zlib_compress(w->deflate, raw->p ? raw->p : (const void *)"", raw->len,
					w->comp, w->comp_cap);
	if (!clen)	/* cannot happen with the bound's room */
		return es_error_set(err, "compressing a block of %s failed (libdeflate_zlib_compress)",
				    w->name);
	rec_put_u32(hdr, BLOCK_MAGIC);
	rec_put_u32(hdr + 4, type);
	rec_put_u32(hdr + 8, clen);
	rec_put_u32(hdr + 12, raw->len);
	rec_put_u32(hdr + 16, nevents);
	rec_put_u32(hdr + 20, nkeys);
	rec_put_u64(hdr + 24, base_ts);
	rec_put_u64(hdr + 32, lost);
	/* bytes 40-43 reserved (0); version 2: the CRC covers every byte before it */
	crc = libdeflate_crc32(0, hdr, 44);
	crc = libdeflate_crc32(crc, w->comp, clen);
	rec_put_u32(hdr + 44, crc);
	if (write_all(w, hdr, sizeof(hdr), err) || write_all(w, w->comp, clen, err))
		return -1;
	/* A block on disk is whole before the next starts: what a kill can lose is bounded. */
	if (fflush(w->f))
		return es_error_set(err, "writing %s failed at offset %llu: %s", w->name,
				    (unsigned long long)w->bytes, strerror(errno));
	return 0;
}

static void writer_free(struct record_writer *w)
{
	free(w->events.p);
	free(w->dict.p);
	free(w->raw.p);
	free(w->comp);
	libdeflate_free_compressor(w->deflate);
	free(w->keys);
	free(w->slots);
	free(w);
}

struct record_writer *record_writer_open(FILE *f, const char *name, uint32_t pid,
					 const char *source, struct es_error *err)
{
	struct record_writer *w = calloc(1, sizeof(*w));
	unsigned char hdr[FILE_HDR_LEN] = { 0 };
	struct timespec rt, mono;

	if (!w) {
		es_error_set(err, "out of memory opening the recording %s", name);
		return NULL;
	}
	w->f = f;
	w->name = name;
	w->deflate = libdeflate_alloc_compressor(RECORD_DEFLATE_LEVEL);
	if (!w->deflate) {
		es_error_set(err, "out of memory for the compressor of %s", name);
		free(w);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	memcpy(hdr, FILE_MAGIC, 8);
	hdr[8] = RECORD_VERSION;
	hdr[9] = 0;
	hdr[10] = FILE_HDR_LEN;
	hdr[11] = 0;
	rec_put_u32(hdr + 12, CLOCK_MONOTONIC);
	rec_put_u64(hdr + 16, rt.tv_sec * 1000000000ull + rt.tv_nsec);
	rec_put_u64(hdr + 24, mono.tv_sec * 1000000000ull + mono.tv_nsec);
	rec_put_u32(hdr + 32, pid);
	strncpy((char *)hdr + 36, source ? source : "", 23);
	rec_put_u32(hdr + 60, libdeflate_crc32(0, hdr, 60));
	if (write_all(w, hdr, sizeof(hdr), err)) {
		writer_free(w);
		return NULL;
	}
	if (fflush(f)) {
		es_error_set(err, "writing %s failed: %s", name, strerror(errno));
		writer_free(w);
		return NULL;
	}
	return w;
}

int record_writer_add(struct record_writer *w, const struct exit_event *e, struct es_error *err)
{
	struct rec_key k = { e->pid, e->tid, e->vcpu, e->isa, e->reason, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			     0, 0 };
	long idx;

	/* the detail as given (live --detail keeps only the bits detail_decode reads) */
	if (e->has_info) {
		k.dflags = REC_INFO | (e->info.has_intr_info ? REC_INTR : 0) |
			   (e->info.has_msr ? REC_MSR : 0);
		k.info1 = e->info.info1;
		k.info2 = e->info.info2;
		k.intr = e->info.has_intr_info ? e->info.intr_info : 0;
		k.msr = e->info.has_msr ? e->info.msr : 0;
		/* a VMX EPT violation's page (live: from kvm_page_fault) */
		if (e->info.has_gpa) {
			k.dflags |= REC_GPA;
			k.gpa = e->info.gpa;
		}
		/* a nested page fault's memslot (live BPF read the VM's memslots) */
		if (e->info.has_slot) {
			k.dflags |= REC_SLOT;
			k.slot = e->info.slot;
			if (k.slot != DETAIL_NO_MEMSLOT) {
				k.slot_base = e->info.slot_base;
				k.slot_size = e->info.slot_size;
			}
		}
	}
	/* the guest RIP (live --hotspots): one more key per (thread, reason, detail, RIP) */
	if (e->info.has_rip) {
		k.dflags |= REC_RIP;
		k.rip = e->info.rip;
	}
	if (w->failed)
		return es_error_set(err, "writing %s failed earlier", w->name);
	if (!w->block_events)
		w->base_ts = w->prev_ts = e->ts_ns;
	idx = dict_index(w, &k);
	if (idx < 0 || rec_put_varint(&w->events, idx) ||
	    rec_put_varint(&w->events, rec_zigzag((int64_t)(e->ts_ns - w->prev_ts))) ||
	    rec_put_varint(&w->events, e->has_dur ? e->dur_ns + 1 : 0)) {
		w->failed = true;
		return es_error_set(err, "out of memory recording exits into %s", w->name);
	}
	w->prev_ts = e->ts_ns;
	w->block_events++;
	w->total_events++;
	if (!e->has_dur)
		w->open_exits++;
	if (w->block_events >= RECORD_BLOCK_EVENTS)
		return record_writer_flush(w, 0, err);
	return 0;
}

int record_writer_flush(struct record_writer *w, uint64_t lost, struct es_error *err)
{
	int ret;

	if (lost > w->lost)
		w->lost = lost;
	if (w->failed)
		return es_error_set(err, "writing %s failed earlier", w->name);
	if (!w->block_events)
		return 0;
	/* raw payload: the dictionary, then the events */
	w->raw.len = 0;
	if (rec_buf_reserve(&w->raw, w->dict.len + w->events.len))
		return es_error_set(err, "out of memory writing a block of %s", w->name);
	memcpy(w->raw.p, w->dict.p, w->dict.len);
	memcpy(w->raw.p + w->dict.len, w->events.p, w->events.len);
	w->raw.len = w->dict.len + w->events.len;
	ret = write_block(w, BLOCK_EVENTS, &w->raw, w->block_events, w->nkeys, w->base_ts,
			  w->lost, err);
	if (ret)
		w->failed = true;
	dict_reset(w);
	return ret;
}


int record_writer_finish(struct record_writer *w, uint64_t lost, uint64_t kernel_exits,
			 struct es_error *err)
{
	struct rec_buf t = { 0 };
	int ret = record_writer_flush(w, lost, err);

	/* trailer: a count of fields, then each (newer versions may append) */
	if (!ret && (rec_put_varint(&t, 4) || rec_put_varint(&t, w->total_events) ||
		     rec_put_varint(&t, lost) || rec_put_varint(&t, kernel_exits) ||
		     rec_put_varint(&t, w->open_exits)))
		ret = es_error_set(err, "out of memory writing the trailer of %s", w->name);
	if (!ret)
		ret = write_block(w, BLOCK_TRAILER, &t, 0, 0, 0, lost, err);
	free(t.p);
	writer_free(w);
	return ret;
}

void record_writer_abort(struct record_writer *w)
{
	if (w)
		writer_free(w);
}

uint64_t record_writer_events(const struct record_writer *w)
{
	return w->total_events;
}

uint64_t record_writer_bytes(const struct record_writer *w)
{
	return w->bytes;
}
