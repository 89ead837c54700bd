// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat record -o FILE [-p PID] [-- CMD]`: every exit, streamed from the
 * BPF ring buffer into a recording (record.h) in blocks. Events the ring had
 * no room for are counted in the kernel and written into the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/collect.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "sources/record.h"

#define FLUSH_SECONDS 1

enum { OPT_FORCE = CLI_OWN };

static const struct cli_opt opt_output = {
	"output", 'o', CLI_ARG, "FILE", "the recording (an existing FILE only with --force); "
	"written once attached, so a run that cannot attach leaves none", CLI_OUTPUT, CLI_REQUIRED };
static const struct cli_opt opt_force = {
	"force", 0, CLI_NO_ARG, NULL, "overwrite FILE if it exists", OPT_FORCE, 0 };

/* The same spelling as report's and explain's (an optional N), whose N a recording has no use for. */
static const struct cli_opt opt_hotspots = {
	"hotspots", 0, CLI_OPTIONAL_ARG, "N", "also store each exit's guest RIP (SVM: the vCPU's "
	"saved RIP; VMX: the tracepoint's guest_rip), for `explain --hotspots FILE` and `report "
	"--hotspots FILE`; a recording keeps every RIP, so N is refused here (it is theirs)",
	CLI_HOTSPOTS, 0 };

static const struct cli_opt *const record_opts[] = {
	&opt_output, &opt_force, &cli_opt_pid, &cli_opt_duration, &cli_opt_ringbuf, &cli_opt_ready_file,
	&cli_opt_verbose, &cli_opt_detail, &opt_hotspots, NULL,
};

const struct cli_cmd cli_cmd_record = {
	.name = "record",
	.title = "record",
	.summary = "record every exit to a compact file",
	.synopsis = "-o FILE [OPTIONS] [-- CMD ARGS...]",
	.description =
		"Records every VM exit (time, VM pid, thread, vCPU, ISA, reason, time in exit)\n"
		"into FILE, through a BPF ring buffer. With CMD, runs it and records its exits\n"
		"only. Read the file with `exitstat report FILE`. A block is written every\n"
		CLI_XSTR(RECORD_BLOCK_EVENTS) " exits and every " CLI_XSTR(FLUSH_SECONDS)
		" s, so a recorder killed with -9 loses at most that.",
	.opts = record_opts,
	.operands = CLI_COMMAND,
	.run = cmd_record,
};

struct record_cmd {
	struct collect col;
	const char *out;
	bool force;		/* --force: FILE may exist */
	FILE *f;
	struct record_writer *w;
	struct es_error err;	/* why writing failed (write_exit has no other way to say) */
};

static int apply_record(void *ctx, int id, const char *arg)
{
	struct record_cmd *r = ctx;

	if (id == CLI_OUTPUT) {
		r->out = arg;
		return 0;
	}
	if (id == OPT_FORCE) {
		r->force = true;
		return 0;
	}
	if (id == CLI_HOTSPOTS) {
		if (arg) {
			fprintf(stderr, "exitstat record: --hotspots=%s: a recording keeps every "
				"exit's RIP; N is for `report --hotspots=N` and `explain "
				"--hotspots=N` of the file\n", arg);
			return -1;
		}
		r->col.lo.hotspots = true;
		return 0;
	}
	return collect_apply(&r->col, id, arg);
}

static int write_exit(void *ctx, const struct exit_event *e)
{
	struct record_cmd *r = ctx;

	return record_writer_add(r->w, e, &r->err);
}

/* Say r->err's message; -1. */
static int say(struct record_cmd *r)
{
	msg_error("record", &r->err);
	return -1;
}

/* The recording's header names the attach method. */
static int open_writer(struct record_cmd *r)
{
	char source[25];

	/* how kvm_exit is hooked (a VMX EPT page program may say tp_btf later on) */
	snprintf(source, sizeof(source), "bpf %s",
		 strstr(live_source(r->col.src), "BPF tp_btf/") ? "tp_btf" : "tracepoint");
	r->w = record_writer_open(r->f, r->out, r->col.lo.pid, source, &r->err);
	return r->w ? 0 : say(r);
}

