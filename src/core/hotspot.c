// SPDX-License-Identifier: GPL-2.0
/* Guest code hotspots: exits per (isa, reason, RIP), bounded. See hotspot.h. */
#include <stddef.h>
#include <stdlib.h>

#include "core/array.h"
#include "core/hotspot.h"
#include "core/oa.h"

struct hotspot_stats {
	struct oa t;			/* of struct hotspot_entry */
	size_t max;			/* distinct entries kept */
	struct hotspot_reason *reasons;	/* sorted by (isa, reason) */
	size_t nreasons, reasons_cap;
};

struct hotspot_stats *hotspot_stats_new(size_t cap)
{
	struct hotspot_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->max = cap ? cap : HOTSPOT_DEFAULT_CAP;
	if (oa_init(&s->t, sizeof(struct hotspot_entry), offsetof(struct hotspot_entry, count))) {
		free(s);
		return NULL;
	}
	return s;
}

void hotspot_stats_free(struct hotspot_stats *s)
{
	if (!s)
		return;
	oa_fini(&s->t);
	free(s->reasons);
	free(s);
}

static uint32_t basic(enum exit_isa isa, uint32_t reason)
{
	return isa == ISA_VMX ? reason & VMX_EXIT_BASIC_MASK : reason;
}

static bool same(const void *slot, const void *key)
{
	const struct hotspot_entry *x = slot, *k = key;

	return x->isa == k->isa && x->reason == k->reason && x->rip == k->rip;
}

static uint64_t hash(const void *slot)
{
	const struct hotspot_entry *e = slot;

	return oa_mix(((uint64_t)e->isa << 56) ^ ((uint64_t)e->reason << 40) ^ e->rip);
}

static struct hotspot_entry *probe(const struct hotspot_stats *s, enum exit_isa isa,
				   uint32_t reason, uint64_t rip)
{
	struct hotspot_entry key = { .isa = isa, .reason = reason, .rip = rip };

	return oa_probe(&s->t, hash(&key), same, &key);
}

