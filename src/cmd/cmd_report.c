// SPDX-License-Identifier: GPL-2.0
/* `exitstat report FILE|-`: per-reason statistics of a kernel trace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/hotspot_opts.h"
#include "cmd/msg.h"
#include "core/event.h"
#include "live/live_run.h"
#include "output/report.h"
#include "sources/input.h"
#include "sources/trace.h"

/* `-e N`: --every's letter before --every=N; kept for scripts (--every's help says so). */
static const struct cli_opt opt_every_e = {
	NULL, 'e', CLI_ARG, "N", NULL, CLI_EVERY, CLI_HIDDEN };
static const struct cli_opt opt_every = {
	"every", 0, CLI_OPTIONAL_ARG, "N", "print the cumulative table each time the exit count "
	"reaches a multiple of N (default " CLI_XSTR(CLI_EVERY_DEFAULT) "), then a final one. N "
	"goes after '=' (--every=N): `--every FILE` reads FILE, and `--every 10000 FILE` is an "
	"error; the old -e N is still taken", CLI_EVERY, 0 };

static const struct cli_opt *const report_opts[] = {
	&cli_opt_format, &cli_opt_output, &opt_every, &opt_every_e, &cli_opt_sort, &cli_opt_top,
	&cli_opt_pid, &cli_opt_vcpu, &cli_opt_per_vm, &cli_opt_skip_bad, &cli_opt_partial_ok,
	&cli_opt_isa, &cli_opt_analyze, &cli_opt_detail, &cli_opt_hotspots, &cli_opt_guest_symbols,
	NULL,
};

const struct cli_cmd cli_cmd_report = {
	.name = "report",
	.title = "report",
	.summary = "statistics of a kernel trace or a recording",
	.synopsis = "[OPTIONS] FILE|-",
	.description =
		"Per-reason exit statistics of an exitstat recording (exitstat record) or of a\n"
		"kvm_exit/kvm_entry trace: ftrace text (/sys/kernel/tracing/trace, trace_pipe),\n"
		"`perf script` or `trace-cmd report` output, trace-cmd's trace.dat or a perf.data\n"
		"(read with `perf script`); or of another tool's table of totals (perf kvm stat\n"
		"report/live, kvm_stat, perf report -n --sort trace), read as counts per reason\n"
		"without a timeline. The kind is detected.",
	.opts = report_opts,
	.operands = CLI_ONE,
	.run = cmd_report,
};

struct report_run {
	struct accum acc;
	struct report_opts ro;
	struct report_meta meta;
	struct trace_opts to;
	struct cli_out out;
	uint64_t every;		/* interim report every N exits; 0 = off */
	bool partial_ok;	/* --partial-ok: an incomplete read that read something exits 0 */
	unsigned int seq;
	unsigned int detail_kinds;	/* --detail */
	struct detail_stats *ds;
	uint64_t with_info;	/* exits with exit information (--detail) */
	struct hotspot_opts ho;	/* --hotspots, --guest-symbols */
	uint64_t with_rip;	/* exits with a guest RIP (--hotspots) */
	struct hotspot_meta hm;
	bool oom;
};

static int apply_report(void *ctx, int id, const char *arg)
{
	struct report_run *r = ctx;
	int rc = cli_apply_view(&r->ro, id, arg);

	if (rc > 0)
		rc = hotspot_opts_apply(&r->ho, id, arg);
	if (r->ho.on)
		r->to.want_info = true;	/* the RIPs are read with the exit information */
	if (rc <= 0)
		return rc;
	switch (id) {
	case CLI_EVERY:
		return cli_parse_every(arg, &r->every) ? 0 : -1;
	case CLI_OUTPUT:
		r->out.name = arg;
		return 0;
	case CLI_SKIP_BAD:
		r->to.skip_bad = true;
		return 0;
	case CLI_PARTIAL_OK:
		r->partial_ok = true;
		return 0;
	case CLI_ISA:
		return isa_parse(arg, &r->to.isa_hint);
	case CLI_DETAIL: {
		char why[128];

		r->to.want_info = true;
		return detail_kinds_parse(arg, &r->detail_kinds, why, sizeof(why));
	}
	default:	/* --analyze: the dispatcher ran report --analyze instead */
		return -1;
	}
}

