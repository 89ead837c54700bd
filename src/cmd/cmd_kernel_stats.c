// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat kernel-stats [FILE]`: the per-reason table that the patched
 * kernel (kernel/patches/) keeps in debugfs, as an exitstat report. Without
 * -i or -d: the counts since kvm loaded. With -i S: what happened in S
 * seconds. With -d S: every S seconds, what happened since the first read
 * (live's -d: the cumulative table, repeated). With --per-vm, --pid or
 * --vcpu: the running VMs' own tables (debugfs kvm/<pid>-<fd>/vcpu<N>/
 * exit_stats, next to the host-wide one), per VM and vCPU.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "live/live_run.h"
#include "output/report.h"
#include "sources/kernel_stats.h"

enum { OPT_INTERVAL = CLI_OWN, OPT_DELAY, OPT_PARAMS };

static const struct cli_opt opt_interval = {
	"interval", 'i', CLI_ARG, "SECONDS", "read twice, SECONDS apart, and show the difference "
	"(with rates)", OPT_INTERVAL, 0 };
static const struct cli_opt opt_delay = {
	"delay", 'd', CLI_ARG, "SECONDS", "every SECONDS, the table of what happened since the "
	"first read (with rates), as live's -d, until -D or Ctrl-C (-d used to be what -i is "
	"now)", OPT_DELAY, 0 };
static const struct cli_opt opt_sort = {
	"sort", 's', CLI_ARG, "count|code", "row order (default count)", CLI_SORT, 0 };

static const struct cli_opt opt_params = {
	"params", 0, CLI_ARG, "DIR", "the kvm module's parameters, to warn when the kernel does not "
	"count (exit_stats N); default " KERNEL_STATS_PARAMS " when reading debugfs", OPT_PARAMS, 0 };

static const struct cli_opt *const kernel_stats_opts[] = {
	&opt_interval, &opt_delay, &cli_opt_duration, &cli_opt_format, &cli_opt_output, &opt_sort,
	&cli_opt_top, &cli_opt_per_vm, &cli_opt_pid, &cli_opt_vcpu, &opt_params, NULL,
};

const struct cli_cmd cli_cmd_kernel_stats = {
	.name = "kernel-stats",
	.title = "kernel-stats",
	.summary = "the per-reason table of a kernel with exitstat's KVM patch",
	.synopsis = "[OPTIONS] [FILE]",
	.description =
		"The VM-exit table of a kernel with exitstat's KVM patch (kernel/), read from\n"
		"debugfs (default " KERNEL_STATS_PATH ") or FILE: exits per reason over\n"
		"all VMs since kvm loaded, and the TSC cycles KVM spent handling them.\n"
		"With --per-vm, --pid or --vcpu: the running VMs' own counts (each vCPU's\n"
		"binary stats, which VMMs read with KVM_GET_STATS_FD), from the VM\n"
		"directories <pid>-<fd>/vcpu<N>/exit_stats next to FILE, per VM and vCPU.\n"
		"Warns when the kernel does not count (kvm.exit_stats=N): the tables stand\n"
		"still then.",
	.opts = kernel_stats_opts,
	.operands = CLI_MAYBE_ONE,
	.run = cmd_kernel_stats,
};

struct kernel_stats_cmd {
	struct report_opts ro;
	double interval;	/* -i; 0: since kvm loaded */
	double delay;		/* -d: repeat every delay seconds; 0: once */
	double duration;	/* -D: stop repeating after this long; 0: never */
	double window;		/* seconds between the first read and this one */
	bool vms;		/* --per-vm/--pid/--vcpu: the VMs' own tables */
	const char *params;	/* --params, or NULL: KERNEL_STATS_PARAMS when reading debugfs */
	char dir[4096];		/* the directory of path: the VMs' directories are there */
	size_t nvms;		/* VMs read */
	struct cli_out out;
	const char *path;
	struct kernel_stats before, now;
	char source[4700], note[200], counting_note[400];
};

