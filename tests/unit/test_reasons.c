// SPDX-License-Identifier: GPL-2.0
/*
 * The catalogue against the kernel's own tables: the VMX_EXIT_REASONS and
 * SVM_EXIT_REASONS lists of Debian's linux-libc-dev headers (compiled in
 * here), and, when present, the print fmt of the running kernel's
 * kvm:kvm_exit tracepoint. Any number the kernel names that is missing here
 * or named differently fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/kvm.h>
#include <asm/vmx.h>
#include <asm/svm.h>

#include "core/reasons.h"

struct kname {
	int64_t code;
	const char *name;
};

static const struct kname kernel_vmx[] = { VMX_EXIT_REASONS };
static const struct kname kernel_svm[] = { SVM_EXIT_REASONS };

static void check_named(enum exit_isa isa, int64_t code, const char *name, const char *where)
{
	const struct exit_reason *r = reason_lookup(isa, (uint32_t)code);

	if (!r)
		fail_msg("%s names %s reason %lld (%s); the catalogue has no such reason", where,
			 isa_name(isa), (long long)code, name);
	if (strcmp(r->name, name))
		fail_msg("%s names %s reason %lld '%s'; the catalogue says '%s'", where,
			 isa_name(isa), (long long)code, name, r->name);
	if (!(r->flags & REASON_KERNEL_NAMED))
		fail_msg("%s names %s reason %lld '%s' but the catalogue does not flag it kernel-named",
			 where, isa_name(isa), (long long)code, name);
}

static void test_headers_vmx(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kernel_vmx) / sizeof(kernel_vmx[0]); i++)
		check_named(ISA_VMX, kernel_vmx[i].code, kernel_vmx[i].name, "asm/vmx.h");
}

static void test_headers_svm(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kernel_svm) / sizeof(kernel_svm[0]); i++)
		check_named(ISA_SVM, kernel_svm[i].code, kernel_svm[i].name, "asm/svm.h");
}

/* Parse one `{ A [+ B], "name" }` list of a __print_symbolic() in the format file. */
static const char *parse_symbolic(const char *p, enum exit_isa isa, int *checked)
{
	p = strchr(p, ',');	/* skip the value expression */
	while (p && *p) {
		const char *open = strchr(p, '{'), *close = strchr(p, ')');
		char *end, name[64];
		long long a, b = 0;
		const char *q, *n0, *n1;

		if (!open || (close && close < open))
			return close;
		a = strtoll(open + 1, &end, 0);
		q = end;
		while (*q == ' ')
			q++;
		if (*q == '+')
			b = strtoll(q + 1, &end, 0);
		n0 = strchr(end, '"');
		assert_non_null(n0);
		n1 = strchr(n0 + 1, '"');
		assert_non_null(n1);
		assert_true((size_t)(n1 - n0 - 1) < sizeof(name));
		memcpy(name, n0 + 1, (size_t)(n1 - n0 - 1));
		name[n1 - n0 - 1] = '\0';
		check_named(isa, a + b, name, "tracefs kvm_exit print fmt");
		(*checked)++;
		p = strchr(n1, '}');
	}
	return p;
}

static void test_tracefs_format(void **state)
{
	static const char *paths[] = {
		"/sys/kernel/tracing/events/kvm/kvm_exit/format",
		"/sys/kernel/debug/tracing/events/kvm/kvm_exit/format",
	};
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = NULL;
	const char *p;
	int checked = 0;

	(void)state;
	for (size_t i = 0; i < 2 && !f; i++)
		f = fopen(paths[i], "r");
	if (!f) {
		/* The test covers the headers above; say plainly what this run could not cover. */
		print_message("tracefs kvm_exit format not readable here (KVM not loaded or tracefs "
			      "not mounted): only the headers were checked\n");
		skip();
	}
	assert_true(getdelim(&buf, &cap, '\0', f) > 0);
	fclose(f);
	p = strstr(buf, "__print_symbolic(");
	assert_non_null(p);
	/* The first list is VMX's (isa == 1), the second SVM's. */
	p = parse_symbolic(p, ISA_VMX, &checked);
	assert_non_null(p);
	p = strstr(p, "__print_symbolic(");
	assert_non_null(p);
	parse_symbolic(p, ISA_SVM, &checked);
	assert_true(checked > 100);
	free(buf);
}

