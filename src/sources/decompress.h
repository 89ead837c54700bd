/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compressed inputs: gzip, xz and zstd, told by their magic bytes and read
 * as a stream through zlib, liblzma and libzstd (never unpacked to disk;
 * memory is the decoder's own window and one input buffer).
 */
#ifndef EXITSTAT_DECOMPRESS_H
#define EXITSTAT_DECOMPRESS_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

enum compression {
	COMP_NONE,
	COMP_GZIP,	/* 1f 8b */
	COMP_XZ,	/* fd 37 7a 58 5a 00 */
	COMP_ZSTD,	/* 28 b5 2f fd */
};

#define COMP_MAGIC_MAX 6	/* bytes compression_of() needs to see */

/* What the first n bytes of a stream say it is compressed with. */
enum compression compression_of(const unsigned char *p, size_t n);

/* "gzip", "xz", "zstd" ("" for COMP_NONE). */
const char *compression_name(enum compression c);

struct decomp;

/*
 * Decompress under (from its current position; under stays the caller's).
 * decomp_stream() is the stream of decompressed bytes; reading it fails
 * (ferror) when the data is damaged or cut short, and decomp_why() then
 * says how. NULL with err set when out of memory.
 */
struct decomp *decomp_open(FILE *under, enum compression c, const char *name,
			   struct es_error *err);
FILE *decomp_stream(struct decomp *d);

/* `NAME: zstd data ...: why`, or NULL if decoding did not fail. */
const char *decomp_why(const struct decomp *d);

/* Close the stream and free d (NULL is fine). */
void decomp_close(struct decomp *d);

#endif
