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
	struct acc side[2];
};

/* The accumulator of (isa, reason), added if new; NULL when out of memory. */
static struct key_acc *find(struct key_acc **keys, size_t *n, size_t *cap, enum exit_isa isa,
			    uint32_t reason)
{
	for (size_t i = 0; i < *n; i++)
		if ((*keys)[i].isa == isa && (*keys)[i].reason == reason)
			return &(*keys)[i];
	if (array_reserve(keys, cap, *n + 1, sizeof(**keys), 32))
		return NULL;
	(*keys)[*n] = (struct key_acc){ .isa = isa, .reason = reason };
	return &(*keys)[(*n)++];
}

/* One run's per-reason counts into side s of the accumulators. */
static int add_run(const struct diff_run *run, int s, struct key_acc **keys, size_t *n,
		   size_t *cap)
{
	struct stats_filter all = { STATS_PID_ANY, STATS_VCPU_UNKNOWN };
	struct reason_row *rows;
	size_t nr = stats_by_reason(run->stats, &all, SORT_CODE, &rows);

	if (nr == (size_t)-1)
		return -1;
	for (size_t i = 0; i < nr; i++) {
		struct key_acc *k = find(keys, n, cap, rows[i].isa, rows[i].reason);
		double c = (double)rows[i].c.count;

		if (!k) {
			free(rows);
			return -1;
		}
		k->side[s].sum += c;
		k->side[s].sumsq += c * c;
		k->side[s].timed += rows[i].c.timed;
		k->side[s].time_ns += rows[i].c.time_ns;
	}
	free(rows);
	return 0;
}

/* The rates: every reason of every run with a window, zero counts included. */
static void add_rates(const struct diff_run *runs, size_t nruns, int s, struct key_acc *keys,
		      size_t n)
{
	struct stats_filter all = { STATS_PID_ANY, STATS_VCPU_UNKNOWN };

	for (size_t r = 0; r < nruns; r++) {
		struct reason_row *rows;
		size_t nr;

		if (runs[r].window_s <= 0)
			continue;
		nr = stats_by_reason(runs[r].stats, &all, SORT_CODE, &rows);
		if (nr == (size_t)-1)
			continue;
		for (size_t i = 0; i < n; i++) {
			uint64_t c = 0;

			for (size_t j = 0; j < nr; j++)
				if (rows[j].isa == keys[i].isa && rows[j].reason == keys[i].reason)
					c = rows[j].c.count;
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
	return a->reason < b->reason ? -1 : a->reason > b->reason;
}

size_t diff_build(const struct diff_run *a, size_t na, const struct diff_run *b, size_t nb,
		  struct diff_row **rows)
{
	struct key_acc *keys = NULL;
	size_t n = 0, cap = 0;

	for (size_t r = 0; r < na; r++)
		if (add_run(&a[r], 0, &keys, &n, &cap))
			goto oom;
	for (size_t r = 0; r < nb; r++)
		if (add_run(&b[r], 1, &keys, &n, &cap))
			goto oom;
	add_rates(a, na, 0, keys, n);
	add_rates(b, nb, 1, keys, n);
	*rows = calloc(n ? n : 1, sizeof(**rows));
	if (!*rows)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		struct diff_row *d = &(*rows)[i];
		double bound;

		d->isa = keys[i].isa;
		d->reason = keys[i].reason;
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
