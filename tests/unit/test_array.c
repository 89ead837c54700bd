// SPDX-License-Identifier: GPL-2.0
/* core/array: growth by doubling, overflow and failure keep the old array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/array.h"

static void test_grows_by_doubling_from_min(void **state)
{
	uint32_t *a = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(array_reserve(&a, &cap, 1, sizeof(*a), 16), 0);
	assert_int_equal(cap, 16);
	assert_non_null(a);
	for (uint32_t i = 0; i < 16; i++)
		a[i] = i;
	assert_int_equal(array_reserve(&a, &cap, 17, sizeof(*a), 16), 0);
	assert_int_equal(cap, 32);
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(a[i], i);	/* kept across the move */
	assert_int_equal(array_reserve(&a, &cap, 1000, sizeof(*a), 16), 0);
	assert_int_equal(cap, 1024);
	free(a);
}

static void test_no_work_when_room(void **state)
{
	uint64_t *a = malloc(8 * sizeof(*a)), *before = a;
	size_t cap = 8;

	(void)state;
	assert_int_equal(array_reserve(&a, &cap, 8, sizeof(*a), 4), 0);
	assert_ptr_equal(a, before);
	assert_int_equal(cap, 8);
	free(a);
}

static void test_overflow_keeps_array(void **state)
{
	uint64_t *a = malloc(4 * sizeof(*a)), *before = a;
	size_t cap = 4;

	(void)state;
	assert_int_equal(array_reserve(&a, &cap, SIZE_MAX / 4, sizeof(*a), 4), -1);
	assert_ptr_equal(a, before);
	assert_int_equal(cap, 4);
	assert_int_equal(array_reserve(&a, &cap, SIZE_MAX, 1, 4), -1);
	assert_int_equal(cap, 4);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_by_doubling_from_min),
		cmocka_unit_test(test_no_work_when_room),
		cmocka_unit_test(test_overflow_keeps_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