/* Until stopped: write the exits, a block at least every FLUSH_SECONDS. */
static int record_loop(struct record_cmd *r)
{
	double next_flush = r->col.start + FLUSH_SECONDS;
	struct live_counters lc;

	while (!live_stop_requested) {
		double now;

		/* the next block's flush at the latest (the ring wakes us sooner when half full) */
		now = live_now();
		if (live_poll(r->col.src, collect_poll_ms(&r->col, now, COLLECT_IDLE_MS, next_flush),
			      write_exit, r, &r->err))
			return say(r);
		now = live_now();
		if (now >= next_flush) {
			live_counters(r->col.src, &lc);
			if (record_writer_flush(r->w, lc.lost, &r->err))
				return say(r);
			next_flush = now + FLUSH_SECONDS;
		}
		if (collect_over(&r->col, now))
			break;
	}
	return 0;
}

/* Detach, drain what the ring still holds, then the exits whose entry never came; the tally. */
static int finish_recording(struct record_cmd *r)
{
	struct live_src *src = r->col.src;
	struct live_counters lc;
	uint64_t events, bytes;
	int rc = 0;

	if (live_finish(src, write_exit, r, &r->err) ||
	    live_flush_open(src, write_exit, r, &r->err))
		rc = say(r);
	live_counters(src, &lc);
	events = record_writer_events(r->w);
	if (record_writer_finish(r->w, lc.lost, lc.exits, &r->err))
		rc = say(r);
	r->w = NULL;
	if (fflush(r->f)) {
		fprintf(stderr, "exitstat record: writing %s failed: %s\n", r->out, strerror(errno));
		rc = -1;
	}
	bytes = ftell(r->f);
	fprintf(stderr, "exitstat record: %llu exits in %s (%llu bytes, %.2f bytes/exit), "
		"%llu lost, kernel counted %llu (%s)\n", (unsigned long long)events, r->out,
		(unsigned long long)bytes, events ? (double)bytes / events : 0.0,
		(unsigned long long)lc.lost, (unsigned long long)lc.exits, live_source(src));
	if (events + lc.lost != lc.exits)
		fprintf(stderr, "exitstat record: warning: recorded + lost (%llu) != exits the "
			"kernel counted (%llu)\n", (unsigned long long)(events + lc.lost),
			(unsigned long long)lc.exits);
	return rc;
}

/* Create the file (an existing one only with --force): 0, or -1 (said). */
static int open_file(struct record_cmd *r)
{
	int fd = open(r->out, O_WRONLY | O_CREAT | O_CLOEXEC | (r->force ? O_TRUNC : O_EXCL), 0644);

	if (fd >= 0)
		r->f = fdopen(fd, "wb");
	if (r->f)
		return 0;
	if (errno == EEXIST)
		es_error_set(&r->err, "%s exists: give --force to overwrite it", r->out);
	else
		es_error_set(&r->err, "cannot write %s: %s", r->out, strerror(errno));
	if (fd >= 0)
		close(fd);
	return say(r);
}

/* Everything from attaching to the last block: 0 or -1 (said). */
static int record_run(struct record_cmd *r)
{
	int rc;

	/* The file only once attached: a run that cannot attach leaves no recording. */
	if (collect_attach(&r->col) || open_file(r) || open_writer(r) || collect_go(&r->col))
		return -1;
	rc = record_loop(r);
	if (finish_recording(r))
		rc = -1;
	if (collect_end_command(&r->col))
		rc = -1;
	return rc;
}

int cmd_record(int argc, char **argv)
{
	struct record_cmd r = { 0 };
	int first, ret;

	collect_init(&r.col, "record");
	r.col.lo = (struct live_opts){ .backend = BACKEND_BPF, .record = true, .no_event_mix = true };

	first = cli_parse(&cli_cmd_record, argc, argv, apply_record, &r);
	if (first < 0)
		return cli_end_status(first);
	if (collect_operands(&r.col, argc, argv, first))
		return EXIT_USAGE;
	/* Said before anything else is tried; open_file checks it again (O_EXCL). */
	if (!r.force && access(r.out, F_OK) == 0) {
		es_error_set(&r.err, "%s exists: give --force to overwrite it", r.out);
		msg_error("record", &r.err);
		return EXIT_FAIL;
	}
	if (collect_preflight(&r.col))
		return EXIT_FAIL;
	ret = record_run(&r) ? EXIT_FAIL : EXIT_OK;
	record_writer_abort(r.w);
	collect_close(&r.col);
	if (r.f && fclose(r.f)) {
		fprintf(stderr, "exitstat record: writing %s failed: %s\n", r.out, strerror(errno));
		ret = EXIT_FAIL;
	}
	/* Created, but the run never started (the ready file, the command failed): no recording. */
	if (r.f && ret && !r.col.start)
		unlink(r.out);
	return ret;
}