/* --detail: an exit of the report's VM and vCPU (the filter of the table). */
static bool detail_wanted(const struct report_run *r, const struct exit_event *ev)
{
	return (r->ro.filter.pid == STATS_PID_ANY || ev->pid == r->ro.filter.pid) &&
	       (r->ro.filter.vcpu == STATS_VCPU_UNKNOWN || ev->vcpu == r->ro.filter.vcpu);
}

static int on_time(void *ctx, const struct exit_event *exit, uint64_t dur)
{
	struct report_run *r = ctx;

	if (!detail_wanted(r, exit))
		return 0;
	if (r->ds)
		detail_stats_event_time(r->ds, exit, r->detail_kinds, dur);
	if (r->ho.hs && exit->info.has_rip)
		hotspot_time(r->ho.hs, exit->isa, exit->reason, exit->info.rip, dur);
	return 0;
}

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct report_run *r = ctx;

	if (r->ds && ev->kind == EV_EXIT && ev->has_info) {
		r->with_info++;
		if (detail_wanted(r, ev) && detail_stats_event(r->ds, ev, r->detail_kinds))
			r->oom = true;
	}
	if (r->ho.hs && ev->kind == EV_EXIT && ev->info.has_rip) {
		r->with_rip++;
		if (detail_wanted(r, ev) &&
		    hotspot_count(r->ho.hs, ev->isa, ev->reason, ev->info.rip))
			r->oom = true;
	}
	if (r->oom || accum_event(&r->acc, ev)) {
		fprintf(stderr, "exitstat report: out of memory\n");
		return -1;
	}
	/* A table of totals (aggregate rows) has no order of exits to report along. */
	if (ev->kind == EV_EXIT && !ev->aggregate && r->every &&
	    r->acc.stats->total % r->every == 0) {
		/* The first timestamp decided the trace's clock; interim reports say it too. */
		if (ev->has_ts)
			r->meta.clock = ev->ts_ticks ? "ticks" : "ns";
		r->meta.final = false;
		r->meta.seq = ++r->seq;
		r->meta.unpaired = accum_open_exits(&r->acc);
		if (report_print(r->out.f, &r->ro, &r->meta, r->acc.stats))
			return -1;
	}
	return 0;
}

/* The final report's description of the input; an incomplete read says what it lacks. */
static void final_meta(struct report_run *r, const struct input_info *in, char *note,
		       size_t note_len)
{
	r->meta.source = in->source;
	r->meta.final = true;
	r->meta.seq = r->seq;
	r->meta.clock = in->clock;
	r->meta.lost = in->lost;
	r->meta.skipped = in->skipped;
	r->meta.nested = in->nested;
	r->meta.unpaired = accum_open_exits(&r->acc);
	if (in->interrupted) {
		snprintf(note, note_len, "INTERRUPTED (%s): %s",
			 live_stop_requested == SIGTERM ? "SIGTERM" : "SIGINT", in->note);
		r->meta.note = note;
	} else if (in->incomplete) {
		snprintf(note, note_len, "INCOMPLETE: %s", in->note);
		r->meta.note = note;
	} else if (in->note[0]) {
		r->meta.note = in->note;
	}
}

/* --detail: the details into the final report's meta; an input without exit information is said (status 1). */
static int details_meta(struct report_run *r, const char *path, int *status)
{
	struct detail_entry *e;
	size_t n = detail_stats_sorted(r->ds, &e);

	if (n == (size_t)-1) {
		fprintf(stderr, "exitstat report: out of memory\n");
		return -1;
	}
	r->meta.details_on = true;
	r->meta.details = e;
	r->meta.ndetails = n;
	r->meta.detail_top = r->ro.top ? r->ro.top : 10;
	if (r->acc.stats->total && !r->with_info) {
		fprintf(stderr, "exitstat report: %s: --detail: its exits carry no exit information "
			"(trace lines without info1/info2 or info; a recording made without --detail): "
			"no details\n", path);
		*status = EXIT_FAIL;
	}
	return 0;
}

