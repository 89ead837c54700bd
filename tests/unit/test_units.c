// SPDX-License-Identifier: GPL-2.0
/* output/units: the one duration / tick-count formatter of every format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "output/units.h"

static void check(double v, bool ticks, int sig, const char *want)
{
	char buf[32];

	assert_string_equal(fmt_amount(buf, sizeof(buf), v, ticks, sig), want);
}

static void test_nanoseconds(void **state)
{
	(void)state;
	check(0, false, 4, "0 ns");
	check(812, false, 4, "812 ns");
	check(999.4, false, 4, "999 ns");
	check(999.6, false, 4, "1.000 us");	/* rounds into the next unit */
	check(12345, false, 4, "12.35 us");
	check(499100, false, 4, "499.1 us");
	check(999960, false, 4, "1.000 ms");
	check(48050000, false, 4, "48.05 ms");
	check(1665000000, false, 4, "1.665 s");
	check(5e12, false, 4, "5000 s");	/* seconds are the largest unit */
	check(4562000, false, 3, "4.56 ms");
}

static void test_ticks(void **state)
{
	(void)state;
	check(812, true, 4, "812");
	check(230500, true, 4, "230.5k");
	check(115480500, true, 4, "115.5M");
	check(339880800000.0, true, 4, "339.9G");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nanoseconds),
		cmocka_unit_test(test_ticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