static int apply_kernel_stats(void *ctx, int id, const char *arg)
{
	struct kernel_stats_cmd *c = ctx;

	switch (id) {
	case OPT_INTERVAL:
		return cli_parse_seconds(arg, &c->interval) ? 0 : -1;
	case OPT_DELAY:
		return cli_parse_seconds(arg, &c->delay) ? 0 : -1;
	case CLI_DURATION:
		return cli_parse_seconds(arg, &c->duration) ? 0 : -1;
	case CLI_OUTPUT:
		c->out.name = arg;
		return 0;
	case OPT_PARAMS:
		c->params = arg;
		return 0;
	}
	if (id == CLI_SORT && (row_sort_parse(arg, &c->ro.sort) || c->ro.sort == SORT_TIME))
		return -1;
	return cli_apply_view(&c->ro, id, arg);
}

/* The kernel table's counts as stats; cycles stay in ks (no ns clock to convert them). */
static int to_stats(const struct kernel_stats *ks, struct stats *s)
{
	for (size_t i = 0; i < ks->n; i++) {
		struct exit_key k = { STATS_PID_ANY, STATS_VCPU_UNKNOWN, ks->rows[i].isa,
				      ks->rows[i].code };

		if (ks->rows[i].count && stats_add_count(s, &k, ks->rows[i].count))
			return -1;
	}
	return 0;
}

/* later - earlier, row by row (the rows are the same reasons in the same order). */
static int subtract(struct kernel_stats *later, const struct kernel_stats *earlier)
{
	for (size_t i = 0; i < later->n; i++) {
		const struct kernel_stat *e = kernel_stats_find(earlier, later->rows[i].isa,
								later->rows[i].code);

		if (!e)
			continue;
		if (e->count > later->rows[i].count || e->cycles > later->rows[i].cycles)
			return -1;	/* kvm was reloaded in between */
		later->rows[i].count -= e->count;
		later->rows[i].cycles -= e->cycles;
	}
	return 0;
}

static void print_cycles(FILE *f, const struct kernel_stats *ks)
{
	char code[16];

	fprintf(f, "cycles KVM spent handling each exit (TSC cycles, the kernel's own count):\n");
	fprintf(f, "%-4s %10s  %-26s %16s %14s\n", "isa", "code", "reason", "cycles",
		"cycles/exit");
	for (size_t i = 0; i < ks->n; i++) {
		const struct kernel_stat *r = &ks->rows[i];
		const struct exit_reason *er = reason_lookup(r->isa, r->code);

		if (!r->count)
			continue;
		snprintf(code, sizeof(code), r->isa == ISA_VMX ? "%u" : "0x%x", r->code);
		fprintf(f, "%-4s %10s  %-26s %16" PRIu64 " %14" PRIu64 "\n", isa_name(r->isa),
			code, er ? er->name : "?", r->cycles, r->cycles / r->count);
	}
}

/* Read the table into ks; said on failure. */
static int read_one(struct kernel_stats_cmd *c, struct kernel_stats *ks)
{
	struct es_error err = { "" };

	*ks = (struct kernel_stats){ 0 };
	if (!kernel_stats_read(c->path, ks, &err))
		return 0;
	msg_error("kernel-stats", &err);
	return -1;
}

/* Whether vCPU table v is one the --pid/--vcpu filter keeps. */
static bool vcpu_wanted(const struct kernel_stats_cmd *c, const struct kernel_vcpu_stats *v)
{
	return (c->ro.filter.pid == STATS_PID_ANY || c->ro.filter.pid == (uint32_t)v->pid) &&
	       (c->ro.filter.vcpu == STATS_VCPU_UNKNOWN || c->ro.filter.vcpu == (uint32_t)v->vcpu);
}

/*
 * The running VMs' tables (next to c->path) as stats keyed by VMM pid and
 * vCPU, and their rows summed into c->now (for the cycles and the note).
 */
