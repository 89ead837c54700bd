// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat diff A B`: two runs (traces or recordings) compared per exit
 * reason, or with --detail per reason and detail (the exit's port, MSR
 * direction, CR, page, vector: core/detail.c); with -a/-b several runs per
 * side, and whether each change is within run-to-run noise
 * (analysis/diff.c, printed by output/diff_out.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/diff.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "core/event.h"
#include "output/diff_out.h"
#include "sources/input.h"

#define DIFF_MAX_RUNS 64

enum { OPT_A = CLI_OWN, OPT_B };

static const struct cli_opt opt_a = {
	"base", 'a', CLI_ARG, "FILE", "a run of side A, the base (repeat for several runs)",
	OPT_A, 0 };
static const struct cli_opt opt_b = {
	"new", 'b', CLI_ARG, "FILE", "a run of side B, compared with A (repeat for several "
	"runs)", OPT_B, 0 };

static const struct cli_opt *const diff_opts[] = {
	&opt_a, &opt_b, &cli_opt_detail, &cli_opt_format, &cli_opt_output, &cli_opt_top, &cli_opt_isa,
	&cli_opt_skip_bad, &cli_opt_partial_ok, NULL,
};

const struct cli_cmd cli_cmd_diff = {
	.name = "diff",
	.title = "diff",
	.summary = "compare two runs (or two sets of runs) per exit reason",
	.synopsis = "[OPTIONS] A B | -a A1 -a A2 ... -b B1 -b B2 ...",
	.description =
		"Reads each run (any trace or recording `exitstat report` reads) and prints,\n"
		"per exit reason, the exits per run of each side, the change, the rate\n"
		"(exits per second of each run's first-to-last-event window) and the mean\n"
		"time in exit, largest change first. With two or more runs on each side,\n"
		"each change is marked as noise when it is within twice its standard error\n"
		"(|change| <= 2 x sqrt(sdA^2/nA + sdB^2/nB) of the per-run counts).\n"
		"--detail KINDS compares per reason and detail of those kinds instead\n"
		"(traces whose kvm_exit lines carry the exit information, as exitstat\n"
		"explain reads, and recordings made with --detail).\n"
		"Exit status 1 when a run cannot be read whole.",
	.opts = diff_opts,
	.operands = CLI_FILES,
	.run = cmd_diff,
};

struct diff_cmd {
	const char *files[2][DIFF_MAX_RUNS];
	size_t n[2];
	struct report_opts ro;
	struct trace_opts to;
	struct cli_out out;
	bool partial_ok;
	bool details;		/* --detail */
	unsigned int detail_kinds;	/* its kinds (DETAIL_KINDS bits) */
	int status;		/* the input rule's, worst over the runs */
	char note[1024];	/* what the runs that were not read whole miss */
};

static int add_file(struct diff_cmd *d, int side, const char *path)
{
	if (d->n[side] == DIFF_MAX_RUNS)
		return -1;
	d->files[side][d->n[side]++] = path;
	return 0;
}

static int apply_diff(void *ctx, int id, const char *arg)
{
	struct diff_cmd *d = ctx;

	switch (id) {
	case OPT_A:
		return add_file(d, 0, arg);
	case OPT_B:
		return add_file(d, 1, arg);
	case CLI_SKIP_BAD:
		d->to.skip_bad = true;
		return 0;
	case CLI_ISA:
		return isa_parse(arg, &d->to.isa_hint);
	case CLI_OUTPUT:
		d->out.name = arg;
		return 0;
	case CLI_PARTIAL_OK:
		d->partial_ok = true;
		return 0;
	case CLI_DETAIL: {
		char why[128];

		d->details = true;
		d->to.want_info = true;
		return detail_kinds_parse(arg, &d->detail_kinds, why, sizeof(why));
	}
	default:	/* --format, --top */
		return cli_apply_view(&d->ro, id, arg);
	}
}

/* One run being read: its accumulator and, with --detail, its details. */
struct run_read {
	struct accum *acc;
	struct detail_stats *ds;
	unsigned int kinds;
	uint64_t with_info;
	bool oom;
};

/* The time in exit of an exit, once its entry came (accum's hook, --detail). */
static int on_time(void *ctx, const struct exit_event *exit, uint64_t dur)
{
	struct run_read *rr = ctx;

	detail_stats_event_time(rr->ds, exit, rr->kinds, dur);
	return 0;
}

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct run_read *rr = ctx;

	if (rr->ds) {
		rr->with_info += ev->kind == EV_EXIT && ev->has_info;
		if (detail_stats_event(rr->ds, ev, rr->kinds))
			rr->oom = true;
	}
	if (rr->oom || accum_event(rr->acc, ev)) {
		fprintf(stderr, "exitstat diff: out of memory\n");
		return -1;
	}
	return 0;
}

/* Read one run into acc; its window in seconds (0 for tick clocks). 0, or -1 (said). */
static int read_run(struct diff_cmd *d, const char *path, struct accum *acc,
		    struct detail_stats **ds, double *window_s, bool *ticks)
{
	struct run_read rr = { acc, NULL, d->detail_kinds, 0, false };
	struct es_error err = { "" };
	struct input_info in;
	struct stats *s;
	bool show;
	int rc, status;
	size_t n = strlen(d->note);

