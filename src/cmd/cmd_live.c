// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat [live]`: per-reason VM exit counts and time in exit from the
 * running kernel, for all VMs, one VM (-p) or a command run under it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/collect.h"
#include "cmd/hotspot_opts.h"
#include "cmd/commands.h"
#include "cmd/live_top.h"
#include "cmd/msg.h"
#include "output/report.h"

#define PROBE_SECONDS 2.0

enum {
	OPT_DELAY = CLI_OWN, OPT_EVENTS, OPT_BATCH,
};

static const struct cli_opt opt_delay = {
	"delay", 'd', CLI_ARG, "SECONDS", "print the cumulative table every SECONDS (on a "
	"terminal: a top-like view redrawn every 1 s by default)", OPT_DELAY, 0 };
static const struct cli_opt opt_events = {
	"events", 0, CLI_NO_ARG, NULL, "also print the counts of the other KVM events (the event "
	"mix)", OPT_EVENTS, 0 };
static const struct cli_opt opt_batch = {
	"batch", 0, CLI_NO_ARG, NULL, "never redraw the screen", OPT_BATCH, 0 };

static const struct cli_opt *const live_opts[] = {
	&cli_opt_pid, &cli_opt_vcpu, &opt_delay, &cli_opt_every, &cli_opt_duration, &cli_opt_top,
	&cli_opt_sort, &cli_opt_format, &cli_opt_per_vm, &opt_events, &cli_opt_backend,
	&cli_opt_no_time, &cli_opt_bpf_attach, &cli_opt_ringbuf, &opt_batch, &cli_opt_output, &cli_opt_ready_file,
	&cli_opt_verbose, &cli_opt_detail, &cli_opt_hotspots, &cli_opt_guest_symbols, NULL,
};

const struct cli_cmd cli_cmd_live = {
	.name = "live",
	.title = "live",
	.summary = "live per-reason exit statistics (the default command)",
	.synopsis = "[OPTIONS] [-- CMD ARGS...]",
	.description =
		"Counts VM exits per reason (kvm:kvm_exit) and the time in exit (until the\n"
		"vCPU thread's next kvm:kvm_entry), live from the kernel. With CMD, runs it\n"
		"and counts the exits of that process only, then prints the final table.\n"
		"Ctrl-C or SIGTERM prints the final table and ends. On a terminal, a top-like\n"
		"view: per reason total, current rate, shares, times; keys q quit, s sort,\n"
		"p pause, r reset current (docs/live.md). Without a command word,\n"
		"exitstat runs live: `exitstat -p PID` is `exitstat live -p PID`.\n"
		"CMD goes after --: `exitstat -D 3 -- sleep 1`; a word after the options\n"
		"without -- before it is an error (`exitstat -p 1 -v 0`: '0' is no option value).\n"
		"With --every the total is polled every 10 ms: a table shows the counts at the\n"
		"poll after the multiple.",
	.opts = live_opts,
	.operands = CLI_COMMAND,
	.run = cmd_live,
};

struct live_cmd {
	struct collect col;
	struct hotspot_opts ho;	/* --hotspots, --guest-symbols (BPF: counted per RIP in the kernel) */
	struct report_opts ro;
	double delay;
	uint64_t every;
	bool events, batch, redraw;
	bool top_on;		/* the top-like view (cmd/live_top.c) draws the interim reports */
	struct live_top top;
	FILE *out;
	const char *out_name;
	struct stats *stats;
	unsigned int seq;
	char source[320];
};

/* The KVM events that fired, as a table, JSON or CSV. */
static void print_event_mix(struct live_cmd *c, bool exit_fired, const char *message)
{
	unsigned int n = live_event_count();
	uint64_t counts[LIVE_EVENTS_MAX];
	bool attached[LIVE_EVENTS_MAX];
	double secs = live_now() - c->col.start;

	live_events(c->col.src, counts, attached);
	if (c->ro.format == FMT_JSON) {
		fprintf(c->out, "{\"source\":\"%s\",\"kvm_exit_fired\":%s,\"seconds\":%.3f,",
			c->source, exit_fired ? "true" : "false", secs);
		if (message)
			fprintf(c->out, "\"message\":\"%s\",", message);
		fprintf(c->out, "\"events\":{");
		for (unsigned int i = 0, first = 1; i < n; i++) {
			if (!attached[i])
				continue;
			fprintf(c->out, "%s\"%s\":%llu", first ? "" : ",", live_event_name(i),
				(unsigned long long)counts[i]);
			first = 0;
		}
		fprintf(c->out, "}}\n");
	} else if (c->ro.format == FMT_CSV) {
		fprintf(c->out, "event,count\n");
		for (unsigned int i = 0; i < n; i++)
			if (attached[i])
				fprintf(c->out, "%s,%llu\n", live_event_name(i),
					(unsigned long long)counts[i]);
	} else {
		if (message)
			fprintf(c->out, "%s\n", message);
		fprintf(c->out, "KVM events in %.1f s (%s):\n", secs, c->source);
		fprintf(c->out, "  %-22s %14s\n", "event", "count");
		for (unsigned int i = 0; i < n; i++)
			if (attached[i] && counts[i])
				fprintf(c->out, "  %-22s %14llu\n", live_event_name(i),
					(unsigned long long)counts[i]);
	}
	fflush(c->out);
}

