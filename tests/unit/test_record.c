// SPDX-License-Identifier: GPL-2.0
/*
 * The recording format (src/sources/record_*.c): a round trip of 200000 exits
 * keeps every field, the size per exit stays small, and a recording cut by a
 * kill -9 (between blocks, inside a block, inside the first block header),
 * damaged in one block or not a recording at all reads as far as it can and
 * says what happened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "core/event.h"
#include "sources/record.h"

#define N_EXITS 200000
#define N_KILLED 150000

struct collect {
	struct exit_event *ev;
	size_t n, cap;
};

static int collect_fn(void *ctx, const struct exit_event *e)
{
	struct collect *c = ctx;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->ev = realloc(c->ev, c->cap * sizeof(*c->ev));
		if (!c->ev)
			return -1;
	}
	c->ev[c->n++] = *e;
	return 0;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A VM-like stream: 2 vCPU threads, a few reasons, exits ~5 us apart, ~1-4 us in exit. */
static struct exit_event *make_stream(size_t n)
{
	static const uint32_t reasons[] = { 0x7b, 0x72, 0x7c, 0x60, 0x400, 0x78 };
	struct exit_event *ev = calloc(n, sizeof(*ev));
	uint64_t ts = 1000000000000ull;

	assert_non_null(ev);
	rng = 88172645463325252ull;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = next_rand() % 2;

		ts += 3000 + next_rand() % 4000;
		ev[i] = (struct exit_event){
			.kind = EV_EXIT, .has_ts = true,
			.ts_ns = ts - (next_rand() % 2) * 500,	/* not monotonic across CPUs */
			.dur_ns = 1000 + next_rand() % 3000,
			.has_dur = i % 1000 != 999,
			.pid = 4242, .tid = 4243 + v, .vcpu = v, .isa = ISA_SVM,
			.reason = reasons[next_rand() % 3 ? next_rand() % 2 : next_rand() % 6],
		};
		if (!ev[i].has_dur)
			ev[i].dur_ns = 0;
	}
	ev[n - 1].vcpu = STATS_VCPU_UNKNOWN;	/* the unknown marker survives */
	return ev;
}

/* The first n exits of ev written as a recording: finished with a trailer, or
 * left as a killed recorder leaves it (blocks flushed every flush_every exits). */
static FILE *write_stream(const struct exit_event *ev, size_t n, uint64_t lost, bool finish,
			  size_t flush_every)
{
	FILE *f = tmpfile();
	struct record_writer *w;

	assert_non_null(f);
	w = record_writer_open(f, "tmp", 4242, "test", NULL);
	assert_non_null(w);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(record_writer_add(w, &ev[i], NULL), 0);
		if (flush_every && (i + 1) % flush_every == 0)
			assert_int_equal(record_writer_flush(w, lost, NULL), 0);
	}
	if (finish) {
		assert_int_equal(record_writer_finish(w, lost, n + lost, NULL), 0);
	} else {
		record_writer_flush(w, lost, NULL);
		record_writer_abort(w);
	}
	fflush(f);
	return f;
}

/* The first len bytes of f in a new tmpfile (a file cut by a kill). */
static FILE *cut(FILE *f, long len)
{
	FILE *g = tmpfile();
	char *buf = malloc(len);

	assert_non_null(g);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, len, f), len);
	assert_int_equal(fwrite(buf, 1, len, g), len);
	free(buf);
	fflush(g);
	rewind(g);
	return g;
}

struct fixture {
	struct exit_event *ev;
	struct collect c;
	struct record_info info;
	struct es_error err;
	char notes[4096];	/* the reader's notices, one a line */
};

static void on_notice(void *ctx, const char *msg)
{
	char *notes = ctx;
	size_t n = strlen(notes);

	snprintf(notes + n, 4096 - n, "%s\n", msg);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->ev = make_stream(N_EXITS);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	free(fx->ev);
	free(fx->c.ev);
	free(fx);
	return 0;
}

/* Reads f from its start into fx->c (emptied first); returns record_read's result. */
static int read_all(struct fixture *fx, FILE *f, const char *name)
{
	fx->c.n = 0;
	fx->err.msg[0] = '\0';
	fx->notes[0] = '\0';
	rewind(f);
	return record_read(f, name, collect_fn, &fx->c, &fx->info,
			   &(struct es_diag){ on_notice, fx->notes }, &fx->err);
}

