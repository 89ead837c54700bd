// SPDX-License-Identifier: GPL-2.0
/*
 * core/detail: exit details decoded from exit information. The inputs are
 * real kvm_exit lines (the bed's SVM fixtures, exitgen's known ports 0xe0
 * OUT / 0xe4 IN of 4 bytes; a published VMX trace's i8042 and PIC accesses,
 * tests/../shared traces) and the vendors' bit layouts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/detail.h"
#include "output/detail_out.h"
#include "output/diff_out.h"

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

/*
 * A nested page fault's memslot (live BPF reads the VM's gfn tree): named with
 * the slot's range, MMIO in none; a different slot is a different key; the
 * key itself (the page) is the same with or without it. exitgen's touch
 * memslot: slot 1 at 0x100000, 512 KiB for 2 vCPUs; its MMIO page 0xf0000.
 */
static void test_npf_region(void **state)
{
	struct exit_info in = { .info1 = 0x6, .info2 = 0x101abc, .has_slot = true, .slot = 1,
				.slot_base = 0x100000, .slot_size = 0x80000 };
	struct exit_detail a, b, c;
	char key[96], name[64];

	(void)state;
	assert_true(detail_decode(ISA_SVM, 0x400, &in, &a));
	detail_str(&a, key, sizeof(key));
	assert_string_equal(key, "gpa 0x101000 write");
	assert_string_equal(detail_name(&a, name, sizeof(name)), "memslot 1 (0x100000-0x17ffff)");
	/* VMX: the EPT violation's GPA from kvm_page_fault, its slot with it */
	in = (struct exit_info){ .info1 = 0x182, .has_gpa = true, .gpa = 0xf0010, .has_slot = true,
				 .slot = DETAIL_NO_MEMSLOT };
	assert_true(detail_decode(ISA_VMX, 48, &in, &b));
	detail_str(&b, key, sizeof(key));
	assert_string_equal(key, "gpa 0xf0000 write");
	assert_string_equal(detail_name(&b, name, sizeof(name)), "MMIO (no memslot)");
	/* not known (a trace, the classic tracepoint): no name, and not the same key */
	in.has_slot = false;
	assert_true(detail_decode(ISA_VMX, 48, &in, &c));
	assert_string_equal(detail_name(&c, name, sizeof(name)), "");
	assert_false(detail_equal(&b, &c));
	in.has_slot = true;
	in.slot = 0;
	in.slot_base = 0;
	in.slot_size = 0x30000;
	assert_true(detail_decode(ISA_VMX, 48, &in, &c));
	assert_false(detail_equal(&b, &c));
	assert_string_equal(detail_name(&c, name, sizeof(name)), "memslot 0 (0x0-0x2ffff)");
	/* no other kind has a region */
	in = (struct exit_info){ .info1 = 0xe00040, .has_slot = true, .slot = 1 };
	assert_true(detail_decode(ISA_SVM, 0x7b, &in, &a));
	assert_false(a.has_region);
	assert_string_equal(detail_name(&a, name, sizeof(name)), "");
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

/* The reduced information (what live and record keep) decodes as the whole one, for every reason. */
static void test_need_reduce(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int isa = ISA_VMX; isa <= ISA_SVM; isa++) {
		for (uint32_t r = 0; r < 0x500; r++) {
			struct detail_need n;

			detail_need(isa, r, DETAIL_KINDS_ALL, &n);
			for (int i = 0; i < 64; i++) {
				struct exit_info in, red;
				struct exit_detail a, b;
				char sa[96], sb[96];

				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				in = (struct exit_info){ .info1 = x, .info2 = x * 31,
							 .intr_info = (uint32_t)(x >> 17),
							 .has_intr_info = i & 1, .has_msr = (i & 2) != 0,
							 .msr = (uint32_t)(x >> 3),
							 .has_gpa = (i & 4) != 0, .gpa = x * 7,
							 .has_slot = (i & 8) != 0,
							 .slot = i & 16 ? DETAIL_NO_MEMSLOT : (uint32_t)(x >> 50),
							 .slot_base = x >> 20 << 12, .slot_size = (x >> 44) << 12 };
				red = in;
				detail_info_reduce(&n, &red);
				assert_int_equal(detail_decode(isa, r, &in, &a) && n.count,
						 detail_decode(isa, r, &red, &b));
				if (!n.count)
					continue;
				detail_str(&a, sa, sizeof(sa));
				detail_str(&b, sb, sizeof(sb));
				assert_string_equal(sa, sb);
				assert_int_equal(a.key, b.key);
				assert_true(detail_equal(&a, &b));
			}
		}
	}
	/* the kinds select: no io asked, no io counted */
	{
		struct detail_need n;

		detail_need(ISA_SVM, 0x7b, 1u << DETAIL_MSR, &n);
		assert_false(n.count);
		detail_need(ISA_SVM, 0x7c, 1u << DETAIL_MSR, &n);
		assert_true(n.count && n.msr);
		detail_need(ISA_SVM, 0x72, DETAIL_KINDS_ALL, &n);
		assert_false(n.count);
		/* the GPA from kvm_page_fault: a VMX EPT violation's only (SVM's is in EXITINFO2) */
		detail_need(ISA_VMX, 48, DETAIL_KINDS_ALL, &n);
		assert_true(n.count && n.gpa);
		detail_need(ISA_VMX, 48, 1u << DETAIL_IO, &n);
		assert_false(n.count || n.gpa);
		detail_need(ISA_SVM, 0x400, DETAIL_KINDS_ALL, &n);
		assert_true(n.count && !n.gpa);
		detail_need(ISA_VMX, 49, DETAIL_KINDS_ALL, &n);
		assert_false(n.count || n.gpa);
	}
}

