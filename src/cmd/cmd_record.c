// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat record -o FILE [-p PID] [-- CMD]`: every exit, streamed from the
 * BPF ring buffer into a recording (record.h) in blocks. Events the ring had
 * no room for are counted in the kernel and written into the file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "live/live.h"
#include "live/live_run.h"
#include "live/ready.h"
#include "sources/record.h"

#define FLUSH_SECONDS 1.0

static void usage(FILE *f)
{
	fprintf(f,
"usage: exitstat record -o FILE [OPTIONS] [-- CMD ARGS...]\n"
"Records every VM exit (time, VM pid, thread, vCPU, ISA, reason, time in exit)\n"
"into FILE, through a BPF ring buffer. With CMD, runs it and records its exits\n"
"only. Read the file with `exitstat report FILE`. A block is written every\n"
"%d exits and every %.0f s, so a recorder killed with -9 loses at most that.\n\n"
"  -o, --output FILE    the recording (required)\n"
"  -p, --pid PID        only the VM (process) PID\n"
"  -D, --duration SECONDS  stop after SECONDS\n"
"      --ringbuf MIB    BPF ring buffer size (power of two, default 64)\n"
"      --ready-file PATH  once attached (before a CMD starts), write \"ready PID\"\n"
"                       to PATH (a file, or a FIFO: blocks until it is read)\n"
"  -v, --verbose        libbpf's messages\n", RECORD_BLOCK_EVENTS, FLUSH_SECONDS);
}

/* What write_exit writes to, and where it says why it failed. */
struct write_ctx {
	struct record_writer *w;
	struct es_error *err;
};

