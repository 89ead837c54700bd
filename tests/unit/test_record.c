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
	assert_int_equal(fx->c.n, 50000);
	assert_true(fx->info.damaged);
	/* The notice names the block by its offset: where the second block starts. */
	snprintf(want, sizeof(want), "damaged: block at offset %ld is damaged", second);
	assert_non_null(strstr(fx->notes, want));
	fclose(h);
	fclose(g);
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
		cmocka_unit_test(test_text_is_not_a_recording),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
