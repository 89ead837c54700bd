// SPDX-License-Identifier: GPL-2.0
/*
 * core/hotspot: exits per (isa, reason, RIP) in bounded memory (past the
 * cap: counted in the reason's untracked row, never dropped), the
 * kernel/user split by the RIP's half; sources/guest_syms: System.map and
 * kallsyms lookups (nearest code symbol at or below, a global before a
 * local at one address, data symbols ignored).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/hotspot.h"
#include "sources/guest_syms.h"

static void test_cap(void **state)
{
	struct hotspot_stats *s = hotspot_stats_new(4);
	const struct hotspot_reason *r;
	struct hotspot_entry *e;
	size_t n;

	(void)state;
	assert_non_null(s);
	/* ten RIPs once each, then the first again: 4 kept, 6 exits untracked, 11 counted */
	for (uint64_t rip = 1; rip <= 10; rip++)
		assert_int_equal(hotspot_count(s, ISA_SVM, 0x7b, 0x1000 + rip), 0);
	assert_int_equal(hotspot_count(s, ISA_SVM, 0x7b, 0x1001), 0);
	hotspot_time(s, ISA_SVM, 0x7b, 0x1001, 100);	/* kept */
	hotspot_time(s, ISA_SVM, 0x7b, 0x1009, 7);	/* untracked */
	r = hotspot_reason_of(s, ISA_SVM, 0x7b);
	assert_non_null(r);
	assert_int_equal(r->exits, 11);
	assert_int_equal(r->untracked, 6);
	assert_int_equal(r->untracked_timed, 1);
	assert_int_equal(r->untracked_time, 7);
	assert_int_equal(r->timed, 2);
	assert_int_equal(r->time, 107);
	assert_int_equal(r->user, 11);
	assert_int_equal(r->kernel, 0);
	n = hotspot_sorted(s, &e);
	assert_int_equal(n, 4);
	assert_int_equal(e[0].rip, 0x1001);
	assert_int_equal(e[0].count, 2);
	assert_int_equal(e[0].time, 100);
	assert_int_equal(e[1].rip, 0x1002);	/* ties by RIP */
	free(e);
	/* a new reason past the cap: its exits are all untracked, still counted */
	assert_int_equal(hotspot_count(s, ISA_SVM, 0x72, 0xffffffff81000000ull), 0);
	r = hotspot_reason_of(s, ISA_SVM, 0x72);
	assert_non_null(r);
	assert_int_equal(r->exits, 1);
	assert_int_equal(r->untracked, 1);
	assert_int_equal(r->kernel, 1);
	hotspot_stats_free(s);
}

/* a and b hold the same rows: nentries RIPs, nreasons reasons (a's reasons returned). */
static const struct hotspot_reason *same_tables(const struct hotspot_stats *a,
						const struct hotspot_stats *b, size_t nentries,
						size_t nreasons)
{
	struct hotspot_entry *ea, *eb;
	const struct hotspot_reason *ra, *rb;
	size_t na = hotspot_sorted(a, &ea), nb = hotspot_sorted(b, &eb);

	assert_int_equal(na, nentries);
	assert_int_equal(nb, nentries);
	assert_memory_equal(ea, eb, na * sizeof(*ea));
	free(ea);
	free(eb);
	ra = hotspot_reasons(a, &na);
	rb = hotspot_reasons(b, &nb);
	assert_int_equal(na, nreasons);
	assert_int_equal(nb, nreasons);
	assert_memory_equal(ra, rb, na * sizeof(*ra));
	return ra;
}

/*
 * hotspot_add (live: the kernel's counts per RIP, several exits at once)
 * keeps the same rows as that many hotspot_count and hotspot_time calls,
 * past the cap too; hotspot_total sums every reason.
 */
static void test_add_is_counts_at_once(void **state)
{
	struct hotspot_stats *a = hotspot_stats_new(2), *b = hotspot_stats_new(2);
	static const struct { uint32_t reason; uint64_t rip, n, timed, time; } in[] = {
		{ 0x7b, 0x10007, 300, 299, 29900 }, { 0x7b, 0x10012, 200, 200, 400 },
		{ 0x7b, 0xffffffff81000010ull, 5, 5, 50 },	/* past the cap of 2: untracked */
		{ 0x7c, 0x10031, 7, 0, 0 },			/* past the cap too */
	};
	const struct hotspot_reason *ra;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_int_equal(hotspot_add(a, ISA_SVM, in[i].reason, in[i].rip, in[i].n,
					     in[i].timed, in[i].time), 0);
		for (uint64_t k = 0; k < in[i].n; k++)
			assert_int_equal(hotspot_count(b, ISA_SVM, in[i].reason, in[i].rip), 0);
		for (uint64_t k = 0; k < in[i].timed; k++)
			hotspot_time(b, ISA_SVM, in[i].reason, in[i].rip,
				     in[i].time / in[i].timed + (k < in[i].time % in[i].timed));
	}
	assert_int_equal(hotspot_total(a), 512);
	assert_int_equal(hotspot_total(b), 512);
	ra = same_tables(a, b, 2, 2);
	assert_int_equal(ra[0].untracked, 5);
	assert_int_equal(ra[0].untracked_time, 50);
	assert_int_equal(ra[0].kernel, 5);
	assert_int_equal(ra[1].untracked, 7);
	hotspot_stats_free(a);
	hotspot_stats_free(b);
}

