// SPDX-License-Identifier: GPL-2.0
/* The counting core: an open-addressing hash of exit keys. See stats.h. */
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"

#define STATS_INITIAL_CAP 64

static uint64_t key_hash(const struct exit_key *k)
{
	/*
	 * Two independent multiplies of the packed key halves, folded so that
	 * the low bits (the table index) depend on every field: a few cycles,
	 * and a source's keys differ in few bits (reason, vCPU).
	 */
	uint64_t h = ((uint64_t)k->pid << 32 | k->vcpu) * 0x9e3779b97f4a7c15ull ^
		     ((uint64_t)k->isa << 32 | k->reason) * 0xbf58476d1ce4e5b9ull;

	return h ^ h >> 29 ^ h >> 47;
}

/*
 * Field by field: callers build keys field by field, and a wider load of
 * narrower stores just made would stall on store forwarding.
 */
static inline bool key_eq(const struct exit_key *a, const struct exit_key *b)
{
	return a->reason == b->reason && a->vcpu == b->vcpu && a->pid == b->pid &&
	       a->isa == b->isa;
}

struct stats *stats_new(void)
{
	struct stats *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = STATS_INITIAL_CAP;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	if (!s->slots) {
		free(s);
		return NULL;
	}
	return s;
}

void stats_free(struct stats *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s);
}

void stats_reset(struct stats *s)
{
	memset(s->slots, 0, s->cap * sizeof(*s->slots));
	s->used = 0;
	s->last = NULL;
	s->total = 0;
	s->first_ns = s->last_ns = 0;
	s->have_window = false;
	s->lost = 0;
}

static struct stats_entry *probe(struct stats_entry *slots, size_t cap, const struct exit_key *k)
{
	size_t i = key_hash(k) & (cap - 1);

	while (slots[i].key.isa && !key_eq(&slots[i].key, k))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct stats *s)
{
	size_t ncap = s->cap * 2;
	struct stats_entry *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].key.isa)
			*probe(n, ncap, &s->slots[i].key) = s->slots[i];
	free(s->slots);
	s->slots = n;
	s->cap = ncap;
	s->last = NULL;
	return 0;
}

struct exit_counts *stats_counts(struct stats *s, const struct exit_key *key)
{
	struct exit_key k;
	struct stats_entry *e = s->last;

	/* Exits come in runs of one key (a guest's loop): the last one found first. */
	if (e && key_eq(&e->key, key))
		return &e->c;
	k = *key;
	/* isa 0 marks free slots; a source that cannot tell the ISA still needs a key. */
	if (k.isa == ISA_UNKNOWN)
		k.isa = 0xff;
	e = probe(s->slots, s->cap, &k);
	if (e->key.isa) {
		s->last = e;
		return &e->c;
	}
	/* Keep the load factor under 1/2 so probes stay short. */
	if ((s->used + 1) * 2 > s->cap) {
		if (grow(s))
			return NULL;
		e = probe(s->slots, s->cap, &k);
	}
	e->key = k;
	s->used++;
	s->last = e;
	return &e->c;
}

struct exit_counts *stats_add_exit(struct stats *s, const struct exit_key *key,
				   bool has_ts, uint64_t ts_ns)
{
	struct exit_counts *c = stats_counts(s, key);

	if (!c)
		return NULL;
	c->count++;
	s->total++;
	if (has_ts) {
		if (!s->have_window || ts_ns < s->first_ns)
			s->first_ns = ts_ns;
		if (!s->have_window || ts_ns > s->last_ns)
			s->last_ns = ts_ns;
		s->have_window = true;
	}
	return c;
}

int stats_add_count(struct stats *s, const struct exit_key *key, uint64_t n)
{
	struct exit_counts *c = stats_counts(s, key);

	if (!c)
		return -1;
	c->count += n;
	s->total += n;
	return 0;
}

unsigned int hist_bucket(uint64_t ns)
{
	unsigned int b = ns < 2 ? 0 : 63 - (unsigned int)__builtin_clzll(ns);

	return b < STATS_HIST_BUCKETS ? b : STATS_HIST_BUCKETS - 1;
}

void exit_counts_add_time(struct exit_counts *c, uint64_t ns)
{
	c->timed++;
	c->time_ns += ns;
	if (ns > c->max_ns)
		c->max_ns = ns;
	c->hist[hist_bucket(ns)]++;
}

void exit_counts_merge(struct exit_counts *d, const struct exit_counts *a)
{
	d->count += a->count;
	d->timed += a->timed;
	d->time_ns += a->time_ns;
	if (a->max_ns > d->max_ns)
		d->max_ns = a->max_ns;
	for (int i = 0; i < STATS_HIST_BUCKETS; i++)
		d->hist[i] += a->hist[i];
}

int stats_merge(struct stats *dst, const struct stats *src)
{
	for (size_t i = 0; i < src->cap; i++) {
		const struct stats_entry *e = &src->slots[i];
		struct exit_counts *c;

		if (!e->key.isa)
			continue;
		c = stats_counts(dst, &e->key);
		if (!c)
			return -1;
		exit_counts_merge(c, &e->c);
	}
	dst->total += src->total;
	dst->lost += src->lost;
	if (src->have_window) {
		if (!dst->have_window || src->first_ns < dst->first_ns)
			dst->first_ns = src->first_ns;
		if (!dst->have_window || src->last_ns > dst->last_ns)
			dst->last_ns = src->last_ns;
		dst->have_window = true;
	}
	return 0;
}

