// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: recordings (sources/record_read.c), as a regular file
 * (damaged blocks skipped, the reading resynchronised) and as a stream (it
 * stops at the damage), every exit paired and counted.
 */
#include "core/event.h"
#include "sources/record.h"
#include "fuzz_common.h"

struct sink {
	struct accum acc;
	uint64_t n;
};

static int on_event(void *ctx, const struct exit_event *ev)
{
	struct sink *s = ctx;

	s->n++;
	return accum_event(&s->acc, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int seekable = 0; seekable < 2; seekable++) {
		struct record_info info;
		struct sink s = { .n = 0 };
		int fd = -1;
		FILE *f = seekable ? fuzz_file(data, size, &fd) : fuzz_stream(data, size);

		if (!f || accum_init(&s.acc))
			abort();
		if (seekable)
			rewind(f);
		record_read(f, "fuzz", on_event, &s, &info, NULL, NULL);
		/* the reader's account is what it delivered */
		if (s.n != info.events || info.open_exits > info.events)
			abort();
		fclose(f);
		accum_fini(&s.acc);
	}
	return 0;
}