/* How many kvm events other than kvm_exit fired (the event mix). */
static uint64_t other_kvm_events(struct live_cmd *c)
{
	unsigned int n = live_event_count();
	uint64_t counts[LIVE_EVENTS_MAX], sum = 0;
	bool attached[LIVE_EVENTS_MAX];

	live_events(c->col.src, counts, attached);
	for (unsigned int i = 1; i < n; i++)	/* 0 is kvm_exit */
		sum += counts[i];
	return sum;
}

/* What a report adds to its table: --detail's and --hotspots' counts (the caller frees). */
struct report_extra {
	struct detail_stats *ds;
	struct detail_entry *de;
	struct hotspot_stats *hs;
	struct hotspot_meta hm;
};

/* --detail, --hotspots: the kernel's counts by detail and RIP into the report's meta. */
static int fill_details(struct live_cmd *c, struct report_meta *m, struct report_extra *x)
{
	struct es_error err;
	size_t n;

	if ((c->col.lo.detail_kinds && !(x->ds = detail_stats_new())) ||
	    (c->ho.on && !(x->hs = hotspot_stats_new(0)))) {
		fprintf(stderr, "exitstat: out of memory\n");
		return -1;
	}
	if (live_details(c->col.src, x->ds, x->hs, &m->details_lost, &err)) {
		msg_error(NULL, &err);
		return -1;
	}
	if (x->hs) {
		x->hm = (struct hotspot_meta){ { m->source, false, c->stats->total,
						 hotspot_total(x->hs), 0, "" }, NULL, NULL };
		hotspot_opts_meta(&c->ho, &x->hm);
		m->hotspots = x->hs;
		m->hotspot_meta = &x->hm;
	}
	if (!x->ds)
		return 0;
	n = detail_stats_sorted(x->ds, &x->de);
	if (n == (size_t)-1) {
		fprintf(stderr, "exitstat: out of memory\n");
		return -1;
	}
	m->details_on = true;
	m->details = x->de;
	m->ndetails = n;
	m->detail_top = c->ro.top ? c->ro.top : 10;
	return 0;
}

static int print_report_details(struct live_cmd *c, bool final, struct report_extra *x);

static int print_report(struct live_cmd *c, bool final)
{
	struct report_extra x = { 0 };
	int rc;

	rc = print_report_details(c, final, &x);
	detail_stats_free(x.ds);
	free(x.de);
	hotspot_stats_free(x.hs);
	return rc;
}

static int print_report_details(struct live_cmd *c, bool final, struct report_extra *x)
{
	struct report_meta m = { 0 };
	struct live_counters lc;
	size_t it = 0;
	const struct stats_entry *e;
	uint64_t untimed = 0;
	struct es_error err;
	char lost_note[1024], note[1536];

	if (c->top_on && !final)
		return live_top_refresh(&c->top);
	if (live_read(c->col.src, c->stats, &err)) {
		msg_error(NULL, &err);
		return -1;
	}
	live_counters(c->col.src, &lc);
	while ((e = stats_next(c->stats, &it)))
		untimed += e->c.count - e->c.timed;
	m.source = c->source;
	m.clock = "ns";
	m.final = final;
	m.seq = final ? 0 : ++c->seq;
	m.window_s = live_now() - c->col.start;
	m.unpaired = untimed;
	m.note = live_note(c->col.src);
	live_lost_note(c->col.src, lost_note, sizeof(lost_note));
	if (lost_note[0]) {
		snprintf(note, sizeof(note), "%s%s%s", m.note ? m.note : "", m.note ? "; " : "",
			 lost_note);
		m.note = note;
	}
	if (final && !lc.exits && !m.note)
		m.note = c->col.lo.pid ? "no kvm events at all from this process: is it a VM, and running?"
				   : "no kvm events at all: is any VM running?";
	if (!final && !lc.exits && other_kvm_events(c)) {
		/* No table of zeros: what did fire, so far. */
		print_event_mix(c, false, "kvm:kvm_exit has not fired so far; the KVM events that did:");
		return 0;
	}
	if ((c->col.lo.detail_kinds || c->ho.on) && fill_details(c, &m, x))
		return -1;
	if (report_print(c->out, &c->ro, &m, c->stats)) {
		fprintf(stderr, "exitstat: writing the report to %s failed: %s\n", c->out_name,
			strerror(errno));
		return -1;
	}
	if (c->events)
		print_event_mix(c, lc.exits > 0, NULL);
	fflush(c->out);
	return 0;
}

