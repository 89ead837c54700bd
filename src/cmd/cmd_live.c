// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat [live]`: per-reason VM exit counts and time in exit from the
 * running kernel, for all VMs, one VM (-p) or a command run under it.
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
#include "output/report.h"

#define EVERY_DEFAULT 10000
#define PROBE_SECONDS 2.0

static void usage(FILE *f)
{
	fprintf(f,
"usage: exitstat [live] [OPTIONS] [-- CMD ARGS...]\n"
"Counts VM exits per reason (kvm:kvm_exit) and the time in exit (until the\n"
"vCPU thread's next kvm:kvm_entry), live from the kernel. With CMD, runs it\n"
"and counts the exits of that process only, then prints the final table.\n"
"Ctrl-C or SIGTERM prints the final table and ends.\n\n"
"  -p, --pid PID        only the VM (process) PID\n"
"      --vcpu N         only vCPU N\n"
"  -d, --delay SECONDS  print the cumulative table every SECONDS (on a terminal:\n"
"                       a top-like view redrawn every 1 s by default)\n"
"      --every[=N]      print the cumulative table each time the exit count crosses\n"
"                       a multiple of N (default %d); the total is polled every\n"
"                       10 ms, so a table shows the counts at the poll after crossing\n"
"  -D, --duration SECONDS  stop after SECONDS\n"
"      --top K          the K largest reasons (the rest summed as other)\n"
"      --sort count|time|rate|code\n"
"      --format table|json|csv\n"
"      --per-vm         also break the totals down per VM and vCPU\n"
"      --events         also print the counts of the other KVM events (the event mix)\n"
"      --backend auto|bpf|perf  BPF aggregates in the kernel (default); perf samples\n"
"                       the tracepoints with perf_event_open (the fallback)\n"
"      --no-time        count only: no kvm:kvm_entry, no time in exit (the cheapest)\n"
"      --bpf-attach tp_btf|tracepoint  BPF: how to attach to kvm_exit (default:\n"
"                       tp_btf where the vendor module's BTF allows, else tracepoint)\n"
"      --ringbuf MIB    perf: each CPU's ring (a power of two; default 64 MiB over\n"
"                       all CPUs, 1 to 8 MiB each); events it has no room for are\n"
"                       counted and reported as lost\n"
"      --batch          never redraw the screen\n"
"  -o, --output FILE    write the report(s) to FILE instead of stdout\n"
"      --ready-file PATH  once attached (before a CMD starts), write \"ready PID\"\n"
"                       to PATH (a file, or a FIFO: blocks until it is read)\n"
"  -v, --verbose        libbpf's messages\n", EVERY_DEFAULT);
}

struct live_cmd {
	struct report_opts ro;
	struct live_opts lo;
	double delay, duration;
	uint64_t every;
	bool events, batch, redraw;
	FILE *out;
	const char *out_name;
	const char *ready_file;
	struct live_src *src;
	struct stats *stats;
	double start;
	unsigned int seq;
	char source[256];
};

/* The KVM events that fired, as a table, JSON or CSV. */
static void print_event_mix(struct live_cmd *c, bool exit_fired, const char *message)
{
	unsigned int n = live_event_count();
	uint64_t counts[LIVE_EVENTS_MAX];
	bool attached[LIVE_EVENTS_MAX];
	double secs = live_now() - c->start;

	live_events(c->src, counts, attached);
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

	live_events(c->src, counts, attached);
	for (unsigned int i = 1; i < n; i++)	/* 0 is kvm_exit */
		sum += counts[i];
	return sum;
}

