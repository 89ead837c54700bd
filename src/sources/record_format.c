// SPDX-License-Identifier: GPL-2.0
/* exitstat recordings: the encoding helpers of the format (record_format.h). */
#include <stdlib.h>

#include "core/array.h"
#include "sources/record_format.h"

void rec_put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

void rec_put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

uint32_t rec_get_u32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rec_get_u64(const unsigned char *p)
{
	return rec_get_u32(p) | (uint64_t)rec_get_u32(p + 4) << 32;
}

int rec_buf_reserve(struct rec_buf *b, size_t n)
{
	if (n > SIZE_MAX - b->len)
		return -1;
	return array_reserve(&b->p, &b->cap, b->len + n, 1, 4096);
}

int rec_put_varint(struct rec_buf *b, uint64_t v)
{
	if (rec_buf_reserve(b, 10))
		return -1;
	while (v >= 0x80) {
		b->p[b->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (unsigned char)v;
	return 0;
}

int rec_get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
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

uint64_t rec_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

int64_t rec_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}
