// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the analysis path (analysis/analyze_input.c reading a
 * trace or a recording through sources/input.c, analysis/analyze.c, the
 * text, JSON and SVG outputs). The first byte picks the window: automatic,
 * 1 ms or 0.3 ms (a fixed width must not let a small input make a huge
 * output).
 */
#include "analysis/analyze.h"
#include "output/analyze_out.h"
#include "fuzz_common.h"

static size_t out_bytes;

static ssize_t count_write(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	(void)buf;
	out_bytes += len;
	return (ssize_t)len;
}

static void noop_diag(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t widths[] = { 0, 1000000, 300000 };
	struct es_diag diag = { noop_diag, NULL };
	struct analyze_input in = { .skip_bad = size && (data[0] & 4) };
	struct analysis_meta m;
	struct analyze_opts o;
	struct analysis a;
	char path[64];
	int fd;
	FILE *f;

	if (!size)
		return 0;
	analyze_opts_default(&o);
	o.window_ns = widths[data[0] % 3];
	f = fuzz_file(data + 1, size - 1, &fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (analysis_init(&a, &o, NULL))
		abort();
	if (!analyze_load(path, &a, &in, &diag, NULL) || in.partial) {
		static const cookie_io_functions_t io = { .write = count_write };
		FILE *out = fopencookie(NULL, "w", io);

		if (!out)
			abort();
		out_bytes = 0;
		analysis_meta_from_input(&m, &in);
		analysis_print_text(out, &a, &m);
		analysis_print_json(out, &a, &m);
		plot_svg(out, &a, &m, &(struct plot_opts){ .top = 8 });
		fclose(out);
		/* the output is bounded by the input (a 12 KB trace once gave 364 MB) */
		if (out_bytes > 4u << 20 && out_bytes / 1000 > size)
			abort();
	}
	analysis_fini(&a);
	fclose(f);
	return 0;
}