static int print_report(struct live_cmd *c, bool final)
{
	struct report_meta m = { 0 };
	struct live_counters lc;
	size_t it = 0;
	const struct stats_entry *e;
	uint64_t untimed = 0;
	struct es_error err;
	char lost_note[1024], note[1536];

	if (live_read(c->src, c->stats, &err)) {
		msg_error(NULL, &err);
		return -1;
	}
	live_counters(c->src, &lc);
	while ((e = stats_next(c->stats, &it)))
		untimed += e->c.count - e->c.timed;
	m.source = c->source;
	m.clock = "ns";
	m.final = final;
	m.seq = final ? 0 : ++c->seq;
	m.window_s = live_now() - c->start;
	m.unpaired = untimed;
	m.note = live_note(c->src);
	live_lost_note(c->src, lost_note, sizeof(lost_note));
	if (lost_note[0]) {
		snprintf(note, sizeof(note), "%s%s%s", m.note ? m.note : "", m.note ? "; " : "",
			 lost_note);
		m.note = note;
	}
	if (final && !lc.exits && !m.note)
		m.note = c->lo.pid ? "no kvm events at all from this process: is it a VM, and running?"
				   : "no kvm events at all: is any VM running?";
	if (c->redraw && !final)
		fputs("\033[H\033[J", c->out);
	if (!final && !lc.exits && other_kvm_events(c)) {
		/* No table of zeros: what did fire, so far. */
		print_event_mix(c, false, "kvm:kvm_exit has not fired so far; the KVM events that did:");
		return 0;
	}
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

	live_counters(c->src, &lc);
	if (lc.exits == 0 && other_kvm_events(c) > 0) {
		snprintf(msg, sizeof(msg),
			 "kvm:kvm_exit never fired in %.1f s while other KVM events did: this "
			 "KVM%s does not report VM exits through kvm_exit, so there is no "
			 "per-reason exit table; these are the KVM events that fired",
			 live_now() - c->start,
			 access("/sys/module/kvm_pvm", F_OK) == 0 ? " (kvm_pvm)" : "");
		if (c->out != stdout)
			fprintf(stderr, "exitstat: %s\n", msg);
		print_event_mix(c, false, msg);
		return 0;
	}
	return print_report(c, true);
}

static int parse_args(struct live_cmd *c, int argc, char **argv)
{
	enum { OPT_VCPU = 256, OPT_EVERY, OPT_TOP, OPT_SORT, OPT_FORMAT, OPT_BACKEND,
	       OPT_PER_VM, OPT_EVENTS, OPT_BATCH, OPT_BPF_ATTACH, OPT_READY_FILE, OPT_RINGBUF,
	       OPT_NO_TIME };
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "vcpu", required_argument, NULL, OPT_VCPU },
		{ "delay", required_argument, NULL, 'd' },
		{ "every", optional_argument, NULL, OPT_EVERY },
		{ "duration", required_argument, NULL, 'D' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "per-vm", no_argument, NULL, OPT_PER_VM },
		{ "events", no_argument, NULL, OPT_EVENTS },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "bpf-attach", required_argument, NULL, OPT_BPF_ATTACH },
		{ "no-time", no_argument, NULL, OPT_NO_TIME },
		{ "ringbuf", required_argument, NULL, OPT_RINGBUF },
		{ "output", required_argument, NULL, 'o' },
		{ "ready-file", required_argument, NULL, OPT_READY_FILE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	uint64_t v;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "+p:d:D:o:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			if (!cli_parse_u64(optarg, &v) || !v || v > UINT32_MAX) {
				fprintf(stderr, "exitstat: -p %s: not a process id\n", optarg);
				return -1;
			}
			c->lo.pid = v;
			break;
		case OPT_VCPU:
			if (!cli_parse_u64(optarg, &v) || v >= UINT32_MAX) {
				fprintf(stderr, "exitstat: --vcpu %s: not a vCPU index\n", optarg);
				return -1;
			}
			c->ro.filter.vcpu = v;
			break;
		case 'd':
			if (!cli_parse_double(optarg, 1e-9, 1e9, &c->delay)) {
				fprintf(stderr, "exitstat: -d %s: not a positive number of seconds\n",
					optarg);
				return -1;
			}
			break;
		case OPT_EVERY:
			c->every = EVERY_DEFAULT;
			if (optarg && (!cli_parse_u64(optarg, &c->every) || !c->every)) {
				fprintf(stderr, "exitstat: --every %s: not a positive count\n", optarg);
				return -1;
			}
			break;
		case 'D':
			if (!cli_parse_double(optarg, 1e-9, 1e9, &c->duration)) {
				fprintf(stderr, "exitstat: -D %s: not a positive number of seconds\n",
					optarg);
				return -1;
			}
			break;
		case OPT_TOP:
			if (!cli_parse_u64(optarg, &v) || !v) {
				fprintf(stderr, "exitstat: --top %s: not a positive count\n", optarg);
				return -1;
			}
			c->ro.top = v;
			break;
		case OPT_SORT:
			if (row_sort_parse(optarg, &c->ro.sort)) {
				fprintf(stderr, "exitstat: --sort %s: use count, time, rate or code\n",
					optarg);
				return -1;
			}
			break;
		case OPT_FORMAT:
			if (out_format_parse(optarg, &c->ro.format)) {
				fprintf(stderr, "exitstat: --format %s: use table, json or csv\n", optarg);
				return -1;
			}
			break;
		case OPT_BACKEND:
			if (live_backend_parse(optarg, &c->lo.backend)) {
				fprintf(stderr, "exitstat: --backend %s: use auto, bpf or perf\n", optarg);
				return -1;
			}
			break;
		case OPT_PER_VM:
			c->ro.per_vm = true;
			break;
		case OPT_EVENTS:
			c->events = true;
			break;
		case OPT_BATCH:
			c->batch = true;
			break;
		case OPT_BPF_ATTACH:
			if (strcmp(optarg, "tp_btf") && strcmp(optarg, "tracepoint")) {
				fprintf(stderr, "exitstat: --bpf-attach %s: use tp_btf or tracepoint\n",
					optarg);
				return -1;
			}
			c->lo.bpf_tracepoint = !strcmp(optarg, "tracepoint");
			break;
		case OPT_NO_TIME:
			c->lo.no_time = true;
			break;
		case OPT_RINGBUF:
			if (!cli_parse_ringbuf_mib(optarg, &c->lo.ringbuf_bytes)) {
				fprintf(stderr, "exitstat: --ringbuf %s: a power of two of MiB, 1..4096\n",
					optarg);
				return -1;
			}
			break;
		case 'o':
			c->out_name = optarg;
			break;
		case OPT_READY_FILE:
			c->ready_file = optarg;
			break;
		case 'v':
			c->lo.verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	return optind;
}