	if (accum_init(acc) || (d->details && !(*ds = detail_stats_new()))) {
		fprintf(stderr, "exitstat diff: out of memory\n");
		return -1;
	}
	if (d->details) {
		rr.ds = *ds;
		acc->on_time = on_time;
		acc->on_time_ctx = &rr;
	}
	rc = input_read(path, &d->to, on_event, &rr, &in, &err);
	acc->on_time = NULL;	/* rr lives only for this read */
	/* The one input rule, per run: a run not read at all stops the comparison. */
	status = msg_input_status("diff", rc, &err, &in, d->partial_ok, &show);
	if (!show)
		return -1;
	if (d->details && !rr.with_info && acc->stats->total) {
		fprintf(stderr, "exitstat diff: %s: its kvm_exit lines carry no exit information "
			"(info1/info2 or info): no details to compare (--detail)\n", path);
		return -1;
	}
	if (status != EXIT_OK)
		d->status = status;
	if ((in.incomplete || in.partial) && n + 4 < sizeof(d->note) &&
	    snprintf(d->note + n, sizeof(d->note) - n, "%sINCOMPLETE: %s: %s", n ? "; " : "",
		     path, in.note) >= (int)(sizeof(d->note) - n))
		strcpy(d->note + sizeof(d->note) - 4, "...");	/* cut: said so */
	s = acc->stats;
	*ticks = in.clock && !strcmp(in.clock, "ticks");
	*window_s = !*ticks && s->have_window ? (double)(s->last_ns - s->first_ns) / 1e9 : 0;
	return 0;
}

/* The two sides from the operands (A B) or from -a/-b. 0, or -1 (said). */
static int sides(struct diff_cmd *d, int argc, char **argv, int first)
{
	int n = argc - first;

	if (!d->n[0] && !d->n[1] && n == 2) {
		add_file(d, 0, argv[first]);
		add_file(d, 1, argv[first + 1]);
		return 0;
	}
	if ((d->n[0] || d->n[1]) && n == 0 && d->n[0] && d->n[1])
		return 0;
	fprintf(stderr, "exitstat diff: give two runs (A B), or -a and -b (each once or more, "
		"at most %d), not both (usage: exitstat diff %s)\n", DIFF_MAX_RUNS,
		cli_cmd_diff.synopsis);
	return -1;
}

/* Read every run of both sides, compare, print. 0, or -1 (said). */
static int diff_run_all(struct diff_cmd *d, struct accum acc[2][DIFF_MAX_RUNS],
			struct detail_stats *ds[2][DIFF_MAX_RUNS])
{
	struct diff_run runs[2][DIFF_MAX_RUNS];
	struct diff_meta m = { d->files[0], d->files[1], d->n[0], d->n[1], 0, 0, false,
			       d->ro.top, d->details, d->note };
	struct diff_row *rows;
	size_t n;
	int rc;

	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < d->n[s]; r++) {
			bool ticks;

			if (read_run(d, d->files[s][r], &acc[s][r], &ds[s][r], &runs[s][r].window_s,
				     &ticks))
				return -1;
			runs[s][r].stats = acc[s][r].stats;
			runs[s][r].details = ds[s][r];
			m.ticks |= ticks;
			*(s ? &m.b_exits : &m.a_exits) += (double)acc[s][r].stats->total / d->n[s];
		}
	n = d->details ? diff_build_details(runs[0], d->n[0], runs[1], d->n[1], &rows) :
			 diff_build(runs[0], d->n[0], runs[1], d->n[1], &rows);
	if (n == (size_t)-1) {
		fprintf(stderr, "exitstat diff: out of memory\n");
		return -1;
	}
	rc = diff_print(d->out.f, d->ro.format, &m, rows, n);
	if (rc)
		fprintf(stderr, "exitstat diff: writing the comparison to %s failed: %s\n",
			d->out.name, strerror(errno));
	free(rows);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	static struct accum acc[2][DIFF_MAX_RUNS];
	static struct detail_stats *ds[2][DIFF_MAX_RUNS];
	struct diff_cmd d = { .ro.format = FMT_TABLE };
	int first, rc;

	first = cli_parse(&cli_cmd_diff, argc, argv, apply_diff, &d);
	if (first < 0)
		return cli_end_status(first);
	if (sides(&d, argc, argv, first))
		return EXIT_USAGE;
	if (cli_out_open(&cli_cmd_diff, &d.out))
		return EXIT_FAIL;
	rc = diff_run_all(&d, acc, ds);
	/* no comparison printed (rc): the -o file is removed */
	if (cli_out_close(&cli_cmd_diff, &d.out, !rc))
		rc = -1;
	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < d.n[s]; r++) {
			if (acc[s][r].stats)
				accum_fini(&acc[s][r]);
			detail_stats_free(ds[s][r]);
		}
	if (!rc && d.status != EXIT_OK)
		return d.status;	/* a run was incomplete: said, and in the output's note */
	return rc ? EXIT_FAIL : EXIT_OK;
}
