// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming decompression behind a stdio stream (fopencookie): each read
 * refills one input buffer from the compressed file and runs the decoder
 * into the caller's buffer. Concatenated members/streams/frames are read on
 * (gzip -c a >x; gzip -c b >>x is one file to gunzip, and so here).
 */
#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>
#include <zstd.h>

#include "sources/decompress.h"

#define IN_BUF (128 * 1024)
#define OUT_BUF (128 * 1024)

struct decomp {
	enum compression kind;
	FILE *under, *out;
	const char *name;
	unsigned char *in;
	size_t in_len, in_pos;
	bool in_eof;
	bool ended;		/* the last member/stream/frame ended cleanly */
	bool failed;
	char why[320];
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
};

enum compression compression_of(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return COMP_GZIP;
	if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return COMP_XZ;
	if (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return COMP_ZSTD;
	return COMP_NONE;
}

const char *compression_name(enum compression c)
{
	switch (c) {
	case COMP_GZIP:
		return "gzip";
	case COMP_XZ:
		return "xz";
	case COMP_ZSTD:
		return "zstd";
	default:
		return "";
	}
}

static ssize_t fail_lib(struct decomp *d, const char *what, const char *lib_says)
{
	if (!d->failed)
		snprintf(d->why, sizeof(d->why), "%s: %s data %s%s%s", d->name,
			 compression_name(d->kind), what, lib_says ? ": " : "",
			 lib_says ? lib_says : "");
	d->failed = true;
	errno = EIO;
	return -1;
}

static ssize_t fail(struct decomp *d, const char *what)
{
	return fail_lib(d, what, NULL);
}

/* Refill the input buffer when it is used up. false at the end of the file. */
static bool refill(struct decomp *d)
{
	if (d->in_pos < d->in_len)
		return true;
	if (d->in_eof)
		return false;
	d->in_len = fread(d->in, 1, IN_BUF, d->under);
	d->in_pos = 0;
	if (d->in_len < IN_BUF)
		d->in_eof = true;
	return d->in_len > 0;
}

/* The input ran out: fine between members, damage inside one. */
static ssize_t at_input_end(struct decomp *d, size_t got)
{
	if (ferror(d->under))
		return fail(d, "could not be read (read error)");
	if (!d->ended)
		return fail(d, "ends in the middle of a compressed block (file cut short)");
	return (ssize_t)got;
}

static ssize_t gz_read(struct decomp *d, char *buf, size_t len)
{
	d->z.next_out = (Bytef *)buf;
	d->z.avail_out = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	while (d->z.avail_out) {
		int rc;

		if (!refill(d))
			return at_input_end(d, len - d->z.avail_out);
		if (d->ended) {
			/* Another member follows (gzip files concatenate). */
			if (inflateReset(&d->z) != Z_OK)
				return fail(d, "could not be decoded (zlib reset failed)");
			d->ended = false;
		}
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)(d->in_len - d->in_pos);
		rc = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		if (rc == Z_STREAM_END)
			d->ended = true;
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return fail_lib(d, "is damaged", d->z.msg);
		if (len - d->z.avail_out && (rc == Z_STREAM_END || !d->z.avail_in))
			break;
	}
	return (ssize_t)(len - d->z.avail_out);
}

static ssize_t xz_read(struct decomp *d, char *buf, size_t len)
{
	if (d->ended)
		return 0;	/* LZMA_CONCATENATED ends once, at the end of the file */
	d->x.next_out = (uint8_t *)buf;
	d->x.avail_out = len;
	while (d->x.avail_out) {
		lzma_action act = LZMA_RUN;
		lzma_ret rc;

		if (!refill(d))
			act = LZMA_FINISH;	/* LZMA_CONCATENATED: says whether the end is clean */
		d->x.next_in = d->in + d->in_pos;
		d->x.avail_in = d->in_len - d->in_pos;
		rc = lzma_code(&d->x, act);
		d->in_pos = d->in_len - d->x.avail_in;
		if (rc == LZMA_STREAM_END) {
			d->ended = true;
			break;
		}
		if (rc == LZMA_BUF_ERROR && act == LZMA_FINISH)
			return fail(d, "ends in the middle of a compressed block (file cut short)");
		if (rc == LZMA_FORMAT_ERROR || rc == LZMA_DATA_ERROR)
			return fail(d, "is damaged (xz format or data error)");
		if (rc == LZMA_MEM_ERROR)
			return fail(d, "needs more memory than there is");
		if (rc != LZMA_OK)
			return fail(d, "could not be decoded");
		if (act == LZMA_FINISH && ferror(d->under))
			return fail(d, "could not be read (read error)");
		if (len - d->x.avail_out && !d->x.avail_in)
			break;
	}
	return (ssize_t)(len - d->x.avail_out);
}

