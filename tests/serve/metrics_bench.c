// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_bench [VCPUS [REASONS [ROUNDS]]]: the cost of one exposition of
 * exitstat serve (what every --refresh writes) with VCPUS x REASONS keys of
 * one VM, each with a spread histogram: milliseconds per exposition (median of
 * ROUNDS), bytes, series, and the same with --no-histogram.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "output/metrics.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void run(struct stats *s, int histogram, int rounds)
{
	double *t = calloc(rounds, sizeof(*t));
	size_t bytes = 0, lines = 0;

	for (int r = 0; r < rounds; r++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		double t0 = now_ms();

		if (!f || metrics_write(f, &(struct metrics_view){ .stats = s, .histogram = histogram,
								   .up = true }, NULL) || fclose(f))
			exit(1);
		t[r] = now_ms() - t0;
		bytes = len;
		lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += buf[i] == '\n';
		free(buf);
	}
	qsort(t, rounds, sizeof(*t), cmp_double);
	printf("  %-16s %8.2f ms %10zu bytes %8zu lines\n", histogram ? "with histogram" : "no histogram",
	       t[rounds / 2], bytes, lines);
	free(t);
}

int main(int argc, char **argv)
{
	unsigned int vcpus = argc > 1 ? atoi(argv[1]) : 64, reasons = argc > 2 ? atoi(argv[2]) : 40;
	int rounds = argc > 3 ? atoi(argv[3]) : 21;
	struct stats *s = stats_new();

	for (unsigned int v = 0; v < vcpus; v++)
		for (unsigned int r = 0; r < reasons; r++) {
			struct exit_key k = { 4242, v, ISA_SVM, 0x60 + r };

			for (unsigned int i = 0; i < 30; i++)
				exit_counts_add_time(stats_add_exit(s, &k, false, 0), 200u << (i % 20));
		}
	printf("one exposition of %u vCPUs x %u reasons (%u keys), median of %d:\n", vcpus,
	       reasons, vcpus * reasons, rounds);
	run(s, 1, rounds);
	run(s, 0, rounds);
	stats_free(s);
	return 0;
}
