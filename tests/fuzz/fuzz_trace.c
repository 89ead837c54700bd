// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: trace text (sources/trace_*.c), strict and with
 * --skip-bad, each exit paired and counted (core/accum) and the report
 * printed in the three formats (output/report*); in the --skip-bad pass the
 * exit information is read too (explain's path) and each exit's detail
 * decoded, counted (core/detail.c) and written as text.
 */
#include "core/event.h"
#include "output/report.h"
#include "sources/trace.h"
#include "fuzz_common.h"

static struct detail_stats *details;

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct exit_detail d;
	char key[96];

	if (ev->kind == EV_EXIT && ev->has_info &&
	    detail_decode(ev->isa, ev->reason, &ev->info, &d)) {
		detail_str(&d, key, sizeof(key));
		if (detail_stats_count(details, ev->isa, ev->reason, &d))
			abort();
	}
	return accum_event(ctx, ev);
}

static void noop_diag(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int skip = 0; skip < 2; skip++) {
		struct trace_opts o = { .skip_bad = skip, .diag = { noop_diag, NULL },
					.isa_hint = skip ? ISA_SVM : ISA_UNKNOWN, .want_info = skip };
		struct trace_result res;
		struct accum acc;
		FILE *f = fuzz_stream(data, size);

		details = detail_stats_new();
		if (!f || !details || accum_init(&acc))
			abort();
		trace_read(f, "fuzz", &o, on_event, &acc, &res, NULL);
		fclose(f);
		for (int fmt = FMT_TABLE; fmt <= FMT_CSV; fmt++) {
			struct report_opts ro = { .format = fmt, .per_vm = skip,
						  .filter = { .pid = STATS_PID_ANY,
							      .vcpu = STATS_VCPU_UNKNOWN } };
			struct report_meta m = { .source = "fuzz", .final = true,
						 .clock = res.ts_counter ? "ticks" : "ns",
						 .skipped = res.skipped, .lost = res.lost };

			report_print(fuzz_sink(), &ro, &m, acc.stats);
		}
		accum_fini(&acc);
		detail_stats_free(details);
	}
	return 0;
}
