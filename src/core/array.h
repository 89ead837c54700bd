/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growing arrays: the one place that doubles a capacity, checks the
 * multiplication for overflow and keeps the old block when realloc fails.
 */
#ifndef EXITSTAT_ARRAY_H
#define EXITSTAT_ARRAY_H

#include <stddef.h>

/*
 * Make room for at least `need` elements of `size` bytes in *(void **)pp,
 * whose capacity in elements is *cap: the capacity doubles (from min_cap when
 * it is 0) until it holds `need`. Returns 0, or -1 when the size overflows or
 * memory runs out; then *pp and *cap are unchanged. New elements are not
 * initialised.
 */
int array_reserve(void *pp, size_t *cap, size_t need, size_t size, size_t min_cap);

#endif