static int read_vms(struct kernel_stats_cmd *c, struct stats *s)
{
	struct es_error err = { "" };
	struct kernel_vm_stats vs;
	char path[sizeof(c->dir)];
	int rc = -1;

	snprintf(path, sizeof(path), "%s", c->path);
	snprintf(c->dir, sizeof(c->dir), "%s", dirname(path));
	/* c->now: the host-wide table's rows, to hold the VMs' sums. */
	for (size_t i = 0; i < c->now.n; i++)
		c->now.rows[i].count = c->now.rows[i].cycles = 0;
	c->now.unmapped_count = 0;
	if (kernel_vm_stats_read(c->dir, &vs, &err)) {
		msg_error("kernel-stats", &err);
		goto out;
	}
	c->nvms = vs.vms;
	for (size_t i = 0; i < vs.n; i++) {
		const struct kernel_vcpu_stats *v = &vs.v[i];

		if (!vcpu_wanted(c, v))
			continue;
		for (size_t r = 0; r < v->ks.n; r++) {
			const struct kernel_stat *row = &v->ks.rows[r];
			struct exit_key k = { v->pid, (uint32_t)v->vcpu, row->isa, row->code };
			struct kernel_stat *sum = (struct kernel_stat *)kernel_stats_find(&c->now,
									row->isa, row->code);

			if (row->count && stats_add_count(s, &k, row->count))
				goto oom;
			if (sum) {
				sum->count += row->count;
				sum->cycles += row->cycles;
			}
		}
		c->now.unmapped_count += v->ks.unmapped_count;
		c->now.has_unmapped |= v->ks.has_unmapped;
	}
	rc = 0;
	goto out;
oom:
	fprintf(stderr, "exitstat kernel-stats: out of memory\n");
out:
	kernel_vm_stats_free(&vs);
	return rc;
}

/*
 * Say on stderr, and in the report, when the kernel does not count: its
 * tables stand still. Only for the live kernel (debugfs) or --params.
 */
static void check_counting(struct kernel_stats_cmd *c, char *note, size_t len)
{
	struct es_error err = { "" };
	const char *dir = c->params;
	int on;

	if (!dir && strcmp(c->path, KERNEL_STATS_PATH))
		return;
	if (!dir)
		dir = KERNEL_STATS_PARAMS;
	on = kernel_stats_counting(dir, &err);
	if (on == 1)
		return;
	if (on == 0)
		snprintf(note, len, "the kernel does not count VM exits now (%s/exit_stats is N): "
			 "these numbers stand still; turn counting on with "
			 "'echo 1 > %s/exit_stats'", dir, dir);
	else
		snprintf(note, len, "cannot tell whether the kernel counts VM exits: %s",
			 es_error_msg(&err));
	fprintf(stderr, "exitstat kernel-stats: warning: %s\n", note);
}

/* What the report says it shows. */
static void describe(struct kernel_stats_cmd *c, struct report_meta *meta)
{
	if (c->interval > 0 || c->delay > 0) {
		meta->window_s = c->window;
		snprintf(c->source, sizeof(c->source), "the patched kernel's table %s, over %.3f s, "
			 "all VMs", c->path, c->window);
	} else if (c->vms) {
		snprintf(c->source, sizeof(c->source), "the patched kernel's per-vCPU tables in "
			 "%s/<pid>-<fd>/, %zu running VM%s, each since it started", c->dir, c->nvms,
			 c->nvms == 1 ? "" : "s");
	} else {
		snprintf(c->source, sizeof(c->source), "the patched kernel's table %s, since kvm "
			 "loaded, all VMs", c->path);
	}
	meta->source = c->source;
	if (c->counting_note[0]) {
		meta->note = c->counting_note;
	} else if (c->now.has_unmapped && c->now.unmapped_count) {
		snprintf(c->note, sizeof(c->note), "%" PRIu64 " exits had a code outside the "
			 "kernel's table (\"# unmapped\")", c->now.unmapped_count);
		meta->note = c->note;
	}
}