static void test_table_shape(void **state)
{
	(void)state;
	for (enum exit_isa isa = ISA_VMX; isa <= ISA_SVM; isa++) {
		size_t n;
		const struct exit_reason *t = reasons_table(isa, &n);

		assert_true(n > 80);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(t[i].isa, isa);
			if (i)
				assert_true(t[i - 1].code < t[i].code); /* sorted, unique */
			/* CSV and the trace reader rely on these characters being absent. */
			assert_null(strpbrk(t[i].name, ",\"\t\n"));
			assert_true(strlen(t[i].meaning) > 5);
			assert_ptr_equal(reason_lookup(isa, t[i].code), &t[i]);
		}
	}
}

static void test_vmx_complete(void **state)
{
	static const uint32_t reserved[] = { 35, 38, 42, 71, 82, 83 };

	(void)state;
	/* Every basic reason 0-85 of the SDM has a row; reserved ones are marked. */
	for (uint32_t c = 0; c <= 85; c++) {
		const struct exit_reason *r = reason_lookup(ISA_VMX, c);
		bool res = false;

		assert_non_null(r);
		for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
			res |= reserved[i] == c;
		assert_int_equal(!!(r->flags & REASON_RESERVED), res);
	}
	assert_string_equal(reason_lookup(ISA_VMX, 78)->name, "RDMSRLIST");
	assert_string_equal(reason_lookup(ISA_VMX, 79)->name, "WRMSRLIST");
	assert_string_equal(reason_lookup(ISA_VMX, 80)->name, "URDMSR");
	assert_string_equal(reason_lookup(ISA_VMX, 81)->name, "UWRMSR");
	assert_string_equal(reason_lookup(ISA_VMX, 84)->name, "MSR_READ_IMM");
	assert_string_equal(reason_lookup(ISA_VMX, 85)->name, "MSR_WRITE_IMM");
	assert_null(reason_lookup(ISA_VMX, 86));
	/* Full 32-bit reasons reduce to the basic reason. */
	assert_string_equal(reason_lookup(ISA_VMX, 0x80000021)->name, "INVALID_STATE");
}

static void test_svm_complete(void **state)
{
	static const uint32_t must[] = { 0x00, 0x0f, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x5f,
					 0xa0, 0xa3, 0xa4, 0xa5, 0xa6, 0x400, 0x401, 0x402,
					 0x403, 0x80000001, 0x80000010, 0x8000fffd, 0xffffffff };

	(void)state;
	for (uint32_t c = 0; c <= 0xa6; c++)
		assert_non_null(reason_lookup(ISA_SVM, c));
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		assert_non_null(reason_lookup(ISA_SVM, must[i]));
	assert_string_equal(reason_lookup(ISA_SVM, 0xa0)->name, "invlpgb");
	assert_string_equal(reason_lookup(ISA_SVM, 0xa3)->name, "mcommit");
	assert_string_equal(reason_lookup(ISA_SVM, 0xa4)->name, "tlbsync");
	assert_null(reason_lookup(ISA_SVM, 0xa7));
	assert_null(reason_lookup(ISA_SVM, 0x404));
	/* APM: VMEXIT_INVALID_PMC, _IDLE_REQUIRED, _BUSY, _INVALID are -4 to -1. */
	for (uint32_t c = 0xfffffffc; c != 0; c++)
		assert_non_null(reason_lookup(ISA_SVM, c));
	assert_null(reason_lookup(ISA_SVM, 0xfffffffb));
	/* VMGEXIT sub-codes (GHCB) are marked as such; exit codes are not. */
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		assert_int_equal(!!(reason_lookup(ISA_SVM, must[i])->flags & REASON_VMGEXIT),
				 must[i] >= 0x80000000 && must[i] < 0xffff0000);
}

