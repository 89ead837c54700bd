/* SPDX-License-Identifier: GPL-2.0 */
/* Between live_common.c and the backends: each backend fills a live_ops. */
#ifndef EXITSTAT_LIVE_IMPL_H
#define EXITSTAT_LIVE_IMPL_H

#include "live/live.h"

struct live_ops {
	int (*poll)(void *b, int timeout_ms, live_exit_fn fn, void *ctx, struct es_error *err);
	int (*counters)(void *b, struct live_counters *c);
	int (*read)(void *b, struct stats *s);	/* the counts; live_read adds the loss */
	int (*details)(void *b, struct detail_stats *ds, struct hotspot_stats *hs,
		       uint64_t *lost);	/* optional; ds, hs may be NULL */
	int (*events)(void *b, uint64_t *counts, bool *attached);
	int (*flush_open)(void *b, live_exit_fn fn, void *ctx, struct es_error *err);
	int (*finish)(void *b, live_exit_fn fn, void *ctx, struct es_error *err);
	void (*lost_note)(void *b, char *buf, size_t len);
	void (*stop_events)(void *b);
	void (*close)(void *b);
};

/* Each returns its state (and ops, source text) or NULL with err set. */
void *live_bpf_open(const struct live_opts *o, const struct live_ops **ops,
		    char *source, size_t srclen, struct es_error *err);
void *live_perf_open(const struct live_opts *o, const struct live_ops **ops,
		     char *source, size_t srclen, struct es_error *err);

#endif
