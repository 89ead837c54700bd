/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers as short text, shared by every output format. */
#ifndef EXITSTAT_UNITS_H
#define EXITSTAT_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * v nanoseconds in the unit that suits it, with `sig` significant digits
 * (sig 4: "812 ns", "12.34 us", "4.562 ms", "1.234 s"); below 1000 the
 * whole number. With ticks, v is a tick count, scaled the same way with no
 * time unit ("812", "12.34k", "4.562M", "1.234G"): the caller says once that
 * these are ticks. Returns buf.
 */
const char *fmt_amount(char *buf, size_t len, double v, bool ticks, int sig);

#endif