static void test_round_trip(void **state)
{
	struct fixture *fx = *state;
	FILE *f = write_stream(fx->ev, N_EXITS, 7, true, 0);
	long size = ftell(f);

	rewind(f);
	assert_true(record_is_recording(f));
	assert_int_equal(ftell(f), 0);	/* record_is_recording rewinds */
	assert_int_equal(read_all(fx, f, "t1"), 0);
	assert_int_equal(fx->c.n, N_EXITS);
	for (size_t i = 0; i < N_EXITS; i++) {
		const struct exit_event *a = &fx->ev[i], *b = &fx->c.ev[i];

		if (a->ts_ns != b->ts_ns || a->dur_ns != b->dur_ns || a->has_dur != b->has_dur ||
		    a->pid != b->pid || a->tid != b->tid || a->vcpu != b->vcpu || a->isa != b->isa ||
		    a->reason != b->reason)
			fail_msg("exit %zu differs after the round trip", i);
	}
	assert_true(fx->info.complete);
	assert_false(fx->info.truncated);
	assert_false(fx->info.damaged);
	assert_int_equal(fx->info.lost, 7);
	assert_int_equal(fx->info.kernel_exits, N_EXITS + 7);
	/* every 1000th exit has no entry: it stays without a time */
	assert_int_equal(fx->info.open_exits, N_EXITS / 1000);
	assert_int_equal(fx->info.pid, 4242);
	assert_string_equal(fx->info.source, "test");
	assert_int_equal(fx->info.version, RECORD_VERSION);
	if ((double)size / N_EXITS > 8.0)
		fail_msg("%.2f bytes per exit on disk (at most 8)", (double)size / N_EXITS);
	fclose(f);
}

/* A recorder killed with -9 after 3 blocks of 50000: the file ends anywhere. */
static void test_killed_between_blocks(void **state)
{
	struct fixture *fx = *state;
	FILE *g = write_stream(fx->ev, N_KILLED, 3, false, 50000);

	assert_int_equal(read_all(fx, g, "killed"), 0);
	assert_int_equal(fx->c.n, N_KILLED);
	assert_false(fx->info.complete);
	assert_false(fx->info.truncated);
	assert_int_equal(fx->info.lost, 3);
	assert_non_null(strstr(fx->notes, "killed: no trailer: the recorder did not finish"));
	assert_string_equal(fx->err.msg, "");
	fclose(g);
}

static void test_killed_inside_last_block(void **state)
{
	struct fixture *fx = *state;
	FILE *g = write_stream(fx->ev, N_KILLED, 3, false, 50000);
	FILE *h = cut(g, ftell(g) - 10);

	assert_int_equal(read_all(fx, h, "cut"), 0);
	assert_int_equal(fx->c.n, 100000);
	assert_true(fx->info.truncated);
	assert_true(fx->info.ignored_bytes > 0);
	assert_non_null(strstr(fx->notes, "cut: the recording ends inside a block at offset "));
	fclose(h);
	fclose(g);
}

static void test_killed_inside_first_header(void **state)
{
	struct fixture *fx = *state;
	FILE *g = write_stream(fx->ev, N_KILLED, 3, false, 50000);
	FILE *h = cut(g, 64 + 20);

	assert_int_equal(read_all(fx, h, "cut2"), 0);
	assert_int_equal(fx->c.n, 0);
	assert_true(fx->info.truncated);
	fclose(h);
	fclose(g);
}

