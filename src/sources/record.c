// SPDX-License-Identifier: GPL-2.0
/* exitstat recordings: writer and reader (format: docs/record-format.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "sources/record.h"

#define FILE_MAGIC "EXITREC"	/* 8 bytes with its NUL */
#define FILE_HDR_LEN 64
#define BLOCK_MAGIC 0x31425845u	/* "EXB1" */
#define BLOCK_HDR_LEN 48
#define BLOCK_EVENTS 1
#define BLOCK_TRAILER 2
#define MAX_BLOCK_RAW (64u << 20)	/* reader's sanity bound */

struct rec_key {
	uint32_t pid, tid, vcpu, isa, reason;
};

/* --- little-endian and varint helpers --- */

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get_u32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	return get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;

	while (cap < b->len + n)
		cap *= 2;
	unsigned char *p = realloc(b->p, cap);

	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int put_varint(struct buf *b, uint64_t v)
{
	if (buf_reserve(b, 10))
		return -1;
	while (v >= 0x80) {
		b->p[b->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (unsigned char)v;
	return 0;
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t r = 0;

	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		unsigned char c = *(*p)++;

		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* --- writer --- */

struct record_writer {
	FILE *f;
	const char *name;
	struct buf events, dict, raw;
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
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h >> 32);
}

static int write_all(struct record_writer *w, const void *p, size_t n)
{
	if (fwrite(p, 1, n, w->f) != n) {
		fprintf(stderr, "exitstat: writing %s failed: %s\n", w->name, strerror(errno));
		w->failed = true;
		return -1;
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
	if (w->nkeys == w->keys_cap) {
		size_t cap = w->keys_cap ? w->keys_cap * 2 : 64;
		struct rec_key *keys = realloc(w->keys, cap * sizeof(*keys));

		if (!keys)
			return -1;
		w->keys = keys;
		w->keys_cap = cap;
	}
	w->keys[w->nkeys] = *k;
	w->slots[s] = w->nkeys + 1;
	if (put_varint(&w->dict, k->pid) || put_varint(&w->dict, k->tid) ||
	    put_varint(&w->dict, (uint32_t)(k->vcpu + 1)) || put_varint(&w->dict, k->isa) ||
	    put_varint(&w->dict, k->reason))
		return -1;
	return w->nkeys++;
}

/* One block: header, then the zlib-compressed payload. */
static int write_block(struct record_writer *w, uint32_t type, const struct buf *raw,
		       uint32_t nevents, uint32_t nkeys, uint64_t base_ts, uint64_t lost)
{
	unsigned char hdr[BLOCK_HDR_LEN] = { 0 };
	uLongf clen = compressBound(raw->len);
	uint32_t crc;

	if (clen > w->comp_cap) {
		unsigned char *c = realloc(w->comp, clen);

		if (!c)
			return -1;
		w->comp = c;
		w->comp_cap = clen;
	}
	if (compress2(w->comp, &clen, raw->p ? raw->p : (const Bytef *)"", raw->len, 6) != Z_OK) {
		fprintf(stderr, "exitstat: compressing a block of %s failed\n", w->name);
		return -1;
	}
	put_u32(hdr, BLOCK_MAGIC);
	put_u32(hdr + 4, type);
	put_u32(hdr + 8, clen);
	put_u32(hdr + 12, raw->len);
	put_u32(hdr + 16, nevents);
	put_u32(hdr + 20, nkeys);
	put_u64(hdr + 24, base_ts);
	put_u64(hdr + 32, lost);
	crc = crc32(0, hdr, 40);
	crc = crc32(crc, w->comp, clen);
	put_u32(hdr + 40, crc);
	if (write_all(w, hdr, sizeof(hdr)) || write_all(w, w->comp, clen))
		return -1;
	/* A block on disk is whole before the next starts: what a kill can lose is bounded. */
	if (fflush(w->f)) {
		fprintf(stderr, "exitstat: writing %s failed: %s\n", w->name, strerror(errno));
		return -1;
	}
	return 0;
}

struct record_writer *record_writer_open(FILE *f, const char *name, uint32_t pid,
					 const char *source)
{
	struct record_writer *w = calloc(1, sizeof(*w));
	unsigned char hdr[FILE_HDR_LEN] = { 0 };
	struct timespec rt, mono;

	if (!w)
		return NULL;
	w->f = f;
	w->name = name;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	memcpy(hdr, FILE_MAGIC, 8);
	hdr[8] = RECORD_VERSION;
	hdr[9] = 0;
	hdr[10] = FILE_HDR_LEN;
	hdr[11] = 0;
	put_u32(hdr + 12, CLOCK_MONOTONIC);
	put_u64(hdr + 16, rt.tv_sec * 1000000000ull + rt.tv_nsec);
	put_u64(hdr + 24, mono.tv_sec * 1000000000ull + mono.tv_nsec);
	put_u32(hdr + 32, pid);
	strncpy((char *)hdr + 36, source ? source : "", 23);
	put_u32(hdr + 60, crc32(0, hdr, 60));
	if (write_all(w, hdr, sizeof(hdr)) || fflush(f)) {
		free(w);
		return NULL;
	}
	return w;
}

int record_writer_add(struct record_writer *w, const struct exit_event *e)
{
	struct rec_key k = { e->pid, e->tid, e->vcpu, e->isa, e->reason };
	long idx;

	if (w->failed)
		return -1;
	if (!w->block_events)
		w->base_ts = w->prev_ts = e->ts_ns;
	idx = dict_index(w, &k);
	if (idx < 0 || put_varint(&w->events, idx) ||
	    put_varint(&w->events, zigzag((int64_t)(e->ts_ns - w->prev_ts))) ||
	    put_varint(&w->events, e->has_dur ? e->dur_ns + 1 : 0)) {
		fprintf(stderr, "exitstat: out of memory recording exits\n");
		w->failed = true;
		return -1;
	}
	w->prev_ts = e->ts_ns;
	w->block_events++;
	w->total_events++;
	if (!e->has_dur)
		w->open_exits++;
	if (w->block_events >= RECORD_BLOCK_EVENTS)
		return record_writer_flush(w, 0);
	return 0;
}

int record_writer_flush(struct record_writer *w, uint64_t lost)
{
	int ret;

	if (lost > w->lost)
		w->lost = lost;
	if (w->failed)
		return -1;
	if (!w->block_events)
		return 0;
	/* raw payload: the dictionary, then the events */
	w->raw.len = 0;
	if (buf_reserve(&w->raw, w->dict.len + w->events.len))
		return -1;
	memcpy(w->raw.p, w->dict.p, w->dict.len);
	memcpy(w->raw.p + w->dict.len, w->events.p, w->events.len);
	w->raw.len = w->dict.len + w->events.len;
	ret = write_block(w, BLOCK_EVENTS, &w->raw, w->block_events, w->nkeys, w->base_ts,
			  w->lost);
	if (ret)
		w->failed = true;
	dict_reset(w);
	return ret;
}

static void writer_free(struct record_writer *w)
{
	free(w->events.p);
	free(w->dict.p);
	free(w->raw.p);
	free(w->comp);
	free(w->keys);
	free(w->slots);
	free(w);
}

int record_writer_finish(struct record_writer *w, uint64_t lost, uint64_t kernel_exits)
{
	struct buf t = { 0 };
	int ret = record_writer_flush(w, lost);

	/* trailer: a count of fields, then each (newer versions may append) */
	if (!ret && (put_varint(&t, 4) || put_varint(&t, w->total_events) ||
		     put_varint(&t, lost) || put_varint(&t, kernel_exits) ||
		     put_varint(&t, w->open_exits)))
		ret = -1;
	if (!ret)
		ret = write_block(w, BLOCK_TRAILER, &t, 0, 0, 0, lost);
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

/* --- reader --- */

bool record_is_recording(FILE *f)
{
	char magic[8];
	size_t n = fread(magic, 1, sizeof(magic), f);

	rewind(f);
	return n == sizeof(magic) && !memcmp(magic, FILE_MAGIC, 8);
}

/* Decode one events block's payload and deliver it. */
static int deliver_block(const unsigned char *p, size_t len, uint32_t nevents, uint32_t nkeys,
			 uint64_t base_ts, trace_event_fn fn, void *ctx, struct record_info *info)
{
	const unsigned char *end = p + len;
	struct rec_key *keys = calloc(nkeys ? nkeys : 1, sizeof(*keys));
	uint64_t ts = base_ts;
	int ret = 0;

	if (!keys)
		return -2;
	for (uint32_t i = 0; i < nkeys; i++) {
		uint64_t v[5];

		for (int j = 0; j < 5; j++)
			if (get_varint(&p, end, &v[j]) || v[j] > UINT32_MAX + 1ull) {
				free(keys);
				return -3;
			}
		keys[i] = (struct rec_key){ v[0], v[1], (uint32_t)(v[2] - 1), v[3], v[4] };
	}
	for (uint32_t i = 0; i < nevents && !ret; i++) {
		uint64_t idx, delta, dur;
		struct exit_event ev = { .kind = EV_EXIT, .has_ts = true };

		if (get_varint(&p, end, &idx) || idx >= nkeys || get_varint(&p, end, &delta) ||
		    get_varint(&p, end, &dur)) {
			free(keys);
			return -3;
		}
		ts += (uint64_t)unzigzag(delta);
		ev.ts_ns = ts;
		ev.has_dur = dur != 0;
		ev.dur_ns = dur ? dur - 1 : 0;
		ev.pid = keys[idx].pid;
		ev.tid = keys[idx].tid;
		ev.vcpu = keys[idx].vcpu;
		ev.isa = keys[idx].isa;
		ev.reason = keys[idx].reason;
		if (!ev.has_dur)
			info->open_exits++;
		info->events++;
		ret = fn(ctx, &ev);
	}
	free(keys);
	if (!ret && p != end)
		return -3;
	return ret;
}

int record_read(FILE *f, const char *name, trace_event_fn fn, void *ctx, struct record_info *info)
{
	unsigned char hdr[FILE_HDR_LEN], bh[BLOCK_HDR_LEN];
	unsigned char *comp = NULL, *raw = NULL;
	uint64_t offset = FILE_HDR_LEN;
	int ret = 0;
	size_t n;

	memset(info, 0, sizeof(*info));
	n = fread(hdr, 1, sizeof(hdr), f);
	if (n < 8 || memcmp(hdr, FILE_MAGIC, 8)) {
		fprintf(stderr, "%s: not an exitstat recording (no EXITREC magic)\n", name);
		return -1;
	}
	if (n < sizeof(hdr)) {
		fprintf(stderr, "%s: the recording is cut inside its %d-byte header\n", name,
			FILE_HDR_LEN);
		return -1;
	}
	info->version = hdr[8] | hdr[9] << 8;
	if (info->version != RECORD_VERSION) {
		fprintf(stderr, "%s: recording format version %u; this exitstat reads version %d\n",
			name, info->version, RECORD_VERSION);
		return -1;
	}
	if (get_u32(hdr + 60) != (uint32_t)crc32(0, hdr, 60)) {
		fprintf(stderr, "%s: the recording's header is damaged (checksum)\n", name);
		return -1;
	}
	info->start_realtime_ns = get_u64(hdr + 16);
	info->start_ns = get_u64(hdr + 24);
	info->pid = get_u32(hdr + 32);
	memcpy(info->source, hdr + 36, 24);
	info->source[24] = '\0';

	for (;;) {
		uint32_t type, clen, rlen, nev, nkeys;
		uLongf got;

		n = fread(bh, 1, sizeof(bh), f);
		if (n == 0)
			break;
		if (n < sizeof(bh)) {
			info->truncated = true;
			info->ignored_bytes = n;
			break;
		}
		type = get_u32(bh + 4);
		clen = get_u32(bh + 8);
		rlen = get_u32(bh + 12);
		nev = get_u32(bh + 16);
		nkeys = get_u32(bh + 20);
		if (get_u32(bh) != BLOCK_MAGIC || rlen > MAX_BLOCK_RAW || clen > MAX_BLOCK_RAW) {
			info->damaged = true;
			break;
		}
		free(comp);
		comp = malloc(clen ? clen : 1);
		free(raw);
		raw = malloc(rlen ? rlen : 1);
		if (!comp || !raw) {
			fprintf(stderr, "%s: out of memory\n", name);
			ret = -1;
			break;
		}
		n = fread(comp, 1, clen, f);
		if (n < clen) {
			info->truncated = true;
			info->ignored_bytes = sizeof(bh) + n;
			break;
		}
		if (get_u32(bh + 40) != (uint32_t)crc32(crc32(0, bh, 40), comp, clen)) {
			info->damaged = true;
			info->ignored_bytes = sizeof(bh) + clen;
			break;
		}
		got = rlen;
		if (uncompress(raw, &got, comp, clen) != Z_OK || got != rlen) {
			info->damaged = true;
			info->ignored_bytes = sizeof(bh) + clen;
			break;
		}
		info->blocks++;
		if (get_u64(bh + 32) > info->lost)
			info->lost = get_u64(bh + 32);
		if (type == BLOCK_TRAILER) {
			const unsigned char *p = raw, *end = raw + rlen;
			uint64_t nf, v[4] = { 0 };

			if (get_varint(&p, end, &nf)) {
				info->damaged = true;
				break;
			}
			for (uint64_t i = 0; i < nf; i++) {
				uint64_t x;

				if (get_varint(&p, end, &x))
					break;
				if (i < 4)
					v[i] = x;
			}
			info->lost = v[1];
			info->kernel_exits = v[2];
			info->complete = true;
		} else if (type == BLOCK_EVENTS) {
			ret = deliver_block(raw, rlen, nev, nkeys, get_u64(bh + 24), fn, ctx, info);
			if (ret == -3) {
				info->damaged = true;
				ret = 0;
				break;
			}
			if (ret == -2) {
				fprintf(stderr, "%s: out of memory\n", name);
				ret = -1;
				break;
			}
			if (ret)
				break;
		}
		offset += sizeof(bh) + clen;
	}
	if (info->damaged || info->truncated) {
		/* count what follows the last good block */
		long here = ftell(f);

		if (here >= 0 && !fseek(f, 0, SEEK_END) && ftell(f) > 0)
			info->ignored_bytes = (uint64_t)ftell(f) - offset;
		(void)here;
	}
	if (info->truncated)
		fprintf(stderr, "%s: the recording ends inside a block at offset %llu (the recorder "
			"was killed?): %llu bytes ignored; the %llu exits before it are complete\n",
			name, (unsigned long long)offset, (unsigned long long)info->ignored_bytes,
			(unsigned long long)info->events);
	else if (info->damaged)
		fprintf(stderr, "%s: block at offset %llu is damaged (bad magic, checksum or "
			"encoding): reading stopped there, %llu bytes ignored; the %llu exits "
			"before it are intact\n", name, (unsigned long long)offset,
			(unsigned long long)info->ignored_bytes, (unsigned long long)info->events);
	else if (!info->complete && !ret)
		fprintf(stderr, "%s: no trailer: the recorder did not finish (killed?); exits it "
			"had not yet written as a block (at most %d) are missing\n", name,
			RECORD_BLOCK_EVENTS);
	free(comp);
	free(raw);
	return ret;
}
