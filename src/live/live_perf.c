// SPDX-License-Identifier: GPL-2.0
/*
 * The perf backend, for when BPF cannot be used: perf_event_open on
 * kvm:kvm_exit and kvm:kvm_entry, one sampling event of each per CPU
 * (period 1, PERF_SAMPLE_RAW) sharing that CPU's ring; user space decodes the
 * tracepoint record at the offsets tracefs gives and counts with the same
 * accumulator as trace files (exit -> next entry of the thread = time in
 * exit). Each poll drains every ring and feeds the batch in time order.
 * The event mix is plain counting events.
 *
 * Nothing is lost silently. A ring that is full drops new samples, and the
 * kernel says so with a PERF_RECORD_LOST only when it next writes to that ring,
 * which never happens for the samples lost at the very end of a run. So the
 * loss is also measured: each sampling event counts every event it saw
 * (read() of its fd, children included with inherit), and events seen minus
 * samples read is what was lost, per CPU. At the end (live_finish) the events
 * are disabled first, then every ring is drained and the counts read: that
 * difference is exact. Which reasons the lost exits had cannot be known.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <linux/types.h>

#include "core/array.h"
#include "core/event.h"
#include "live/bpf/live_events.h"
#include "live/live.h"
#include "live/live_impl.h"

#define RING_DEFAULT_BYTES (8u << 20)	/* per CPU ring; ~40,000 exits with their entries */
#define RING_MIN_BYTES (256u << 10)	/* where halving on mmap failure stops */
#define WAKEUP_MAX_BYTES (512u << 10)	/* wake the reader at 1/4 ring, at most this */

struct perf_ring {
	int cpu;
	int exit_fd, entry_fd, pf_fd;
	uint64_t exit_id, entry_id, pf_id;
	struct perf_event_mmap_page *meta;
	size_t data_size;
	uint64_t exit_samples, entry_samples;	/* read from this ring, before any filter */
	uint64_t exits_lost, entries_lost;	/* seen by the kernel, never read (lower bound
						 * until the end, then exact) */
};

struct perf_ev {
	uint64_t ts;
	struct exit_event ev;
	bool pf;	/* a kvm_page_fault sample: ev holds its thread and time, gpa its address */
	uint64_t gpa;
};

struct perf_live {
	struct perf_ring *rings;
	int nrings;
	struct pollfd *pfd;	/* one per ring, for perf_poll (sized at open) */
	struct perf_run *runs;	/* one per ring, for drain */
	int *mix_fds;		/* per event: the fds counting it */
	int *mix_nfds;
	int mix_stride;
	bool *mix_attached;
	uint64_t *mix_frozen;	/* counts of the mix when it was stopped */
	uint32_t filter_tgid;	/* system-wide rings: keep only this tgid (0: all) */
	int exit_tp, entry_tp;	/* tracepoint ids */
	int off_reason, off_isa, off_vcpu;
	/* --detail: the record's info1, info2, intr_info (no ECX: MSRs show as ?) */
	unsigned int detail_kinds;
	int off_info1, off_info2, off_intr;
	struct detail_stats *ds;
	/*
	 * --detail npf on VMX: kvm_page_fault samples too (fault_address); an
	 * EPT violation waits (pf_wait) for its thread's next sample, and takes
	 * its page from a kvm_page_fault there, as a text trace's exit does.
	 */
	int pf_tp, off_pf_addr;
	struct perf_ev *pf_wait;
	size_t npf_wait, pf_wait_cap;
	/* --hotspots: the record's guest_rip, counted per (reason, RIP) */
	int off_rip;
	struct hotspot_stats *hs;
	struct accum acc;
	struct stats *stats;
	uint64_t exits, entries;	/* counted (after the tgid filter) */
	bool finished;		/* events disabled, rings drained: the losses are exact */
	struct perf_ev *batch;
	size_t batch_len, batch_cap;
	size_t page;
	char *wrapbuf;
};

static long perf_open(struct perf_event_attr *a, pid_t pid, int cpu, int group, unsigned long fl)
{
	return syscall(SYS_perf_event_open, a, pid, cpu, group, fl);
}

/* raw: the tracepoint's record with each sample (kvm_exit: its fields; kvm_entry needs none). */
static void tp_attr(struct perf_event_attr *a, int id, size_t ring_bytes, bool raw)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_TRACEPOINT;
	a->config = id;
	a->disabled = 1;
	if (ring_bytes) {
		a->sample_period = 1;
		a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
				 (raw ? PERF_SAMPLE_RAW : 0);
		a->use_clockid = 1;
		a->clockid = CLOCK_MONOTONIC;
		a->watermark = 1;
		a->wakeup_watermark = ring_bytes / 4 < WAKEUP_MAX_BYTES ? ring_bytes / 4
								       : WAKEUP_MAX_BYTES;
	}
}