/* The end: the table, or, when kvm_exit never fired, say so and show what did. */
static int print_final(struct live_cmd *c)
{
	struct live_counters lc;
	char msg[512];

	live_counters(c->col.src, &lc);
	if (lc.exits == 0 && lc.entries > 0) {
		/* Entries without exits: guests ran, but the exits were not read (not kvm_pvm). */
		snprintf(msg, sizeof(msg),
			 "kvm:kvm_entry fired %llu times in %.1f s, yet no kvm:kvm_exit was counted: "
			 "guests ran, but the collection (%s) did not read their exits; try --backend perf or "
			 "--bpf-attach tracepoint", (unsigned long long)lc.entries,
			 live_now() - c->col.start, live_source(c->col.src));
		fprintf(stderr, "exitstat: %s\n", msg);
		print_event_mix(c, false, msg);
		return -1;
	}
	if (lc.exits == 0 && other_kvm_events(c) > 0) {
		snprintf(msg, sizeof(msg),
			 "kvm:kvm_exit never fired in %.1f s while other KVM events did: this "
			 "KVM%s does not report VM exits through kvm_exit, so there is no "
			 "per-reason exit table; these are the KVM events that fired",
			 live_now() - c->col.start,
			 access("/sys/module/kvm_pvm", F_OK) == 0 ? " (kvm_pvm)" : "");
		if (c->out != stdout)
			fprintf(stderr, "exitstat: %s\n", msg);
		print_event_mix(c, false, msg);
		return 0;
	}
	return print_report(c, true);
}

static int apply_live(void *ctx, int id, const char *arg)
{
	struct live_cmd *c = ctx;
	int rc = id == CLI_PID ? 1 : cli_apply_view(&c->ro, id, arg);

	if (rc > 0)
		rc = hotspot_opts_apply(&c->ho, id, arg);
	c->col.lo.hotspots = c->ho.on;
	if (rc <= 0)
		return rc;
	switch (id) {
	case OPT_DELAY:
		return cli_parse_double(arg, 1e-9, 1e9, &c->delay) ? 0 : -1;
	case CLI_EVERY:
		return cli_parse_every(arg, &c->every) ? 0 : -1;
	case OPT_EVENTS:
		c->events = true;
		return 0;
	case OPT_BATCH:
		c->batch = true;
		return 0;
	case CLI_OUTPUT:
		c->out_name = arg;
		return 0;
	default:
		return collect_apply(&c->col, id, arg);
	}
}

/* Where the reports go (-o FILE or stdout), and whether to redraw a terminal. */
static int open_output(struct live_cmd *c)
{
	if (c->out_name) {
		c->out = fopen(c->out_name, "w");
		if (!c->out) {
			fprintf(stderr, "exitstat: cannot write %s: %s\n", c->out_name, strerror(errno));
			return -1;
		}
	} else {
		c->out = stdout;
		c->out_name = "stdout";
	}
	c->redraw = !c->batch && c->ro.format == FMT_TABLE && isatty(fileno(c->out));
	if (c->redraw && !c->delay && !c->every && !c->col.cmd_argv)
		c->delay = 1.0;
	return 0;
}

/* Attached: what the reports name as their source and which pid they show. */
static void describe_source(struct live_cmd *c)
{
	struct collect *col = &c->col;

	/* With -p the report's filter names the pid; a command's pid is only said here. */
	if (col->lo.pid && col->have_child)
		snprintf(c->source, sizeof(c->source), "%s, pid %u and the processes it forks",
			 live_source(col->src), col->lo.pid);
	else
		snprintf(c->source, sizeof(c->source), "%s", live_source(col->src));
	/* A command's children are counted too (the kernel side filters): show every pid. */
	c->ro.filter.pid = col->lo.pid && !col->have_child ? col->lo.pid : STATS_PID_ANY;
}

/* The state of the loop between polls. */
struct live_loop {
	double next_print, probe_at;
	uint64_t every_next;
	bool probe_said, mix_stopped;
};

/* After PROBE_SECONDS with no kvm_exit but other kvm events: say so once. */
static void probe_note(struct live_cmd *c, struct live_loop *l, const struct live_counters *lc,
		       double now)
{
	uint64_t others;

	/* The top-like view says it in its header. */
	if (l->probe_said || now < l->probe_at || c->top_on)
		return;
	l->probe_said = true;
	others = lc->exits ? 0 : other_kvm_events(c);
	if (others)
		fprintf(stderr, "exitstat: note: after %.0f s kvm:kvm_exit has not fired while %llu "
			"other kvm events did: this KVM may not report VM exits (the final report "
			"will say)\n", PROBE_SECONDS, (unsigned long long)others);
}