/*
 * hotspot_merge (the perf backend's table into each report's): the merged
 * table is the one counted directly, untracked exits and their halves too.
 */
static void test_merge_is_counting_once(void **state)
{
	struct hotspot_stats *src = hotspot_stats_new(2), *dst = hotspot_stats_new(2);
	struct hotspot_stats *direct = hotspot_stats_new(2);
	static const uint64_t rips[] = { 0x10007, 0x10012, 0xffffffff81000010ull, 0x10031, 0x10007 };
	const struct hotspot_reason *ra;

	(void)state;
	assert_non_null(src);
	assert_non_null(dst);
	assert_non_null(direct);
	for (size_t i = 0; i < sizeof(rips) / sizeof(rips[0]); i++) {
		assert_int_equal(hotspot_count(src, ISA_SVM, 0x7b, rips[i]), 0);
		assert_int_equal(hotspot_count(direct, ISA_SVM, 0x7b, rips[i]), 0);
		hotspot_time(src, ISA_SVM, 0x7b, rips[i], 10 * i + 1);
		hotspot_time(direct, ISA_SVM, 0x7b, rips[i], 10 * i + 1);
	}
	assert_int_equal(hotspot_merge(dst, src), 0);
	ra = same_tables(dst, direct, 2, 1);
	assert_int_equal(ra[0].untracked, 2);
	assert_int_equal(ra[0].kernel, 1);
	assert_int_equal(ra[0].user, 4);
	hotspot_stats_free(src);
	hotspot_stats_free(dst);
	hotspot_stats_free(direct);
}

static void test_reasons_sorted_vmx_basic(void **state)
{
	struct hotspot_stats *s = hotspot_stats_new(0);
	const struct hotspot_reason *r;
	size_t n;

	(void)state;
	assert_int_equal(hotspot_count(s, ISA_VMX, 30, 0x10), 0);
	assert_int_equal(hotspot_count(s, ISA_SVM, 0x7b, 0x10), 0);
	assert_int_equal(hotspot_count(s, ISA_VMX, 10, 0x10), 0);
	/* VMX: the basic reason (a flag bit does not make another reason) */
	assert_int_equal(hotspot_count(s, ISA_VMX, 30 | 0x80000000u, 0x10), 0);
	r = hotspot_reasons(s, &n);
	assert_int_equal(n, 3);
	assert_true(r[0].isa < r[2].isa || (r[0].isa == r[2].isa && r[0].reason < r[2].reason));
	assert_int_equal(hotspot_reason_of(s, ISA_VMX, 30)->exits, 2);
	assert_null(hotspot_reason_of(s, ISA_VMX, 12));
	assert_true(hotspot_is_kernel(0xff00000000001000ull));	/* 5-level paging's high half */
	assert_false(hotspot_is_kernel(0x00007fffffffffffull));
	hotspot_stats_free(s);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_hotspot.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_syms(void **state)
{
	char *p = write_tmp("ffffffff81000000 T _stext\n"
			    "ffffffff81000100 t local_alias\n"
			    "ffffffff81000100 T pci_conf1_read\n"
			    "ffffffff81000080 D some_data\n"
			    "ffffffffc0001000 t vmx_vcpu_run\t[kvm_intel]\n"
			    "\n");
	struct es_error err = { "" };
	struct guest_syms *s = guest_syms_load(p, &err);
	const char *name;
	uint64_t off;

	(void)state;
	unlink(p);
	assert_non_null(s);
	assert_int_equal(guest_syms_count(s), 4);	/* the data symbol left out */
	assert_true(guest_syms_lookup(s, 0xffffffff81000090ull, &name, &off));
	assert_string_equal(name, "_stext");	/* not some_data */
	assert_int_equal(off, 0x90);
	assert_true(guest_syms_lookup(s, 0xffffffff81000104ull, &name, &off));
	assert_string_equal(name, "pci_conf1_read");
	assert_int_equal(off, 4);
	assert_true(guest_syms_lookup(s, 0xffffffffc0001010ull, &name, &off));
	assert_string_equal(name, "vmx_vcpu_run [kvm_intel]");
	assert_false(guest_syms_lookup(s, 0x401000, &name, &off));
	guest_syms_free(s);

	p = write_tmp("ffffffff81000000 T _stext\nffffffff81000100 T two words here\n");
	assert_null(guest_syms_load(p, &err));
	assert_non_null(strstr(err.msg, ":2: not ADDRESS TYPE NAME [MODULE]"));
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_add_is_counts_at_once),
		cmocka_unit_test(test_merge_is_counting_once),
		cmocka_unit_test(test_reasons_sorted_vmx_basic),
		cmocka_unit_test(test_syms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
