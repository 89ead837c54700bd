// SPDX-License-Identifier: GPL-2.0
/* `exitstat report FILE|-`: per-reason statistics of a kernel trace. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "core/event.h"
#include "output/report.h"
#include "sources/input.h"
#include "sources/trace.h"

struct report_run {
	struct accum acc;
	struct report_opts ro;
	struct report_meta meta;
	uint64_t every;		/* interim report every N exits; 0 = off */
	unsigned int seq;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitstat report [OPTIONS] FILE|-\n"
		"  Per-reason exit statistics of an exitstat recording (exitstat record) or of a\n"
		"  kvm_exit/kvm_entry trace: ftrace text (/sys/kernel/tracing/trace, trace_pipe),\n"
		"  `perf script` or `trace-cmd report` output; the kind is detected.\n"
		"  -f, --format table|json|csv  output format (default table)\n"
		"  -e, --every N                print the cumulative table every N exits, then a final one\n"
		"  -s, --sort count|time|code   row order (default count)\n"
		"  -t, --top K                  show the K first rows, sum the rest as 'other'\n"
		"  -p, --pid PID                only this VM (host process, or thread if the trace lacks tgids)\n"
		"      --vcpu N                 only this vCPU\n"
		"      --per-vm                 add exits per VM and vCPU\n"
		"      --skip-bad               count malformed lines and go on (they are listed on stderr)\n"
		"      --isa vmx|svm            the ISA of bare reason numbers when the trace does not show it\n"
		"      --analyze                timeline, phases and bursts instead (see exitstat report --analyze --help)\n");
}

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct report_run *r = ctx;

	if (accum_event(&r->acc, ev)) {
		fprintf(stderr, "exitstat report: out of memory\n");
		return -1;
	}
	if (ev->kind == EV_EXIT && r->every && r->acc.stats->total % r->every == 0) {
		r->meta.final = false;
		r->meta.seq = ++r->seq;
		r->meta.unpaired = accum_open_exits(&r->acc);
		if (report_print(stdout, &r->ro, &r->meta, r->acc.stats))
			return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "every", required_argument, NULL, 'e' },
		{ "sort", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "vcpu", required_argument, NULL, 'V' },
		{ "per-vm", no_argument, NULL, 'P' },
		{ "skip-bad", no_argument, NULL, 'b' },
		{ "isa", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct es_error err = { "" };
	struct report_run r = { 0 };
	struct trace_opts to = { 0 };
	struct input_info in;
	char note[400];
	const char *path;
	uint64_t v;
	int c, rc, status = EXIT_OK;

	/* --analyze anywhere: the timeline analysis takes over with the other options. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--analyze")) {
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
			return cmd_analyze(argc - 1, argv);
		}
	}
	r.ro.filter.vcpu = STATS_VCPU_UNKNOWN;
	while ((c = getopt_long(argc, argv, "f:e:s:t:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (out_format_parse(optarg, &r.ro.format))
				goto bad_value;
			break;
		case 'e':
			if (!cli_parse_u64(optarg, &r.every) || !r.every)
				goto bad_value;
			break;
		case 's':
			if (row_sort_parse(optarg, &r.ro.sort))
				goto bad_value;
			break;
		case 't':
			if (!cli_parse_u64(optarg, &v) || !v)
				goto bad_value;
			r.ro.top = (size_t)v;
			break;
		case 'p':
			if (!cli_parse_pid(optarg, &r.ro.filter.pid))
				goto bad_value;
			break;
		case 'V':
			if (!cli_parse_vcpu(optarg, &r.ro.filter.vcpu))
				goto bad_value;
			break;
		case 'P':
			r.ro.per_vm = true;
			break;
		case 'b':
			to.skip_bad = true;
			break;
		case 'I':
			if (isa_parse(optarg, &to.isa_hint))
				goto bad_value;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	if (accum_init(&r.acc)) {
		fprintf(stderr, "exitstat report: out of memory\n");
		return EXIT_FAIL;
	}
	/* Interim reports (--every) come before the kind of input is known: name the file. */
	r.meta.clock = "ns";
	r.meta.source = path;
	to.diag = msg_diag("report");
	rc = input_read(path, &to, on_event, &r, &in, &err);
	if (rc && err.msg[0])
		msg_error("report", &err);
	if (rc && !in.partial && !r.acc.stats->total) {
		accum_fini(&r.acc);
		return EXIT_FAIL;	/* nothing was read; the reason is on stderr */
	}

	r.meta.source = in.source;
	r.meta.final = true;
	r.meta.seq = r.seq;
	r.meta.clock = in.clock;
	r.meta.lost = in.lost;
	r.meta.skipped = in.skipped;
	r.meta.nested = in.nested;
	r.meta.unpaired = accum_open_exits(&r.acc);
	if (in.note[0])
		r.meta.note = in.note;
	if (rc) {
		/* Keep what was read: print it, marked partial, and fail. */
		if (in.partial) {
			snprintf(note, sizeof(note), "PARTIAL: the input is damaged or cut (said on "
				 "stderr); counts cover what could be read%s%s",
				 in.note[0] ? "; " : "", in.note);
			r.meta.note = note;
		}
		status = EXIT_FAIL;
	}
	if (report_print(stdout, &r.ro, &r.meta, r.acc.stats)) {
		fprintf(stderr, "exitstat report: cannot write the report: %s\n", strerror(errno));
		status = EXIT_FAIL;
	}
	accum_fini(&r.acc);
	return status;

bad_value:
	cli_bad_value("report", opts, c, optarg);
	return EXIT_USAGE;
}
