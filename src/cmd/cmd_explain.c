// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat explain FILE|-`: what the exits of a trace were about, per
 * reason: the I/O ports, MSR directions, control registers, nested page
 * fault pages and exception vectors, decoded from each exit's own
 * information (core/detail.c), with counts and time in exit; with
 * --hotspots, the guest RIPs of each reason (core/hotspot.c), named from a
 * guest System.map or kallsyms (--guest-symbols, sources/guest_syms.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/hotspot_opts.h"
#include "cmd/msg.h"
#include "core/event.h"
#include "output/detail_out.h"
#include "sources/input.h"

static const struct cli_opt *const explain_opts[] = {
	&cli_opt_format, &cli_opt_output, &cli_opt_top, &cli_opt_hotspots, &cli_opt_guest_symbols,
	&cli_opt_skip_bad, &cli_opt_partial_ok, &cli_opt_isa, NULL,
};

const struct cli_cmd cli_cmd_explain = {
	.name = "explain",
	.title = "explain",
	.summary = "what the exits of a trace were about: ports, MSRs, CRs, addresses, vectors",
	.synopsis = "[OPTIONS] FILE|-",
	.description =
		"Reads a kvm_exit/kvm_entry trace (as `exitstat report` does) and breaks each\n"
		"exit reason down by what the exit's own information says: the I/O port,\n"
		"direction and size; RDMSR or WRMSR; the control register and access; the\n"
		"guest-physical page of a nested page fault; the exception vector. Ports,\n"
		"MSRs and vectors are named. -t N shows the N most frequent details of each\n"
		"reason (default 10; 0: all).\n"
		"\n"
		"--hotspots shows instead the guest code that caused the exits: per reason the\n"
		"guest RIPs with the most exits, with --guest-symbols FILE as symbol+0xOFF.",
	.opts = explain_opts,
	.operands = CLI_ONE,
	.run = cmd_explain,
};

struct explain_run {
	struct accum acc;
	struct detail_stats *ds;
	struct hotspot_opts ho;		/* --hotspots, --guest-symbols */
	struct hotspot_stats *hs;	/* ho's counts with --hotspots, else NULL */
	uint64_t with_rip;
	struct trace_opts to;
	struct report_opts ro;
	uint64_t with_info;
	bool oom;
	bool partial_ok;
	struct cli_out out;
};

static int apply_explain(void *ctx, int id, const char *arg)
{
	struct explain_run *x = ctx;
	int rc = hotspot_opts_apply(&x->ho, id, arg);

	if (rc <= 0)
		return rc;
	switch (id) {
	case CLI_SKIP_BAD:
		x->to.skip_bad = true;
		return 0;
	case CLI_ISA:
		return isa_parse(arg, &x->to.isa_hint);
	case CLI_OUTPUT:
		x->out.name = arg;
		return 0;
	case CLI_PARTIAL_OK:
		x->partial_ok = true;
		return 0;
	default:	/* --format, --top */
		return cli_apply_view(&x->ro, id, arg);
	}
}

/* The time in exit of an exit, once its entry came (accum's hook). */
static int on_time(void *ctx, const struct exit_event *exit, uint64_t dur)
{
	struct explain_run *x = ctx;

	if (x->hs) {
		if (exit->info.has_rip)
			hotspot_time(x->hs, exit->isa, exit->reason, exit->info.rip, dur);
		return 0;
	}
	detail_stats_event_time(x->ds, exit, DETAIL_KINDS_ALL, dur);
	return 0;
}

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct explain_run *x = ctx;

	if (ev->kind == EV_EXIT && x->hs) {
		if (ev->info.has_rip) {
			x->with_rip++;
			if (hotspot_count(x->hs, ev->isa, ev->reason, ev->info.rip))
				x->oom = true;
		}
	} else if (ev->kind == EV_EXIT && ev->has_info) {
		x->with_info++;
		if (detail_stats_event(x->ds, ev, DETAIL_KINDS_ALL))
			x->oom = true;
	}
	if (x->oom || accum_event(&x->acc, ev)) {
		fprintf(stderr, "exitstat explain: out of memory\n");
		return -1;
	}
	return 0;
}