/* c->now as a report: the last one final, the ones before numbered seq. */
static int print_table(struct kernel_stats_cmd *c, bool final, unsigned int seq)
{
	struct report_meta meta = { .final = final, .seq = seq, .clock = "ns" };
	struct stats *s = stats_new();
	int rc = -1;

	if (c->vms && s && read_vms(c, s)) {
		stats_free(s);
		return -1;
	}
	describe(c, &meta);
	if (!s || (!c->vms && to_stats(&c->now, s)))
		fprintf(stderr, "exitstat kernel-stats: out of memory\n");
	else if (report_print(c->out.f, &c->ro, &meta, s))
		fprintf(stderr, "exitstat kernel-stats: cannot write the report to %s: %s\n",
			c->out.name, strerror(errno));
	else
		rc = 0;
	if (!rc && c->ro.format == FMT_TABLE)
		print_cycles(c->out.f, &c->now);
	if (!rc && fflush(c->out.f))
		rc = -1;	/* said by cli_out_close */
	stats_free(s);
	return rc;
}

/* Sleep until the monotonic time t, or until Ctrl-C/SIGTERM: false then. */
static bool sleep_until(double t)
{
	struct timespec ts = { (time_t)t, (long)((t - (double)(time_t)t) * 1e9) };

	while (!live_stop_requested)
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			return true;
	return false;
}

/*
 * -i S: one table, S seconds after the first read. -d S: one every S seconds
 * until -D or a signal, which ends with the final one. Each shows what
 * happened since the first read.
 */
static int run_interval(struct kernel_stats_cmd *c)
{
	double step = c->delay ? c->delay : c->interval, t0;
	int rc = 0;

	live_install_signals();	/* before the first read: a Ctrl-C from then on ends with a table */
	if (read_one(c, &c->before))
		return -1;
	t0 = live_now();
	for (unsigned int k = 1; !rc; k++) {
		bool last = !c->delay || (c->duration && k * step >= c->duration - 1e-9);

		if (!sleep_until(t0 + k * step))
			last = true;	/* stopped: the table so far, final */
		if (read_one(c, &c->now))
			return -1;
		c->window = live_now() - t0;
		if (subtract(&c->now, &c->before)) {
			fprintf(stderr, "exitstat kernel-stats: %s: counts went down between two "
					"reads (kvm reloaded?)\n", c->path);
			rc = -1;
		} else {
			rc = print_table(c, last, last ? 0 : k);
		}
		kernel_stats_free(&c->now);
		if (last)
			break;
	}
	return rc;
}

int cmd_kernel_stats(int argc, char **argv)
{
	struct kernel_stats_cmd c = {
		.ro = { .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN } },
		.path = KERNEL_STATS_PATH,
	};
	int first, rc;

	first = cli_parse(&cli_cmd_kernel_stats, argc, argv, apply_kernel_stats, &c);
	if (first < 0)
		return cli_end_status(first);
	if (first < argc)
		c.path = argv[first];
	if (c.interval && c.delay) {
		fprintf(stderr, "exitstat kernel-stats: give either -i SECONDS (one table) or "
				"-d SECONDS (repeated), not both\n");
		return EXIT_USAGE;
	}
	if (c.duration && !c.delay) {
		fprintf(stderr, "exitstat kernel-stats: -D SECONDS ends the tables of -d SECONDS: "
				"give -d too\n");
		return EXIT_USAGE;
	}
	c.vms = c.ro.per_vm || c.ro.filter.pid != STATS_PID_ANY ||
		c.ro.filter.vcpu != STATS_VCPU_UNKNOWN;
	if (c.vms && (c.interval || c.delay)) {
		fprintf(stderr, "exitstat kernel-stats: --per-vm, --pid and --vcpu read the running "
				"VMs' own tables once; -i and -d are for the host-wide table\n");
		return EXIT_USAGE;
	}
	check_counting(&c, c.counting_note, sizeof(c.counting_note));
	if (cli_out_open(&cli_cmd_kernel_stats, &c.out))
		return EXIT_FAIL;
	if (c.interval || c.delay)
		rc = run_interval(&c);
	else
		rc = read_one(&c, &c.now) || print_table(&c, true, 0);
	kernel_stats_free(&c.before);
	kernel_stats_free(&c.now);
	/* A report printed is kept; nothing printed leaves no -o file. */
	if (cli_out_close(&cli_cmd_kernel_stats, &c.out, !rc || c.window > 0))
		rc = -1;
	return rc ? EXIT_FAIL : EXIT_OK;
}
