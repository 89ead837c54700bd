// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the recording format (src/sources/record.c), and a reader for the bed.
 *   record_tool selftest      round trip, kill -9 tails, damage, size per exit
 *   record_tool report FILE   the recording as exitstat's JSON report (what
 *                             `exitstat report FILE` prints once it reads recordings)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "output/report.h"
#include "sources/record.h"

static int pass, fail;

#define CHECK(cond, ...)                                        \
	do {                                                    \
		if (cond) {                                     \
			pass++;                                 \
			printf("PASS  ");                       \
		} else {                                        \
			fail++;                                 \
			printf("FAIL  ");                       \
		}                                               \
		printf(__VA_ARGS__);                            \
		printf("\n");                                   \
	} while (0)

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

	for (size_t i = 0; ev && i < n; i++) {
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

static FILE *write_stream(const struct exit_event *ev, size_t n, uint64_t lost, bool finish,
			  size_t flush_every)
{
	FILE *f = tmpfile();
	struct record_writer *w = f ? record_writer_open(f, "tmp", 4242, "test") : NULL;

	if (!w)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (record_writer_add(w, &ev[i]))
			return NULL;
		if (flush_every && (i + 1) % flush_every == 0 && record_writer_flush(w, lost))
			return NULL;
	}
	if (finish) {
		if (record_writer_finish(w, lost, n + lost))
			return NULL;
	} else {
		record_writer_flush(w, lost);
		record_writer_abort(w);
	}
	fflush(f);
	return f;
}

/* Copy the first len bytes of f into a new tmpfile (a file cut by a kill). */
static FILE *cut(FILE *f, long len)
{
	FILE *g = tmpfile();
	char *buf = malloc(len);

	rewind(f);
	if (!g || !buf || fread(buf, 1, len, f) != (size_t)len || fwrite(buf, 1, len, g) != (size_t)len)
		return NULL;
	free(buf);
	fflush(g);
	rewind(g);
	return g;
}

