// SPDX-License-Identifier: GPL-2.0
/*
 * core/detail: exit details decoded from exit information. The inputs are
 * real kvm_exit lines (the bed's SVM fixtures, exitgen's known ports 0xe0
 * OUT / 0xe4 IN of 4 bytes; a published VMX trace's i8042 and PIC accesses,
 * tests/../shared traces) and the vendors' bit layouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/detail.h"

static const char *decode(enum exit_isa isa, uint32_t reason, uint64_t info1, uint64_t info2,
			  uint32_t intr)
{
	static char buf[96];
	struct exit_info in = { .info1 = info1, .info2 = info2, .intr_info = intr, .has_intr_info = true };
	struct exit_detail d;

	if (!detail_decode(isa, reason, &in, &d))
		return "none";
	detail_str(&d, buf, sizeof(buf));
	return buf;
}

static void test_svm_io(void **state)
{
	(void)state;
	/* ftrace-64.txt: exitgen's out:N and in:N (guest.h PORT_OUT 0xe0, PORT_IN 0xe4, 4 bytes) */
	assert_string_equal(decode(ISA_SVM, 0x7b, 0xe00040, 0x10009, 0), "0x00e0 out 4");
	assert_string_equal(decode(ISA_SVM, 0x7b, 0xe40041, 0x10014, 0), "0x00e4 in 4");
	/* APM IOIO layout: OUTSB to 0x3f8 (STR, SZ8) */
	assert_string_equal(decode(ISA_SVM, 0x7b, 0x3f80014, 0, 0), "0x03f8 out 1 string");
}

static void test_vmx_io(void **state)
{
	(void)state;
	/* a published VMX trace: `reason IO_INSTRUCTION ... info 640008 0` etc. */
	assert_string_equal(decode(ISA_VMX, 30, 0x640008, 0, 0), "0x0064 in 1");
	assert_string_equal(decode(ISA_VMX, 30, 0x600048, 0, 0), "0x0060 in 1");
	assert_string_equal(decode(ISA_VMX, 30, 0xa00040, 0, 0), "0x00a0 out 1");
	/* SDM layout: 4-byte OUT to 0xcf8 (size - 1 = 3) */
	assert_string_equal(decode(ISA_VMX, 30, 0xcf80003, 0, 0), "0x0cf8 out 4");
	assert_string_equal(io_port_name(0xcf8), "PCI config address");
	assert_string_equal(io_port_name(0xcf9), "reset control");
	assert_string_equal(io_port_name(0xcfe), "PCI config data");
	assert_null(io_port_name(0xe0));
}

static void test_msr_cr_npf_vector(void **state)
{
	(void)state;
	/* SVM: EXITINFO1 0 = RDMSR (the fixture's msr exits), 1 = WRMSR; the index is ECX */
	assert_string_equal(decode(ISA_SVM, 0x7c, 0, 0, 0), "msr ? read");
	assert_string_equal(decode(ISA_SVM, 0x7c, 1, 0, 0), "msr ? write");
	assert_string_equal(decode(ISA_VMX, 32, 0, 0, 0), "msr ? write");
	/* SVM CR codes: 0x000 read CR0, 0x014 write CR4, 0x065 selective CR0 write */
	assert_string_equal(decode(ISA_SVM, 0x000, 0, 0, 0), "cr0 read");
	assert_string_equal(decode(ISA_SVM, 0x014, 0, 0, 0), "cr4 write");
	assert_string_equal(decode(ISA_SVM, 0x065, 0, 0, 0), "cr0 write (selective)");
	/* VMX CR access: MOV to CR3 (type 0), MOV from CR8 (type 1), CLTS (type 2) */
	assert_string_equal(decode(ISA_VMX, 28, 0x03, 0, 0), "cr3 write");
	assert_string_equal(decode(ISA_VMX, 28, 0x18, 0, 0), "cr8 read");
	assert_string_equal(decode(ISA_VMX, 28, 0x20, 0, 0), "cr0 write (clts)");
	/* ftrace-64.txt npf: info1 0x200000006 (write, user), info2 the GPA 0x2000 */
	assert_string_equal(decode(ISA_SVM, 0x400, 0x200000006, 0x2abc, 0), "gpa 0x2000 write");
	assert_string_equal(decode(ISA_VMX, 48, 0x181, 0, 0), "gpa ? read");
	/* SVM 0x4e: #PF intercept; VMX EXCEPTION_NMI with intr_info valid, vector 6 */
	assert_string_equal(decode(ISA_SVM, 0x4e, 0, 0, 0), "vector 14 (#PF)");
	assert_string_equal(decode(ISA_VMX, 0, 0, 0, 0x80000306), "vector 6 (#UD)");
	assert_string_equal(decode(ISA_VMX, 0, 0, 0, 0x306), "none");	/* not valid */
	/* no detail */
	assert_string_equal(decode(ISA_SVM, 0x72, 0, 0, 0), "none");
	assert_string_equal(decode(ISA_VMX, 10, 0, 0, 0), "none");
}

static void test_msr_table(void **state)
{
	size_t n;
	const struct msr_entry *t = msr_table(&n);

	(void)state;
	assert_true(n > 50);
	for (size_t i = 1; i < n; i++)
		assert_true(t[i - 1].index < t[i].index);	/* msr_name's binary search needs it */
	for (size_t i = 0; i < n; i++)
		assert_string_equal(msr_name(t[i].index), t[i].name);
	assert_null(msr_name(0x12345678));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svm_io),
		cmocka_unit_test(test_vmx_io),
		cmocka_unit_test(test_msr_cr_npf_vector),
		cmocka_unit_test(test_msr_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
