/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): the input as a
 * stream, a regular file for the readers that seek, and a sink for reports.
 */
#ifndef EXITSTAT_FUZZ_COMMON_H
#define EXITSTAT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The bytes as a read-only stream that cannot seek (a pipe's view). */
static inline FILE *fuzz_stream(const uint8_t *data, size_t size)
{
	return fmemopen((void *)data, size ? size : 1, "r");
}

/* The bytes as a regular (memfd) file, rewound; its fd in *fd for /proc/self/fd paths. */
static inline FILE *fuzz_file(const uint8_t *data, size_t size, int *fd)
{
	FILE *f;

	*fd = memfd_create("fuzz", 0);
	if (*fd < 0)
		abort();
	if (size && write(*fd, data, size) != (ssize_t)size)
		abort();
	f = fdopen(*fd, "r");
	if (!f)
		abort();
	return f;
}

/* A report sink: everything printed is thrown away (but still formatted). */
static inline FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	return sink;
}

#endif
