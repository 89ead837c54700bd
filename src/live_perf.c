// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "live_impl.h"
void *live_perf_open(const struct live_opts *o, const struct live_ops **ops,
		     char *source, size_t srclen, char *err, size_t errlen)
{
	(void)o; (void)ops; (void)source; (void)srclen;
	snprintf(err, errlen, "perf backend not written yet");
	return NULL;
}