const struct stats_entry *stats_next(const struct stats *s, size_t *iter)
{
	while (*iter < s->cap) {
		const struct stats_entry *e = &s->slots[(*iter)++];

		if (e->key.isa)
			return e;
	}
	return NULL;
}

/* Order rows by sort, then by key: (isa, reason) for reasons, (pid, vcpu) for vCPUs. */
static int entry_cmp(const void *pa, const void *pb, void *arg)
{
	const struct stats_entry *a = pa, *b = pb;
	enum row_sort sort_mode = *(const enum row_sort *)arg;
	const uint32_t ka[] = { a->key.isa, a->key.reason, a->key.pid, a->key.vcpu };
	const uint32_t kb[] = { b->key.isa, b->key.reason, b->key.pid, b->key.vcpu };

	if (sort_mode == SORT_COUNT && a->c.count != b->c.count)
		return a->c.count < b->c.count ? 1 : -1;
	if (sort_mode == SORT_TIME && a->c.time_ns != b->c.time_ns)
		return a->c.time_ns < b->c.time_ns ? 1 : -1;
	for (size_t i = 0; i < sizeof(ka) / sizeof(ka[0]); i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

size_t stats_group(const struct stats *s, const struct stats_filter *f, enum stats_group by,
		   enum row_sort sort, struct stats_entry **out)
{
	struct stats *g = stats_new();
	struct stats_entry *rows;
	size_t n = 0, it = 0;
	const struct stats_entry *e;

	if (!g)
		return (size_t)-1;
	while ((e = stats_next(s, &it))) {
		/* A vCPU group keeps a fixed isa: the hash marks free slots with isa 0. */
		struct exit_key k = by == GROUP_VCPU ?
			(struct exit_key){ e->key.pid, e->key.vcpu, ISA_VMX, 0 } :
			(struct exit_key){ 0, 0, e->key.isa, e->key.reason };
		struct exit_counts *c;

		if (f && f->pid != STATS_PID_ANY && e->key.pid != f->pid)
			continue;
		if (f && f->vcpu != STATS_VCPU_UNKNOWN && e->key.vcpu != f->vcpu)
			continue;
		c = stats_counts(g, &k);
		if (!c) {
			stats_free(g);
			return (size_t)-1;
		}
		exit_counts_merge(c, &e->c);
	}
	rows = calloc(g->used ? g->used : 1, sizeof(*rows));
	if (!rows) {
		stats_free(g);
		return (size_t)-1;
	}
	it = 0;
	while ((e = stats_next(g, &it))) {
		rows[n] = *e;
		if (by == GROUP_VCPU)
			rows[n].key.isa = ISA_UNKNOWN;
		else if (e->key.isa == 0xff)
			rows[n].key.isa = ISA_UNKNOWN;
		n++;
	}
	stats_free(g);
	qsort_r(rows, n, sizeof(*rows), entry_cmp, &sort);
	*out = rows;
	return n;
}

void *stats_group_rows(const struct stats *s, const struct stats_filter *f, enum stats_group by,
		       enum row_sort sort, size_t row_size, stats_row_fn fill, void *ctx, size_t *n)
{
	struct stats_entry *g;
	char *rows;

	*n = stats_group(s, f, by, sort, &g);
	if (*n == (size_t)-1)
		return NULL;
	rows = calloc(*n ? *n : 1, row_size);
	for (size_t i = 0; rows && i < *n; i++)
		fill(rows + i * row_size, &g[i], ctx);
	free(g);
	return rows;
}

static void reason_row_fill(void *row, const struct stats_entry *e, void *ctx)
{
	struct reason_row *r = row;

	(void)ctx;
	r->isa = (enum exit_isa)e->key.isa;
	r->reason = e->key.reason;
	r->c = e->c;
}

size_t stats_by_reason(const struct stats *s, const struct stats_filter *f,
		       enum row_sort sort, struct reason_row **out)
{
	size_t n;

	*out = stats_group_rows(s, f, GROUP_REASON, sort, sizeof(**out), reason_row_fill, NULL, &n);
	return *out ? n : (size_t)-1;
}

uint64_t hist_percentile(const uint64_t hist[STATS_HIST_BUCKETS], double p)
{
	uint64_t total = 0, seen = 0, want;

	for (int i = 0; i < STATS_HIST_BUCKETS; i++)
		total += hist[i];
	if (!total)
		return 0;
	/* The smallest bucket whose cumulative count reaches p% of the total. */
	want = (uint64_t)((p / 100.0) * (double)total + 0.999999);
	if (want == 0)
		want = 1;
	for (int i = 0; i < STATS_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= want)
			return i == 63 ? UINT64_MAX : ((uint64_t)2 << i) - 1;
	}
	return UINT64_MAX;
}

uint64_t exit_counts_percentile(const struct exit_counts *c, double p)
{
	uint64_t bound = hist_percentile(c->hist, p);

	/* The bucket's top may lie past every exit seen: the max bounds it too. */
	return bound < c->max_ns ? bound : c->max_ns;
}
