// SPDX-License-Identifier: GPL-2.0
/* exitstat recordings: the reader (format: record_format.h, docs/record-format.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libdeflate.h>

#include "core/array.h"
#include "sources/record.h"
#include "sources/record_format.h"

bool record_is_recording(FILE *f)
{
	char magic[8];
	size_t n = fread(magic, 1, sizeof(magic), f);

	rewind(f);
	return n == sizeof(magic) && !memcmp(magic, FILE_MAGIC, 8);
}

/* Skip one varint at *p: false when cut or longer than a uint64_t's 10 bytes. */
static inline bool skip_varint(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *q = *p, *lim = end - q > 10 ? q + 10 : end;

	while (q < lim && (*q & 0x80))
		q++;
	if (q == lim)
		return false;
	*p = q + 1;
	return true;
}

/* REC_SLOT: slot + 1 (0: in no memslot), then a slot's base and size. false: damaged. */
static bool slot_read(const unsigned char **p, const unsigned char *end, struct rec_key *k)
{
	uint64_t v;

	if (rec_get_varint(p, end, &v) || v > UINT32_MAX)
		return false;
	k->slot = v ? (uint32_t)(v - 1) : DETAIL_NO_MEMSLOT;
	return !v || (!rec_get_varint(p, end, &k->slot_base) &&
		      !rec_get_varint(p, end, &k->slot_size));
}

/*
 * Decode one events block's dictionary into keys (nkeys entries) and check
 * its exits, without delivering any, so that a block is delivered whole or
 * not at all. Returns where the exits start, or NULL when damaged.
 */
