// SPDX-License-Identifier: GPL-2.0
/* cmocka tests of src/sources/kernel_stats.c, the reader of the debugfs exit table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sources/kernel_stats.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif
/* What the patched kernel wrote to debugfs in the bed (AMD). */
#define KERNEL_STATS_FIXTURE SRCDIR "/kernel/tests/fixtures/exit_stats-svm.txt"

static int parse_text(const char *text, struct kernel_stats *ks, struct es_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = kernel_stats_parse(f, "t.txt", ks, err);
	fclose(f);
	return rc;
}

static void test_valid_svm_table(void **state)
{
	static const char text[] =
		"# isa code count cycles name\n"
		"svm 0x040 0 0 DE excp\n"
		"svm 0x07b 1000 123456 io\n"
		"svm 0x400 7 99 npf\n"
		"svm 0xffffffff 0 0 invalid_guest_state\n"
		"svm 0x08e 0 0 -\n"
		"# unmapped 2 30\n"
		"# total 1009 123585\n";
	struct kernel_stats ks;
	const struct kernel_stat *io;
	struct es_error err = { "" };

	(void)state;
	assert_int_equal(parse_text(text, &ks, &err), 0);
	assert_int_equal(ks.n, 5);
	assert_int_equal(ks.rows[0].isa, ISA_SVM);
	assert_int_equal(ks.rows[0].code, 0x40);
	io = kernel_stats_find(&ks, ISA_SVM, 0x7b);
	assert_non_null(io);
	assert_int_equal(io->count, 1000);
	assert_int_equal(io->cycles, 123456);
	assert_int_equal(ks.rows[3].code, 0xffffffffu);
	assert_true(ks.has_total);
	assert_int_equal(ks.total_count, 1009);
	assert_int_equal(ks.total_cycles, 123585);
	assert_true(ks.has_unmapped);
	assert_int_equal(ks.unmapped_count, 2);
	assert_null(kernel_stats_find(&ks, ISA_VMX, 0x7b));
	kernel_stats_free(&ks);
}

static void test_valid_vmx_full_range(void **state)
{
	static const char text[] =
		"vmx 0x000 1 2 EXCEPTION_NMI\n"
		"vmx 0x01e 18446744073709551615 18446744073709551615 IO_INSTRUCTION\n";
	struct kernel_stats ks;
	struct es_error err = { "" };

	(void)state;
	assert_int_equal(parse_text(text, &ks, &err), 0);
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.rows[1].isa, ISA_VMX);
	assert_int_equal(ks.rows[1].code, 30);
	assert_true(ks.rows[1].count == UINT64_MAX);
	assert_false(ks.has_total);
	kernel_stats_free(&ks);
}

struct bad_case {
	const char *text;
	const char *message;	/* exact */
};

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "svm 0x07b 1 2 io\nxen 0x07b 1 2 io\n", "t.txt:2: isa 'xen' is neither vmx nor svm" },
		{ "svm 7b 1 2 io\n", "t.txt:1: exit code '7b' is not a 0x-prefixed 32-bit hex number" },
		{ "svm 0x100000000 1 2 io\n", "t.txt:1: exit code '0x100000000' is not a 0x-prefixed 32-bit hex number" },
		{ "svm 0x07b 18446744073709551616 2 io\n", "t.txt:1: count '18446744073709551616' is not a decimal 64-bit number" },
		{ "svm 0x07b 1 -2 io\n", "t.txt:1: cycles '-2' is not a decimal 64-bit number" },
		{ "svm 0x07b 1 2\n", "t.txt:1: row for svm 0x07b has no name" },
		{ "svm 0x07b\n", "t.txt:1: expected 'isa code count cycles name', got 2 field(s)" },
		{ "svm 0x07b 1 2 io\nsvm 0x7b 3 4 io\n", "t.txt:2: second row for svm 0x7b" },
		{ "svm 0x07b 1 2 io\nvmx 0x01e 3 4 IO_INSTRUCTION\n", "t.txt:2: isa vmx after rows of svm: one table has one isa" },
		{ "svm 0x07b 1 2 io\n\n", "t.txt:2: empty line" },
		{ "svm 0x07b 1 2 io\n# total 5\n", "t.txt:2: '# total' needs exactly a count and a cycle total" },
		{ "svm 0x07b 1 2 io\n# unmapped x 0\n", "t.txt:2: '# unmapped': count 'x' is not a decimal 64-bit number" },
		{ "# isa code count cycles name\n", "t.txt:1: no rows: not an exit_stats table" },
		{ "", "t.txt:0: no rows: not an exit_stats table" },
		/* fuzz finding (issue 13): no raw control byte from the file reaches a message */
		{ "svm 0x07b 1 2\r\r\n", "t.txt:1: control byte 0x0d at column 14" },
		{ "svm 0x07b 1 \0332 io\n", "t.txt:1: control byte 0x1b at column 13" },
	};
	struct es_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kernel_stats ks;

		err.msg[0] = '\0';
		assert_int_equal(parse_text(cases[i].text, &ks, &err), -1);
		assert_string_equal(err.msg, cases[i].message);
		kernel_stats_free(&ks);
	}
}