/* One byte flipped in the second block's payload. */
static void test_damaged_block(void **state)
{
	struct fixture *fx = *state;
	FILE *g = write_stream(fx->ev, N_KILLED, 3, false, 50000);
	FILE *h = cut(g, ftell(g));
	unsigned char b4[4];
	char want[128];
	long off, second;
	int ch;

	fseek(h, 64 + 8, SEEK_SET);	/* the first block's compressed length */
	assert_int_equal(fread(b4, 1, 4, h), 4);
	second = 64 + 48 + (b4[0] | b4[1] << 8 | b4[2] << 16 | (long)b4[3] << 24);
	off = second + 48 + 100;
	fseek(h, off, SEEK_SET);
	ch = fgetc(h);
	fseek(h, off, SEEK_SET);
	fputc(ch ^ 0x40, h);
	fflush(h);
	assert_int_equal(read_all(fx, h, "damaged"), 0);
	/* the first and third blocks are read: the reading goes on after the damage */
	assert_int_equal(fx->c.n, 100000);
	assert_int_equal(fx->c.ev[50000].ts_ns, fx->ev[100000].ts_ns);
	assert_true(fx->info.damaged);
	assert_int_equal(fx->info.nbad, 1);
	assert_int_equal(fx->info.bad_at[0], second);
	/* The notice names the block by its offset: where the second block starts. */
	snprintf(want, sizeof(want), "damaged: block at offset %ld is damaged", second);
	assert_non_null(strstr(fx->notes, want));
	fclose(h);
	fclose(g);
}

/* Overwrite len bytes at off of f with b. */
static void poke(FILE *f, long off, const void *b, size_t len)
{
	fseek(f, off, SEEK_SET);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fflush(f);
}

/* Set the block at off's CRC right again after poking its header (version 2). */
static void fix_crc(FILE *f, long off)
{
	unsigned char bh[48], *comp;
	uint32_t clen, crc;

	fseek(f, off, SEEK_SET);
	assert_int_equal(fread(bh, 1, 48, f), 48);
	clen = bh[8] | bh[9] << 8 | bh[10] << 16 | (uint32_t)bh[11] << 24;
	comp = malloc(clen);
	assert_non_null(comp);
	assert_int_equal(fread(comp, 1, clen, f), clen);
	crc = (uint32_t)crc32(crc32(0, bh, 44), comp, clen);
	free(comp);
	poke(f, off + 44, (unsigned char[]){ crc, crc >> 8, crc >> 16, crc >> 24 }, 4);
}

/*
 * Fuzz finding (issue 13): a block header whose key or exit count the payload
 * cannot back (nkeys 0xffffffff asked for 80 GB) is damage, never an
 * allocation; even with its CRC made right again.
 */
static void test_counts_beyond_payload(void **state)
{
	struct fixture *fx = *state;
	FILE *g = write_stream(fx->ev, N_KILLED, 3, false, 50000);
	FILE *h = cut(g, ftell(g));

	poke(h, 64 + 20, "\xff\xff\xff\xff", 4);	/* the first block's nkeys */
	fix_crc(h, 64);
	assert_int_equal(read_all(fx, h, "nkeys"), 0);
	assert_int_equal(fx->c.n, 100000);
	assert_int_equal(fx->info.nbad, 1);
	assert_int_equal(fx->info.bad_at[0], 64);
	poke(h, 64 + 20, "\x01\0\0\0", 4);		/* 1 key, but 4 billion exits */
	poke(h, 64 + 16, "\xff\xff\xff\x7f", 4);
	fix_crc(h, 64);
	assert_int_equal(read_all(fx, h, "nev"), 0);
	assert_int_equal(fx->c.n, 100000);
	assert_int_equal(fx->info.nbad, 1);
	fclose(h);
	fclose(g);
}

/* Version 2 puts every block header byte under the CRC: a flipped reserved byte is damage. */
static void test_reserved_bytes_checked(void **state)
{
	struct fixture *fx = *state;
	FILE *g = write_stream(fx->ev, N_KILLED, 3, false, 50000);
	FILE *h = cut(g, ftell(g));

	poke(h, 64 + 40, "\x01", 1);
	assert_int_equal(read_all(fx, h, "reserved"), 0);
	assert_int_equal(fx->c.n, 100000);
	assert_int_equal(fx->info.nbad, 1);
	fclose(h);
	fclose(g);
}

/*
 * Version 1 (docs/worked-example/ide/boot.rec, a real recording of 122096
 * exits, report.json) is still read; a damaged file header does not stop the
 * blocks being read.
 */
