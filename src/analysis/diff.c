// SPDX-License-Identifier: GPL-2.0
/* Two sets of runs compared per exit reason. See diff.h. */
#include <math.h>
#include <stdlib.h>

#include "analysis/diff.h"
#include "core/array.h"

struct acc {
	double sum, sumsq, rate_sum;
	size_t rate_runs;
	uint64_t timed, time_ns;
};

struct key_acc {
	enum exit_isa isa;
	uint32_t reason;
	bool has_detail;
	struct exit_detail d;
	struct acc side[2];
};

/* One run's counts: per reason, or per (reason, detail). */
struct run_count {
	enum exit_isa isa;
	uint32_t reason;
	bool has_detail;
	struct exit_detail d;
	uint64_t count, timed, time_ns;
};

static bool same_key(const struct key_acc *k, const struct run_count *c)
{
	if (k->isa != c->isa || k->reason != c->reason || k->has_detail != c->has_detail)
		return false;
	return !k->has_detail || detail_equal(&k->d, &c->d);
}

/* A run's counts in a new array (caller frees); their number, or (size_t)-1 out of memory. */
static size_t run_counts(const struct diff_run *run, bool details, struct run_count **out)
{
	struct stats_filter all = { STATS_PID_ANY, STATS_VCPU_UNKNOWN };
	size_t n;

	if (details) {
		struct detail_entry *e;

		n = detail_stats_sorted(run->details, &e);
		if (n == (size_t)-1)
			return n;
		*out = malloc((n ? n : 1) * sizeof(**out));
		for (size_t i = 0; *out && i < n; i++)
			(*out)[i] = (struct run_count){ e[i].isa, e[i].reason, true, e[i].d,
							 e[i].count, e[i].timed, e[i].time };
		free(e);
	} else {
		struct reason_row *rows;

		n = stats_by_reason(run->stats, &all, SORT_CODE, &rows);
		if (n == (size_t)-1)
			return n;
		*out = malloc((n ? n : 1) * sizeof(**out));
		for (size_t i = 0; *out && i < n; i++)
			(*out)[i] = (struct run_count){ .isa = rows[i].isa, .reason = rows[i].reason,
							 .count = rows[i].c.count,
							 .timed = rows[i].c.timed,
							 .time_ns = rows[i].c.time_ns };
		free(rows);
	}
	return *out ? n : (size_t)-1;
}

/* The accumulator of c's key, added if new; NULL when out of memory. */
static struct key_acc *find(struct key_acc **keys, size_t *n, size_t *cap,
			    const struct run_count *c)
{
	for (size_t i = 0; i < *n; i++)
		if (same_key(&(*keys)[i], c))
			return &(*keys)[i];
	if (array_reserve(keys, cap, *n + 1, sizeof(**keys), 32))
		return NULL;
	(*keys)[*n] = (struct key_acc){ .isa = c->isa, .reason = c->reason,
					.has_detail = c->has_detail, .d = c->d };
	return &(*keys)[(*n)++];
}

/* One run's counts into side s of the accumulators. */
static int add_run(const struct diff_run *run, bool details, int s, struct key_acc **keys,
		   size_t *n, size_t *cap)
{
	struct run_count *rows;
	size_t nr = run_counts(run, details, &rows);

	if (nr == (size_t)-1)
		return -1;
	for (size_t i = 0; i < nr; i++) {
		struct key_acc *k = find(keys, n, cap, &rows[i]);
		double c = (double)rows[i].count;

		if (!k) {
			free(rows);
			return -1;
		}
		k->side[s].sum += c;
		k->side[s].sumsq += c * c;
		k->side[s].timed += rows[i].timed;
		k->side[s].time_ns += rows[i].time_ns;
	}
	free(rows);
	return 0;
}

/* The rates: every key of every run with a window, zero counts included. */
static void add_rates(const struct diff_run *runs, size_t nruns, bool details, int s,
		      struct key_acc *keys, size_t n)
{
	for (size_t r = 0; r < nruns; r++) {
		struct run_count *rows;
		size_t nr;

		if (runs[r].window_s <= 0)
			continue;
		nr = run_counts(&runs[r], details, &rows);
		if (nr == (size_t)-1)
			continue;
		for (size_t i = 0; i < n; i++) {
			uint64_t c = 0;

			for (size_t j = 0; j < nr; j++)
				if (same_key(&keys[i], &rows[j]))
					c = rows[j].count;
			keys[i].side[s].rate_sum += (double)c / runs[r].window_s;
			keys[i].side[s].rate_runs++;
		}
		free(rows);
	}
}

static struct diff_side_row side_row(const struct acc *a, size_t nruns)
{
	struct diff_side_row r = { .count = a->sum / (double)nruns, .timed = a->timed };

	if (nruns > 1) {
		double var = (a->sumsq - a->sum * a->sum / (double)nruns) / (double)(nruns - 1);

		r.sd = var > 0 ? sqrt(var) : 0;
	}
	r.rate = a->rate_runs ? a->rate_sum / (double)a->rate_runs : -1;
	r.time_per_exit = a->timed ? (double)a->time_ns / (double)a->timed : -1;
	return r;
}

static int by_change(const void *x, const void *y)
{
	const struct diff_row *a = x, *b = y;
	double ca = fabs(a->change), cb = fabs(b->change);

	if (ca != cb)
		return ca > cb ? -1 : 1;
	if (a->isa != b->isa)
		return a->isa < b->isa ? -1 : 1;
	if (a->reason != b->reason)
		return a->reason < b->reason ? -1 : 1;
	if (a->d.key != b->d.key)
		return a->d.key < b->d.key ? -1 : 1;
	return (int)a->d.dir - (int)b->d.dir;
}

static size_t build(const struct diff_run *a, size_t na, const struct diff_run *b, size_t nb,
		    bool details, struct diff_row **rows)
{
	struct key_acc *keys = NULL;
	size_t n = 0, cap = 0;

	for (size_t r = 0; r < na; r++)
		if (add_run(&a[r], details, 0, &keys, &n, &cap))
			goto oom;
	for (size_t r = 0; r < nb; r++)
		if (add_run(&b[r], details, 1, &keys, &n, &cap))
			goto oom;
	add_rates(a, na, details, 0, keys, n);
	add_rates(b, nb, details, 1, keys, n);
	*rows = calloc(n ? n : 1, sizeof(**rows));
	if (!*rows)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		struct diff_row *d = &(*rows)[i];
		double bound;

		d->isa = keys[i].isa;
		d->reason = keys[i].reason;
		d->has_detail = keys[i].has_detail;
		d->d = keys[i].d;
		d->a = side_row(&keys[i].side[0], na);
		d->b = side_row(&keys[i].side[1], nb);
		d->change = d->b.count - d->a.count;
		d->change_pct = d->a.count > 0 ? d->change / d->a.count * 100 : NAN;
		d->noise_known = na > 1 && nb > 1;
		bound = 2 * sqrt(d->a.sd * d->a.sd / (double)na + d->b.sd * d->b.sd / (double)nb);
		d->within_noise = d->noise_known && fabs(d->change) <= bound;
	}
	free(keys);
	qsort(*rows, n, sizeof(**rows), by_change);
	return n;
oom:
	free(keys);
	return (size_t)-1;
}

size_t diff_build(const struct diff_run *a, size_t na, const struct diff_run *b, size_t nb,
		  struct diff_row **rows)
{
	return build(a, na, b, nb, false, rows);
}

size_t diff_build_details(const struct diff_run *a, size_t na, const struct diff_run *b,
			  size_t nb, struct diff_row **rows)
{
	return build(a, na, b, nb, true, rows);
}
