// SPDX-License-Identifier: GPL-2.0
/* Growing arrays. See array.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"

int array_reserve(void *pp, size_t *cap, size_t need, size_t size, size_t min_cap)
{
	size_t ncap = *cap ? *cap : (min_cap ? min_cap : 1);
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (!size || ncap > SIZE_MAX / size)
		return -1;
	memcpy(&p, pp, sizeof(p));
	p = realloc(p, ncap * size);
	if (!p)
		return -1;
	memcpy(pp, &p, sizeof(p));
	*cap = ncap;
	return 0;
}
