// SPDX-License-Identifier: GPL-2.0
/* exitstat recordings: the reader (format: record_format.h, docs/record-format.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sources/record.h"
#include "sources/record_format.h"

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
			if (rec_get_varint(&p, end, &v[j]) || v[j] > UINT32_MAX + 1ull) {
				free(keys);
				return -3;
			}
		keys[i] = (struct rec_key){ v[0], v[1], (uint32_t)(v[2] - 1), v[3], v[4] };
	}
	for (uint32_t i = 0; i < nevents && !ret; i++) {
		uint64_t idx, delta, dur;
		struct exit_event ev = { .kind = EV_EXIT, .has_ts = true };

		if (rec_get_varint(&p, end, &idx) || idx >= nkeys || rec_get_varint(&p, end, &delta) ||
		    rec_get_varint(&p, end, &dur)) {
			free(keys);
			return -3;
		}
		ts += (uint64_t)rec_unzigzag(delta);
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

/* Read and check the file header into info. 0, or -1 with err set. */
static int read_file_header(FILE *f, const char *name, struct record_info *info,
			    struct es_error *err)
{
	unsigned char hdr[FILE_HDR_LEN];
	size_t n = fread(hdr, 1, sizeof(hdr), f);

	if (n < 8 || memcmp(hdr, FILE_MAGIC, 8))
		return es_error_set(err, "%s: not an exitstat recording (no EXITREC magic)", name);
	if (n < sizeof(hdr))
		return es_error_set(err, "%s: the recording is cut inside its %d-byte header", name,
				    FILE_HDR_LEN);
	info->version = hdr[8] | hdr[9] << 8;
	if (info->version != RECORD_VERSION)
		return es_error_set(err, "%s: recording format version %u; this exitstat reads "
				    "version %d", name, info->version, RECORD_VERSION);
	if (rec_get_u32(hdr + 60) != (uint32_t)crc32(0, hdr, 60))
		return es_error_set(err, "%s: the recording's header is damaged (checksum at offset "
				    "60)", name);
	info->start_realtime_ns = rec_get_u64(hdr + 16);
	info->start_ns = rec_get_u64(hdr + 24);
	info->pid = rec_get_u32(hdr + 32);
	memcpy(info->source, hdr + 36, 24);
	info->source[24] = '\0';
	return 0;
}

/* The trailer block's payload: its field count, then lost and kernel exits. 0 or -1. */
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
	info->lost = v[1];
	info->kernel_exits = v[2];
	info->complete = true;
	return 0;
}

/* Say on diag what was lost at the end of the file (offset: the last good block's end). */
static void report_tail(FILE *f, const char *name, struct record_info *info, uint64_t offset,
			int ret, const struct es_diag *diag)
{
	if (info->damaged || info->truncated) {
		/* count what follows the last good block */
		long here = ftell(f);

		if (here >= 0 && !fseek(f, 0, SEEK_END) && ftell(f) > 0)
			info->ignored_bytes = (uint64_t)ftell(f) - offset;
		(void)here;
	}
	if (info->truncated)
		es_diag_say(diag, "%s: the recording ends inside a block at offset %llu (the recorder "
			"was killed?): %llu bytes ignored; the %llu exits before it are complete",
			name, (unsigned long long)offset, (unsigned long long)info->ignored_bytes,
			(unsigned long long)info->events);
	else if (info->damaged)
		es_diag_say(diag, "%s: block at offset %llu is damaged (bad magic, checksum or "
			"encoding): reading stopped there, %llu bytes ignored; the %llu exits "
			"before it are intact", name, (unsigned long long)offset,
			(unsigned long long)info->ignored_bytes, (unsigned long long)info->events);
	else if (!info->complete && !ret)
		es_diag_say(diag, "%s: no trailer: the recorder did not finish (killed?); exits it "
			"had not yet written as a block (at most %d) are missing", name,
			RECORD_BLOCK_EVENTS);
}

int record_read(FILE *f, const char *name, trace_event_fn fn, void *ctx, struct record_info *info,
		const struct es_diag *diag, struct es_error *err)
{
	unsigned char bh[BLOCK_HDR_LEN];
	unsigned char *comp = NULL, *raw = NULL;
	uint64_t offset = FILE_HDR_LEN;
	int ret = 0;
	size_t n;

	memset(info, 0, sizeof(*info));
	if (read_file_header(f, name, info, err))
		return -1;
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
		type = rec_get_u32(bh + 4);
		clen = rec_get_u32(bh + 8);
		rlen = rec_get_u32(bh + 12);
		nev = rec_get_u32(bh + 16);
		nkeys = rec_get_u32(bh + 20);
		if (rec_get_u32(bh) != BLOCK_MAGIC || rlen > MAX_BLOCK_RAW || clen > MAX_BLOCK_RAW) {
			info->damaged = true;
			break;
		}
		free(comp);
		comp = malloc(clen ? clen : 1);
		free(raw);
		raw = malloc(rlen ? rlen : 1);
		if (!comp || !raw) {
			ret = es_error_set(err, "%s: out of memory for the block at offset %llu", name,
					   (unsigned long long)offset);
			break;
		}
		n = fread(comp, 1, clen, f);
		if (n < clen) {
			info->truncated = true;
			info->ignored_bytes = sizeof(bh) + n;
			break;
		}
		if (rec_get_u32(bh + 40) != (uint32_t)crc32(crc32(0, bh, 40), comp, clen)) {
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
		if (rec_get_u64(bh + 32) > info->lost)
			info->lost = rec_get_u64(bh + 32);
		if (type == BLOCK_TRAILER) {
			if (read_trailer(raw, rlen, info)) {
				info->damaged = true;
				break;
			}
		} else if (type == BLOCK_EVENTS) {
			ret = deliver_block(raw, rlen, nev, nkeys, rec_get_u64(bh + 24), fn, ctx, info);
			if (ret == -3) {
				info->damaged = true;
				ret = 0;
				break;
			}
			if (ret == -2) {
				ret = es_error_set(err, "%s: out of memory for the block at offset %llu",
						   name, (unsigned long long)offset);
				break;
			}
			if (ret)
				break;
		}
		offset += sizeof(bh) + clen;
	}
	report_tail(f, name, info, offset, ret, diag);
	free(comp);
	free(raw);
	return ret;
}