/* A CRLF copy of a table (saved on Windows, pasted from a mail) reads as the table. */
static void test_crlf_table(void **state)
{
	static const char text[] = "# isa code count cycles name\r\nsvm 0x07b 1000 123456 io\r\n"
				   "svm 0x400 7 99 npf\r\n# total 1007 123555\r\n";
	struct kernel_stats ks;
	struct es_error err = { "" };

	(void)state;
	assert_int_equal(parse_text(text, &ks, &err), 0);
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.rows[1].code, 0x400);
	assert_int_equal(ks.total_cycles, 123555);
	kernel_stats_free(&ks);
}

static void test_missing_file(void **state)
{
	struct kernel_stats ks;
	struct es_error err;

	(void)state;
	assert_int_equal(kernel_stats_read("/nonexistent/exit_stats", &ks, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/exit_stats: No such file or directory"));
	kernel_stats_free(&ks);
}

/*
 * A table the patched kernel wrote in the real-KVM bed (make kernel-boot-check,
 * the storm scenario's debugfs read).
 */
static void test_fixture(void **state)
{
	struct kernel_stats ks;
	const struct kernel_stat *io;
	struct es_error err = { "" };
	uint64_t sum = 0;

	(void)state;
	assert_int_equal(kernel_stats_read(KERNEL_STATS_FIXTURE, &ks, &err), 0);
	assert_int_equal(ks.n, 0xa7 + 4 + 4);
	for (size_t i = 0; i < ks.n; i++) {
		assert_int_equal(ks.rows[i].isa, ISA_SVM);
		sum += ks.rows[i].count;
	}
	assert_true(ks.has_total && ks.has_unmapped);
	assert_int_equal(ks.unmapped_count, 0);
	assert_int_equal(sum, ks.total_count);
	assert_int_equal(ks.total_count, 14861);
	io = kernel_stats_find(&ks, ISA_SVM, 0x7b);
	assert_non_null(io);
	assert_int_equal(io->count, 12200);
	assert_int_equal(io->cycles, 496604302);
	assert_int_equal(ks.rows[ks.n - 1].code, 0xfffffffcu);
	kernel_stats_free(&ks);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A debugfs kvm directory with two VMs (one of two vCPUs) and a stray entry. */
static void test_vm_tables(void **state)
{
	char dir[] = "/tmp/test_kernel_stats.XXXXXX", p[256];
	struct es_error err = { "" };
	struct kernel_vm_stats vs;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/200-12", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/200-12/vcpu1", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/200-12/vcpu0", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/100-9", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/100-9/vcpu0", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/exit_reason_exits", dir);
	write_file(p, "0\n");
	snprintf(p, sizeof(p), "%s/200-12/vcpu0/exit_stats", dir);
	write_file(p, "# isa code count cycles name\nsvm 0x07b 5 50 io\n# total 5 50\n");
	snprintf(p, sizeof(p), "%s/200-12/vcpu1/exit_stats", dir);
	write_file(p, "# isa code count cycles name\nsvm 0x07b 7 70 io\n# total 7 70\n");
	snprintf(p, sizeof(p), "%s/100-9/vcpu0/exit_stats", dir);
	write_file(p, "# isa code count cycles name\nsvm 0x072 3 30 cpuid\n# total 3 30\n");

	assert_int_equal(kernel_vm_stats_read(dir, &vs, &err), 0);
	assert_int_equal(vs.vms, 2);
	assert_int_equal(vs.n, 3);
	/* Sorted by pid, fd, vcpu. */
	assert_int_equal(vs.v[0].pid, 100);
	assert_int_equal(vs.v[0].fd, 9);
	assert_int_equal(vs.v[0].ks.rows[0].count, 3);
	assert_int_equal(vs.v[1].pid, 200);
	assert_int_equal(vs.v[1].vcpu, 0);
	assert_int_equal(vs.v[1].ks.rows[0].count, 5);
	assert_int_equal(vs.v[2].vcpu, 1);
	assert_int_equal(vs.v[2].ks.rows[0].cycles, 70);
	kernel_vm_stats_free(&vs);

	/* A vCPU directory without its table: the error names the file. */
	snprintf(p, sizeof(p), "%s/100-9/vcpu0/exit_stats", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(kernel_vm_stats_read(dir, &vs, &err), -1);
	assert_non_null(strstr(err.msg, "/100-9/vcpu0/exit_stats: No such file"));
	kernel_vm_stats_free(&vs);

	/* kvm.exit_stats: Y, N, something else, missing. */
	snprintf(p, sizeof(p), "%s/exit_stats", dir);
	write_file(p, "Y\n");
	assert_int_equal(kernel_stats_counting(dir, &err), 1);
	write_file(p, "N\n");
	assert_int_equal(kernel_stats_counting(dir, &err), 0);
	write_file(p, "maybe\n");
	assert_int_equal(kernel_stats_counting(dir, &err), -1);
	assert_non_null(strstr(err.msg, "/exit_stats: 'maybe' is neither Y nor N"));
	assert_int_equal(unlink(p), 0);
	assert_int_equal(kernel_stats_counting(dir, &err), -1);
	assert_non_null(strstr(err.msg, "/exit_stats: No such file"));

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_svm_table),
		cmocka_unit_test(test_valid_vmx_full_range),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_crlf_table),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_vm_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
