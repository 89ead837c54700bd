// SPDX-License-Identifier: GPL-2.0
/* Exit/entry pairing per vCPU thread, feeding the counting core. */
#include <stdlib.h>
#include <string.h>

#include "core/event.h"

struct pending_exit {
	uint32_t tid;		/* 0 = free slot; tid 0 (idle task) never runs a vCPU */
	bool open;
	struct exit_key key;
	struct exit_event exit;	/* the exit waiting, for the on_time hook */
};

int accum_init(struct accum *a)
{
	memset(a, 0, sizeof(*a));
	a->stats = stats_new();
	a->pending_cap = 64;
	a->pending = calloc(a->pending_cap, sizeof(*a->pending));
	if (!a->stats || !a->pending) {
		accum_fini(a);
		return -1;
	}
	return 0;
}

void accum_fini(struct accum *a)
{
	stats_free(a->stats);
	free(a->pending);
	memset(a, 0, sizeof(*a));
}

static struct pending_exit *slot(struct pending_exit *t, size_t cap, uint32_t tid)
{
	size_t i = (tid * 2654435761u) & (cap - 1);

	while (t[i].tid && t[i].tid != tid)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static struct pending_exit *pending_for(struct accum *a, uint32_t tid)
{
	struct pending_exit *p = slot(a->pending, a->pending_cap, tid);

	if (p->tid)
		return p;
	if ((a->pending_used + 1) * 2 > a->pending_cap) {
		size_t ncap = a->pending_cap * 2;
		struct pending_exit *n = calloc(ncap, sizeof(*n));

		if (!n)
			return NULL;
		for (size_t i = 0; i < a->pending_cap; i++)
			if (a->pending[i].tid)
				*slot(n, ncap, a->pending[i].tid) = a->pending[i];
		free(a->pending);
		a->pending = n;
		a->pending_cap = ncap;
		p = slot(n, ncap, tid);
	}
	p->tid = tid;
	a->pending_used++;
	return p;
}

/* The time in exit of one exit is known: into its counts, then to the hook. */
static int measured(struct accum *a, struct exit_counts *c, const struct exit_event *exit,
		    uint64_t dur_ns)
{
	if (!c)
		return -1;
	exit_counts_add_time(c, dur_ns);
	a->paired++;
	if (a->on_time && a->on_time(a->on_time_ctx, exit, dur_ns))
		return -1;
	return 0;
}

/*
 * A row of a table of totals: its count, and the tool's total and longest
 * time when it gave them. VMX: only the flag bits the SDM defines are
 * dropped, so a code with reserved bits set stays an unknown code.
 */
static int aggregate_event(struct accum *a, const struct exit_event *ev)
{
	struct exit_key k = { .pid = ev->pid, .vcpu = ev->vcpu, .isa = ev->isa, .reason = ev->reason };
	struct exit_counts *c;

	if (ev->isa == ISA_VMX)
		k.reason &= ~(VMX_EXIT_ENCLAVE_MODE | VMX_EXIT_PENDING_MTF | VMX_EXIT_FROM_ROOT |
			      VMX_EXIT_FAILED_ENTRY);
	if (!ev->count)
		return 0;
	if (stats_add_count(a->stats, &k, ev->count))
		return -1;
	if (!ev->has_dur)
		return 0;
	c = stats_counts(a->stats, &k);
	if (!c)
		return -1;
	c->timed += ev->count;
	c->time_ns += ev->dur_ns;
	if (ev->max_ns > c->max_ns)
		c->max_ns = ev->max_ns;
	return 0;
}

int accum_event(struct accum *a, const struct exit_event *ev)
{
	struct pending_exit *p;

	if (ev->kind == EV_MSR)
		return 0;
	if (ev->kind == EV_EXIT && ev->aggregate)
		return aggregate_event(a, ev);

	if (ev->kind == EV_EXIT) {
		struct exit_key k = {
			.pid = ev->pid,
			.vcpu = ev->vcpu,
			.isa = ev->isa,
			.reason = ev->isa == ISA_VMX ? ev->reason & VMX_EXIT_BASIC_MASK : ev->reason,
		};
		struct exit_counts *c = stats_add_exit(a->stats, &k, ev->has_ts, ev->ts_ns);

		if (!c)
			return -1;
		if (ev->has_dur)
			return measured(a, c, ev, ev->dur_ns);
		if (!ev->has_ts || !ev->tid)
			return 0;
		p = pending_for(a, ev->tid);
		if (!p)
			return -1;
		if (ev->no_time) {
			/* The next entry is this exit's, whose time is not to be trusted. */
			p->open = false;
			return 0;
		}
		/* The key, not a pointer: the stats table may move while we wait. */
		p->key = k;
		p->exit = *ev;
		p->open = true;
		return 0;
	}

	if (!ev->has_ts || !ev->tid)
		return 0;
	p = slot(a->pending, a->pending_cap, ev->tid);
	if (!p->tid || !p->open) {
		a->unpaired_entries++;
		return 0;
	}
	p->open = false;
	if (ev->ts_ns < p->exit.ts_ns) {
		a->negative++;
		return 0;
	}
	return measured(a, stats_counts(a->stats, &p->key), &p->exit, ev->ts_ns - p->exit.ts_ns);
}

uint64_t accum_open_exits(const struct accum *a)
{
	uint64_t n = 0;

	for (size_t i = 0; i < a->pending_cap; i++)
		if (a->pending[i].tid && a->pending[i].open)
			n++;
	return n;
}