static int batch_push(struct perf_live *p, const struct exit_event *ev, bool pf, uint64_t gpa)
{
	if (array_reserve(&p->batch, &p->batch_cap, p->batch_len + 1, sizeof(*p->batch), 4096))
		return -1;
	p->batch[p->batch_len] = (struct perf_ev){ .ts = ev->ts_ns, .ev = *ev, .pf = pf, .gpa = gpa };
	p->batch_len++;
	return 0;
}

static uint32_t raw_u32(const unsigned char *raw, uint32_t size, int off, uint32_t dflt)
{
	uint32_t v;

	if (off < 0 || (uint32_t)off + 4 > size)
		return dflt;
	memcpy(&v, raw + off, 4);
	return v;
}

static uint64_t raw_u64(const unsigned char *raw, uint32_t size, int off)
{
	uint64_t v;

	if (off < 0 || (uint32_t)off + 8 > size)
		return 0;
	memcpy(&v, raw + off, 8);
	return v;
}

/*
 * One PERF_RECORD_SAMPLE: id, pid, tid, time, then for kvm_exit the raw size
 * and data (kvm_entry samples carry no raw record: only its thread and time
 * are needed, and the kernel copies less).
 */
static int on_sample(struct perf_live *p, struct perf_ring *r, const unsigned char *rec,
		     size_t len)
{
	struct exit_event ev = { 0 };
	uint64_t id, ts;
	uint32_t pid, tid, rsize;
	const unsigned char *q = rec + sizeof(struct perf_event_header);

	if (len < sizeof(struct perf_event_header) + 8 + 8 + 8)
		return 0;
	memcpy(&id, q, 8);
	memcpy(&pid, q + 8, 4);
	memcpy(&tid, q + 12, 4);
	memcpy(&ts, q + 16, 8);
	if (id == r->exit_id)
		r->exit_samples++;
	else if (id == r->entry_id)
		r->entry_samples++;
	else if (id != r->pf_id || r->pf_fd < 0)
		return 0;
	if (p->filter_tgid && pid != p->filter_tgid)
		return 0;
	ev.has_ts = true;
	ev.ts_ns = ts;
	ev.pid = pid;
	ev.tid = tid;
	ev.vcpu = STATS_VCPU_UNKNOWN;
	if (id == r->pf_id) {
		uint64_t gpa;

		if (len < sizeof(struct perf_event_header) + 28)
			return 0;
		memcpy(&rsize, q + 24, 4);
		if (28 + sizeof(struct perf_event_header) + rsize > len)
			return 0;
		gpa = raw_u64(q + 28, rsize, p->off_pf_addr);
		ev.kind = EV_ENTRY;	/* not counted: only its thread, time and gpa are read */
		return batch_push(p, &ev, true, gpa);
	}
	if (id == r->exit_id) {
		const unsigned char *raw = q + 28;

		if (len < sizeof(struct perf_event_header) + 28)
			return 0;
		memcpy(&rsize, q + 24, 4);
		if (28 + sizeof(struct perf_event_header) + rsize > len)
			return 0;
		ev.kind = EV_EXIT;
		ev.reason = raw_u32(raw, rsize, p->off_reason, 0);
		ev.isa = raw_u32(raw, rsize, p->off_isa, ISA_UNKNOWN);
		ev.vcpu = raw_u32(raw, rsize, p->off_vcpu, STATS_VCPU_UNKNOWN);
		if (p->ds && p->off_info1 >= 0) {
			ev.has_info = true;
			ev.info.info1 = raw_u64(raw, rsize, p->off_info1);
			ev.info.info2 = raw_u64(raw, rsize, p->off_info2);
			ev.info.has_intr_info = p->off_intr >= 0;
			ev.info.intr_info = raw_u32(raw, rsize, p->off_intr, 0);
		}
		if (p->hs && p->off_rip >= 0) {
			ev.info.has_rip = true;
			ev.info.rip = raw_u64(raw, rsize, p->off_rip);
		}
		p->exits++;
	} else {
		ev.kind = EV_ENTRY;
		p->entries++;
	}
	return batch_push(p, &ev, false, 0);
}