struct alias_case {
	const char *spelling;
	enum exit_isa hint;
	enum exit_isa isa;
	uint32_t code;
};

static void test_find(void **state)
{
	/* Spellings from kernels, headers and tools, and the reason each one is. */
	static const struct alias_case cases[] = {
		{ "io", ISA_UNKNOWN, ISA_SVM, 0x7b },
		{ "EXIT_IOIO", ISA_UNKNOWN, ISA_SVM, 0x7b },
		{ "SVM_EXIT_IOIO", ISA_UNKNOWN, ISA_SVM, 0x7b },
		{ "IO_INSTRUCTION", ISA_UNKNOWN, ISA_VMX, 30 },
		{ "io_instruction", ISA_UNKNOWN, ISA_VMX, 30 },
		{ "EXIT_REASON_IO_INSTRUCTION", ISA_UNKNOWN, ISA_VMX, 30 },
		{ "PENDING_INTERRUPT", ISA_UNKNOWN, ISA_VMX, 7 },
		{ "INTERRUPT_WINDOW", ISA_UNKNOWN, ISA_VMX, 7 },
		{ "pending_interrupt", ISA_UNKNOWN, ISA_VMX, 7 },
		{ "apic_access", ISA_UNKNOWN, ISA_VMX, 44 },
		{ "npf", ISA_UNKNOWN, ISA_SVM, 0x400 },
		{ "EXIT_NPF", ISA_UNKNOWN, ISA_SVM, 0x400 },
		{ "EXIT_MSR", ISA_UNKNOWN, ISA_SVM, 0x7c },
		{ "EXIT_EXCP_GP", ISA_UNKNOWN, ISA_SVM, 0x4d },
		{ "GP excp", ISA_UNKNOWN, ISA_SVM, 0x4d },
		{ "EXIT_CR0_SEL_WRITE", ISA_UNKNOWN, ISA_SVM, 0x65 },
		{ "EXIT_WRITE_CR4", ISA_UNKNOWN, ISA_SVM, 0x14 },
		{ "write_cr4", ISA_UNKNOWN, ISA_SVM, 0x14 },
		{ "EXIT_RSM", ISA_UNKNOWN, ISA_SVM, 0x73 },
		{ "EXIT_INTR", ISA_UNKNOWN, ISA_SVM, 0x60 },
		{ "interrupt", ISA_UNKNOWN, ISA_SVM, 0x60 },
		{ "EXIT_VMMCALL", ISA_UNKNOWN, ISA_SVM, 0x81 },
		{ "EXIT_ERR", ISA_UNKNOWN, ISA_SVM, 0xffffffff },
		{ "hlt", ISA_UNKNOWN, ISA_SVM, 0x78 },
		{ "HLT", ISA_UNKNOWN, ISA_VMX, 12 },
		{ "hlt", ISA_VMX, ISA_SVM, 0x78 },	/* the kernel's exact spelling wins */
		{ "Hlt", ISA_SVM, ISA_SVM, 0x78 },	/* otherwise the hint decides */
		{ "Hlt", ISA_VMX, ISA_VMX, 12 },
		{ "EPT_VIOLATION", ISA_UNKNOWN, ISA_VMX, 48 },
		{ "vmgexit_page_state_change", ISA_UNKNOWN, ISA_SVM, 0x80000010 },
		{ "idle-halt", ISA_UNKNOWN, ISA_SVM, 0xa6 },
		{ "MSR_READ_IMM", ISA_UNKNOWN, ISA_VMX, 84 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct exit_reason *r = reason_find(cases[i].spelling, cases[i].hint);

		if (!r)
			fail_msg("'%s' not found", cases[i].spelling);
		if (r->isa != cases[i].isa || r->code != cases[i].code)
			fail_msg("'%s' found as %s %u, want %s %u", cases[i].spelling,
				 isa_name(r->isa), r->code, isa_name(cases[i].isa), cases[i].code);
	}
	assert_null(reason_find("no_such_reason", ISA_UNKNOWN));
	assert_null(reason_find("EXIT_", ISA_UNKNOWN));
	assert_null(reason_find("", ISA_UNKNOWN));
	/* A prefix of a longer token must match exactly its length. */
	assert_non_null(reason_find_n("io rip", 2, ISA_UNKNOWN));
	assert_null(reason_find_n("iox", 3, ISA_UNKNOWN));
}

/* 2009's VMX names and the other ISA's reason of the same meaning (SDM App. C, APM App. C). */
static void test_old_names_and_same_meaning(void **state)
{
	static const struct {
		const char *spelling;
		uint32_t vmx, svm;	/* the pair it names; the VMX one via 2009's name */
	} pairs[] = {
		{ "halt", 12, 0x78 },
		{ "ext_irq", 1, 0x60 },
		{ "exception", 0, 0x61 },
		{ "hypercall", 18, 0x81 },
		{ "IO_INSTRUCTION", 30, 0x7b },
		{ "cpuid", 10, 0x72 },
		{ "MSR_READ", 31, 0x7c },
		{ "MSR_WRITE", 32, 0x7c },
		{ "EPT_VIOLATION", 48, 0x400 },
		{ "EPT_MISCONFIG", 49, 0x400 },
	};

	(void)state;
	assert_ptr_equal(reason_find_old_vmx("halt", 4), reason_lookup(ISA_VMX, 12));
	assert_null(reason_find_old_vmx("HALT", 4));	/* 2009's spelling, case and all */
	assert_string_equal(reason_old_vmx_names(reason_lookup(ISA_VMX, 43)), "tpr_below_thres");
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct exit_reason *vmx = reason_lookup(ISA_VMX, pairs[i].vmx);
		const struct exit_reason *svm = reason_lookup(ISA_SVM, pairs[i].svm);
		const struct exit_reason *found[8], *same[48];
		size_t n, k;

		n = reason_find_all(pairs[i].spelling, ISA_UNKNOWN, found, 8);
		for (k = 0; k < n && found[k] != vmx; k++)
			;
		if (k == n)
			fail_msg("'%s' does not find VMX %u", pairs[i].spelling, pairs[i].vmx);
		n = reason_same_meaning(vmx, same, 48);
		for (k = 0; k < n && same[k] != svm; k++)
			;
		if (k == n)
			fail_msg("VMX %u: SVM 0x%x is not of the same meaning", pairs[i].vmx, pairs[i].svm);
		n = reason_same_meaning(svm, same, 48);
		for (k = 0; k < n && same[k] != vmx; k++)
			;
		if (k == n)
			fail_msg("SVM 0x%x: VMX %u is not of the same meaning", pairs[i].svm, pairs[i].vmx);
	}
	/* ISA filter; no counterpart for a reason that has none (VMX 52 PREEMPTION_TIMER). */
	{
		const struct exit_reason *found[8], *same[4];

		assert_int_equal(reason_find_all("halt", ISA_SVM, found, 8), 0);
		assert_int_equal(reason_find_all("hlt", ISA_UNKNOWN, found, 8), 2);
		assert_int_equal(reason_same_meaning(reason_lookup(ISA_VMX, 52), same, 4), 0);
	}
}

static void test_flags_and_names(void **state)
{
	char buf[64];

	(void)state;
	vmx_exit_flags_str(0x80000021, buf, sizeof(buf));
	assert_string_equal(buf, "FAILED_VMENTRY");
	vmx_exit_flags_str(0x08000000 | 30, buf, sizeof(buf));
	assert_string_equal(buf, "ENCLAVE_MODE");
	vmx_exit_flags_str(30, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_string_equal(reason_name(ISA_SVM, 0x404, buf, sizeof(buf)), "unknown_0x404");
	assert_string_equal(reason_name(ISA_SVM, 0x7b, buf, sizeof(buf)), "io");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_vmx),
		cmocka_unit_test(test_headers_svm),
		cmocka_unit_test(test_tracefs_format),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_vmx_complete),
		cmocka_unit_test(test_svm_complete),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_flags_and_names),
		cmocka_unit_test(test_old_names_and_same_meaning),
	};

	return cmocka_run_group_tests_name("reasons", tests, NULL, NULL);
}
