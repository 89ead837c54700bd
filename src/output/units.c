// SPDX-License-Identifier: GPL-2.0
/* Numbers as short text. See units.h. */
#include <math.h>
#include <stdio.h>

#include "output/units.h"

const char *fmt_amount(char *buf, size_t len, double v, bool ticks, int sig)
{
	static const char *const ns_units[] = { "ns", "us", "ms", "s" };
	static const char *const tick_units[] = { "", "k", "M", "G" };
	const char *const *u = ticks ? tick_units : ns_units;
	const char *sep = ticks ? "" : " ";
	size_t i = 0;
	int dec;

	if (!(v >= 0))
		v = 0;
	if (v < 999.5) {
		snprintf(buf, len, "%.0f%s%s", v, sep, u[0]);
		return buf;
	}
	v /= 1e3;
	i = 1;
	for (;;) {
		/* Decimals for `sig` digits, decided after rounding (999.96 us is 1.000 ms). */
		dec = sig - (v >= 1 ? (int)floor(log10(v)) + 1 : 1);
		if (dec < 0)
			dec = 0;
		if (i == 3 || round(v * pow(10, dec)) < 1000 * pow(10, dec))
			break;
		v /= 1e3;
		i++;
	}
	snprintf(buf, len, "%.*f%s%s", dec, v, sep, u[i]);
	return buf;
}
