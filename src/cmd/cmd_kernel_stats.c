// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat kernel-stats [FILE]`: the per-reason table that the patched
 * kernel (kernel/patches/) keeps in debugfs, as an exitstat report. Without
 * -d: the counts since kvm loaded. With -d S: what happened in S seconds.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "output/report.h"
#include "sources/kernel_stats.h"

enum { OPT_INTERVAL = CLI_OWN };

static const struct cli_opt opt_interval = {
	"interval", 'd', CLI_ARG, "SECONDS", "read twice, SECONDS apart, and show the difference "
	"(with rates)", OPT_INTERVAL, 0 };
static const struct cli_opt opt_sort = {
	"sort", 's', CLI_ARG, "count|code", "row order (default count)", CLI_SORT, 0 };

static const struct cli_opt *const kernel_stats_opts[] = {
	&opt_interval, &cli_opt_format, &opt_sort, &cli_opt_top, NULL,
};

const struct cli_cmd cli_cmd_kernel_stats = {
	.name = "kernel-stats",
	.title = "kernel-stats",
	.summary = "the per-reason table of a kernel with exitstat's KVM patch",
	.synopsis = "[OPTIONS] [FILE]",
	.description =
		"The VM-exit table of a kernel with exitstat's KVM patch (kernel/), read from\n"
		"debugfs (default " KERNEL_STATS_PATH ") or FILE: exits per reason over\n"
		"all VMs, and the TSC cycles KVM spent handling them.",
	.opts = kernel_stats_opts,
	.operands = CLI_MAYBE_ONE,
	.run = cmd_kernel_stats,
};

struct kernel_stats_cmd {
	struct report_opts ro;
	double interval;	/* 0: since kvm loaded */
	const char *path;
	struct kernel_stats before, now;
	char source[600], note[200];
};

static int apply_kernel_stats(void *ctx, int id, const char *arg)
{
	struct kernel_stats_cmd *c = ctx;

	if (id == OPT_INTERVAL)
		return cli_parse_double(arg, 0.001, 1e6, &c->interval) ? 0 : -1;
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

static void print_cycles(const struct kernel_stats *ks)
{
	char code[16];

	fprintf(stdout, "cycles KVM spent handling each exit (TSC cycles, the kernel's own count):\n");
	fprintf(stdout, "%-4s %10s  %-26s %16s %14s\n", "isa", "code", "reason", "cycles",
		"cycles/exit");
	for (size_t i = 0; i < ks->n; i++) {
		const struct kernel_stat *r = &ks->rows[i];
		const struct exit_reason *er = reason_lookup(r->isa, r->code);

		if (!r->count)
			continue;
		snprintf(code, sizeof(code), r->isa == ISA_VMX ? "%u" : "0x%x", r->code);
		fprintf(stdout, "%-4s %10s  %-26s %16" PRIu64 " %14" PRIu64 "\n", isa_name(r->isa),
			code, er ? er->name : "?", r->cycles, r->cycles / r->count);
	}
}

/* The table now, or with an interval its change over the interval; said on failure. */
static int read_table(struct kernel_stats_cmd *c)
{
	struct es_error err = { "" };
	struct timespec ts = { (time_t)c->interval,
			       (long)((c->interval - (double)(time_t)c->interval) * 1e9) };

	if (kernel_stats_read(c->path, &c->now, &err))
		goto fail;
	if (!c->interval)
		return 0;
	c->before = c->now;
	c->now = (struct kernel_stats){ 0 };
	nanosleep(&ts, NULL);
	if (kernel_stats_read(c->path, &c->now, &err))
		goto fail;
	if (subtract(&c->now, &c->before)) {
		fprintf(stderr, "exitstat kernel-stats: %s: counts went down between the two "
				"reads (kvm reloaded?)\n", c->path);
		return -1;
	}
	return 0;
fail:
	msg_error("kernel-stats", &err);
	return -1;
}

/* What the report says it shows. */
static void describe(struct kernel_stats_cmd *c, struct report_meta *meta)
{
	if (c->interval > 0) {
		meta->window_s = c->interval;
		snprintf(c->source, sizeof(c->source), "the patched kernel's table %s, over %.3f s, "
			 "all VMs", c->path, c->interval);
	} else {
		snprintf(c->source, sizeof(c->source), "the patched kernel's table %s, since kvm "
			 "loaded, all VMs", c->path);
	}
	meta->source = c->source;
	if (c->now.has_unmapped && c->now.unmapped_count) {
		snprintf(c->note, sizeof(c->note), "%" PRIu64 " exits had a code outside the "
			 "kernel's table (\"# unmapped\")", c->now.unmapped_count);
		meta->note = c->note;
	}
}

static int print_table(struct kernel_stats_cmd *c)
{
	struct report_meta meta = { .final = true, .clock = "ns" };
	struct stats *s = stats_new();
	int rc = -1;

	describe(c, &meta);
	if (!s || to_stats(&c->now, s))
		fprintf(stderr, "exitstat kernel-stats: out of memory\n");
	else if (report_print(stdout, &c->ro, &meta, s))
		fprintf(stderr, "exitstat kernel-stats: cannot write the report\n");
	else
		rc = 0;
	if (!rc && c->ro.format == FMT_TABLE)
		print_cycles(&c->now);
	stats_free(s);
	return rc;
}

int cmd_kernel_stats(int argc, char **argv)
{
	struct kernel_stats_cmd c = {
		.ro = { .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN } },
		.path = KERNEL_STATS_PATH,
	};
	int first, status;

	first = cli_parse(&cli_cmd_kernel_stats, argc, argv, apply_kernel_stats, &c);
	if (first < 0)
		return cli_end_status(first);
	if (first < argc)
		c.path = argv[first];
	status = read_table(&c) || print_table(&c) ? EXIT_FAIL : EXIT_OK;
	kernel_stats_free(&c.before);
	kernel_stats_free(&c.now);
	return status;
}