int cmd_live(int argc, char **argv)
{
	struct live_cmd c = { 0 };
	struct live_child child = { .pid = -1, .go_fd = -1, .exec_fd = -1 };
	char **cmd = NULL;
	struct es_error err = { "" };
	double next_print = 0, probe_at;
	uint64_t every_next = 0;
	bool probe_said = false, have_child = false, mix_stopped = false;
	int first, ret = EXIT_OK;

	c.ro.format = FMT_TABLE;
	c.ro.sort = SORT_COUNT;
	c.ro.filter.pid = STATS_PID_ANY;
	c.ro.filter.vcpu = STATS_VCPU_UNKNOWN;
	c.out = stdout;
	c.out_name = NULL;
	first = parse_args(&c, argc, argv);
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc)
		cmd = argv + first;
	if (cmd && c.lo.pid) {
		fprintf(stderr, "exitstat: give either -p PID or a command, not both\n");
		return EXIT_USAGE;
	}
	if (c.out_name) {
		c.out = fopen(c.out_name, "w");
		if (!c.out) {
			fprintf(stderr, "exitstat: cannot write %s: %s\n", c.out_name, strerror(errno));
			return EXIT_FAIL;
		}
	} else {
		c.out_name = "stdout";
	}
	c.redraw = !c.batch && c.ro.format == FMT_TABLE && isatty(fileno(c.out));
	if (c.redraw && !c.delay && !c.every && !cmd)
		c.delay = 1.0;

	if (live_preflight(c.lo.pid, c.lo.backend, &err)) {
		msg_error(NULL, &err);
		ret = EXIT_FAIL;
		goto out;
	}
	c.stats = stats_new();
	if (!c.stats) {
		fprintf(stderr, "exitstat: out of memory\n");
		ret = EXIT_FAIL;
		goto out;
	}
	live_install_signals();
	if (cmd) {
		if (live_child_start(&child, cmd, &err)) {
			msg_error(NULL, &err);
			ret = EXIT_FAIL;
			goto out;
		}
		have_child = true;
		c.lo.pid = child.pid;
		c.lo.inherit_pid = true;
	}
	c.lo.diag = msg_diag(NULL);
	c.src = live_open(&c.lo, &err);
	if (!c.src) {
		msg_error(NULL, &err);
		ret = EXIT_FAIL;
		goto out;
	}
	/* With -p the report's filter names the pid; a command's pid is only said here. */
	if (c.lo.pid && have_child)
		snprintf(c.source, sizeof(c.source), "%s, pid %u and the processes it forks",
			 live_source(c.src), c.lo.pid);
	else
		snprintf(c.source, sizeof(c.source), "%s", live_source(c.src));
	/* A command's children are counted too (the kernel side filters): show every pid. */
	c.ro.filter.pid = c.lo.pid && !have_child ? c.lo.pid : STATS_PID_ANY;
	c.start = live_now();
	probe_at = c.start + PROBE_SECONDS;
	if (c.delay)
		next_print = c.start + c.delay;
	if (c.every)
		every_next = c.every;
	if (c.ready_file && ready_file_write(c.ready_file, &err)) {
		msg_error(NULL, &err);
		ret = EXIT_FAIL;
		goto out;
	}
	/* A command that cannot run: nothing to measure, its exec's error is the message. */
	if (have_child && live_child_release(&child, &err)) {
		msg_error(NULL, &err);
		ret = EXIT_FAIL;
		goto out;
	}

	while (!live_stop_requested) {
		double now;

		if (live_poll(c.src, c.every ? 10 : 100, NULL, NULL, &err)) {
			msg_error(NULL, &err);
			ret = EXIT_FAIL;
			break;
		}
		now = live_now();
		if (have_child && live_child_done(&child))
			break;
		if (c.duration && now - c.start >= c.duration)
			break;
		if (c.every || !mix_stopped || (!probe_said && now >= probe_at)) {
			struct live_counters lc;

			live_counters(c.src, &lc);
			if (c.every && lc.exits >= every_next) {
				if (print_report(&c, false)) {
					ret = EXIT_FAIL;
					break;
				}
				every_next = (lc.exits / c.every + 1) * c.every;
			}
			if (lc.exits && !mix_stopped && !c.events) {
				/* kvm_exit fires: the mix is not needed and costs on every exit. */
				live_stop_events(c.src);
				mix_stopped = true;
			}
			if (!probe_said && now >= probe_at) {
				probe_said = true;
				uint64_t others = lc.exits ? 0 : other_kvm_events(&c);

				if (others)
					fprintf(stderr, "exitstat: note: after %.0f s kvm:kvm_exit has "
						"not fired while %llu other kvm events did: this KVM "
						"may not report VM exits (the final report will say)\n",
						PROBE_SECONDS, (unsigned long long)others);
			}
		}
		if (c.delay && now >= next_print) {
			if (print_report(&c, false)) {
				ret = EXIT_FAIL;
				break;
			}
			while (next_print <= now)
				next_print += c.delay;
		}
	}
	/* Stop collecting and drain whatever the rings still hold. */
	if (live_finish(c.src, NULL, NULL, &err)) {
		msg_error(NULL, &err);
		ret = EXIT_FAIL;
	}
	if (print_final(&c))
		ret = EXIT_FAIL;
	if (have_child) {
		live_child_stop(&child, live_stop_requested ? SIGTERM : 0);
		if (live_child_exit_code(&child)) {
			fprintf(stderr, "exitstat: %s exited with status %d\n", cmd[0],
				live_child_exit_code(&child));
			ret = EXIT_FAIL;
		}
	}
out:
	if (have_child)
		live_child_stop(&child, SIGKILL);
	live_close(c.src);
	stats_free(c.stats);
	if (c.out != stdout && c.out && fclose(c.out)) {
		fprintf(stderr, "exitstat: writing %s failed: %s\n", c.out_name, strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}