static int drain_ring(struct perf_live *p, struct perf_ring *r)
{
	unsigned char *data = (unsigned char *)r->meta + p->page;
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;

	while (tail < head) {
		struct perf_event_header h;
		size_t off = tail % r->data_size;
		const unsigned char *rec;

		if (off + sizeof(h) <= r->data_size) {
			memcpy(&h, data + off, sizeof(h));
		} else {
			size_t first = r->data_size - off;

			memcpy(&h, data + off, first);
			memcpy((char *)&h + first, data, sizeof(h) - first);
		}
		if (h.size < sizeof(h) || h.size > head - tail)
			break;
		if (off + h.size <= r->data_size) {
			rec = data + off;
		} else {
			size_t first = r->data_size - off;

			memcpy(p->wrapbuf, data + off, first);
			memcpy(p->wrapbuf + first, data, h.size - first);
			rec = (unsigned char *)p->wrapbuf;
		}
		/* PERF_RECORD_LOST is not counted: the loss is measured (account_lost) */
		if (h.type == PERF_RECORD_SAMPLE && on_sample(p, r, rec, h.size))
			return -1;
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return 0;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct perf_ev *x = a, *y = b;

	int rx = x->ev.kind == EV_EXIT ? 0 : x->pf ? 1 : 2, ry = y->ev.kind == EV_EXIT ? 0 : y->pf ? 1 : 2;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	/* At the same ns: the exit came first, then its page fault, then the entry. */
	return rx - ry;
}

static uint64_t fd_count(int fd)
{
	uint64_t v;

	return fd >= 0 && read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

/* What a ring's events saw but it never gave us. */
static void account_lost(struct perf_ring *r, uint64_t seen_exits, uint64_t seen_entries,
			 bool exact)
{
	uint64_t le = seen_exits > r->exit_samples ? seen_exits - r->exit_samples : 0;
	uint64_t ln = seen_entries > r->entry_samples ? seen_entries - r->entry_samples : 0;

	if (exact || le > r->exits_lost)
		r->exits_lost = le;
	if (exact || ln > r->entries_lost)
		r->entries_lost = ln;
}

/* One ring's samples in the batch: [at, end), in time order if sorted. */
struct perf_run {
	size_t at, end;
	bool sorted;
};

static int feed_one(struct perf_live *p, const struct exit_event *ev, struct es_error *err)
{
	if ((p->ds && detail_stats_event(p->ds, ev, p->detail_kinds)) ||
	    (p->hs && ev->kind == EV_EXIT && ev->info.has_rip &&
	     hotspot_count(p->hs, ev->isa, ev->reason, ev->info.rip)) ||
	    accum_event(&p->acc, ev))
		return es_error_set(err, "out of memory counting exits from the perf rings");
	return 0;
}

/*
 * The exit of thread tid waiting for its page (all of them: tid 0), fed:
 * with gpa when the sample is its kvm_page_fault, else without (`gpa ?`).
 */
static int pf_release(struct perf_live *p, uint32_t tid, const uint64_t *gpa, struct es_error *err)
{
	for (size_t i = 0; i < p->npf_wait;) {
		struct exit_event ev = p->pf_wait[i].ev;

		if (tid && ev.tid != tid) {
			i++;
			continue;
		}
		p->pf_wait[i] = p->pf_wait[--p->npf_wait];
		if (gpa) {
			ev.info.has_gpa = true;
			ev.info.gpa = *gpa;
		}
		if (feed_one(p, &ev, err))
			return -1;
	}
	return 0;
}

/*
 * A sample in time order. --detail npf on VMX: an EPT violation's page is
 * not in kvm_exit's record; KVM's handler traces it in kvm_page_fault right
 * after. So the exit waits for its thread's next sample: a kvm_page_fault
 * gives it its page; anything else (its entry, or the end) sends it without.
 */
static int feed(struct perf_live *p, const struct perf_ev *e, struct es_error *err)
{
	if (p->npf_wait && pf_release(p, e->ev.tid, e->pf ? &e->gpa : NULL, err))
		return -1;
	if (e->pf)
		return 0;
	if (p->pf_tp >= 0 && e->ev.kind == EV_EXIT && e->ev.has_info && e->ev.tid &&
	    e->ev.isa == ISA_VMX && (e->ev.reason & VMX_EXIT_BASIC_MASK) == 48) {
		if (array_reserve(&p->pf_wait, &p->pf_wait_cap, p->npf_wait + 1,
				  sizeof(*p->pf_wait), 16))
			return es_error_set(err, "out of memory counting exits from the perf rings");
		p->pf_wait[p->npf_wait++] = *e;
		return 0;
	}
	return feed_one(p, &e->ev, err);
}

/*
 * The batch to the accumulator in time order. Each ring's samples are in
 * time order already (one CPU writes them as they happen), so the rings are
 * merged, not sorted: one ring costs nothing, a few cost a compare per
 * ring and sample. Many rings (or a ring out of order) are sorted.
 */
#define MERGE_MAX_RUNS 8

static int feed_batch(struct perf_live *p, struct perf_run *runs, int nruns, struct es_error *err)
{
	int live = 0, sorted = 1;

	for (int i = 0; i < nruns; i++) {
		if (runs[i].at < runs[i].end)
			runs[live++] = runs[i];
		sorted &= runs[i].sorted;
	}
	if (!sorted || live > MERGE_MAX_RUNS) {
		qsort(p->batch, p->batch_len, sizeof(*p->batch), cmp_ts);
		runs[0] = (struct perf_run){ 0, p->batch_len, true };
		live = p->batch_len ? 1 : 0;
	}
	for (;;) {
		int best = -1;

		for (int i = 0; i < live; i++)
			if (runs[i].at < runs[i].end &&
			    (best < 0 || cmp_ts(&p->batch[runs[i].at], &p->batch[runs[best].at]) < 0))
				best = i;
		if (best < 0)
			return 0;
		if (feed(p, &p->batch[runs[best].at++], err))
			return -1;
	}
}

/*
 * For each ring: read its events' counts, then drain it: the samples read
 * include all those of the events counted, so counted - read is a lower bound
 * of what was lost (exact once the events are disabled: live_finish).
 */
static int drain(struct perf_live *p, struct es_error *err)
{
	p->batch_len = 0;
	for (int i = 0; i < p->nrings; i++) {
		struct perf_ring *r = &p->rings[i];
		struct perf_run *run = &p->runs[i];
		uint64_t seen_exits = fd_count(r->exit_fd), seen_entries = fd_count(r->entry_fd);

		run->at = p->batch_len;
		if (drain_ring(p, r))
			return es_error_set(err, "out of memory reading the perf ring of cpu %d",
					    r->cpu);
		run->end = p->batch_len;
		run->sorted = true;
		for (size_t j = run->at + 1; j < run->end && run->sorted; j++)
			run->sorted = cmp_ts(&p->batch[j - 1], &p->batch[j]) <= 0;
		account_lost(r, seen_exits, seen_entries, p->finished);
	}
	return feed_batch(p, p->runs, p->nrings, err);
}

static int perf_poll(void *b, int timeout_ms, live_exit_fn fn, void *ctx, struct es_error *err)
{
	struct perf_live *p = b;
	struct pollfd *pfd = p->pfd;

	(void)fn;
	(void)ctx;
	if (p->finished)
		return 0;
	for (int i = 0; i < p->nrings; i++)
		pfd[i] = (struct pollfd){ .fd = p->rings[i].exit_fd, .events = POLLIN };
	if (timeout_ms > 0 && poll(pfd, p->nrings, timeout_ms) < 0 && errno != EINTR)
		return es_error_set(err, "poll on the %d perf rings failed: %s", p->nrings,
				    strerror(errno));
	return drain(p, err);
}

/* The end: no new samples, every ring drained, the losses exact. */
static int perf_finish(void *b, live_exit_fn fn, void *ctx, struct es_error *err)
{
	struct perf_live *p = b;

	(void)fn;
	(void)ctx;
	if (p->finished)
		return 0;
	for (int i = 0; i < p->nrings; i++) {
		ioctl(p->rings[i].exit_fd, PERF_EVENT_IOC_DISABLE, 0);
		ioctl(p->rings[i].entry_fd, PERF_EVENT_IOC_DISABLE, 0);
		ioctl(p->rings[i].pf_fd, PERF_EVENT_IOC_DISABLE, 0);
	}
	p->finished = true;
	/* then the EPT violations whose kvm_page_fault never came, without their page */
	if (drain(p, err) || pf_release(p, 0, NULL, err))
		return -1;
	return 0;
}

static void sum_lost(const struct perf_live *p, uint64_t *exits, uint64_t *entries)
{
	*exits = *entries = 0;
	for (int i = 0; i < p->nrings; i++) {
		*exits += p->rings[i].exits_lost;
		*entries += p->rings[i].entries_lost;
	}
}

static void perf_lost_note(void *b, char *buf, size_t len)
{
	struct perf_live *p = b;
	uint64_t exits, entries;
	size_t n;

	sum_lost(p, &exits, &entries);
	if (!exits && !entries) {
		buf[0] = '\0';
		return;
	}
	n = snprintf(buf, len, "the perf rings (%zu KiB per CPU) overflowed: %llu exits%s and "
		     "%llu entries were never read%s (a total: which reasons the lost exits had "
		     "is not known); per CPU:", p->rings[0].data_size >> 10,
		     (unsigned long long)exits,
		     p->filter_tgid ? " of all processes on the host" : "",
		     (unsigned long long)entries, p->finished ? "" : " so far");
	for (int i = 0; i < p->nrings && n < len; i++) {
		const struct perf_ring *r = &p->rings[i];

		if (r->exits_lost || r->entries_lost)
			n += snprintf(buf + n, len - n, " cpu %d: %llu exits, %llu entries;", r->cpu,
				      (unsigned long long)r->exits_lost,
				      (unsigned long long)r->entries_lost);
	}
	if (n < len)
		snprintf(buf + n, len - n, " a larger --ringbuf MIB gives each CPU's ring more room");
}

static int perf_counters(void *b, struct live_counters *c)
{
	struct perf_live *p = b;
	uint64_t entries;

	c->exits = p->exits;
	c->entries = p->entries;
	sum_lost(p, &c->lost, &entries);
	return 0;
}

static int perf_read(void *b, struct stats *s)
{
	struct perf_live *p = b;

	return stats_merge(s, p->stats);
}

/* --detail, --hotspots: the time in exit of an exit, by its detail and RIP (accum's hook). */
static int perf_on_time(void *ctx, const struct exit_event *exit, uint64_t dur)
{
	struct perf_live *p = ctx;

	if (p->ds)
		detail_stats_event_time(p->ds, exit, p->detail_kinds, dur);
	if (p->hs && exit->info.has_rip)
		hotspot_time(p->hs, exit->isa, exit->reason, exit->info.rip, dur);
	return 0;
}

static int perf_details(void *b, struct detail_stats *ds, struct hotspot_stats *hs,
			uint64_t *lost)
{
	struct perf_live *p = b;
	struct detail_entry *e;
	size_t n;
	int ret = 0;

	*lost = 0;	/* the rings' losses are the report's (live_read) */
	if (hs && p->hs && hotspot_merge(hs, p->hs))
		return -1;
	if (!p->ds || !ds)
		return 0;
	n = detail_stats_sorted(p->ds, &e);
	if (n == (size_t)-1)
		return -1;
	for (size_t i = 0; i < n && !ret; i++)
		ret = detail_stats_add(ds, e[i].isa, e[i].reason, &e[i].d, e[i].count, e[i].timed,
				       e[i].time);
	free(e);
	return ret;
}

static int perf_events(void *b, uint64_t *counts, bool *attached)
{
	struct perf_live *p = b;

	for (unsigned int i = 0; i < live_event_count(); i++) {
		attached[i] = p->mix_attached[i];
		if (p->mix_frozen)
			counts[i] += p->mix_frozen[i];
		for (int j = 0; j < p->mix_nfds[i]; j++) {
			uint64_t v;

			if (read(p->mix_fds[i * p->mix_stride + j], &v, sizeof(v)) == sizeof(v))
				counts[i] += v;
		}
	}
	counts[EVI_kvm_exit] = p->exits;	/* these two come from the sampled rings */
	counts[EVI_kvm_entry] = p->entries;
	attached[EVI_kvm_exit] = true;
	attached[EVI_kvm_entry] = p->nrings && p->rings[0].entry_fd >= 0;
	return 0;
}

static void perf_close(void *b)
{
	struct perf_live *p = b;

	for (int i = 0; i < p->nrings; i++) {
		if (p->rings[i].meta)
			munmap(p->rings[i].meta, p->page + p->rings[i].data_size);
		if (p->rings[i].exit_fd >= 0)
			close(p->rings[i].exit_fd);
		if (p->rings[i].entry_fd >= 0)
			close(p->rings[i].entry_fd);
		if (p->rings[i].pf_fd >= 0)
			close(p->rings[i].pf_fd);
	}
	if (p->mix_fds)
		for (unsigned int i = 0; i < live_event_count(); i++)
			for (int j = 0; j < p->mix_nfds[i]; j++)
				close(p->mix_fds[i * p->mix_stride + j]);
	free(p->mix_fds);
	free(p->mix_nfds);
	free(p->mix_attached);
	free(p->mix_frozen);
	free(p->rings);
	free(p->pfd);
	free(p->runs);
	free(p->batch);
	free(p->pf_wait);
	free(p->wrapbuf);
	accum_fini(&p->acc);
	detail_stats_free(p->ds);
	hotspot_stats_free(p->hs);
	free(p);
}

/* Freeze the mix: read its counts one last time, then close its events. */
static void perf_stop_events(void *b)
{
	struct perf_live *p = b;
	unsigned int n = live_event_count();

	if (!p->mix_frozen) {
		p->mix_frozen = calloc(n, sizeof(uint64_t));
		if (!p->mix_frozen)
			return;
	}
	for (unsigned int i = 0; i < n; i++) {
		for (int j = 0; j < p->mix_nfds[i]; j++) {
			uint64_t v;
			int *fd = &p->mix_fds[i * p->mix_stride + j];

			if (read(*fd, &v, sizeof(v)) == sizeof(v))
				p->mix_frozen[i] += v;
			close(*fd);
		}
		p->mix_nfds[i] = 0;
	}
}

static const struct live_ops perf_ops = {
	.details = perf_details,
	.stop_events = perf_stop_events,
	.poll = perf_poll,
	.finish = perf_finish,
	.lost_note = perf_lost_note,
	.counters = perf_counters,
	.read = perf_read,
	.events = perf_events,
	.close = perf_close,
};

static const char *perf_hint(int err)
{
	if (err == EACCES || err == EPERM)
		return " (needs root or CAP_PERFMON; see /proc/sys/kernel/perf_event_paranoid)";
	if (err == ENOENT || err == ENODEV)
		return " (tracepoint missing: is KVM loaded?)";
	return "";
}

/* The threads of an existing process, for per-thread counting events. */
static int list_threads(uint32_t pid, pid_t **tids)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	size_t n = 0, cap = 0;

	snprintf(path, sizeof(path), "/proc/%u/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	*tids = NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (array_reserve(tids, &cap, n + 1, sizeof(**tids), 16))
			break;
		(*tids)[n++] = atoi(e->d_name);
	}
	closedir(d);
	return (int)n;
}

/* The default ring per CPU: 64 MiB over all CPUs, each 1 to 8 MiB (a power of two). */
static size_t default_ring_bytes(int ncpu)
{
	size_t bytes = RING_DEFAULT_BYTES;

	while (bytes > (1u << 20) && bytes * ncpu > (64u << 20))
		bytes /= 2;
	return bytes;
}

/*
 * One CPU's ring: the kvm_exit sampling event owns it, kvm_entry's writes into
 * it. 1: offline CPU (skip); -1: error (err set); -2: the mmap of that size
 * failed for lack of locked memory (try a smaller ring).
 */
static int open_ring(struct perf_live *p, struct perf_ring *r, const struct live_opts *o, int cpu,
		     size_t bytes, struct es_error *err)
{
	pid_t pid = o->inherit_pid ? (pid_t)o->pid : -1;
	struct perf_event_attr a;

	r->cpu = cpu;
	r->entry_fd = -1;
	r->pf_fd = -1;
	tp_attr(&a, p->exit_tp, bytes, true);
	a.inherit = o->inherit_pid;
	r->exit_fd = perf_open(&a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (r->exit_fd < 0 && errno == ENODEV)
		return 1;	/* offline CPU */
	if (r->exit_fd < 0) {
		return es_error_set(err, "perf_event_open(kvm:kvm_exit, cpu %d) failed: %s%s", cpu,
				    strerror(errno), perf_hint(errno));
	}
	r->data_size = bytes;
	r->meta = mmap(NULL, p->page + r->data_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->exit_fd, 0);
	if (r->meta == MAP_FAILED) {
		int e = errno;

		r->meta = NULL;
		close(r->exit_fd);
		r->exit_fd = -1;
		if ((e == EPERM || e == ENOMEM) && bytes > RING_MIN_BYTES)
			return -2;
		return es_error_set(err, "mmap of the perf ring (cpu %d, %zu KiB) failed: %s%s", cpu,
				    bytes >> 10, strerror(e),
				    e == EPERM ? " (locked memory: see "
						 "/proc/sys/kernel/perf_event_mlock_kb)" : "");
	}
	if (ioctl(r->exit_fd, PERF_EVENT_IOC_ID, &r->exit_id))
		return es_error_set(err, "ioctl on the perf events (cpu %d) failed: %s", cpu,
				    strerror(errno));
	if (p->pf_tp >= 0) {	/* --detail npf on VMX: kvm_page_fault into the same ring */
		tp_attr(&a, p->pf_tp, bytes, true);
		a.inherit = o->inherit_pid;
		r->pf_fd = perf_open(&a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (r->pf_fd < 0)
			return es_error_set(err, "perf_event_open(kvm:kvm_page_fault, cpu %d) failed: %s%s",
					    cpu, strerror(errno), perf_hint(errno));
		if (ioctl(r->pf_fd, PERF_EVENT_IOC_SET_OUTPUT, r->exit_fd) ||
		    ioctl(r->pf_fd, PERF_EVENT_IOC_ID, &r->pf_id))
			return es_error_set(err, "ioctl on the perf events (cpu %d) failed: %s", cpu,
					    strerror(errno));
	}
	if (o->no_time)	/* count only: no kvm_entry event */
		return 0;
	tp_attr(&a, p->entry_tp, bytes, false);
	a.inherit = o->inherit_pid;
	r->entry_fd = perf_open(&a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (r->entry_fd < 0) {
		return es_error_set(err, "perf_event_open(kvm:kvm_entry, cpu %d) failed: %s%s", cpu,
				    strerror(errno), perf_hint(errno));
	}
	if (ioctl(r->entry_fd, PERF_EVENT_IOC_SET_OUTPUT, r->exit_fd) ||
	    ioctl(r->entry_fd, PERF_EVENT_IOC_ID, &r->entry_id)) {
		return es_error_set(err, "ioctl on the perf events (cpu %d) failed: %s", cpu,
				    strerror(errno));
	}
	return 0;
}

static int open_rings(struct perf_live *p, const struct live_opts *o, struct es_error *err)
{
	int ncpu = get_nprocs_conf();
	size_t bytes = o->ringbuf_bytes ? o->ringbuf_bytes : default_ring_bytes(ncpu);

	p->exit_tp = live_tp_id("kvm_exit");
	p->entry_tp = live_tp_id("kvm_entry");
	if (p->exit_tp < 0 || p->entry_tp < 0)
		return es_error_set(err, "no kvm_exit/kvm_entry id in tracefs (is KVM loaded?)");
	p->rings = calloc(ncpu, sizeof(*p->rings));
	p->pfd = calloc(ncpu, sizeof(*p->pfd));
	p->runs = calloc(ncpu, sizeof(*p->runs));
	if (!p->rings || !p->pfd || !p->runs)
		return es_error_set(err, "out of memory for %d perf rings", ncpu);
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct perf_ring *r = &p->rings[p->nrings];
		int ret = open_ring(p, r, o, cpu, bytes, err);

		/* Too little locked memory for this size: every ring gets half as much. */
		while (ret == -2 && !p->nrings && !o->ringbuf_bytes) {
			bytes /= 2;
			ret = open_ring(p, r, o, cpu, bytes, err);
		}
		if (ret == -2)
			es_error_set(err, "mmap of a %zu KiB perf ring (cpu %d) failed: not enough "
				     "locked memory (/proc/sys/kernel/perf_event_mlock_kb; --ringbuf)",
				     bytes >> 10, cpu);
		if (ret == 1)
			continue;
		if (ret >= 0 || r->entry_fd >= 0 || r->pf_fd >= 0 || r->meta)
			p->nrings++;	/* perf_close frees what it holds */
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* Counting events for the mix: per CPU (all), per thread (-p), or inherited (command). */
static int open_mix(struct perf_live *p, const struct live_opts *o)
{
	unsigned int n = live_event_count();
	int ncpu = get_nprocs_conf(), nthreads = 0, stride;
	pid_t *tids = NULL;

	if (o->pid && !o->inherit_pid) {
		nthreads = list_threads(o->pid, &tids);
		if (nthreads < 0)
			nthreads = 0;
	}
	stride = o->inherit_pid ? 1 : o->pid ? nthreads : ncpu;
	p->mix_stride = stride ? stride : 1;
	p->mix_fds = calloc((size_t)n * p->mix_stride, sizeof(int));
	p->mix_nfds = calloc(n, sizeof(int));
	p->mix_attached = calloc(n, sizeof(bool));
	if (!p->mix_fds || !p->mix_nfds || !p->mix_attached) {
		free(tids);
		return -1;
	}
	for (unsigned int i = 0; i < n && !o->no_event_mix; i++) {
		if (i == EVI_kvm_exit || i == EVI_kvm_entry)
			continue;	/* the sampled rings count these */
		int id = live_tp_id(live_event_name(i));
		struct perf_event_attr a;

		if (id < 0)
			continue;
		tp_attr(&a, id, 0, false);
		a.disabled = 0;
		for (int j = 0; j < stride; j++) {
			int fd;

			if (o->inherit_pid) {
				a.inherit = 1;
				fd = perf_open(&a, o->pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
			} else if (o->pid) {
				fd = perf_open(&a, tids[j], -1, -1, PERF_FLAG_FD_CLOEXEC);
			} else {
				fd = perf_open(&a, -1, j, -1, PERF_FLAG_FD_CLOEXEC);
			}
			if (fd >= 0)
				p->mix_fds[i * p->mix_stride + p->mix_nfds[i]++] = fd;
		}
		p->mix_attached[i] = p->mix_nfds[i] > 0;
	}
	free(tids);
	return 0;
}

void *live_perf_open(const struct live_opts *o, const struct live_ops **ops, char *source,
		     size_t srclen, struct es_error *err)
{
	struct perf_live *p = calloc(1, sizeof(*p));
	int size;

	if (!p) {
		es_error_set(err, "out of memory opening the perf backend");
		return NULL;
	}
	p->page = sysconf(_SC_PAGESIZE);
	p->wrapbuf = malloc(1 << 16);
	if (!p->wrapbuf || accum_init(&p->acc)) {
		es_error_set(err, "out of memory opening the perf backend");
		free(p->wrapbuf);
		free(p);
		return NULL;
	}
	p->stats = p->acc.stats;	/* owned by the accumulator */
	if (o->record) {
		es_error_set(err, "recording needs the BPF backend");
		perf_close(p);
		return NULL;
	}
	if (o->hotspots) {
		p->off_rip = live_tp_field("kvm_exit", "guest_rip", &size);
		p->hs = hotspot_stats_new(0);
		if (!p->hs) {
			es_error_set(err, "out of memory opening the perf backend");
			perf_close(p);
			return NULL;
		}
		p->acc.on_time = perf_on_time;
		p->acc.on_time_ctx = p;
	}
	p->filter_tgid = o->inherit_pid ? 0 : o->pid;
	p->off_reason = live_tp_field("kvm_exit", "exit_reason", &size);
	p->off_isa = live_tp_field("kvm_exit", "isa", &size);
	p->off_vcpu = live_tp_field("kvm_exit", "vcpu_id", &size);
	p->detail_kinds = o->detail_kinds;
	p->pf_tp = -1;
	p->off_pf_addr = live_tp_field("kvm_page_fault", "fault_address", &size);
	/* --detail npf on VMX: the EPT violations' pages (the planted fault of the tests: off) */
	if ((o->detail_kinds & (1u << DETAIL_NPF)) && p->off_pf_addr >= 0 &&
	    !access("/sys/module/kvm_intel", F_OK) && !getenv("EXITSTAT_TEST_NO_PF"))
		p->pf_tp = live_tp_id("kvm_page_fault");
	if (o->detail_kinds) {
		p->off_info1 = live_tp_field("kvm_exit", "info1", &size);
		p->off_info2 = live_tp_field("kvm_exit", "info2", &size);
		p->off_intr = live_tp_field("kvm_exit", "intr_info", &size);
		p->ds = detail_stats_new();
		if (!p->ds) {
			es_error_set(err, "out of memory opening the perf backend");
			perf_close(p);
			return NULL;
		}
		p->acc.on_time = perf_on_time;
		p->acc.on_time_ctx = p;
	}
	if (p->off_reason < 0) {
		es_error_set(err, "tracefs kvm_exit format has no exit_reason field");
		perf_close(p);
		return NULL;
	}
	if (open_rings(p, o, err)) {
		perf_close(p);
		return NULL;
	}
	if (open_mix(p, o)) {
		es_error_set(err, "out of memory for the event mix's perf events");
		perf_close(p);
		return NULL;
	}
	for (int i = 0; i < p->nrings; i++) {
		ioctl(p->rings[i].exit_fd, PERF_EVENT_IOC_ENABLE, 0);
		ioctl(p->rings[i].entry_fd, PERF_EVENT_IOC_ENABLE, 0);
		ioctl(p->rings[i].pf_fd, PERF_EVENT_IOC_ENABLE, 0);
	}
	snprintf(source, srclen, "live: perf_event_open sampling kvm:kvm_exit%s%s "
		 "(%d CPU rings of %zu KiB)", o->no_time ? " (--no-time)" : " + kvm:kvm_entry",
		 p->pf_tp >= 0 ? " + kvm:kvm_page_fault (EPT violation pages)" : "",
		 p->nrings, p->nrings ? p->rings[0].data_size >> 10 : 0);
	*ops = &perf_ops;
	return p;
}
