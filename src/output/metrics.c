// SPDX-License-Identifier: GPL-2.0
/* The Prometheus text exposition of exit statistics. See metrics.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/metrics.h"

const char *metrics_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		char c = *s == '\n' ? 'n' : *s;

		if (*s == '\\' || *s == '"' || *s == '\n')
			buf[o++] = '\\';
		buf[o++] = c;
	}
	buf[o] = 0;
	return buf;
}

static int key_cmp(const void *a, const void *b)
{
	const struct exit_key *x = &((const struct stats_entry *)a)->key;
	const struct exit_key *y = &((const struct stats_entry *)b)->key;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->vcpu != y->vcpu)
		return x->vcpu < y->vcpu ? -1 : 1;
	if (x->isa != y->isa)
		return x->isa < y->isa ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return 0;
}

/* The keys exported, in key order: a new array (caller frees), or NULL (errno). */
static struct stats_entry *exported_keys(const struct metrics_view *v, struct metrics_result *r)
{
	struct stats_entry *keys = malloc((v->stats->used ? v->stats->used : 1) * sizeof(*keys));
	const struct stats_entry *e;
	size_t it = 0, n = 0;

	if (!keys)
		return NULL;
	while ((e = stats_next(v->stats, &it))) {
		if (v->keep && !v->keep(v->ctx, e->key.pid))
			r->hidden++;
		else
			keys[n++] = *e;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	if (v->max_series && n > v->max_series) {
		r->dropped = n - v->max_series;
		n = v->max_series;
	}
	r->series = n;
	return keys;
}

/* The labels of one key, without braces: vm="..",pid="..",vcpu="..",isa="..",reason="..",code="..". */
static void key_labels(const struct metrics_view *v, const struct exit_key *k, char *out,
		       size_t len)
{
	char name[256], esc[512], rbuf[40], vcpu[16];

	if (v->vm_name)
		v->vm_name(v->ctx, k->pid, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%" PRIu32, k->pid);
	if (k->vcpu == STATS_VCPU_UNKNOWN)
		snprintf(vcpu, sizeof(vcpu), "unknown");
	else
		snprintf(vcpu, sizeof(vcpu), "%" PRIu32, k->vcpu);
	snprintf(out, len, "vm=\"%s\",pid=\"%" PRIu32 "\",vcpu=\"%s\",isa=\"%s\",reason=\"%s\","
		 "code=\"0x%" PRIx32 "\"", metrics_escape(name, esc, sizeof(esc)), k->pid, vcpu,
		 isa_name(k->isa), reason_name(k->isa, k->reason, rbuf, sizeof(rbuf)), k->reason);
}

static void write_counts(FILE *f, const struct metrics_view *v, const struct stats_entry *keys,
			 size_t n)
{
	char labels[1024];

	fputs("# HELP kvm_exits_total VM exits (kvm:kvm_exit) per VM, vCPU and exit reason since "
	      "exitstat attached.\n# TYPE kvm_exits_total counter\n", f);
	for (size_t i = 0; i < n; i++) {
		key_labels(v, &keys[i].key, labels, sizeof(labels));
		fprintf(f, "kvm_exits_total{%s} %" PRIu64 "\n", labels, keys[i].c.count);
	}
}

/* The `le` values, formatted once: 2^(i+1) - 1 ns in seconds (%.9g is exact for them). */
static const char *le_text(unsigned int i)
{
	static char text[METRICS_LE_LAST + 1][24];

	if (!text[i][0])
		snprintf(text[i], sizeof(text[i]), "%.9g", (double)((UINT64_C(2) << i) - 1) * 1e-9);
	return text[i];
}

/* One key's histogram: cumulative log2 buckets, +Inf, sum and count of the timed exits. */
static void write_histogram(FILE *f, const char *labels, const struct exit_counts *c)
{
	uint64_t cum = 0;

	for (unsigned int i = 0; i < METRICS_LE_FIRST; i++)
		cum += c->hist[i];
	for (unsigned int i = METRICS_LE_FIRST; i <= METRICS_LE_LAST; i++) {
		cum += c->hist[i];
		fprintf(f, "kvm_exit_duration_seconds_bucket{%s,le=\"%s\"} %" PRIu64 "\n", labels,
			le_text(i), cum);
	}
	fprintf(f, "kvm_exit_duration_seconds_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", labels,
		c->timed);
	fprintf(f, "kvm_exit_duration_seconds_sum{%s} %" PRIu64 ".%09" PRIu64 "\n", labels,
		c->time_ns / 1000000000, c->time_ns % 1000000000);
	fprintf(f, "kvm_exit_duration_seconds_count{%s} %" PRIu64 "\n", labels, c->timed);
}

static void write_histograms(FILE *f, const struct metrics_view *v,
			     const struct stats_entry *keys, size_t n)
{
	char labels[1024];

	fputs("# HELP kvm_exit_duration_seconds Time in exit, from kvm:kvm_exit to the vCPU "
	      "thread's next kvm:kvm_entry, of the exits whose entry was seen.\n"
	      "# TYPE kvm_exit_duration_seconds histogram\n", f);
	for (size_t i = 0; i < n; i++) {
		key_labels(v, &keys[i].key, labels, sizeof(labels));
		write_histogram(f, labels, &keys[i].c);
	}
}

static void write_events(FILE *f, const struct metrics_view *v)
{
	bool any = false;

	for (unsigned int i = 0; i < v->nevents; i++)
		any |= v->event_attached[i];
	if (!v->event_names || !any)
		return;
	fputs("# HELP kvm_events_total Other KVM tracepoints (the event mix), counted until "
	      "kvm:kvm_exit is seen to fire.\n# TYPE kvm_events_total counter\n", f);
	for (unsigned int i = 0; i < v->nevents; i++)
		if (v->event_attached[i])
			fprintf(f, "kvm_events_total{event=\"%s\"} %" PRIu64 "\n",
				v->event_names[i], v->event_counts[i]);
}

#define GAUGE(f, name, help, fmt, val) \
	fprintf(f, "# HELP " name " " help "\n# TYPE " name " gauge\n" name " " fmt "\n", val)

static void write_self(FILE *f, const struct metrics_view *v, const struct metrics_result *r)
{
	char src[512], ver[128];

	GAUGE(f, "exitstat_up", "1 while exitstat is attached and collecting.", "%d", v->up);
	GAUGE(f, "exitstat_kvm_exit_fired", "1 once kvm:kvm_exit has fired; 0 on a KVM that "
	      "does not report exits through it (kvm_pvm): see kvm_events_total.", "%d",
	      v->kvm_exit_fired);
	fprintf(f, "# HELP exitstat_events_lost_total Exits the collection lost (full ring or "
		"map), so not in kvm_exits_total.\n# TYPE exitstat_events_lost_total counter\n"
		"exitstat_events_lost_total %" PRIu64 "\n", v->lost);
	fprintf(f, "# HELP exitstat_exits_untimed_total Exits counted without a time in exit.\n"
		"# TYPE exitstat_exits_untimed_total counter\nexitstat_exits_untimed_total %"
		PRIu64 "\n", v->untimed);
	GAUGE(f, "exitstat_series", "(VM, vCPU, reason) keys exported now.", "%zu", r->series);
	GAUGE(f, "exitstat_series_dropped", "(VM, vCPU, reason) keys not exported now: over "
	      "--max-series.", "%zu", r->dropped);
	GAUGE(f, "exitstat_series_expired", "(VM, vCPU, reason) keys of VMs gone longer than "
	      "--grace, no longer exported.", "%zu", r->hidden);
	GAUGE(f, "exitstat_start_time_seconds", "When collection started, Unix time.", "%.3f",
	      v->start_unix);
	GAUGE(f, "exitstat_snapshot_time_seconds", "When the counts of this scrape were read, "
	      "Unix time.", "%.3f", v->snapshot_unix);
	fprintf(f, "# HELP exitstat_build_info The exporter's version and data source.\n"
		"# TYPE exitstat_build_info gauge\nexitstat_build_info{version=\"%s\",source=\"%s\"} 1\n",
		metrics_escape(v->version ? v->version : "", ver, sizeof(ver)),
		metrics_escape(v->source ? v->source : "", src, sizeof(src)));
}

int metrics_write(FILE *f, const struct metrics_view *v, struct metrics_result *r)
{
	struct metrics_result res = { 0 };
	struct stats_entry *keys = exported_keys(v, &res);

	if (!keys)
		return -1;
	write_counts(f, v, keys, res.series);
	if (v->histogram)
		write_histograms(f, v, keys, res.series);
	free(keys);
	write_events(f, v);
	write_self(f, v, &res);
	if (r)
		*r = res;
	if (ferror(f)) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}