/* --hotspots: the RIPs into the final report's meta; an input without RIPs is said (status 1). */
static void hotspots_meta(struct report_run *r, const char *path, int *status)
{
	r->hm = (struct hotspot_meta){ { r->meta.source, r->meta.clock &&
					 !strcmp(r->meta.clock, "ticks"), r->acc.stats->total,
					 r->with_rip, 0, "" }, NULL, NULL };
	hotspot_opts_meta(&r->ho, &r->hm);
	r->meta.hotspots = r->ho.hs;
	r->meta.hotspot_meta = &r->hm;
	if (r->acc.stats->total && !r->with_rip) {
		fprintf(stderr, "exitstat report: %s: --hotspots: its exits carry no guest RIP "
			"(trace lines without rip 0x..; a recording made without --hotspots): "
			"no hotspots\n", path);
		*status = EXIT_FAIL;
	}
}

int cmd_report(int argc, char **argv)
{
	struct report_run r = { .ro.filter.vcpu = STATS_VCPU_UNKNOWN };
	struct es_error err = { "" };
	struct input_info in;
	char note[sizeof(in.note) + 32];
	const char *path;
	bool printed;
	int first, rc, status;
	bool show;

	first = cli_parse(&cli_cmd_report, argc, argv, apply_report, &r);
	if (first < 0)
		return cli_end_status(first);
	path = argv[first];
	rc = hotspot_opts_ready(&r.ho, "report");
	if (rc) {
		hotspot_opts_free(&r.ho);
		return rc;
	}
	if (cli_out_open(&cli_cmd_report, &r.out)) {
		hotspot_opts_free(&r.ho);
		return EXIT_FAIL;
	}
	if (accum_init(&r.acc) || (r.detail_kinds && !(r.ds = detail_stats_new()))) {
		fprintf(stderr, "exitstat report: out of memory\n");
		detail_stats_free(r.ds);
		hotspot_opts_free(&r.ho);
		cli_out_close(&cli_cmd_report, &r.out, false);
		return EXIT_FAIL;
	}
	r.acc.on_time = on_time;
	r.acc.on_time_ctx = &r;
	/* Interim reports (--every) come before the kind of input is known: name the file. */
	r.meta.clock = "ns";
	r.meta.source = path;
	r.to.diag = msg_diag("report");
	/* Ctrl-C (a streaming `report -`): stop reading, print what was read, 128 + signal. */
	live_install_signals();
	r.to.interrupt = &live_stop_requested;
	rc = input_read(path, &r.to, on_event, &r, &in, &err);
	status = msg_input_status("report", rc, &err, &in, r.partial_ok, &show);
	if (in.interrupted)
		status = 128 + live_stop_requested;
	if (!show) {
		accum_fini(&r.acc);
		detail_stats_free(r.ds);
		hotspot_opts_free(&r.ho);
		/* nothing was read (the reason is on stderr): no report, no -o file */
		cli_out_close(&cli_cmd_report, &r.out, false);
		return status;
	}
	final_meta(&r, &in, note, sizeof(note));
	if (r.ho.hs)
		hotspots_meta(&r, path, &status);
	if (r.ds && details_meta(&r, path, &status)) {
		status = EXIT_FAIL;
		printed = false;
	} else {
		printed = !report_print(r.out.f, &r.ro, &r.meta, r.acc.stats);
	}
	free((void *)r.meta.details);
	detail_stats_free(r.ds);
	hotspot_opts_free(&r.ho);
	if (!printed) {
		fprintf(stderr, "exitstat report: cannot write the report to %s: %s\n", r.out.name,
			strerror(errno));
		status = EXIT_FAIL;
	}
	if (cli_out_close(&cli_cmd_report, &r.out, printed))
		status = EXIT_FAIL;
	accum_fini(&r.acc);
	return status;
}