/* What the counters call for: an --every report, stopping the event mix, the probe's note. */
static int check_counters(struct live_cmd *c, struct live_loop *l, double now)
{
	struct live_counters lc;

	if (!c->every && l->mix_stopped && (l->probe_said || now < l->probe_at))
		return 0;
	live_counters(c->col.src, &lc);
	if (c->every && lc.exits >= l->every_next) {
		if (print_report(c, false))
			return -1;
		l->every_next = (lc.exits / c->every + 1) * c->every;
	}
	if (lc.exits && !l->mix_stopped && !c->events) {
		/* kvm_exit fires: the mix is not needed and costs on every exit. */
		live_stop_events(c->col.src);
		l->mix_stopped = true;
	}
	probe_note(c, l, &lc, now);
	return 0;
}

/*
 * How long the next poll may sleep (ms): short while something waits on the
 * counters or the keys (--every, the view, the event mix to detach, the
 * probe's note), then until the next -d report, at most COLLECT_IDLE_MS.
 */
static int poll_ms(const struct live_cmd *c, const struct live_loop *l, double now)
{
	int ms = COLLECT_IDLE_MS;

	if (c->every)
		ms = 10;
	else if (c->top_on || (!l->mix_stopped && !l->probe_said))
		ms = 100;
	return collect_poll_ms(&c->col, now, ms, c->delay ? l->next_print : 0);
}

/* Until stopped: poll, and print the reports -d and --every ask for. */
static int live_loop(struct live_cmd *c)
{
	struct es_error err;
	struct live_loop l = { .probe_at = c->col.start + PROBE_SECONDS, .every_next = c->every,
			       .next_print = c->delay ? c->col.start + c->delay : 0 };

	while (!live_stop_requested) {
		double now = live_now();

		if (live_poll(c->col.src, poll_ms(c, &l, now), NULL, NULL, &err)) {
			msg_error(NULL, &err);
			return -1;
		}
		now = live_now();
		if (collect_over(&c->col, now))
			break;
		if (check_counters(c, &l, now))
			return -1;
		if (c->top_on && live_top_keys(&c->top))
			return -1;
		if (c->delay && now >= l.next_print) {
			if (print_report(c, false))
				return -1;
			while (l.next_print <= now)
				l.next_print += c->delay;
		}
	}
	return 0;
}

/* Everything from attaching to the final report: 0 or -1 (said). */
static int live_run(struct live_cmd *c)
{
	struct es_error err;
	int rc;

	c->stats = stats_new();
	if (!c->stats) {
		fprintf(stderr, "exitstat: out of memory\n");
		return -1;
	}
	if (collect_attach(&c->col))
		return -1;
	describe_source(c);
	if (collect_go(&c->col))
		return -1;
	if (c->redraw && (c->delay || c->every)) {
		if (live_top_open(&c->top, c->out, c->col.src, c->source, &c->ro, c->col.start))
			return -1;
		c->top_on = true;
	}
	rc = live_loop(c);
	if (c->top_on)
		live_top_close(&c->top);
	/* Stop collecting and drain whatever the rings still hold. */
	if (live_finish(c->col.src, NULL, NULL, &err)) {
		msg_error(NULL, &err);
		rc = -1;
	}
	if (print_final(c))
		rc = -1;
	if (collect_end_command(&c->col))
		rc = -1;
	return rc;
}

int cmd_live(int argc, char **argv)
{
	struct live_cmd c = {
		.ro = { .format = FMT_TABLE, .sort = SORT_COUNT,
			.filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN } },
	};
	int first, ret;

	collect_init(&c.col, NULL);

	first = cli_parse(&cli_cmd_live, argc, argv, apply_live, &c);
	if (first < 0)
		return cli_end_status(first);
	if (collect_operands(&c.col, argc, argv, first))
		return EXIT_USAGE;
	ret = hotspot_opts_ready(&c.ho, NULL);
	if (ret || open_output(&c)) {
		hotspot_opts_free(&c.ho);
		return ret ? ret : EXIT_FAIL;
	}
	ret = collect_preflight(&c.col) || live_run(&c) ? EXIT_FAIL : EXIT_OK;
	collect_close(&c.col);
	stats_free(c.stats);
	hotspot_opts_free(&c.ho);
	if (c.out != stdout && fclose(c.out)) {
		fprintf(stderr, "exitstat: writing %s failed: %s\n", c.out_name, strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}