static const unsigned char *check_block(const unsigned char *p, size_t len, uint32_t nevents,
					uint32_t nkeys, struct rec_key *keys, unsigned int version)
{
	const unsigned char *end = p + len, *exits;

	/* A key is at least 5 bytes, an exit 3: the payload must back the counts. */
	if ((uint64_t)nkeys * 5 > len || (uint64_t)nevents * 3 > len - (uint64_t)nkeys * 5)
		return NULL;
	for (uint32_t i = 0; i < nkeys; i++) {
		uint64_t v[5];

		for (int j = 0; j < 5; j++)
			if (rec_get_varint(&p, end, &v[j]) || v[j] > UINT32_MAX + 1ull)
				return NULL;
		keys[i] = (struct rec_key){ v[0], v[1], (uint32_t)(v[2] - 1), v[3], v[4],
					    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
		if (version < 3)
			continue;
		/* version 3: the detail flags, then what they say follows; 4: the RIP too; 5: the page */
		if (rec_get_varint(&p, end, &v[0]) ||
		    v[0] > (version < 4 ? REC_DFLAGS_V3 : version < 5 ? REC_DFLAGS_V4 : REC_DFLAGS_ALL) ||
		    ((v[0] & (REC_INTR | REC_MSR | REC_GPA | REC_SLOT)) && !(v[0] & REC_INFO)) ||
		    (version < 4 && v[0] && !(v[0] & REC_INFO)))
			return NULL;
		keys[i].dflags = v[0];
		if ((v[0] & REC_INFO) && (rec_get_varint(&p, end, &keys[i].info1) ||
					  rec_get_varint(&p, end, &keys[i].info2)))
			return NULL;
		for (uint32_t bit = REC_INTR; bit <= REC_MSR; bit <<= 1) {
			if (!(v[0] & bit))
				continue;
			if (rec_get_varint(&p, end, &v[1]) || v[1] > UINT32_MAX)
				return NULL;
			*(bit == REC_INTR ? &keys[i].intr : &keys[i].msr) = v[1];
		}
		if ((v[0] & REC_RIP) && rec_get_varint(&p, end, &keys[i].rip))
			return NULL;
		if ((v[0] & REC_GPA) && rec_get_varint(&p, end, &keys[i].gpa))
			return NULL;
		if ((v[0] & REC_SLOT) && !slot_read(&p, end, &keys[i]))
			return NULL;
	}
	exits = p;
	for (uint32_t i = 0; i < nevents; i++) {
		uint64_t idx;

		if (rec_get_varint(&p, end, &idx) || idx >= nkeys || !skip_varint(&p, end) ||
		    !skip_varint(&p, end))
			return NULL;
	}
	return p == end ? exits : NULL;
}

/*
 * Deliver the exits of a block that check_block passed (exits: where they
 * start, keys: its dictionary). 0 or fn's value.
 */
static int deliver_exits(const unsigned char *p, const unsigned char *end, uint32_t nevents,
			 const struct rec_key *keys, uint64_t base_ts, trace_event_fn fn, void *ctx,
			 struct record_info *info)
{
	struct exit_event ev = { .kind = EV_EXIT, .has_ts = true };
	uint64_t ts = base_ts, open = 0;
	int ret = 0;

	/* Checked: every varint is whole and every index in the dictionary. */
	for (uint32_t i = 0; i < nevents && !ret; i++) {
		uint64_t idx = 0, delta = 0, dur = 0;
		const struct rec_key *k;

		rec_get_varint(&p, end, &idx);
		rec_get_varint(&p, end, &delta);
		rec_get_varint(&p, end, &dur);
		k = &keys[idx];
		ts += (uint64_t)rec_unzigzag(delta);
		ev.ts_ns = ts;
		ev.has_dur = dur != 0;
		ev.dur_ns = dur ? dur - 1 : 0;
		ev.pid = k->pid;
		ev.tid = k->tid;
		ev.vcpu = k->vcpu;
		ev.isa = k->isa;
		ev.reason = k->reason;
		ev.has_info = k->dflags & REC_INFO;
		ev.info = (struct exit_info){ .info1 = k->info1, .info2 = k->info2, .intr_info = k->intr,
					      .has_intr_info = (k->dflags & REC_INTR) != 0,
					      .has_msr = (k->dflags & REC_MSR) != 0, .msr = k->msr,
					      .has_rip = (k->dflags & REC_RIP) != 0, .rip = k->rip,
					      .has_gpa = (k->dflags & REC_GPA) != 0, .gpa = k->gpa,
					      .has_slot = (k->dflags & REC_SLOT) != 0, .slot = k->slot,
					      .slot_base = k->slot_base, .slot_size = k->slot_size };
		open += !dur;
		info->events++;
		ret = fn(ctx, &ev);
	}
	info->open_exits += open;
	return ret;
}

/*
 * Read and check the file header into info. 0, or -1 with err set. A header
 * that fails its checksum is not the end: its fields are unknown (said on
 * diag), the blocks after it carry their own checksums.
 */
static int read_file_header(FILE *f, const char *name, struct record_info *info,
			    const struct es_diag *diag, struct es_error *err)
{
	unsigned char hdr[FILE_HDR_LEN];
	size_t n = fread(hdr, 1, sizeof(hdr), f);
	bool crc_ok;

	if (n < 8 || memcmp(hdr, FILE_MAGIC, 8))
		return es_error_set(err, "%s: not an exitstat recording (no EXITREC magic)", name);
	if (n < sizeof(hdr))
		return es_error_set(err, "%s: the recording is cut inside its %d-byte header", name,
				    FILE_HDR_LEN);
	info->version = hdr[8] | hdr[9] << 8;
	crc_ok = rec_get_u32(hdr + 60) == libdeflate_crc32(0, hdr, 60);
	if (!crc_ok) {
		info->damaged = true;
		info->header_damaged = true;
		if (info->version < 1 || info->version > RECORD_VERSION)
			info->version = RECORD_VERSION;
		es_diag_say(diag, "%s: the recording's header is damaged (checksum at offset 60): "
			    "its start time, pid and source are unknown; reading the blocks", name);
		return 0;
	}
	if (info->version < 1 || info->version > RECORD_VERSION)
		return es_error_set(err, "%s: recording format version %u; this exitstat reads "
				    "versions 1 to %d", name, info->version, RECORD_VERSION);
	info->start_realtime_ns = rec_get_u64(hdr + 16);
	info->start_ns = rec_get_u64(hdr + 24);
	info->pid = rec_get_u32(hdr + 32);
	memcpy(info->source, hdr + 36, 24);
	info->source[24] = '\0';
	for (char *c = info->source; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	return 0;
}

/* The trailer block's payload: its field count, then written, lost and kernel exits. 0 or -1. */
static int read_trailer(const unsigned char *raw, uint32_t rlen, struct record_info *info)
{
	const unsigned char *p = raw, *end = raw + rlen;
	uint64_t nf, v[4] = { 0 };

	if (rec_get_varint(&p, end, &nf))
		return -1;
	for (uint64_t i = 0; i < nf; i++) {
		uint64_t x;

		if (rec_get_varint(&p, end, &x))
			break;
		if (i < 4)
			v[i] = x;
	}
	info->written = v[0];
	info->lost = v[1];
	info->kernel_exits = v[2];
	info->complete = true;
	return 0;
}

/* The reader's state: the file, its size when known, one block's buffers. */
struct rd {
	FILE *f;
	const char *name;
	unsigned int version;
	bool seekable;
	uint64_t size;			/* file size (seekable files) */
	unsigned char bh[BLOCK_HDR_LEN];
	unsigned char *comp, *raw;
	const unsigned char *exits;	/* in raw: where the checked block's exits start */
	struct rec_key *keys;		/* the block's dictionary */
	size_t keys_cap;
	uint32_t type, clen, rlen, nev, nkeys;
	struct libdeflate_decompressor *inflate;	/* zlib's format, 2-3x zlib's speed */
};

enum blk { BLK_OK, BLK_END, BLK_CUT, BLK_BAD, BLK_NOMEM };

/* zlib never inflates by more than about 1032:1. */
#define ZLIB_MAX_RATIO 1032u

/*
 * Load the block at the stream's position (offset off): header, checksum,
 * decompression and a dry decode, so that an OK block can be delivered whole.
 */
static enum blk load_block(struct rd *d, uint64_t off)
{
	const unsigned char *bh = d->bh;
	size_t n = fread(d->bh, 1, sizeof(d->bh), d->f);
	uint32_t crc, want;
	void *p;

	if (n == 0)
		return BLK_END;
	if (n < sizeof(d->bh))
		return BLK_CUT;
	d->type = rec_get_u32(bh + 4);
	d->clen = rec_get_u32(bh + 8);
	d->rlen = rec_get_u32(bh + 12);
	d->nev = rec_get_u32(bh + 16);
	d->nkeys = rec_get_u32(bh + 20);
	if (rec_get_u32(bh) != BLOCK_MAGIC || d->rlen > MAX_BLOCK_RAW || d->clen > MAX_BLOCK_RAW ||
	    (uint64_t)d->rlen > (uint64_t)d->clen * ZLIB_MAX_RATIO + 64)
		return BLK_BAD;
	/* Version 1 leaves bytes 44-47 out of the checksum: they must be 0. */
	if (d->version == 1 ? rec_get_u32(bh + 44) != 0 : rec_get_u32(bh + 40) != 0)
		return BLK_BAD;
	if (d->seekable && off + sizeof(d->bh) + d->clen > d->size)
		return BLK_CUT;		/* no allocation for bytes the file does not have */
	p = realloc(d->comp, d->clen ? d->clen : 1);
	if (!p)
		return BLK_NOMEM;
	d->comp = p;
	p = realloc(d->raw, d->rlen ? d->rlen : 1);
	if (!p)
		return BLK_NOMEM;
	d->raw = p;
	if (fread(d->comp, 1, d->clen, d->f) < d->clen)
		return BLK_CUT;
	if (d->version == 1) {
		crc = libdeflate_crc32(libdeflate_crc32(0, bh, 40), d->comp, d->clen);
		want = rec_get_u32(bh + 40);
	} else {
		crc = libdeflate_crc32(libdeflate_crc32(0, bh, 44), d->comp, d->clen);
		want = rec_get_u32(bh + 44);
	}
	if (crc != want)
		return BLK_BAD;
	/* Exactly rlen bytes, or the block is damaged (NULL: no shorter output taken). */
	if (libdeflate_zlib_decompress(d->inflate, d->comp, d->clen, d->raw, d->rlen, NULL) !=
	    LIBDEFLATE_SUCCESS)
		return BLK_BAD;
	if (d->type == BLOCK_EVENTS) {
		/* At least 5 bytes a key (check_block): no allocation the payload cannot back. */
		if ((uint64_t)d->nkeys * 5 > d->rlen)
			return BLK_BAD;
		if (array_reserve(&d->keys, &d->keys_cap, d->nkeys ? d->nkeys : 1, sizeof(*d->keys), 64))
			return BLK_NOMEM;
		d->exits = check_block(d->raw, d->rlen, d->nev, d->nkeys, d->keys, d->version);
		if (!d->exits)
			return BLK_BAD;
	} else if (d->type != BLOCK_TRAILER) {
		return BLK_BAD;
	}
	return BLK_OK;
}

/*
 * The next intact block after a damaged one: the first BLOCK_MAGIC at or
 * after from that starts a block passing its checksum. Its offset, or -1.
 */
static int64_t resync(struct rd *d, uint64_t from)
{
	static const unsigned char magic[4] = { 'E', 'X', 'B', '1' };
	unsigned char chunk[65536];

	while (from + sizeof(magic) <= d->size) {
		size_t n, at = 0;

		if (fseeko(d->f, (off_t)from, SEEK_SET))
			return -1;
		n = fread(chunk, 1, sizeof(chunk), d->f);
		if (n < sizeof(magic))
			return -1;
		for (;;) {
			unsigned char *m = memmem(chunk + at, n - at, magic, sizeof(magic));
			enum blk st;

			if (!m)
				break;
			at = (size_t)(m - chunk);
			if (fseeko(d->f, (off_t)(from + at), SEEK_SET))
				return -1;
			st = load_block(d, from + at);
			if (st == BLK_OK) {
				if (fseeko(d->f, (off_t)(from + at), SEEK_SET))
					return -1;
				return (int64_t)(from + at);
			}
			at++;
		}
		from += n - (sizeof(magic) - 1);
	}
	return -1;
}

/* Say on diag what was lost (offset: where the unreadable tail starts). */
static void report_losses(const char *name, struct record_info *info, uint64_t offset, int ret,
			  bool seekable, const struct es_diag *diag)
{
	if (info->written > info->events)
		info->missing = info->written - info->events;
	for (unsigned int i = 0; i < info->nbad && i < RECORD_MAX_BAD_LISTED; i++)
		es_diag_say(diag, "%s: block at offset %llu is damaged (bad magic, checksum or "
			    "encoding): %llu bytes skipped, reading went on with the next intact "
			    "block", name, (unsigned long long)info->bad_at[i],
			    (unsigned long long)info->bad_len[i]);
	if (info->truncated)
		es_diag_say(diag, "%s: the recording ends inside a block at offset %llu (the recorder "
			"was killed?): %llu bytes ignored; the %llu exits before it are complete",
			name, (unsigned long long)offset, (unsigned long long)info->ignored_bytes,
			(unsigned long long)info->events);
	else if (info->ignored_bytes && !seekable)
		es_diag_say(diag, "%s: block at offset %llu is damaged (bad magic, checksum or "
			"encoding): reading stopped there (a stream cannot be searched for the next "
			"intact block; give the file itself)", name, (unsigned long long)offset);
	else if (info->ignored_bytes)
		es_diag_say(diag, "%s: block at offset %llu is damaged (bad magic, checksum or "
			"encoding) and no intact block follows: %llu bytes ignored", name,
			(unsigned long long)offset, (unsigned long long)info->ignored_bytes);
	else if (!info->complete && !ret)
		es_diag_say(diag, "%s: no trailer: the recorder did not finish (killed?); exits it "
			"had not yet written as a block (at most %d) are missing", name,
			RECORD_BLOCK_EVENTS);
}

int record_read(FILE *f, const char *name, trace_event_fn fn, void *ctx, struct record_info *info,
		const struct es_diag *diag, struct es_error *err)
{
	struct rd d = { .f = f, .name = name };
	uint64_t offset = FILE_HDR_LEN;
	struct stat st;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	if (read_file_header(f, name, info, diag, err))
		return -1;
	d.version = info->version;
	d.seekable = !fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
		     ftello(f) == FILE_HDR_LEN;
	d.size = d.seekable ? (uint64_t)st.st_size : 0;
	info->stream = !d.seekable;
	d.inflate = libdeflate_alloc_decompressor();
	if (!d.inflate)
		return es_error_set(err, "%s: out of memory for the decompressor", name);
	for (;;) {
		enum blk bs = load_block(&d, offset);
		int64_t next;

		if (bs == BLK_END)
			break;
		if (bs == BLK_NOMEM) {
			ret = es_error_set(err, "%s: out of memory for the block at offset %llu", name,
					   (unsigned long long)offset);
			break;
		}
		if (bs != BLK_OK) {
			next = d.seekable ? resync(&d, offset + 1) : -1;
			if (next < 0) {
				if (bs == BLK_CUT)
					info->truncated = true;
				else
					info->damaged = true;
				info->tail_at = offset;
				info->ignored_bytes = d.seekable ? d.size - offset :
						      sizeof(d.bh) + (bs == BLK_CUT ? 0 : d.clen);
				break;
			}
			info->damaged = true;
			if (info->nbad < RECORD_MAX_BAD_LISTED) {
				info->bad_at[info->nbad] = offset;
				info->bad_len[info->nbad] = (uint64_t)next - offset;
			}
			info->nbad++;
			info->bad_bytes += (uint64_t)next - offset;
			offset = (uint64_t)next;
			continue;
		}
		info->blocks++;
		if (rec_get_u64(d.bh + 32) > info->lost)
			info->lost = rec_get_u64(d.bh + 32);
		if (d.type == BLOCK_TRAILER) {
			if (read_trailer(d.raw, d.rlen, info)) {
				info->damaged = true;
				break;
			}
		} else {
			ret = deliver_exits(d.exits, d.raw + d.rlen, d.nev, d.keys,
					    rec_get_u64(d.bh + 24), fn, ctx, info);
			if (ret)
				break;
		}
		offset += sizeof(d.bh) + d.clen;
	}
	report_losses(name, info, offset, ret, d.seekable, diag);
	libdeflate_free_decompressor(d.inflate);
	free(d.keys);
	free(d.comp);
	free(d.raw);
	return ret;
}
