// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat kernel-stats [FILE]`: the per-reason table that the patched
 * kernel (kernel/patches/) keeps in debugfs, as an exitstat report. Without
 * -d: the counts since kvm loaded. With -d S: what happened in S seconds.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "output/report.h"
#include "sources/kernel_stats.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitstat kernel-stats [OPTIONS] [FILE]\n"
		"  The VM-exit table of a kernel with exitstat's KVM patch (kernel/), read from\n"
		"  debugfs (default " KERNEL_STATS_PATH ") or FILE: exits per reason over\n"
		"  all VMs, and the TSC cycles KVM spent handling them.\n"
		"  -d, --interval SECONDS   read twice, SECONDS apart, and show the difference (with rates)\n"
		"  -f, --format table|json|csv\n"
		"  -s, --sort count|code    row order (default count)\n"
		"  -t, --top K              show the K first rows\n");
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

int cmd_kernel_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "sort", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct report_opts ro = { .filter = { STATS_PID_ANY, STATS_VCPU_UNKNOWN } };
	struct report_meta meta = { .final = true, .clock = "ns" };
	struct kernel_stats before = { 0 }, now = { 0 };
	const char *path = KERNEL_STATS_PATH;
	struct es_error err = { "" };
	char source[600], note[200];
	double interval = 0;
	struct stats *s = NULL;
	int c, status = EXIT_FAIL;
	uint64_t v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:s:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!cli_parse_double(optarg, 0.001, 1e6, &interval))
				goto bad_value;
			break;
		case 'f':
			if (out_format_parse(optarg, &ro.format))
				goto bad_value;
			break;
		case 's':
			if (row_sort_parse(optarg, &ro.sort) || ro.sort == SORT_TIME)
				goto bad_value;
			break;
		case 't':
			if (!cli_parse_u64(optarg, &v) || !v)
				goto bad_value;
			ro.top = (size_t)v;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		path = argv[optind];

	if (kernel_stats_read(path, &now, &err)) {
		msg_error("kernel-stats", &err);
		goto out;
	}
	if (interval > 0) {
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (double)(time_t)interval) * 1e9) };

		before = now;
		now = (struct kernel_stats){ 0 };
		nanosleep(&ts, NULL);
		if (kernel_stats_read(path, &now, &err)) {
			msg_error("kernel-stats", &err);
			goto out;
		}
		if (subtract(&now, &before)) {
			fprintf(stderr, "exitstat kernel-stats: %s: counts went down between the two "
					"reads (kvm reloaded?)\n", path);
			goto out;
		}
		meta.window_s = interval;
		snprintf(source, sizeof(source), "the patched kernel's table %s, over %.3f s, all VMs",
			 path, interval);
	} else {
		snprintf(source, sizeof(source), "the patched kernel's table %s, since kvm loaded, "
			 "all VMs", path);
	}
	meta.source = source;
	if (now.has_unmapped && now.unmapped_count) {
		snprintf(note, sizeof(note), "%" PRIu64 " exits had a code outside the kernel's table "
			 "(\"# unmapped\")", now.unmapped_count);
		meta.note = note;
	}
	s = stats_new();
	if (!s || to_stats(&now, s)) {
		fprintf(stderr, "exitstat kernel-stats: out of memory\n");
		goto out;
	}
	if (report_print(stdout, &ro, &meta, s)) {
		fprintf(stderr, "exitstat kernel-stats: cannot write the report\n");
		goto out;
	}
	if (ro.format == FMT_TABLE)
		print_cycles(&now);
	status = EXIT_OK;
out:
	stats_free(s);
	kernel_stats_free(&before);
	kernel_stats_free(&now);
	return status;

bad_value:
	cli_bad_value("kernel-stats", opts, c, optarg);
	return EXIT_USAGE;
}
