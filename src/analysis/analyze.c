// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline analysis (analyze.h): exits per reason in fixed windows, then
 * phases. Method and thresholds: docs/analysis.md. In short:
 *
 * 1. Windows. Each timestamped exit is counted in window (ts - t0) / width,
 *    with its time in exit (accum.c pairs it with the next entry of its
 *    thread and hands it here). Automatic width: 1 ms, doubled (adjacent windows
 *    summed) whenever the trace would need more than 200 windows.
 * 2. Typical rate: the median rate of the windows that have exits.
 * 3. Segments: start with one segment per window and repeatedly merge the
 *    most similar neighbours while they are similar: rates within a factor
 *    rate_ratio or not significantly different (z < 3, against Poisson noise
 *    or the trace's own window-to-window noise, whichever is larger), and
 *    reason mixes within mix_distance (total variation) or not significantly
 *    different (chi-square).
 * 4. Labels: idle below typical / idle_factor, burst at burst_factor x
 *    typical or more, steady between. Segments shorter than 3 windows that
 *    are not bursts join a neighbour. Neighbouring idle segments join, and
 *    neighbouring steady or burst segments with a similar mix.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "analysis/analyze.h"

void analyze_opts_default(struct analyze_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->burst_factor = 3.0;
	o->burst_min_windows = 1;
	o->idle_factor = 10.0;
	o->rate_ratio = 2.0;
	o->mix_distance = 0.3;
	o->filter.pid = STATS_PID_ANY;
	o->filter.vcpu = STATS_VCPU_UNKNOWN;
	o->top = 3;
}

const char *phase_kind_name(enum phase_kind k)
{
	switch (k) {
	case PHASE_IDLE:
		return "idle";
	case PHASE_STEADY:
		return "steady";
	case PHASE_BURST:
		return "burst";
	}
	return "?";
}

static int on_time(void *ctx, const struct exit_event *exit, uint64_t dur_ns);

int analysis_init(struct analysis *a, const struct analyze_opts *o, struct es_error *err)
{
	memset(a, 0, sizeof(*a));
	a->o = *o;
	if (!(o->burst_factor > 1) || !(o->idle_factor > 1) || !(o->rate_ratio > 1) ||
	    !(o->mix_distance > 0) || !o->burst_min_windows)
		return es_error_set(err, "bad analysis options: factors must be > 1, distances > 0");
	a->auto_width = !o->window_ns;
	a->width_ns = o->window_ns ? o->window_ns : ANALYZE_AUTO_MIN_WIDTH_NS;
	a->rcap = 8;
	a->wcap = 64;
	a->reasons = calloc(a->rcap, sizeof(*a->reasons));
	a->win_count = calloc(a->rcap * a->wcap, sizeof(uint64_t));
	a->win_time = calloc(a->rcap * a->wcap, sizeof(uint64_t));
	if (!a->reasons || !a->win_count || !a->win_time || accum_init(&a->acc)) {
		analysis_fini(a);
		return es_error_set(err, "out of memory starting the analysis");
	}
	a->acc.on_time = on_time;
	a->acc.on_time_ctx = a;
	return 0;
}

static void free_phases(struct analysis *a)
{
	for (size_t i = 0; i < a->nphases; i++) {
		free(a->phases[i].count);
		free(a->phases[i].time_ns);
		free(a->phases[i].order);
	}
	free(a->phases);
	a->phases = NULL;
	a->nphases = 0;
}

void analysis_fini(struct analysis *a)
{
	if (a->acc.stats)
		accum_fini(&a->acc);
	free(a->reasons);
	free(a->win_count);
	free(a->win_time);
	free(a->win_dur_s);
	free(a->order);
	free_phases(a);
	a->reasons = NULL;
	a->win_count = a->win_time = NULL;
	a->win_dur_s = NULL;
	a->order = NULL;
}

/*
 * Give the two [window][reason] matrices room for wcap windows of rcap
 * reasons, keeping every cell: one place re-strides the rows when a reason is
 * added and adds zeroed windows when the timeline grows. calloc checks the
 * size product; on failure the old matrices stay as they were.
 */
static int resize_matrices(struct analysis *a, size_t rcap, size_t wcap)
{
	uint64_t *c = calloc(wcap, rcap * sizeof(uint64_t));
	uint64_t *t = calloc(wcap, rcap * sizeof(uint64_t));

	if (!c || !t) {
		free(c);
		free(t);
		return -1;
	}
	for (size_t w = 0; w < a->nwin; w++) {
		memcpy(&c[w * rcap], &a->win_count[w * a->rcap], a->rcap * sizeof(uint64_t));
		memcpy(&t[w * rcap], &a->win_time[w * a->rcap], a->rcap * sizeof(uint64_t));
	}
	free(a->win_count);
	free(a->win_time);
	a->win_count = c;
	a->win_time = t;
	a->rcap = rcap;
	a->wcap = wcap;
	return 0;
}

/* The matrix column of (isa, code), added if new; (size_t)-1 when out of memory. */
static size_t reason_col(struct analysis *a, enum exit_isa isa, uint32_t code)
{
	size_t rcap = a->rcap;
	char buf[40];

	for (size_t i = 0; i < a->nreasons; i++)
		if (a->reasons[i].isa == isa && a->reasons[i].code == code)
			return i;
	if (array_reserve(&a->reasons, &rcap, a->nreasons + 1, sizeof(*a->reasons), 8))
		return (size_t)-1;
	if (rcap != a->rcap && resize_matrices(a, rcap, a->wcap))
		return (size_t)-1;
	memset(&a->reasons[a->nreasons], 0, sizeof(a->reasons[0]));
	a->reasons[a->nreasons].isa = isa;
	a->reasons[a->nreasons].code = code;
	snprintf(a->reasons[a->nreasons].name, sizeof(a->reasons[0].name), "%s",
		 reason_name(isa, code, buf, sizeof(buf)));
	return a->nreasons++;
}

static int ensure_windows(struct analysis *a, size_t n)
{
	size_t wcap = a->wcap;

	if (n > wcap) {
		while (wcap < n)
			wcap *= 2;
		if (resize_matrices(a, a->rcap, wcap))
			return -1;
	}
	if (n > a->nwin)
		a->nwin = n;
	return 0;
}

/* Automatic width: double it, summing windows 2i and 2i+1 into i. */
static void double_width(struct analysis *a)
{
	size_t n = (a->nwin + 1) / 2, R = a->rcap;

	for (size_t i = 0; i < n; i++) {
		for (size_t r = 0; r < R; r++) {
			uint64_t c = a->win_count[2 * i * R + r], t = a->win_time[2 * i * R + r];

			if (2 * i + 1 < a->nwin) {
				c += a->win_count[(2 * i + 1) * R + r];
				t += a->win_time[(2 * i + 1) * R + r];
			}
			a->win_count[i * R + r] = c;
			a->win_time[i * R + r] = t;
		}
	}
	memset(&a->win_count[n * R], 0, (a->nwin - n) * R * sizeof(uint64_t));
	memset(&a->win_time[n * R], 0, (a->nwin - n) * R * sizeof(uint64_t));
	a->nwin = n;
	a->width_ns *= 2;
}

static size_t window_of(const struct analysis *a, uint64_t ts)
{
	return ts < a->t0 ? 0 : (ts - a->t0) / a->width_ns;
}

/* The window an exit stamped ts falls in, making room for it. (size_t)-1 on error. */
static size_t place(struct analysis *a, uint64_t ts, struct es_error *err)
{
	uint64_t idx;

	if (!a->started) {
		a->started = true;
		a->t0 = a->t_last = ts;
	}
	if (ts < a->t0)
		a->early++;
	if (ts > a->t_last)
		a->t_last = ts;
	idx = window_of(a, ts);
	if (a->auto_width) {
		while (idx >= ANALYZE_AUTO_MAX_WINDOWS) {
			double_width(a);
			idx = window_of(a, ts);
		}
	} else if (idx >= ANALYZE_MAX_WINDOWS) {
		es_error_set(err, "the trace spans more than %u windows of %.6f s; choose a wider "
			     "--window", ANALYZE_MAX_WINDOWS, a->width_ns / 1e9);
		return (size_t)-1;
	}
	if (ensure_windows(a, idx + 1)) {
		es_error_set(err, "out of memory for %llu windows", (unsigned long long)idx + 1);
		return (size_t)-1;
	}
	return idx;
}

static bool matches(const struct analysis *a, const struct exit_event *ev)
{
	if (a->o.filter.pid != STATS_PID_ANY && ev->pid != a->o.filter.pid)
		return false;
	if (a->o.filter.vcpu != STATS_VCPU_UNKNOWN && ev->vcpu != a->o.filter.vcpu)
		return false;
	return true;
}

static void add_time(struct analysis *a, uint64_t ts, size_t col, uint64_t ns)
{
	size_t w = window_of(a, ts);

	/* A window folded away by doubling is never past nwin; guard anyway. */
	if (w >= a->nwin)
		w = a->nwin - 1;
	a->win_time[w * a->rcap + col] += ns;
	a->reasons[col].time_ns += ns;
}

/* An exit in the timeline: of the VM / vCPU asked for, and timestamped. */
static bool in_timeline(const struct analysis *a, const struct exit_event *ev)
{
	return matches(a, ev) && ev->has_ts;
}

static enum exit_isa col_code(const struct exit_event *ev, uint32_t *code)
{
	*code = ev->isa == ISA_VMX ? ev->reason & VMX_EXIT_BASIC_MASK : ev->reason;
	return ev->isa;
}

/*
 * accum's hook: the time in exit of one exit is known (accum.c pairs it, so
 * the timeline's times add up to the totals `exitstat report` prints). The
 * exit was counted, and its column added, before it was fed to the pairing.
 */
static int on_time(void *ctx, const struct exit_event *exit, uint64_t dur_ns)
{
	struct analysis *a = ctx;
	uint32_t code;
	enum exit_isa isa = col_code(exit, &code);
	size_t col;

	if (!in_timeline(a, exit))
		return 0;
	col = reason_col(a, isa, code);
	if (col == (size_t)-1)
		return -1;
	add_time(a, exit->ts_ns, col, dur_ns);
	return 0;
}

/* Count an exit in its window (before it is paired: its time goes in the same window). */
static int count_exit(struct analysis *a, const struct exit_event *ev, struct es_error *err)
{
	uint32_t code;
	enum exit_isa isa = col_code(ev, &code);
	size_t col, w;

	if (!matches(a, ev)) {
		a->filtered_out += exit_event_count(ev);
		return 0;
	}
	if (!ev->has_ts) {
		a->untimed += exit_event_count(ev);
		return 0;
	}
	col = reason_col(a, isa, code);
	if (col == (size_t)-1)
		return es_error_set(err, "out of memory for the reasons");
	w = place(a, ev->ts_ns, err);
	if (w == (size_t)-1)
		return -1;
	a->win_count[w * a->rcap + col]++;
	a->reasons[col].count++;
	return 0;
}

int analysis_event(struct analysis *a, const struct exit_event *ev, struct es_error *err)
{
	if (ev->kind == EV_EXIT && count_exit(a, ev, err))
		return -1;
	if (accum_event(&a->acc, ev))
		return es_error_set(err, "out of memory pairing exits with entries");
	return 0;
}

double analysis_span_s(const struct analysis *a)
{
	return a->started ? (a->t_last - a->t0) / 1e9 : 0;
}

/* ---- finish: rates, typical rate, segments, phases ---- */

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Nearest-rank percentile of n sorted values. */
static double percentile_sorted(const double *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return 0;
	k = (size_t)ceil(p / 100.0 * n);
	if (k < 1)
		k = 1;
	return v[k - 1];
}

static double median_sorted(const double *v, size_t n)
{
	if (!n)
		return 0;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Prefix sums over windows, per reason, so any segment's counts are O(reasons). */
struct prefix {
	size_t R;
	uint64_t *cnt;		/* (nwin + 1) x R */
	uint64_t *tot;		/* nwin + 1 */
	double *dur;		/* nwin + 1, seconds */
};

static uint64_t seg_total(const struct prefix *p, size_t s, size_t e)
{
	return p->tot[e] - p->tot[s];
}

static double seg_dur(const struct prefix *p, size_t s, size_t e)
{
	return p->dur[e] - p->dur[s];
}

static uint64_t seg_reason(const struct prefix *p, size_t s, size_t e, size_t r)
{
	return p->cnt[e * p->R + r] - p->cnt[s * p->R + r];
}

/* Total variation distance of the reason mixes of [s,m) and [m,e): 0 same .. 1 disjoint. */
static double mix_tv(const struct prefix *p, size_t s, size_t m, size_t e)
{
	double ca = (double)seg_total(p, s, m), cb = (double)seg_total(p, m, e), tv = 0;

	if (!ca || !cb)
		return 0;
	for (size_t r = 0; r < p->R; r++)
		tv += fabs(seg_reason(p, s, m, r) / ca - seg_reason(p, m, e, r) / cb);
	return tv / 2;
}

/*
 * Is the mix difference of [s,m) and [m,e) more than sampling noise? The
 * chi-square statistic of the 2 x reasons table over its value at which it
 * becomes significant (df + 3 sd, sd = sqrt(2 df): about 3 sigma): < 1 means
 * a few exits drawn from one mix could differ this much.
 */
static double mix_chi2(const struct prefix *p, size_t s, size_t m, size_t e)
{
	double ca = (double)seg_total(p, s, m), cb = (double)seg_total(p, m, e), chi2 = 0;
	unsigned int k = 0;

	for (size_t r = 0; r < p->R; r++) {
		double xa = (double)seg_reason(p, s, m, r), xb = (double)seg_reason(p, m, e, r);
		double ea = ca * (xa + xb) / (ca + cb), eb = cb * (xa + xb) / (ca + cb);

		if (xa + xb == 0)
			continue;
		k++;
		chi2 += (xa - ea) * (xa - ea) / ea + (xb - eb) * (xb - eb) / eb;
	}
	if (k < 2)
		return 0;
	return chi2 / ((k - 1) + 3 * sqrt(2.0 * (k - 1)));
}
/* Poisson z below this: the two rates are not told apart. */
#define RATE_Z 3.0

/*
 * How different two neighbouring segments are: < 1 means similar enough to
 * merge. The larger of a rate score (log rate ratio in units of rate_ratio, or
 * z / 3 if smaller: a difference the counts cannot support does not count)
 * and a mix score (distance in units of mix_distance).
 */
static double pair_score(const struct analysis *a, const struct prefix *p, size_t s, size_t m,
			 size_t e)
{
	double ca = (double)seg_total(p, s, m), cb = (double)seg_total(p, m, e);
	double ta = seg_dur(p, s, m), tb = seg_dur(p, m, e);
	double ra = ca / ta, rb = cb / tb, rate_score = 0, mix_score = 0;

	if (ca || cb) {
		double z = fabs(ra - rb) / sqrt(ca / (ta * ta) + cb / (tb * tb));
		double lr = (ca && cb) ? fabs(log(ra / rb)) / log(a->o.rate_ratio) : INFINITY;
		double na = (double)(m - s), nb = (double)(e - m), z_emp = INFINITY;

		/* The same test against the trace's own window-to-window noise. */
		if (a->log_noise > 0)
			z_emp = fabs(log((ca + na) / ta) - log((cb + nb) / tb)) /
				(a->log_noise * sqrt(1 / na + 1 / nb));
		rate_score = fmin(lr, fmin(z, z_emp) / RATE_Z);
	}
	if (ca && cb)
		mix_score = fmin(mix_tv(p, s, m, e) / a->o.mix_distance, mix_chi2(p, s, m, e));
	return fmax(rate_score, mix_score);
}

/* Merge neighbouring segments of bnd[0..*ns] (boundaries) most-similar first. */
static void merge_similar(const struct analysis *a, const struct prefix *p, size_t *bnd,
			  size_t *ns, double *score)
{
	for (size_t j = 0; j + 1 < *ns; j++)
		score[j] = pair_score(a, p, bnd[j], bnd[j + 1], bnd[j + 2]);
	while (*ns > 1) {
		size_t best = 0;

		for (size_t j = 1; j + 1 < *ns; j++)
			if (score[j] < score[best])
				best = j;
		if (!(score[best] < 1))
			break;
		/* Drop boundary best+1: segments best and best+1 become one. */
		memmove(&bnd[best + 1], &bnd[best + 2], (*ns - best - 1) * sizeof(*bnd));
		memmove(&score[best], &score[best + 1], (*ns - best - 2) * sizeof(*score));
		(*ns)--;
		if (best > 0)
			score[best - 1] = pair_score(a, p, bnd[best - 1], bnd[best], bnd[best + 1]);
		if (best + 1 < *ns)
			score[best] = pair_score(a, p, bnd[best], bnd[best + 1], bnd[best + 2]);
	}
}

static enum phase_kind label(const struct analysis *a, double rate, size_t windows)
{
	if (rate < a->typical_rate / a->o.idle_factor)
		return PHASE_IDLE;
	if (rate >= a->typical_rate * a->o.burst_factor && windows >= a->o.burst_min_windows)
		return PHASE_BURST;
	return PHASE_STEADY;
}

static enum phase_kind seg_label(const struct analysis *a, const struct prefix *p, size_t s,
				 size_t e)
{
	double d = seg_dur(p, s, e);

	return label(a, d > 0 ? seg_total(p, s, e) / d : 0, e - s);
}

/* What cmp_col sorts by: the reasons and one count per column. */
struct col_order {
	const struct an_reason *reasons;
	const uint64_t *counts;
};

/* Reason columns by count descending, ties by ISA then code (as the report sorts). */
static int cmp_col(const void *x, const void *y, void *arg)
{
	const struct col_order *o = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct an_reason *ri = &o->reasons[i], *rj = &o->reasons[j];

	if (o->counts[i] != o->counts[j])
		return o->counts[i] < o->counts[j] ? 1 : -1;
	if (ri->isa != rj->isa)
		return ri->isa < rj->isa ? -1 : 1;
	return (ri->code > rj->code) - (ri->code < rj->code);
}

static size_t *order_columns(const struct analysis *a, const uint64_t *counts, size_t *nonzero)
{
	size_t *ord = malloc((a->nreasons ? a->nreasons : 1) * sizeof(*ord));
	size_t nz = 0;

	if (!ord)
		return NULL;
	for (size_t i = 0; i < a->nreasons; i++)
		ord[i] = i;
	qsort_r(ord, a->nreasons, sizeof(*ord), cmp_col,
		&(struct col_order){ .reasons = a->reasons, .counts = counts });
	for (size_t i = 0; i < a->nreasons; i++)
		nz += counts[ord[i]] > 0;
	if (nonzero)
		*nonzero = nz;
	return ord;
}

static int build_phase(struct analysis *a, const struct prefix *p, struct phase *ph, size_t s,
		       size_t e, enum phase_kind kind)
{
	size_t R = a->nreasons;
	double dur = seg_dur(p, s, e);

	memset(ph, 0, sizeof(*ph));
	ph->kind = kind;
	ph->first_win = s;
	ph->end_win = e;
	ph->start_ns = (uint64_t)s * a->width_ns;
	ph->end_ns = e == a->nwin ? a->t_last - a->t0 : (uint64_t)e * a->width_ns;
	ph->exits = seg_total(p, s, e);
	ph->rate = dur > 0 ? ph->exits / dur : 0;
	ph->vs_typical = a->typical_rate > 0 ? ph->rate / a->typical_rate : 0;
	ph->count = calloc(R ? R : 1, sizeof(uint64_t));
	ph->time_ns = calloc(R ? R : 1, sizeof(uint64_t));
	if (!ph->count || !ph->time_ns)
		return -1;
	for (size_t r = 0; r < R; r++) {
		ph->count[r] = seg_reason(p, s, e, r);
		for (size_t w = s; w < e; w++)
			ph->time_ns[r] += a->win_time[w * a->rcap + r];
	}
	ph->order = order_columns(a, ph->count, &ph->nonzero);
	return ph->order ? 0 : -1;
}

/*
 * Which neighbour a short segment resembles: distance in log rate (units of
 * rate_ratio) plus distance in mix (units of mix_distance). Unlike
 * pair_score, no significance test: a boundary window holding a sliver of a
 * burst has few exits, and it is still closer to the burst than to the
 * quiet stretch before it.
 */
static double closeness(const struct analysis *a, const struct prefix *p, size_t s, size_t m,
			size_t e)
{
	double la = log((seg_total(p, s, m) + 1.0) / seg_dur(p, s, m));
	double lb = log((seg_total(p, m, e) + 1.0) / seg_dur(p, m, e));

	return fabs(la - lb) / log(a->o.rate_ratio) + mix_tv(p, s, m, e) / a->o.mix_distance;
}

/*
 * A stall or a transition of a window or two is not a phase: absorb segments
 * shorter than ANALYZE_MIN_PHASE_WINDOWS (bursts excepted: they have their
 * own minimum) into the neighbour it is closest to, shortest first.
 */
static void absorb_short(const struct analysis *a, const struct prefix *p, size_t *bnd,
			 size_t *ns, enum phase_kind *kinds)
{
	while (*ns > 1) {
		size_t best = *ns, j;

		for (j = 0; j < *ns; j++)
			if (kinds[j] != PHASE_BURST && bnd[j + 1] - bnd[j] < ANALYZE_MIN_PHASE_WINDOWS &&
			    (best == *ns || bnd[j + 1] - bnd[j] < bnd[best + 1] - bnd[best]))
				best = j;
		if (best == *ns)
			break;
		j = best;
		if (j + 1 < *ns && (j == 0 || closeness(a, p, bnd[j], bnd[j + 1], bnd[j + 2]) <
					      closeness(a, p, bnd[j - 1], bnd[j], bnd[j + 1])))
			j++;	/* into the right neighbour */
		/* Drop boundary j: segments j-1 and j become one. */
		memmove(&bnd[j], &bnd[j + 1], (*ns - j) * sizeof(*bnd));
		memmove(&kinds[j - 1], &kinds[j], (*ns - j) * sizeof(*kinds));
		(*ns)--;
		kinds[j - 1] = seg_label(a, p, bnd[j - 1], bnd[j]);
	}
}

/* Fold a last window covering less than half a width into the one before. */
static void fold_last_window(struct analysis *a, uint64_t *last_cover)
{
	uint64_t rel = a->t_last - a->t0, start = (uint64_t)(a->nwin - 1) * a->width_ns;

	*last_cover = rel - start;
	if (a->nwin > 1 && *last_cover < a->width_ns / 2) {
		size_t R = a->rcap, l = a->nwin - 1;

		for (size_t r = 0; r < R; r++) {
			a->win_count[(l - 1) * R + r] += a->win_count[l * R + r];
			a->win_time[(l - 1) * R + r] += a->win_time[l * R + r];
			a->win_count[l * R + r] = a->win_time[l * R + r] = 0;
		}
		a->nwin--;
		*last_cover += a->width_ns;
	}
}

/* Columns in order of total exits (a->order). 0 or -1 (out of memory). */
static int order_reasons(struct analysis *a)
{
	size_t R = a->nreasons;
	uint64_t *totals = calloc(R ? R : 1, sizeof(*totals));

	if (!totals)
		return -1;
	for (size_t r = 0; r < R; r++)
		totals[r] = a->reasons[r].count;
	a->order = order_columns(a, totals, NULL);
	free(totals);
	return a->order ? 0 : -1;
}

/*
 * Automatic windows also need exits enough to measure a rate: double
 * until the windows hold ANALYZE_AUTO_MIN_EXITS on average (a trace of
 * 700 exits gets ~25 windows, not 200 of 3-4 exits each).
 */
static void widen_auto_windows(struct analysis *a)
{
	uint64_t total = 0;

	if (!a->auto_width)
		return;
	for (size_t r = 0; r < a->nreasons; r++)
		total += a->reasons[r].count;
	while ((a->nwin + 1) / 2 >= ANALYZE_AUTO_MIN_WINDOWS &&
	       total < (uint64_t)a->nwin * ANALYZE_AUTO_MIN_EXITS)
		double_width(a);
}

/*
 * The output is bounded by the input: a fixed --window may give at most
 * ANALYZE_WINDOWS_PER_EXIT windows per timestamped exit (ANALYZE_MIN_WINDOW_CAP
 * for any trace), so a 12 KB trace cannot print 364 MB of mostly empty
 * windows. 0, or -1 with err naming the cap and a width that fits.
 */
static int check_window_cap(const struct analysis *a, struct es_error *err)
{
	uint64_t total = 0, cap;
	double span_s;

	for (size_t r = 0; r < a->nreasons; r++)
		total += a->reasons[r].count;
	cap = total * ANALYZE_WINDOWS_PER_EXIT;
	if (cap < ANALYZE_MIN_WINDOW_CAP)
		cap = ANALYZE_MIN_WINDOW_CAP;
	if (a->nwin <= cap)
		return 0;
	span_s = (double)(a->t_last - a->t0) / 1e9;
	return es_error_set(err, "--window %.6f s cuts the trace's %.6f s into %zu windows, more "
			    "than the %llu allowed for its %llu timestamped exits (%d per exit, at "
			    "least %d); choose --window %.6f or wider", a->width_ns / 1e9, span_s,
			    a->nwin, (unsigned long long)cap, (unsigned long long)total,
			    ANALYZE_WINDOWS_PER_EXIT, ANALYZE_MIN_WINDOW_CAP,
			    span_s / (double)cap * 1.001);
}

/*
 * Each window's duration (the last one covers last_cover ns when set), the
 * prefix sums over windows of counts per reason, exits and seconds, and each
 * window's rate. All arrays are allocated by the caller.
 */
static void fill_windows(struct analysis *a, struct prefix *p, double *rates,
			 uint64_t last_cover)
{
	size_t n = a->nwin, R = a->nreasons;

	for (size_t w = 0; w < n; w++) {
		uint64_t tot = 0;

		a->win_dur_s[w] = a->width_ns / 1e9;
		if (w == n - 1 && last_cover)
			a->win_dur_s[w] = last_cover / 1e9;
		for (size_t r = 0; r < R; r++) {
			tot += a->win_count[w * a->rcap + r];
			p->cnt[(w + 1) * R + r] = p->cnt[w * R + r] + a->win_count[w * a->rcap + r];
		}
		p->tot[w + 1] = p->tot[w] + tot;
		p->dur[w + 1] = p->dur[w] + a->win_dur_s[w];
		rates[w] = tot / a->win_dur_s[w];
	}
}

/*
 * Typical rate: the median rate of the windows that have exits, i.e.
 * what the trace does half of its non-silent time. Silent windows are
 * left out so that long quiet stretches do not make everything a burst.
 * Sorts rates.
 */
static void typical_rates(struct analysis *a, const struct prefix *p, double *rates)
{
	size_t n = a->nwin, first = 0;

	qsort(rates, n, sizeof(*rates), cmp_double);
	a->p90_rate = percentile_sorted(rates, n, 90);
	while (first < n && rates[first] <= 0)
		first++;
	a->typical_rate = median_sorted(&rates[first], n - first);
	if (!(a->typical_rate > 0) && p->dur[n] > 0)
		a->typical_rate = p->tot[n] / p->dur[n];
}

/*
 * Noise: real traces are burstier than Poisson (a vCPU stalls, the
 * host schedules). The median jump of log((exits + 1) / duration)
 * between neighbouring windows, over pairs that are not both silent,
 * estimates it robustly (median |X - Y| = 0.954 sigma for normal
 * noise); a few real changes barely move a median. 0 or -1 (out of memory).
 */
static int estimate_noise(struct analysis *a, const struct prefix *p)
{
	size_t n = a->nwin, nd = 0;
	double *d = malloc(n * sizeof(double)), prev = 0;

	if (!d)
		return -1;
	for (size_t w = 0; w < n; w++) {
		double c = (double)(p->tot[w + 1] - p->tot[w]);
		double l = log((c + 1) / a->win_dur_s[w]);

		if (w && (c || p->tot[w] != p->tot[w - 1]))
			d[nd++] = fabs(l - prev);
		prev = l;
	}
	qsort(d, nd, sizeof(*d), cmp_double);
	a->log_noise = nd >= 3 ? median_sorted(d, nd) / 0.954 : 0;
	free(d);
	return 0;
}

/* Merge similar neighbouring segments, label them, absorb short ones. */
static void merge_and_label(struct analysis *a, const struct prefix *p, size_t *bnd,
			    size_t *ns, double *score, enum phase_kind *kinds)
{
	merge_similar(a, p, bnd, ns, score);
	for (size_t j = 0; j < *ns; j++)
		kinds[j] = seg_label(a, p, bnd[j], bnd[j + 1]);
	absorb_short(a, p, bnd, ns, kinds);
}

/*
 * Phases differ in kind or in reason mix: join neighbouring idle
 * segments, and neighbouring steady or burst segments with a similar
 * mix (a rate that wanders within one kind stays visible on the
 * timeline, but is not a new phase).
 */
static void join_alike(const struct analysis *a, const struct prefix *p, size_t *bnd,
		       size_t *ns, enum phase_kind *kinds)
{
	for (size_t j = 0; j + 1 < *ns;) {
		bool join = kinds[j] == kinds[j + 1] &&
			    (kinds[j] == PHASE_IDLE ||
			     mix_tv(p, bnd[j], bnd[j + 1], bnd[j + 2]) < a->o.mix_distance);

		if (!join) {
			j++;
			continue;
		}
		memmove(&bnd[j + 1], &bnd[j + 2], (*ns - j - 1) * sizeof(*bnd));
		memmove(&kinds[j + 1], &kinds[j + 2], (*ns - j - 2) * sizeof(*kinds));
		(*ns)--;
	}
}

/*
 * Segments: blocks of windows, then merge similar neighbours into phases;
 * fills a->phases. 0 or -1 (out of memory).
 */
static int find_phases(struct analysis *a, const struct prefix *p)
{
	size_t n = a->nwin, block = (n + ANALYZE_MAX_BLOCKS - 1) / ANALYZE_MAX_BLOCKS;
	size_t nb = (n + block - 1) / block, ns = nb;
	size_t *bnd = malloc((nb + 1) * sizeof(*bnd));
	double *score = malloc((nb + 1) * sizeof(*score));
	enum phase_kind *kinds = malloc((nb + 1) * sizeof(*kinds));
	int rc = -1;

	if (!bnd || !score || !kinds)
		goto out;
	for (size_t i = 0; i < nb; i++)
		bnd[i] = i * block;
	bnd[nb] = n;
	merge_and_label(a, p, bnd, &ns, score, kinds);
	/* What the absorbed stalls separated may now be alike: merge again. */
	merge_and_label(a, p, bnd, &ns, score, kinds);
	join_alike(a, p, bnd, &ns, kinds);

	a->phases = calloc(ns, sizeof(*a->phases));
	if (!a->phases)
		goto out;
	for (size_t j = 0; j < ns; j++) {
		a->nphases++;
		if (build_phase(a, p, &a->phases[j], bnd[j], bnd[j + 1], kinds[j]))
			goto out;
	}
	rc = 0;
out:
	free(score);
	free(bnd);
	free(kinds);
	return rc;
}

int analysis_finish(struct analysis *a, struct es_error *err)
{
	struct prefix p = { 0 };
	size_t n, R = a->nreasons;
	double *rates = NULL;
	uint64_t last_cover;
	int rc = -1;

	if (a->finished)
		return 0;
	a->finished = true;
	if (order_reasons(a))
		return es_error_set(err, "out of memory ordering the reasons");
	/* No time passed between the first and the last exit: no rates to speak of. */
	if (!a->nwin || a->t_last == a->t0)
		return 0;

	widen_auto_windows(a);
	fold_last_window(a, &last_cover);
	if (check_window_cap(a, err))
		return -1;
	n = a->nwin;
	a->win_dur_s = malloc(n * sizeof(double));
	rates = malloc(n * sizeof(double));
	p.R = R;
	p.cnt = calloc((n + 1) * (R ? R : 1), sizeof(uint64_t));
	p.tot = calloc(n + 1, sizeof(uint64_t));
	p.dur = calloc(n + 1, sizeof(double));
	if (!a->win_dur_s || !rates || !p.cnt || !p.tot || !p.dur)
		goto oom;
	fill_windows(a, &p, rates, last_cover);
	typical_rates(a, &p, rates);
	if (estimate_noise(a, &p) || find_phases(a, &p))
		goto oom;
	rc = 0;
	goto out;
oom:
	es_error_set(err, "out of memory for the timeline of %zu windows", a->nwin);
out:
	free(rates);
	free(p.cnt);
	free(p.tot);
	free(p.dur);
	return rc;
}