static void test_version1_and_damaged_header(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(SRCDIR "/docs/worked-example/ide/boot.rec", "r");
	FILE *h;
	long size;

	assert_non_null(f);
	assert_int_equal(read_all(fx, f, "boot.rec"), 0);
	assert_int_equal(fx->info.version, 1);
	assert_int_equal(fx->c.n, 122096);
	assert_true(fx->info.complete);
	assert_false(fx->info.damaged);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	h = cut(f, size);
	poke(h, 40, "\xff", 1);	/* inside the source text */
	assert_int_equal(read_all(fx, h, "hdr"), 0);
	assert_int_equal(fx->c.n, 122096);
	assert_true(fx->info.header_damaged);
	assert_non_null(strstr(fx->notes, "hdr: the recording's header is damaged"));
	fclose(h);
	fclose(f);
}

/*
 * ev (N_EXITS) written, and *extra: the bytes per exit it costs more than
 * fx->ev, the same exits without what ev adds.
 */
static FILE *write_with_and_without(struct fixture *fx, const struct exit_event *ev, double *extra)
{
	FILE *plain = write_stream(fx->ev, N_EXITS, 0, true, 0), *f;
	long plain_size = ftell(plain);

	fclose(plain);
	f = write_stream(ev, N_EXITS, 0, true, 0);
	*extra = (double)(ftell(f) - plain_size) / N_EXITS;
	return f;
}

/*
 * record --detail: each exit's detail (what live keeps of the exit
 * information, detail_need) comes back as written, and costs at most 4 more
 * bytes per exit than the same exits without (the bound).
 */
static void test_detail_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct exit_event *ev = calloc(N_EXITS, sizeof(*ev));
	double extra;
	FILE *f;

	assert_non_null(ev);
	memcpy(ev, fx->ev, N_EXITS * sizeof(*ev));
	for (size_t i = 0; i < N_EXITS; i++) {
		struct exit_info in = { 0 };
		struct detail_need n;
		uint64_t r = next_rand();

		if (i % 7 == 3) {	/* some VMX exits: exceptions, I/O, EPT violations */
			ev[i].isa = ISA_VMX;
			ev[i].reason = (uint32_t[]){ 0, 30, 48 }[r % 3];
		}
		/* a guest's spread: 4 ports, 3 MSRs, 8 MMIO pages, next RIPs that differ */
		in.info1 = ev[i].reason == 0x7b ? (0xcf8u + 4 * (r % 4)) << 16 | 0x41 :
			   ev[i].reason == 0x400 ? 6 : ev[i].reason == 30 ? 0xcfc0003 : r & 1;
		in.info2 = 0xfeb00000 + (r % 8) * 4096 + (r >> 40) % 4096;
		in.intr_info = 0x80000b0e;
		in.has_intr_info = ev[i].isa == ISA_VMX;
		in.has_msr = true;
		in.msr = (uint32_t[]){ 0x1b, 0xc0000080, 0x6e0 }[r % 3];
		/* an EPT violation's GPA (kvm_page_fault's): 8 pages, most with it */
		in.has_gpa = r % 5 != 0;
		in.gpa = 0x100000 + (r >> 8) % 8 * 4096 + (r >> 40) % 4096;
		/* a nested page fault's memslot where live BPF read it: slot 1, or MMIO */
		in.has_slot = r % 3 != 0;
		in.slot = r % 3 == 1 ? 1 : DETAIL_NO_MEMSLOT;
		in.slot_base = in.slot == 1 ? 0x100000 : 0;
		in.slot_size = in.slot == 1 ? 0x80000 : 0;
		detail_need(ev[i].isa, ev[i].reason, DETAIL_KINDS_ALL, &n);
		if (!n.count)
			continue;
		detail_info_reduce(&n, &in);
		ev[i].has_info = true;
		ev[i].info = in;
	}
	f = write_with_and_without(fx, ev, &extra);
	assert_int_equal(read_all(fx, f, "detail"), 0);
	assert_int_equal(fx->c.n, N_EXITS);
	for (size_t i = 0; i < N_EXITS; i++) {
		const struct exit_event *a = &ev[i], *b = &fx->c.ev[i];

		if (a->has_info != b->has_info || a->reason != b->reason || a->isa != b->isa ||
		    (a->has_info && (a->info.info1 != b->info.info1 || a->info.info2 != b->info.info2 ||
				     a->info.has_intr_info != b->info.has_intr_info ||
				     a->info.intr_info != b->info.intr_info ||
				     a->info.has_msr != b->info.has_msr || a->info.msr != b->info.msr ||
				     a->info.has_gpa != b->info.has_gpa || a->info.gpa != b->info.gpa ||
				     a->info.has_slot != b->info.has_slot || a->info.slot != b->info.slot ||
				     a->info.slot_base != b->info.slot_base ||
				     a->info.slot_size != b->info.slot_size)))
			fail_msg("exit %zu: its detail differs after the round trip", i);
	}
	if (extra > 4.0)
		fail_msg("%.2f more bytes per exit with details (at most 4)", extra);
	fclose(f);
	free(ev);
}