static int selftest(void)
{
	const size_t n = 200000;
	struct exit_event *ev = make_stream(n);
	struct collect c = { 0 };
	struct record_info info;
	FILE *f = write_stream(ev, n, 7, true, 0);
	long size;
	bool same = true;

	if (!f) {
		printf("FAIL  cannot write a test recording\n");
		return 1;
	}
	size = ftell(f);
	rewind(f);
	CHECK(record_is_recording(f) && ftell(f) == 0, "record_is_recording sees the magic and rewinds");
	CHECK(record_read(f, "t1", collect_fn, &c, &info) == 0, "a whole recording reads");
	CHECK(c.n == n, "all %zu exits come back (got %zu)", n, c.n);
	for (size_t i = 0; i < n && i < c.n; i++)
		if (ev[i].ts_ns != c.ev[i].ts_ns || ev[i].dur_ns != c.ev[i].dur_ns ||
		    ev[i].has_dur != c.ev[i].has_dur || ev[i].pid != c.ev[i].pid ||
		    ev[i].tid != c.ev[i].tid || ev[i].vcpu != c.ev[i].vcpu ||
		    ev[i].isa != c.ev[i].isa || ev[i].reason != c.ev[i].reason) {
			printf("      exit %zu differs\n", i);
			same = false;
			break;
		}
	CHECK(same && c.n == n, "every field of every exit is identical after the round trip");
	CHECK(info.complete && !info.truncated && !info.damaged, "complete, not truncated, not damaged");
	CHECK(info.lost == 7 && info.kernel_exits == n + 7, "lost 7 and kernel count %zu carried (got %llu, %llu)",
	      n + 7, (unsigned long long)info.lost, (unsigned long long)info.kernel_exits);
	CHECK(info.open_exits == n / 1000, "exits without an entry stay without time (%llu)",
	      (unsigned long long)info.open_exits);
	CHECK(info.pid == 4242 && !strcmp(info.source, "test") && info.version == RECORD_VERSION,
	      "header: pid, source, version");
	CHECK((double)size / n <= 8.0, "%.2f bytes per exit on disk (at most 8)", (double)size / n);

	/* A recorder killed with -9: the file ends anywhere. */
	{
		FILE *g = write_stream(ev, 150000, 3, false, 50000);	/* 3 blocks, no trailer */
		long full = ftell(g);
		FILE *h;

		c.n = 0;
		rewind(g);
		CHECK(record_read(g, "killed", collect_fn, &c, &info) == 0 && c.n == 150000 &&
		      !info.complete && !info.truncated && info.lost == 3,
		      "killed between blocks: all 150000 written exits, no trailer said, lost 3 kept");
		h = cut(g, full - 10);
		c.n = 0;
		CHECK(record_read(h, "cut", collect_fn, &c, &info) == 0 && c.n == 100000 &&
		      info.truncated && info.ignored_bytes > 0,
		      "killed inside the last block: the 100000 exits before it, truncated, %llu bytes ignored",
		      (unsigned long long)info.ignored_bytes);
		fclose(h);
		h = cut(g, 64 + 20);
		c.n = 0;
		CHECK(record_read(h, "cut2", collect_fn, &c, &info) == 0 && c.n == 0 && info.truncated,
		      "killed inside the first block header: 0 exits, truncated");
		fclose(h);
		/* flip one byte in the second block's payload */
		h = cut(g, full);
		{
			long off;
			int ch;

			fseek(h, 64 + 8, SEEK_SET);	/* first block's compressed length */
			unsigned char b4[4];

			if (fread(b4, 1, 4, h) == 4) {
				off = 64 + 48 + (b4[0] | b4[1] << 8 | b4[2] << 16 | (long)b4[3] << 24) + 48 + 100;
				fseek(h, off, SEEK_SET);
				ch = fgetc(h);
				fseek(h, off, SEEK_SET);
				fputc(ch ^ 0x40, h);
				fflush(h);
			}
		}
		rewind(h);
		c.n = 0;
		CHECK(record_read(h, "damaged", collect_fn, &c, &info) == 0 && c.n == 50000 && info.damaged,
		      "a damaged second block: the first block's 50000 exits, damage said (got %zu)", c.n);
		fclose(h);
		fclose(g);
	}
	{
		FILE *g = tmpfile();

		fputs("not a recording\n", g);
		rewind(g);
		CHECK(!record_is_recording(g) && record_read(g, "text", collect_fn, &c, &info) == -1,
		      "a text file is not a recording");
		fclose(g);
	}
	fclose(f);
	free(ev);
	free(c.ev);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

struct rep {
	struct accum acc;
};

static int feed(void *ctx, const struct exit_event *e)
{
	return accum_event(ctx, e);
}

static int report(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct accum acc;
	struct record_info info;
	struct report_opts ro = { .format = FMT_JSON, .sort = SORT_COUNT, .per_vm = true,
				  .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN } };
	struct report_meta m = { 0 };
	char source[128];

	if (!f || accum_init(&acc)) {
		perror(path);
		return 1;
	}
	if (record_read(f, path, feed, &acc, &info))
		return 1;
	snprintf(source, sizeof(source), "recording %s (%s)", path, info.source);
	m.source = source;
	m.clock = "ns";
	m.final = true;
	m.lost = info.lost;
	m.unpaired = info.open_exits;
	report_print(stdout, &ro, &m, acc.stats);
	fprintf(stderr, "record_tool: %llu exits, %llu blocks, lost %llu, kernel counted %llu, complete %d\n",
		(unsigned long long)info.events, (unsigned long long)info.blocks,
		(unsigned long long)info.lost, (unsigned long long)info.kernel_exits, info.complete);
	accum_fini(&acc);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "selftest"))
		return selftest();
	if (argc == 3 && !strcmp(argv[1], "report"))
		return report(argv[2]);
	fprintf(stderr, "usage: record_tool selftest | report FILE\n");
	return 2;
}