static void test_kinds_parse(void **state)
{
	unsigned int k;
	char err[128];

	(void)state;
	assert_int_equal(detail_kinds_parse("io,msr", &k, err, sizeof(err)), 0);
	assert_int_equal(k, (1u << DETAIL_IO) | (1u << DETAIL_MSR));
	assert_int_equal(detail_kinds_parse("all", &k, err, sizeof(err)), 0);
	assert_int_equal(k, DETAIL_KINDS_ALL);
	assert_int_equal(detail_kinds_parse("io,pio", &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'pio'"));
	assert_int_equal(detail_kinds_parse("", &k, err, sizeof(err)), -1);
}

/*
 * The rows of the explain and diff tables: a memslot's name (29 characters
 * for exitgen's touch slot, 35 above 4 GiB), an MSR's key with its name (37)
 * and MMIO, beside short ones with no name at all.
 */
static struct exit_detail table_detail(int which)
{
	struct exit_info in = { .info1 = 0x6, .info2 = 0x101abc, .has_slot = true, .slot = 1,
				.slot_base = 0x100000, .slot_size = 0x80000 };
	uint32_t reason = 0x400;
	struct exit_detail d;

	switch (which) {
	case 1:	/* a slot above 4 GiB */
		in.info2 = 0x100002abc;
		in.slot = 3;
		in.slot_base = 0x100000000;
		in.slot_size = 0x40000000;
		break;
	case 2:	/* MMIO: in no memslot */
		in.info2 = 0xf0010;
		in.slot = DETAIL_NO_MEMSLOT;
		break;
	case 3:	/* a WRMSR of MSR_AMD64_DE_CFG */
		in = (struct exit_info){ .info1 = 1, .has_msr = true, .msr = 0xc0011029 };
		reason = 0x7c;
		break;
	case 4:	/* exitgen's OUT to 0xe0, 4 bytes: a port with no name */
		in = (struct exit_info){ .info1 = 0xe00040 };
		reason = 0x7b;
		break;
	}
	assert_true(detail_decode(ISA_SVM, reason, &in, &d));
	return d;
}

#define TABLE_ROWS 5

/* Line i (from 0) of text, into buf. */
static void table_line(const char *text, size_t i, char *buf, size_t len)
{
	const char *end;

	while (i--) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	end = strchr(text, '\n');
	assert_non_null(end);
	assert_true((size_t)(end - text) < len);
	memcpy(buf, text, end - text);
	buf[end - text] = '\0';
}

/* Where s first starts in line at or after from (a column's edge: after a blank). */
static long column_at(const char *line, long from, const char *s)
{
	const char *at = strstr(line + from, s);

	assert_non_null(at);
	assert_true(at > line && at[-1] == ' ');
	return at - line;
}

/*
 * Each row's detail, what and count columns start (the count, right-aligned,
 * ends) where the header's do: the columns after a long entry are not shifted.
 * count: the row's exit count as printed; what is "" for a detail with no name.
 */
static void assert_aligned(const char *text, size_t header, const char *count_head,
			   const char *const *counts)
{
	char head[512], line[512], key[96], nbuf[64];
	long key_at, name_at, count_end;

	table_line(text, header, head, sizeof(head));
	key_at = column_at(head, 0, "detail");
	name_at = column_at(head, key_at, "what");
	count_end = column_at(head, name_at, count_head) + (long)strlen(count_head);
	for (int i = 0; i < TABLE_ROWS; i++) {
		struct exit_detail d = table_detail(i);
		const char *name = detail_name(&d, nbuf, sizeof(nbuf));

		table_line(text, header + 1 + i, line, sizeof(line));
		detail_str(&d, key, sizeof(key));
		assert_int_equal(column_at(line, 0, key), key_at);
		if (name[0])
			assert_int_equal(column_at(line, key_at + (long)strlen(key), name), name_at);
		assert_int_equal(column_at(line, key_at + (long)strlen(key), counts[i]) +
				 (long)strlen(counts[i]), count_end);
	}
}

static void test_table_columns(void **state)
{
	static const char *const counts[TABLE_ROWS] = { "9000001", "9000002", "9000003",
							 "9000004", "9000005" };
	struct detail_entry e[TABLE_ROWS];
	char *buf = NULL, nbuf[64];
	size_t len = 0;
	FILE *f;

	(void)state;
	for (int i = 0; i < TABLE_ROWS; i++) {
		e[i] = (struct detail_entry){ .isa = ISA_SVM, .d = table_detail(i),
					      .count = strtoull(counts[i], NULL, 10) };
		e[i].reason = i < 3 ? 0x400 : i == 3 ? 0x7c : 0x7b;
	}
	/* longer than the columns were wide (what 28, detail 34): the point of the test */
	assert_int_equal(strlen(detail_name(&e[0].d, nbuf, sizeof(nbuf))), 29);
	assert_int_equal(strlen(detail_name(&e[1].d, nbuf, sizeof(nbuf))), 35);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	detail_table(f, e, TABLE_ROWS, 0, false);
	assert_int_equal(fclose(f), 0);
	assert_aligned(buf, 0, "exits", counts);
	free(buf);
}

static void test_diff_table_columns(void **state)
{
	static const char *const counts[TABLE_ROWS] = { "9000001.0", "9000002.0", "9000003.0",
							 "9000004.0", "9000005.0" };
	static const char *const a[] = { "a.txt" }, *const b[] = { "b.txt" };
	struct diff_meta m = { .a = a, .b = b, .na = 1, .nb = 1, .details = true, .note = "" };
	struct diff_row rows[TABLE_ROWS];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	for (int i = 0; i < TABLE_ROWS; i++) {
		double n = strtod(counts[i], NULL);

		rows[i] = (struct diff_row){ .isa = ISA_SVM, .reason = i < 3 ? 0x400 : i == 3 ? 0x7c : 0x7b,
					     .has_detail = true, .d = table_detail(i),
					     .a = { .count = n, .rate = -1, .time_per_exit = -1 },
					     .b = { .count = 1, .rate = -1, .time_per_exit = -1 },
					     .change = 1 - n, .change_pct = NAN };
	}
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(diff_print(f, FMT_TABLE, &m, rows, TABLE_ROWS), 0);
	assert_int_equal(fclose(f), 0);
	/* line 0: what A and B are; 1: the header */
	assert_aligned(buf, 1, "count A", counts);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svm_io),
		cmocka_unit_test(test_vmx_io),
		cmocka_unit_test(test_msr_cr_npf_vector),
		cmocka_unit_test(test_npf_region),
		cmocka_unit_test(test_msr_table),
		cmocka_unit_test(test_need_reduce),
		cmocka_unit_test(test_kinds_parse),
		cmocka_unit_test(test_table_columns),
		cmocka_unit_test(test_diff_table_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