/* Print what was read. 0, or -1 (said). */
static int explain_print(struct explain_run *x, const struct input_info *in)
{
	struct detail_entry *e;
	size_t n = detail_stats_sorted(x->ds, &e);
	struct detail_meta m = { in->source, in->clock && !strcmp(in->clock, "ticks"),
				 x->acc.stats->total, x->with_info, x->ro.top,
				 in->incomplete || in->partial ? in->note : "" };
	int rc;

	if (x->hs) {
		struct hotspot_meta hm = { m, NULL, NULL };

		hotspot_opts_meta(&x->ho, &hm);
		hm.d.with_info = x->with_rip;

		free(e);
		rc = hotspot_print(x->out.f, x->ro.format, &hm, x->hs);
		if (rc)
			fprintf(stderr, "exitstat explain: writing to %s failed: %s\n", x->out.name,
				strerror(errno));
		return rc;
	}
	if (n == (size_t)-1) {
		fprintf(stderr, "exitstat explain: out of memory\n");
		return -1;
	}
	rc = detail_print(x->out.f, x->ro.format, &m, e, n);
	if (rc)
		fprintf(stderr, "exitstat explain: writing to %s failed: %s\n", x->out.name,
			strerror(errno));
	free(e);
	return rc;
}

int cmd_explain(int argc, char **argv)
{
	struct explain_run x = { .ro = { .format = FMT_TABLE, .top = 10 },
				 .to = { .want_info = true } };
	struct es_error err = { "" };
	struct input_info in;
	int first, rc = -1, status;
	bool show;

	first = cli_parse(&cli_cmd_explain, argc, argv, apply_explain, &x);
	if (first < 0)
		return cli_end_status(first);
	rc = hotspot_opts_ready(&x.ho, "explain");
	if (rc) {
		hotspot_opts_free(&x.ho);
		return rc;
	}
	rc = -1;
	x.hs = x.ho.hs;
	x.ds = detail_stats_new();
	if (!x.ds || accum_init(&x.acc)) {
		fprintf(stderr, "exitstat explain: out of memory\n");
		detail_stats_free(x.ds);
		hotspot_opts_free(&x.ho);
		return EXIT_FAIL;
	}
	x.acc.on_time = on_time;
	x.acc.on_time_ctx = &x;
	x.to.diag = msg_diag("explain");
	if (cli_out_open(&cli_cmd_explain, &x.out)) {
		accum_fini(&x.acc);
		detail_stats_free(x.ds);
		hotspot_opts_free(&x.ho);
		return EXIT_FAIL;
	}
	status = msg_input_status("explain", input_read(argv[first], &x.to, on_event, &x, &in, &err),
				  &err, &in, x.partial_ok, &show);
	if (show && x.hs && !x.with_rip && x.acc.stats->total) {
		fprintf(stderr, "exitstat explain: %s: its kvm_exit lines carry no guest RIP "
			"(rip 0x..): no hotspots\n", argv[first]);
	} else if (show && !x.hs && !x.with_info && x.acc.stats->total) {
		fprintf(stderr, "exitstat explain: %s: its kvm_exit lines carry no exit information "
			"(info1/info2 or info): nothing to explain\n", argv[first]);
	} else if (show) {
		rc = explain_print(&x, &in);
	}
	/* no explanation printed (rc): the -o file is removed */
	if (cli_out_close(&cli_cmd_explain, &x.out, !rc))
		rc = -1;
	accum_fini(&x.acc);
	detail_stats_free(x.ds);
	hotspot_opts_free(&x.ho);
	return rc ? EXIT_FAIL : status;
}
