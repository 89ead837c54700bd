// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: the patched kernel's debugfs exit table (sources/kernel_stats.c). */
#include <string.h>

#include "core/error.h"
#include "sources/kernel_stats.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kernel_stats ks;
	struct es_error err = { "" };
	FILE *f = fuzz_stream(data, size);

	if (!f)
		abort();
	if (kernel_stats_parse(f, "fuzz", &ks, &err) == 0)
		kernel_stats_find(&ks, ISA_SVM, 0x7b);
	/* no raw control byte from the input in a message */
	for (const char *c = err.msg; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			abort();
	fclose(f);
	kernel_stats_free(&ks);
	return 0;
}