static int write_exit(void *ctx, const struct exit_event *e)
{
	struct write_ctx *wc = ctx;

	return record_writer_add(wc->w, e, wc->err);
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'D' },
		{ "ringbuf", required_argument, NULL, 'r' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct live_opts lo = { .backend = BACKEND_BPF, .record = true, .no_event_mix = true };
	struct live_child child = { .pid = -1, .go_fd = -1, .exec_fd = -1 };
	struct live_src *src = NULL;
	struct record_writer *w = NULL;
	struct live_counters lc;
	const char *out = NULL, *ready_file = NULL;
	double duration = 0, start, next_flush;
	bool have_child = false;
	struct es_error err = { "" };
	struct write_ctx wc = { .err = &err };
	char source[25];
	FILE *f = NULL;
	uint64_t v;
	int o, ret = EXIT_OK;

	optind = 1;
	while ((o = getopt_long(argc, argv, "+o:p:D:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'o':
			out = optarg;
			break;
		case 'p':
			if (!cli_parse_u64(optarg, &v) || !v || v > UINT32_MAX) {
				fprintf(stderr, "exitstat record: -p %s: not a process id\n", optarg);
				return EXIT_USAGE;
			}
			lo.pid = v;
			break;
		case 'D':
			if (!cli_parse_double(optarg, 1e-9, 1e9, &duration)) {
				fprintf(stderr, "exitstat record: -D %s: not a positive number of seconds\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			if (!cli_parse_ringbuf_mib(optarg, &lo.ringbuf_bytes)) {
				fprintf(stderr, "exitstat record: --ringbuf %s: a power of two of MiB, "
					"1..4096\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'R':
			ready_file = optarg;
			break;
		case 'v':
			lo.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!out) {
		fprintf(stderr, "exitstat record: -o FILE is required\n");
		return EXIT_USAGE;
	}
	if (optind < argc && lo.pid) {
		fprintf(stderr, "exitstat record: give either -p PID or a command, not both\n");
		return EXIT_USAGE;
	}
	if (live_preflight(lo.pid, BACKEND_BPF, &err)) {
		msg_error("record", &err);
		return EXIT_FAIL;
	}
	f = fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "exitstat record: cannot write %s: %s\n", out, strerror(errno));
		return EXIT_FAIL;
	}
	live_install_signals();
	if (optind < argc) {
		if (live_child_start(&child, argv + optind, &err)) {
			msg_error("record", &err);
			ret = EXIT_FAIL;
			goto out;
		}
		have_child = true;
		lo.pid = child.pid;
		lo.inherit_pid = true;
	}
	lo.diag = msg_diag("record");
	src = live_open(&lo, &err);
	if (!src) {
		msg_error("record", &err);
		ret = EXIT_FAIL;
		goto out;
	}
	snprintf(source, sizeof(source), "bpf %s",
		 strstr(live_source(src), "tp_btf") ? "tp_btf" : "tracepoint");
	w = record_writer_open(f, out, lo.pid, source, &err);
	if (!w) {
		msg_error("record", &err);
		ret = EXIT_FAIL;
		goto out;
	}
	wc.w = w;
	if (ready_file && ready_file_write(ready_file, &err)) {
		msg_error("record", &err);
		ret = EXIT_FAIL;
		goto out;
	}
	/* A command that cannot run: nothing to measure, its exec's error is the message. */
	if (have_child && live_child_release(&child, &err)) {
		msg_error("record", &err);
		ret = EXIT_FAIL;
		goto out;
	}
	start = live_now();
	next_flush = start + FLUSH_SECONDS;
	while (!live_stop_requested) {
		double now;

		if (live_poll(src, 100, write_exit, &wc, &err)) {
			msg_error("record", &err);
			ret = EXIT_FAIL;
			break;
		}
		now = live_now();
		if (now >= next_flush) {
			live_counters(src, &lc);
			if (record_writer_flush(w, lc.lost, &err)) {
				msg_error("record", &err);
				ret = EXIT_FAIL;
				break;
			}
			next_flush = now + FLUSH_SECONDS;
		}
		if (have_child && live_child_done(&child))
			break;
		if (duration && now - start >= duration)
			break;
	}
	/* Detach, drain what the ring still holds, then the exits whose entry never came. */
	if (live_finish(src, write_exit, &wc, &err) || live_flush_open(src, write_exit, &wc, &err)) {
		msg_error("record", &err);
		ret = EXIT_FAIL;
	}
	live_counters(src, &lc);
	{
		uint64_t events = record_writer_events(w), bytes;

		if (record_writer_finish(w, lc.lost, lc.exits, &err)) {
			msg_error("record", &err);
			ret = EXIT_FAIL;
		}
		w = NULL;
		if (fflush(f)) {
			fprintf(stderr, "exitstat record: writing %s failed: %s\n", out, strerror(errno));
			ret = EXIT_FAIL;
		}
		bytes = ftell(f);
		fprintf(stderr, "exitstat record: %llu exits in %s (%llu bytes, %.2f bytes/exit), "
			"%llu lost, kernel counted %llu (%s)\n", (unsigned long long)events, out,
			(unsigned long long)bytes, events ? (double)bytes / events : 0.0,
			(unsigned long long)lc.lost, (unsigned long long)lc.exits, live_source(src));
		if (events + lc.lost != lc.exits)
			fprintf(stderr, "exitstat record: warning: recorded + lost (%llu) != exits the "
				"kernel counted (%llu)\n", (unsigned long long)(events + lc.lost),
				(unsigned long long)lc.exits);
	}
	if (have_child) {
		live_child_stop(&child, live_stop_requested ? SIGTERM : 0);
		if (live_child_exit_code(&child)) {
			fprintf(stderr, "exitstat record: %s exited with status %d\n", argv[optind],
				live_child_exit_code(&child));
			ret = EXIT_FAIL;
		}
	}
out:
	record_writer_abort(w);
	if (have_child)
		live_child_stop(&child, SIGKILL);
	live_close(src);
	if (f && fclose(f)) {
		fprintf(stderr, "exitstat record: writing %s failed: %s\n", out, strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}
