// SPDX-License-Identifier: GPL-2.0
/* Open-addressing hash tables for counting per key. See oa.h. */
#include <stdlib.h>
#include <string.h>

#include "core/oa.h"

static void *slot(const struct oa *t, void *slots, size_t i)
{
	return (char *)slots + i * t->size;
}

static bool in_use(const struct oa *t, const void *s)
{
	uint64_t count;

	memcpy(&count, (const char *)s + t->count_off, sizeof(count));
	return count != 0;
}

int oa_init(struct oa *t, size_t size, size_t count_off)
{
	*t = (struct oa){ .cap = 64, .size = size, .count_off = count_off };
	t->slots = calloc(t->cap, size);
	return t->slots ? 0 : -1;
}

void oa_fini(struct oa *t)
{
	free(t->slots);
	t->slots = NULL;
}

void *oa_probe(const struct oa *t, uint64_t h, bool (*match)(const void *slot, const void *key),
	       const void *key)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (in_use(t, slot(t, t->slots, i)) && !match(slot(t, t->slots, i), key))
		i = (i + 1) & (t->cap - 1);
	return slot(t, t->slots, i);
}

int oa_reserve(struct oa *t, uint64_t (*hash_of)(const void *slot))
{
	size_t cap = t->cap * 2;
	void *n;

	if (2 * (t->used + 1) <= t->cap)
		return 0;
	n = calloc(cap, t->size);
	if (!n)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		const void *s = slot(t, t->slots, i);
		size_t j;

		if (!in_use(t, s))
			continue;
		j = (size_t)hash_of(s) & (cap - 1);
		while (in_use(t, slot(t, n, j)))
			j = (j + 1) & (cap - 1);
		memcpy(slot(t, n, j), s, t->size);
	}
	free(t->slots);
	t->slots = n;
	t->cap = cap;
	return 0;
}

size_t oa_sorted(const struct oa *t, void **out, int (*cmp)(const void *, const void *))
{
	size_t n = 0;
	char *a = malloc((t->used ? t->used : 1) * t->size);

	*out = a;
	if (!a)
		return (size_t)-1;
	for (size_t i = 0; i < t->cap; i++)
		if (in_use(t, slot(t, t->slots, i)))
			memcpy(a + n++ * t->size, slot(t, t->slots, i), t->size);
	qsort(a, n, t->size, cmp);
	return n;
}