static ssize_t zstd_read(struct decomp *d, char *buf, size_t len)
{
	ZSTD_outBuffer out = { buf, len, 0 };

	while (out.pos < out.size) {
		ZSTD_inBuffer in;
		size_t rc;

		if (!refill(d))
			return at_input_end(d, out.pos);
		in.src = d->in;
		in.size = d->in_len;
		in.pos = d->in_pos;
		rc = ZSTD_decompressStream(d->zs, &out, &in);
		d->in_pos = in.pos;
		if (ZSTD_isError(rc))
			return fail_lib(d, "is damaged", ZSTD_getErrorName(rc));
		d->ended = rc == 0;	/* 0: a frame ended exactly here */
		if (out.pos && in.pos == in.size)
			break;
	}
	return (ssize_t)out.pos;
}

static ssize_t decomp_read(void *cookie, char *buf, size_t len)
{
	struct decomp *d = cookie;

	if (d->failed) {
		errno = EIO;
		return -1;
	}
	switch (d->kind) {
	case COMP_GZIP:
		return gz_read(d, buf, len);
	case COMP_XZ:
		return xz_read(d, buf, len);
	case COMP_ZSTD:
		return zstd_read(d, buf, len);
	default:
		return 0;
	}
}

static void decomp_free(struct decomp *d)
{
	switch (d->kind) {
	case COMP_GZIP:
		inflateEnd(&d->z);
		break;
	case COMP_XZ:
		lzma_end(&d->x);
		break;
	case COMP_ZSTD:
		ZSTD_freeDStream(d->zs);
		break;
	default:
		break;
	}
	free(d->in);
	free(d);
}

struct decomp *decomp_open(FILE *under, enum compression c, const char *name,
			   struct es_error *err)
{
	static const cookie_io_functions_t io = { .read = decomp_read };
	struct decomp *d = calloc(1, sizeof(*d));
	bool ok;

	if (!d) {
		es_error_set(err, "%s: out of memory for the %s decoder", name, compression_name(c));
		return NULL;
	}
	d->kind = c;
	d->under = under;
	d->name = name;
	d->in = malloc(IN_BUF);
	switch (c) {
	case COMP_GZIP:
		ok = inflateInit2(&d->z, 15 + 16) == Z_OK;	/* 16: the gzip wrapper */
		break;
	case COMP_XZ:
		d->x = (lzma_stream)LZMA_STREAM_INIT;
		ok = lzma_stream_decoder(&d->x, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
		break;
	case COMP_ZSTD:
		d->zs = ZSTD_createDStream();
		ok = d->zs && !ZSTD_isError(ZSTD_initDStream(d->zs));
		break;
	default:
		ok = false;
		break;
	}
	if (ok && d->in)
		d->out = fopencookie(d, "r", io);
	/* Decode in big steps: a stdio-sized (8 KiB) read per decoder call costs 10% more. */
	if (d->out)
		setvbuf(d->out, NULL, _IOFBF, OUT_BUF);
	if (!d->out) {
		if (!ok)
			d->kind = COMP_NONE;	/* nothing of the decoder to end */
		es_error_set(err, "%s: cannot set up the %s decoder (out of memory)", name,
			     compression_name(c));
		decomp_free(d);
		return NULL;
	}
	return d;
}

FILE *decomp_stream(struct decomp *d)
{
	return d->out;
}

const char *decomp_why(const struct decomp *d)
{
	return d->failed ? d->why : NULL;
}

void decomp_close(struct decomp *d)
{
	if (!d)
		return;
	fclose(d->out);
	decomp_free(d);
}