/*
 * record --hotspots: each exit's guest RIP comes back as written, with its
 * detail or without one (REC_RIP alone), kernel-half RIPs whole (64 bits);
 * a guest's few hot RIPs cost at most 4 more bytes per exit.
 */
static void test_rip_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct exit_event *ev = calloc(N_EXITS, sizeof(*ev));
	double extra;
	FILE *f;

	assert_non_null(ev);
	memcpy(ev, fx->ev, N_EXITS * sizeof(*ev));
	for (size_t i = 0; i < N_EXITS; i++) {
		uint64_t r = next_rand();

		if (i % 5 == 0)
			continue;	/* some exits without a RIP */
		/* 16 hot RIPs, half of them in the kernel half of the address space */
		ev[i].info.has_rip = true;
		ev[i].info.rip = (r % 2 ? 0xffffffff81000000ull : 0x401000ull) + (r >> 8) % 8 * 0x31;
		if (i % 3 == 0) {	/* and a detail beside it */
			ev[i].has_info = true;
			ev[i].info.info1 = 1;
		}
	}
	f = write_with_and_without(fx, ev, &extra);
	assert_int_equal(read_all(fx, f, "rip"), 0);
	assert_int_equal(fx->info.version, RECORD_VERSION);
	assert_int_equal(fx->c.n, N_EXITS);
	for (size_t i = 0; i < N_EXITS; i++) {
		const struct exit_event *a = &ev[i], *b = &fx->c.ev[i];

		if (a->info.has_rip != b->info.has_rip || a->has_info != b->has_info ||
		    (a->info.has_rip && a->info.rip != b->info.rip) ||
		    (a->has_info && a->info.info1 != b->info.info1))
			fail_msg("exit %zu: its RIP or detail differs after the round trip", i);
	}
	if (extra > 4.0)
		fail_msg("%.2f more bytes per exit with RIPs (at most 4)", extra);
	fclose(f);
	free(ev);
}

/* A version 2 recording (before details) is read: its exits, none with exit information. */
static void test_version2_read(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(SRCDIR "/tests/fuzz/seed/record/v2-40-exits.rec", "r");

	assert_non_null(f);
	assert_int_equal(read_all(fx, f, "v2"), 0);
	assert_int_equal(fx->info.version, 2);
	assert_int_equal(fx->c.n, 40);
	for (size_t i = 0; i < fx->c.n; i++)
		assert_false(fx->c.ev[i].has_info);
	fclose(f);
}

static void test_text_is_not_a_recording(void **state)
{
	struct fixture *fx = *state;
	FILE *g = tmpfile();

	assert_non_null(g);
	fputs("not a recording\n", g);
	rewind(g);
	assert_false(record_is_recording(g));
	assert_int_equal(read_all(fx, g, "text"), -1);
	assert_string_equal(fx->err.msg, "text: not an exitstat recording (no EXITREC magic)");
	fclose(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_killed_between_blocks),
		cmocka_unit_test(test_killed_inside_last_block),
		cmocka_unit_test(test_killed_inside_first_header),
		cmocka_unit_test(test_damaged_block),
		cmocka_unit_test(test_counts_beyond_payload),
		cmocka_unit_test(test_reserved_bytes_checked),
		cmocka_unit_test(test_version1_and_damaged_header),
		cmocka_unit_test(test_text_is_not_a_recording),
		cmocka_unit_test(test_detail_round_trip),
		cmocka_unit_test(test_version2_read),
		cmocka_unit_test(test_rip_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
