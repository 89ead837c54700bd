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

uint64_t rec_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