/* Where (isa, reason) is or would go in the sorted reasons; *found whether it is there. */
static size_t row_find(const struct hotspot_stats *s, enum exit_isa isa, uint32_t reason,
			  bool *found)
{
	size_t lo = 0, hi = s->nreasons;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct hotspot_reason *r = &s->reasons[mid];

		if (r->isa == isa && r->reason == reason) {
			*found = true;
			return mid;
		}
		if (r->isa < isa || (r->isa == isa && r->reason < reason))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The row of (isa, reason), added in order when add. NULL: not there, or out of memory. */
static struct hotspot_reason *reason_row(struct hotspot_stats *s, enum exit_isa isa,
					 uint32_t reason, bool add)
{
	bool found;
	size_t at = row_find(s, isa, reason, &found);

	if (found)
		return &s->reasons[at];
	if (!add || array_reserve(&s->reasons, &s->reasons_cap, s->nreasons + 1,
				  sizeof(*s->reasons), 16))
		return NULL;
	for (size_t i = s->nreasons; i > at; i--)
		s->reasons[i] = s->reasons[i - 1];
	s->reasons[at] = (struct hotspot_reason){ .isa = isa, .reason = reason };
	s->nreasons++;
	return &s->reasons[at];
}

int hotspot_add(struct hotspot_stats *s, enum exit_isa isa, uint32_t reason, uint64_t rip,
		uint64_t count, uint64_t timed, uint64_t time)
{
	struct hotspot_reason *r;
	struct hotspot_entry *e;

	reason = basic(isa, reason);
	r = reason_row(s, isa, reason, true);
	if (!r)
		return -1;
	if (s->t.used < s->max && oa_reserve(&s->t, hash))
		return -1;
	r->exits += count;
	if (hotspot_is_kernel(rip))
		r->kernel += count;
	else
		r->user += count;
	r->timed += timed;
	r->time += time;
	e = probe(s, isa, reason, rip);
	if (!e->count) {
		if (s->t.used >= s->max) {
			r->untracked += count;
			r->untracked_timed += timed;
			r->untracked_time += time;
			return 0;
		}
		*e = (struct hotspot_entry){ .isa = isa, .reason = reason, .rip = rip };
		s->t.used++;
	}
	e->count += count;
	e->timed += timed;
	e->time += time;
	return 0;
}

int hotspot_count(struct hotspot_stats *s, enum exit_isa isa, uint32_t reason, uint64_t rip)
{
	return hotspot_add(s, isa, reason, rip, 1, 0, 0);
}

void hotspot_time(struct hotspot_stats *s, enum exit_isa isa, uint32_t reason, uint64_t rip,
		  uint64_t time)
{
	struct hotspot_reason *r;
	struct hotspot_entry *e;

	reason = basic(isa, reason);
	r = reason_row(s, isa, reason, false);
	if (!r)
		return;
	r->timed++;
	r->time += time;
	e = probe(s, isa, reason, rip);
	if (e->count) {
		e->timed++;
		e->time += time;
	} else {
		r->untracked_timed++;
		r->untracked_time += time;
	}
}

static int by_reason_then_count(const void *x, const void *y)
{
	const struct hotspot_entry *a = x, *b = y;
	int o = oa_order(a->isa, a->reason, a->count, b->isa, b->reason, b->count);

	return o ? o : a->rip < b->rip ? -1 : a->rip > b->rip;
}

size_t hotspot_sorted(const struct hotspot_stats *s, struct hotspot_entry **out)
{
	void *a;
	size_t n = oa_sorted(&s->t, &a, by_reason_then_count);

	*out = a;
	return n;
}

const struct hotspot_reason *hotspot_reasons(const struct hotspot_stats *s, size_t *n)
{
	*n = s->nreasons;
	return s->reasons;
}

const struct hotspot_reason *hotspot_reason_of(const struct hotspot_stats *s, enum exit_isa isa,
					       uint32_t reason)
{
	bool found;
	size_t at = row_find(s, isa, basic(isa, reason), &found);

	return found ? &s->reasons[at] : NULL;
}

uint64_t hotspot_total(const struct hotspot_stats *s)
{
	uint64_t t = 0;

	for (size_t i = 0; i < s->nreasons; i++)
		t += s->reasons[i].exits;
	return t;
}

int hotspot_merge(struct hotspot_stats *d, const struct hotspot_stats *s)
{
	struct hotspot_entry *e;
	size_t n = hotspot_sorted(s, &e), i = 0;
	int ret = n == (size_t)-1 ? -1 : 0;

	for (size_t k = 0; k < s->nreasons && !ret; k++) {
		const struct hotspot_reason *r = &s->reasons[k];
		struct hotspot_reason *row;
		uint64_t kernel = 0;

		/* the tracked RIPs as they are; entries come by reason, as the rows */
		for (; i < n && e[i].isa == r->isa && e[i].reason == r->reason && !ret; i++) {
			kernel += hotspot_is_kernel(e[i].rip) ? e[i].count : 0;
			ret = hotspot_add(d, e[i].isa, e[i].reason, e[i].rip, e[i].count, e[i].timed,
					  e[i].time);
		}
		/* the untracked exits stay untracked, in their halves */
		row = ret ? NULL : reason_row(d, r->isa, r->reason, true);
		if (!row) {
			ret = -1;
			break;
		}
		row->exits += r->untracked;
		row->kernel += r->kernel - kernel;
		row->user += r->untracked - (r->kernel - kernel);
		row->untracked += r->untracked;
		row->untracked_timed += r->untracked_timed;
		row->untracked_time += r->untracked_time;
		row->timed += r->untracked_timed;
		row->time += r->untracked_time;
	}
	if (n != (size_t)-1)
		free(e);
	return ret;
}
