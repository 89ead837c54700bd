// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend: load exitstat.bpf.c (skeleton generated at build time),
 * pick how to reach the exit reason on this kernel, and read its maps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/array.h"
#include "exitstat.skel.h"
#include "live/bpf/live_abi.h"
#include "live/live.h"
#include "live/live_impl.h"

_Static_assert(LIVE_HIST_BUCKETS == STATS_HIST_BUCKETS, "histogram layouts differ");
_Static_assert(LIVE_VCPU_UNKNOWN == STATS_VCPU_UNKNOWN, "unknown vCPU markers differ");
_Static_assert(LIVE_NO_MEMSLOT == DETAIL_NO_MEMSLOT, "no-memslot markers differ");

struct bpf_live {
	struct exitstat_bpf *skel;
	struct live_counts *rows;	/* the rows map, mmapped (recycle() zeroes a row) */
	size_t rows_len;
	struct ring_buffer *rb;
	int ncpus;
	__u64 *cpu_vals;	/* ncpus values of one per-CPU counter (sum_counter) */
	bool attached[EVI__MAX];
	struct bpf_link *links[64];
	int nlinks;
	struct bpf_link *mix_links[EVI__MAX];
	live_exit_fn fn;
	void *fn_ctx;
	bool finished;
	/* record: one poll's records, put in time order before they go to fn */
	struct live_record_detail *got;
	size_t ngot, got_cap;
	bool got_unsorted, got_oom;
	bool partial_read;	/* the unsent batches, once, at the end */
	struct stats *retired;	/* the counts of ended threads' recycled rows */
	uint64_t retired_timed;
	/* what recycle() gave back: said at the end with --verbose (diag) */
	uint64_t recycled_rows, recycled_keys, recycled_procs;
	struct es_diag diag;	/* --verbose: live_opts.diag, else none */
};

enum exit_hook { HOOK_BTF_VCPU_ISA, HOOK_BTF_REASON_VCPU_ISA, HOOK_TRACEPOINT };

/* How a VMX EPT violation's page is taken from kvm_page_fault (--detail npf on VMX). */
enum pf_hook { PF_NONE, PF_BTF, PF_TRACEPOINT };

/* Where libbpf's messages go (live_opts.diag): libbpf's print hook has no context. */
static struct es_diag libbpf_diag;

/* libbpf talks only with -v: its warnings on a failed tp_btf try are expected. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[ES_ERROR_LEN];
	int n;

	(void)level;
	if (!libbpf_diag.fn)
		return 0;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n > 0 && (size_t)n < sizeof(msg) && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	es_diag_say(&libbpf_diag, "%s", msg);
	return n;
}

/* A type by name in vmlinux BTF or one module's BTF; the module BTF is kept in *mod. */
static int find_type(struct btf *vmlinux, const char *module, const char *name, __u32 kind,
		     struct btf **found_in)
{
	struct btf *mod;
	int id;

	if (vmlinux) {
		id = btf__find_by_name_kind(vmlinux, name, kind);
		if (id > 0) {
			*found_in = vmlinux;
			return id;
		}
	}
	if (!module)
		return -1;
	mod = btf__load_module_btf(module, vmlinux);
	if (!mod)
		return -1;
	id = btf__find_by_name_kind(mod, name, kind);
	if (id <= 0) {
		btf__free(mod);
		return -1;
	}
	*found_in = mod;
	return id;
}

static void free_found(struct btf *btf, struct btf *vmlinux)
{
	if (btf && btf != vmlinux)
		btf__free(btf);
}

/*
 * A kvm tracepoint's first raw argument, from its btf_trace_<tp> typedef (a
 * pointer to void (*)(void *, args...)) in vmlinux or in kvm, the kvm
 * module's BTF (NULL: none, or kvm built in), which the caller loads once
 * for every tracepoint: 1 a pointer (the vCPU), 0 not, -1 no such typedef,
 * -2 not a prototype of min_args to max_args arguments.
 */
static int tp_first_arg_ptr(struct btf *vmlinux, struct btf *kvm, const char *tp,
			    unsigned int min_args, unsigned int max_args)
{
	struct btf *btf = vmlinux;
	const struct btf_type *t;
	char name[64];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	if (id <= 0 && kvm) {
		btf = kvm;
		id = btf__find_by_name_kind(kvm, name, BTF_KIND_TYPEDEF);
	}
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	if (t && btf_is_ptr(t))
		t = btf__type_by_id(btf, t->type);
	/* the prototype's first parameter is the tracepoint's data pointer */
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < min_args + 1 || btf_vlen(t) > max_args + 1)
		return -2;
	t = btf__type_by_id(btf, btf__resolve_type(btf, btf_params(t)[1].type));
	return t && btf_is_ptr(t);
}

/* How kvm_exit's raw arguments look on this kernel. -1 when there is no BTF for it. */
static int exit_hook_from_btf(struct btf *vmlinux, struct btf *kvm, char *why, size_t whylen)
{
	switch (tp_first_arg_ptr(vmlinux, kvm, "kvm_exit", 2, 8)) {
	case 1:
		return HOOK_BTF_VCPU_ISA;
	case 0:
		return HOOK_BTF_REASON_VCPU_ISA;
	case -1:
		snprintf(why, whylen, "no BTF for the kvm_exit tracepoint (kvm module BTF missing)");
		return -1;
	default:
		snprintf(why, whylen, "unexpected BTF for btf_trace_kvm_exit");
		return -1;
	}
}

/*
 * Whether kvm_entry's first raw argument is the vCPU (Linux >= 5.10:
 * (vcpu[, force_immediate_exit]); before: (vcpu_id)): then entry_btf_vcpu
 * finds the pending exit from the vCPU, with no helper.
 */
static bool entry_has_vcpu(struct btf *vmlinux, struct btf *kvm)
{
	return tp_first_arg_ptr(vmlinux, kvm, "kvm_entry", 1, 8) == 1;
}

/*
 * How to hook kvm_page_fault for the EPT violations' pages: only with
 * --detail npf on VMX (kvm_intel loaded; the default programs never). tp_btf
 * where its BTF has the (vcpu, fault_address, error_code) prototype and the
 * classic tracepoint is not asked for; else the classic tracepoint's
 * fault_address field, whose offset goes to *addr_off for load(); PF_NONE
 * (pages unknown: gpa ?) when neither.
 */
static enum pf_hook page_fault_hook(const struct live_opts *o, struct btf *vmlinux,
				    struct btf *kvm, const char *vendor, int *addr_off)
{
	bool vmx = vendor ? strstr(vendor, "vmx") || !strcmp(vendor, "kvm_intel")
			  : access("/sys/module/kvm_intel", F_OK) == 0;
	int size;

	/* Tests: the planted fault, no page program (the pages must then be missing) */
	if (!vmx || !(o->detail_kinds & (1u << DETAIL_NPF)) || getenv("EXITSTAT_TEST_NO_PF"))
		return PF_NONE;
	if (!o->bpf_tracepoint && vmlinux &&
	    tp_first_arg_ptr(vmlinux, kvm, "kvm_page_fault", 3, 3) == 1)
		return PF_BTF;
	*addr_off = live_tp_field("kvm_page_fault", "fault_address", &size);
	return *addr_off >= 0 ? PF_TRACEPOINT : PF_NONE;
}

/* Which vendor struct holds the exit reason: "kvm_amd" / "kvm_intel" / NULL. */
static const char *vendor_btf(struct btf *vmlinux)
{
	struct btf *btf = NULL;
	const char *where = NULL;

	if (find_type(vmlinux, "kvm_amd", "vcpu_svm", BTF_KIND_STRUCT, &btf) > 0)
		where = btf == vmlinux ? "vmlinux (vcpu_svm)" : "kvm_amd";
	else if (find_type(vmlinux, "kvm_intel", "vcpu_vmx", BTF_KIND_STRUCT, &btf) > 0)
		where = btf == vmlinux ? "vmlinux (vcpu_vmx)" : "kvm_intel";
	if (where)
		free_found(btf, vmlinux);
	return where;
}

/* A kept detail as the exit information detail_decode reads; false if the exit has none. */
static bool dinfo_info(const struct live_dinfo *d, struct exit_info *in)
{
	*in = (struct exit_info){ .info1 = d->info1, .info2 = d->info2, .intr_info = d->intr,
				  .has_intr_info = (d->flags & LIVE_DN_INTR) != 0,
				  .has_msr = (d->flags & LIVE_DN_MSR) != 0, .msr = d->msr,
				  .has_rip = (d->flags & LIVE_DN_RIP) != 0, .rip = d->rip,
				  .has_gpa = (d->flags & LIVE_DN_GPA) != 0, .gpa = d->gpa,
				  .has_slot = (d->flags & LIVE_DN_SLOT) != 0, .slot = d->slot,
				  .slot_base = d->slot_base, .slot_size = d->slot_size };
	return d->flags & LIVE_DN_COUNT;
}

/*
 * Keeps n records, each stride bytes apart (a live_record, or a
 * live_record_detail whose detail is copied too).
 */
static int keep_records(struct bpf_live *b, const void *recs, size_t n, size_t stride)
{
	if (!n)
		return 0;
	if (array_reserve(&b->got, &b->got_cap, b->ngot + n, sizeof(*b->got), 4096)) {
		b->got_oom = true;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct live_record_detail *to = &b->got[b->ngot + i];
		const unsigned char *from = (const unsigned char *)recs + i * stride;

		memset(to, 0, sizeof(*to));
		memcpy(to, from, stride);
		if (b->ngot + i && to->r.ts < to[-1].r.ts)
			b->got_unsorted = true;
	}
	b->ngot += n;
	return 0;
}

/* A ring message: one record, or a CPU's batch of them (live_abi.h); the size says which. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct bpf_live *b = ctx;

	if (size == sizeof(struct live_batch)) {
		const struct live_batch *batch = data;

		return keep_records(b, batch->rec, batch->n <= LIVE_BATCH ? batch->n : 0,
				    sizeof(struct live_record));
	}
	if (size == sizeof(struct live_batch_detail)) {
		const struct live_batch_detail *batch = data;

		return keep_records(b, batch->rec, batch->n <= LIVE_BATCH ? batch->n : 0,
				    sizeof(struct live_record_detail));
	}
	if (size == sizeof(struct live_record) || size == sizeof(struct live_record_detail))
		return keep_records(b, data, 1, size);
	return 0;
}

static int cmp_record_ts(const void *x, const void *y)
{
	const struct live_record_detail *a = x, *b = y;

	return a->r.ts < b->r.ts ? -1 : a->r.ts > b->r.ts;
}

/*
 * The records kept to fn, in time order: batches from several CPUs arrive
 * a batch at a time, so a poll's records are sorted when they are not in
 * order already (one busy CPU's are).
 */
static int deliver_records(struct bpf_live *b, struct es_error *err)
{
	int ret = 0;

	if (b->got_oom) {
		b->got_oom = false;
		b->ngot = 0;
		return es_error_set(err, "out of memory reading the BPF ring buffer's records");
	}
	if (b->got_unsorted)
		qsort(b->got, b->ngot, sizeof(*b->got), cmp_record_ts);
	for (size_t i = 0; i < b->ngot && !ret; i++) {
		const struct live_record *r = &b->got[i].r;
		struct exit_event e = {
			.kind = EV_EXIT, .has_ts = true, .ts_ns = r->ts, .dur_ns = r->dur_ns,
			.has_dur = !(r->flags & LIVE_REC_OPEN), .pid = r->pid, .tid = r->tid,
			.vcpu = r->vcpu, .isa = r->isa, .reason = r->reason,
		};

		e.has_info = dinfo_info(&b->got[i].d, &e.info);
		ret = b->fn ? b->fn(b->fn_ctx, &e) : 0;
	}
	b->ngot = 0;
	b->got_unsorted = false;
	return ret ? -1 : 0;
}

/* Each CPU's unsent batch (read once, at the end, after detaching). */
static int read_partial_batches(struct bpf_live *b, struct es_error *err)
{
	bool detail = b->skel->rodata->detail_on;
	size_t size = detail ? sizeof(struct live_batch_detail) : sizeof(struct live_batch);
	struct bpf_map *map = detail ? b->skel->maps.dbatches : b->skel->maps.batches;
	unsigned char *per_cpu = calloc(b->ncpus, size);
	__u32 zero = 0;

	b->partial_read = true;
	if (!per_cpu)
		return es_error_set(err, "out of memory reading the unsent record batches");
	if (bpf_map_lookup_elem(bpf_map__fd(map), &zero, per_cpu)) {
		free(per_cpu);
		return es_error_set(err, "reading the unsent record batches failed: %s",
				    strerror(errno));
	}
	for (int i = 0; i < b->ncpus; i++)
		on_record(b, per_cpu + i * size, size);
	free(per_cpu);
	return 0;
}

/* Reads the ring into b->got; with partial, each CPU's unsent batch too. */
static int read_records(struct bpf_live *b, int timeout_ms, bool partial, struct es_error *err)
{
	int n;

	/* Records are submitted without wakeups (see exitstat.bpf.c): sleep, then consume. */
	n = ring_buffer__poll(b->rb, timeout_ms);
	if (n >= 0)
		n = ring_buffer__consume(b->rb);
	if (n < 0 && n != -EINTR && !b->got_oom)
		return es_error_set(err, "reading the BPF ring buffer (ring_buffer__poll) failed: %s",
				    strerror(-n));
	if (partial && !b->partial_read)
		return read_partial_batches(b, err);
	return 0;
}

static int recycle(struct bpf_live *b);

static int bpf_poll(void *p, int timeout_ms, live_exit_fn fn, void *ctx, struct es_error *err)
{
	struct bpf_live *b = p;

	/* Ended threads' rows back for new ones between reads too (out of memory: next read). */
	recycle(b);
	if (!b->rb) {
		usleep(timeout_ms * 1000);
		return 0;
	}
	b->fn = fn;
	b->fn_ctx = ctx;
	if (read_records(b, timeout_ms, false, err))
		return -1;
	return deliver_records(b, err);
}

static uint64_t sum_counter(struct bpf_live *b, int map_fd, __u32 idx)
{
	__u64 *vals = b->cpu_vals;
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(map_fd, &idx, vals))
		return 0;
	for (int i = 0; i < b->ncpus; i++)
		sum += vals[i];
	return sum;
}

/* Adds one CPU's or one row's counts into a sum (max: the largest). */
static void counts_add(struct exit_counts *sum, const struct live_counts *c)
{
	struct exit_counts e = { c->count, c->timed, c->time_ns, c->max_ns, {} };

	memcpy(e.hist, c->hist, sizeof(e.hist));
	exit_counts_merge(sum, &e);
}

typedef int (*counts_fn)(void *ctx, const struct live_key *k, const struct exit_counts *c);

static int add_stats(void *ctx, const struct live_key *lk, const struct exit_counts *sum);

/* A row's counts, one live_key per slot with exits. */
static int row_counts(struct bpf_live *b, const struct live_row_key *rk, __u32 row, counts_fn fn,
		      void *ctx)
{
	int ret = 0;

	for (__u32 slot = 0; !ret && slot < LIVE_SLOTS; slot++) {
		const struct live_counts *c = &b->rows[row * LIVE_SLOTS + slot];
		struct live_key k = { rk->pid, rk->vcpu, rk->isa, live_slot_reason(rk->isa, slot) };
		struct exit_counts sum = {};

		if (!c->count && !c->timed)
			continue;
		counts_add(&sum, c);
		ret = fn(ctx, &k, &sum);
	}
	return ret;
}

/* An ended thread's or process's counts at k into b->retired; -1: out of memory. */
static int retire(struct bpf_live *b, const struct live_key *k, const struct exit_counts *sum)
{
	if (add_stats(b->retired, k, sum))
		return -1;
	b->retired_timed += sum->timed;
	return 0;
}

/* The exit_stats hash's counts at key, summed over the CPUs (vals: ncpus of room); -1: gone. */
static int hash_counts(struct bpf_live *b, int fd, const struct live_okey *key,
		       struct live_counts *vals, struct exit_counts *sum)
{
	if (bpf_map_lookup_elem(fd, key, vals))
		return -1;
	*sum = (struct exit_counts){ 0 };
	for (int i = 0; i < b->ncpus; i++)
		counts_add(sum, &vals[i]);
	return 0;
}

/*
 * The rows of threads that ended (on_thread_exit marked them in row_owner):
 * their counts go into b->retired and the rows, zeroed, back to free_rows,
 * for the next vCPU threads. An ended thread writes its rows no more, so
 * the move is exact: a read sees each exit once, in a row or in retired.
 * -1 only when out of memory (the row then stays where it is).
 */
static int recycle_rows(struct bpf_live *b)
{
	int owner_fd = bpf_map__fd(b->skel->maps.row_owner);
	int index_fd = bpf_map__fd(b->skel->maps.row_index);
	int free_fd = bpf_map__fd(b->skel->maps.free_rows);
	int threads_fd = bpf_map__fd(b->skel->maps.row_threads);
	__u32 tid, next, *prev = NULL, ended[LIVE_ROWS];
	struct live_row_key rk, rnext, *rprev = NULL, keys[LIVE_ROWS];
	__u32 rows[LIVE_ROWS];
	size_t nended = 0, nkeys = 0;
	struct live_row_owner o;

	while (nended < LIVE_ROWS && !bpf_map_get_next_key(owner_fd, prev, &next)) {
		tid = next;
		prev = &tid;
		if (!bpf_map_lookup_elem(owner_fd, &tid, &o) && o.ended)
			ended[nended++] = tid;
	}
	if (!nended)
		return 0;
	while (nkeys < LIVE_ROWS && !bpf_map_get_next_key(index_fd, rprev, &rnext)) {
		rk = rnext;
		rprev = &rk;
		for (size_t i = 0; i < nended; i++)
			if (rk.tid == ended[i] && !bpf_map_lookup_elem(index_fd, &rk, &rows[nkeys]) &&
			    rows[nkeys] < LIVE_ROWS)
				keys[nkeys++] = rk;
	}
	for (size_t i = 0; i < nkeys; i++) {
		struct live_counts *row = &b->rows[rows[i] * LIVE_SLOTS];
		struct live_thread idle = { .row = LIVE_NO_ROW };

		/* Slot by slot, each zeroed once in retired: out of memory leaves the rest. */
		for (__u32 slot = 0; slot < LIVE_SLOTS; slot++) {
			struct live_key k = { keys[i].pid, keys[i].vcpu, keys[i].isa,
					      live_slot_reason(keys[i].isa, slot) };
			struct exit_counts sum = {};

			if (!row[slot].count && !row[slot].timed)
				continue;
			counts_add(&sum, &row[slot]);
			if (retire(b, &k, &sum))
				return -1;
			memset(&row[slot], 0, sizeof(row[slot]));
		}
		bpf_map_update_elem(threads_fd, &rows[i], &idle, BPF_ANY);
		bpf_map_delete_elem(index_fd, &keys[i]);
		if (!bpf_map_update_elem(free_fd, NULL, &rows[i], BPF_ANY))
			b->recycled_rows++;
	}
	for (size_t i = 0; i < nended; i++)
		bpf_map_delete_elem(owner_fd, &ended[i]);
	return 0;
}

static bool oproc_in(const struct live_oproc *procs, size_t n, const struct live_okey *k)
{
	for (size_t i = 0; i < n; i++)
		if (procs[i].pid == k->k.pid && procs[i].start == k->start)
			return true;
	return false;
}

/*
 * The exit_stats keys of processes that ended (on_thread_exit marked them
 * in overflow_procs when their last thread went): their counts go into
 * b->retired and the keys are deleted, so that the hash does not fill up
 * with the keys of VMs long gone. No thread of an ended process exits
 * again, and a new process with its pid has another start (other keys), so
 * the move is exact. -1 only when out of memory (what is left stays).
 */
static int recycle_keys(struct bpf_live *b)
{
	int procs_fd = bpf_map__fd(b->skel->maps.overflow_procs);
	int keys_fd = bpf_map__fd(b->skel->maps.exit_stats);
	struct live_oproc op, next, *prev = NULL, ended[LIVE_ROWS];
	struct live_okey k, knext, *kprev = NULL, *keys = NULL;
	struct live_counts *vals;
	size_t nended = 0, nkeys = 0, cap = 0;
	__u32 flag;
	int ret = 0;

	while (nended < LIVE_ROWS && !bpf_map_get_next_key(procs_fd, prev, &next)) {
		op = next;
		prev = &op;
		if (!bpf_map_lookup_elem(procs_fd, &op, &flag) && flag)
			ended[nended++] = op;
	}
	if (!nended)
		return 0;
	/* The keys first, then the deletes: deleting the key get_next_key was at restarts it. */
	while (!bpf_map_get_next_key(keys_fd, kprev, &knext)) {
		k = knext;
		kprev = &k;
		if (!oproc_in(ended, nended, &k))
			continue;
		if (nkeys == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct live_okey *nk = realloc(keys, ncap * sizeof(*keys));

			if (!nk) {
				free(keys);
				return -1;
			}
			keys = nk;
			cap = ncap;
		}
		keys[nkeys++] = k;
	}
	vals = calloc(b->ncpus, sizeof(*vals));
	if (!vals) {
		free(keys);
		return -1;
	}
	for (size_t i = 0; i < nkeys && !ret; i++) {
		struct exit_counts sum;

		if (hash_counts(b, keys_fd, &keys[i], vals, &sum))
			continue;
		ret = retire(b, &keys[i].k, &sum);
		if (!ret && !bpf_map_delete_elem(keys_fd, &keys[i]))
			b->recycled_keys++;
	}
	free(vals);
	free(keys);
	/* A process is forgotten only once every key of it is folded. */
	for (size_t i = 0; i < nended && !ret; i++)
		if (!bpf_map_delete_elem(procs_fd, &ended[i]))
			b->recycled_procs++;
	return ret;
}

/* Rows and hash keys of ended threads and processes into b->retired (see both). */
static int recycle(struct bpf_live *b)
{
	return recycle_rows(b) || recycle_keys(b) ? -1 : 0;
}

/*
 * Every key's counts, summed over the CPUs: the rows (one per vCPU thread,
 * by slot) and the exit_stats hash (exits with no row or slot). A key may
 * come more than once (a vCPU run by two threads): callers add.
 */
static int for_each_counts(struct bpf_live *b, counts_fn fn, void *ctx)
{
	int fd = bpf_map__fd(b->skel->maps.row_index);
	struct live_row_key rk, next, *prev = NULL;
	struct live_okey key, knext, *kprev = NULL;
	struct live_counts *vals;
	__u32 row;
	int ret = recycle(b);

	while (!ret && !bpf_map_get_next_key(fd, prev, &next)) {
		rk = next;
		prev = &rk;
		if (bpf_map_lookup_elem(fd, &rk, &row) || row >= LIVE_ROWS)
			continue;
		ret = row_counts(b, &rk, row, fn, ctx);
	}
	fd = bpf_map__fd(b->skel->maps.exit_stats);
	vals = calloc(b->ncpus, sizeof(*vals));
	if (!vals)
		return -1;
	while (!ret && !bpf_map_get_next_key(fd, kprev, &knext)) {
		struct exit_counts sum;

		key = knext;
		kprev = &key;
		if (hash_counts(b, fd, &key, vals, &sum))
			continue;	/* deleted meanwhile: cannot happen, only recycle() deletes */
		if (sum.count || sum.timed)
			ret = fn(ctx, &key.k, &sum);
	}
	free(vals);
	return ret;
}

static int add_totals(void *ctx, const struct live_key *k, const struct exit_counts *c)
{
	struct live_counters *lc = ctx;

	(void)k;
	lc->exits += c->count;
	lc->entries += c->timed;
	return 0;
}

static int bpf_counters(void *p, struct live_counters *c)
{
	struct bpf_live *b = p;
	int fd = bpf_map__fd(b->skel->maps.counters);

	memset(c, 0, sizeof(*c));
	for_each_counts(b, add_totals, c);
	c->exits += b->retired->total;
	c->entries += b->retired_timed;
	/* An exit the stats map had no room for was still an exit. */
	c->exits += sum_counter(b, fd, CNT_STATS_FULL);
	c->entries += sum_counter(b, fd, CNT_ENTRY_ALONE);
	c->lost = sum_counter(b, fd, CNT_RINGBUF_LOST) + sum_counter(b, fd, CNT_STATS_FULL) +
		  sum_counter(b, fd, CNT_NO_REASON);
	c->untimed = sum_counter(b, fd, CNT_PENDING_FULL);
	return 0;
}

static int add_stats(void *ctx, const struct live_key *lk, const struct exit_counts *sum)
{
	struct stats *s = ctx;
	/* VMX: the basic reason, as every other source keys it (flags dropped). */
	struct exit_key k = { lk->pid, lk->vcpu, lk->isa,
			      lk->isa == ISA_VMX ? lk->reason & VMX_EXIT_BASIC_MASK : lk->reason };
	struct exit_counts *c, times = *sum;

	if (!sum->count)
		return 0;
	/* The count through stats_add_count (it keeps the total), the rest added. */
	if (stats_add_count(s, &k, sum->count) || !(c = stats_counts(s, &k)))
		return -1;
	times.count = 0;
	exit_counts_merge(c, &times);
	return 0;
}

static int bpf_read(void *p, struct stats *s)
{
	struct bpf_live *b = p;

	if (for_each_counts(b, add_stats, s))
		return -1;
	return stats_merge(s, b->retired);
}

/* The details map summed over the CPUs, decoded into ds (core/detail.c), its RIPs into hs. */
static int bpf_details(void *p, struct detail_stats *ds, struct hotspot_stats *hs, uint64_t *lost)
{
	struct bpf_live *b = p;
	int fd = bpf_map__fd(b->skel->maps.details);
	struct live_dkey key, next, *prev = NULL;
	struct live_dcounts *vals = calloc(b->ncpus, sizeof(*vals));
	int ret = 0;

	if (!vals)
		return -1;
	while (!ret && !bpf_map_get_next_key(fd, prev, &next)) {
		struct live_dcounts sum = { 0 };
		struct exit_info in;
		struct exit_detail d;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (int i = 0; i < b->ncpus; i++) {
			sum.count += vals[i].count;
			sum.timed += vals[i].timed;
			sum.time_ns += vals[i].time_ns;
		}
		/* a key every exit of which moved on to its page (detail_page in the BPF program) */
		if (!sum.count)
			continue;
		if (ds && dinfo_info(&key.d, &in) && detail_decode(key.isa, key.reason, &in, &d))
			ret = detail_stats_add(ds, key.isa, key.reason, &d, sum.count, sum.timed,
					       sum.time_ns);
		if (!ret && hs && (key.d.flags & LIVE_DN_RIP))
			ret = hotspot_add(hs, key.isa, key.reason, key.d.rip, sum.count, sum.timed,
					  sum.time_ns);
	}
	free(vals);
	*lost = sum_counter(b, bpf_map__fd(b->skel->maps.counters), CNT_DETAIL_FULL);
	return ret;
}

static int bpf_events(void *p, uint64_t *counts, bool *attached)
{
	struct bpf_live *b = p;
	int fd = bpf_map__fd(b->skel->maps.kvm_events);
	struct live_counters c;

	for (__u32 i = 0; i < EVI__MAX; i++) {
		counts[i] = sum_counter(b, fd, i);
		attached[i] = b->attached[i];
	}
	bpf_counters(b, &c);
	counts[EVI_kvm_exit] = c.exits;
	counts[EVI_kvm_entry] = c.entries;
	return 0;
}

/* The exits still waiting for their entry: the pending_exits task iterator's records. */
static int bpf_flush_open(void *p, live_exit_fn fn, void *ctx, struct es_error *err)
{
	struct bpf_live *b = p;
	struct bpf_link *link;
	struct live_record_detail rd;
	struct live_record r;
	/* with --detail each is a live_record_detail */
	size_t have = 0, len = b->skel->rodata->detail_on ? sizeof(rd) : sizeof(r);
	ssize_t n;
	int fd, ret = 0;

	if (!b->skel->rodata->record_on || !b->skel->rodata->timing)
		return 0;
	link = bpf_program__attach_iter(b->skel->progs.pending_exits, NULL);
	if (!link) {
		es_error_set(err, "attaching the pending-exits iterator failed: %s", strerror(errno));
		return -1;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		es_error_set(err, "creating the pending-exits iterator failed: %s", strerror(errno));
		bpf_link__destroy(link);
		return -1;
	}
	while (!ret && (n = read(fd, (char *)&rd + have, len - have)) > 0) {
		have += n;
		if (have < len)
			continue;
		have = 0;
		r = rd.r;
		struct exit_event e = {
			.kind = EV_EXIT, .has_ts = true, .ts_ns = r.ts, .has_dur = false, .pid = r.pid,
			.tid = r.tid, .vcpu = r.vcpu, .isa = r.isa, .reason = r.reason,
		};
		if (len == sizeof(rd))
			e.has_info = dinfo_info(&rd.d, &e.info);
		ret = fn(ctx, &e);
	}
	if (!ret && n < 0) {
		es_error_set(err, "reading the pending-exits iterator failed: %s", strerror(errno));
		ret = -1;
	}
	close(fd);
	bpf_link__destroy(link);
	return ret;
}

static void bpf_stop_events(void *p);

/*
 * The end: detach every program, so the maps hold one moment (an exit
 * counted is in the stats read next) and the ring gets no more records; then
 * read what the ring still holds.
 */
static int bpf_finish(void *p, live_exit_fn fn, void *ctx, struct es_error *err)
{
	struct bpf_live *b = p;

	if (!b->finished) {
		for (int i = 0; i < b->nlinks; i++)
			bpf_link__destroy(b->links[i]);
		b->nlinks = 0;
		bpf_stop_events(b);
		b->finished = true;
	}
	if (!b->rb)
		return 0;
	b->fn = fn;
	b->fn_ctx = ctx;
	if (read_records(b, 0, true, err))
		return -1;
	return deliver_records(b, err);
}

static void bpf_close(void *p)
{
	struct bpf_live *b = p;

	/* --verbose: that recycling happened (a long run's VMs came and went) */
	if (b->diag.fn) {
		recycle(b);
		es_diag_say(&b->diag, "BPF recycled %" PRIu64 " rows of ended vCPU threads and %"
			    PRIu64 " exit_stats keys of %" PRIu64 " ended processes",
			    b->recycled_rows, b->recycled_keys, b->recycled_procs);
	}
	ring_buffer__free(b->rb);
	free(b->got);
	if (b->rows)
		munmap((void *)b->rows, b->rows_len);
	for (int i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	for (int i = 0; i < EVI__MAX; i++)
		bpf_link__destroy(b->mix_links[i]);
	exitstat_bpf__destroy(b->skel);
	stats_free(b->retired);
	free(b->cpu_vals);
	free(b);
}

static void bpf_stop_events(void *p)
{
	struct bpf_live *b = p;

	for (int i = 0; i < EVI__MAX; i++) {
		bpf_link__destroy(b->mix_links[i]);
		b->mix_links[i] = NULL;
	}
}

static const struct live_ops bpf_ops = {
	.stop_events = bpf_stop_events,
	.poll = bpf_poll,
	.counters = bpf_counters,
	.read = bpf_read,
	.details = bpf_details,
	.events = bpf_events,
	.flush_open = bpf_flush_open,
	.finish = bpf_finish,
	.close = bpf_close,
};

static struct bpf_program *mix_prog(struct exitstat_bpf *skel, unsigned int i)
{
	char name[64];

	snprintf(name, sizeof(name), "ev_%s", live_event_name(i));
	return bpf_object__find_program_by_name(skel->obj, name);
}

/*
 * Open, configure and load for one hook; NULL with err set. entry_vcpu:
 * tp_btf/kvm_entry has the vCPU (entry_has_vcpu()); pf_addr_off: with
 * PF_TRACEPOINT, kvm_page_fault's fault_address offset (page_fault_hook()).
 */
static struct exitstat_bpf *load(const struct live_opts *o, enum exit_hook hook,
				 bool entry_vcpu, enum pf_hook pf, int pf_addr_off,
				 struct es_error *err)
{
	struct exitstat_bpf *skel = exitstat_bpf__open();
	struct bpf_program *exit_prog, *entry_prog;
	int ret;

	if (!skel) {
		es_error_set(err, "opening the BPF object failed: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->targ_tgid = o->pid;
	skel->rodata->record_on = o->record;
	skel->rodata->follow_children = o->inherit_pid;
	skel->rodata->timing = !o->no_time;
	/* Tests: fewer rows, so exits take the exit_stats hash path (0: all of them). */
	if (getenv("EXITSTAT_TEST_BPF_ROWS"))
		skel->rodata->row_limit = strtoul(getenv("EXITSTAT_TEST_BPF_ROWS"), NULL, 10);
	/* --detail and --hotspots: the detail programs, the details map, records with their detail */
	skel->rodata->detail_on = o->detail_kinds || o->hotspots;
	skel->rodata->rip_on = o->hotspots;
	if (o->detail_kinds) {
		for (__u32 isa = LIVE_ISA_VMX; isa <= LIVE_ISA_SVM; isa++) {
			for (__u32 slot = 0; slot < LIVE_SLOTS; slot++) {
				__u32 i = (isa - 1) * LIVE_SLOTS + slot;
				struct detail_need n;

				detail_need(isa, live_slot_reason(isa, slot), o->detail_kinds, &n);
				if (!n.count)
					continue;
				skel->rodata->dflags[i] = LIVE_DN_COUNT | (n.intr ? LIVE_DN_INTR : 0) |
							  (n.msr ? LIVE_DN_MSR : 0) |
							  (n.gpa && pf != PF_NONE ? LIVE_DN_PF : 0);
				skel->rodata->dmask1[i] = n.mask1;
				skel->rodata->dmask2[i] = n.mask2;
				skel->rodata->dmask_intr[i] = n.mask_intr;
			}
		}
	}
	if (!o->detail_kinds && !o->hotspots)
		bpf_map__set_max_entries(skel->maps.details, 1);
	skel->rodata->pf_on = pf != PF_NONE;
	/* the pages' memslots: where a program has the vCPU (SVM's tp_btf exit, VMX's tp_btf page fault) */
	skel->rodata->region_on = (o->detail_kinds & (1u << DETAIL_NPF)) &&
				  (hook != HOOK_TRACEPOINT || pf == PF_BTF);
	if (pf == PF_TRACEPOINT)
		skel->rodata->off_pf_addr = pf_addr_off;
	/* Tests: a tiny exit_stats hash, so an exit finding no row is lost, not hidden. */
	if (getenv("EXITSTAT_TEST_BPF_HASH"))
		bpf_map__set_max_entries(skel->maps.exit_stats,
					 strtoul(getenv("EXITSTAT_TEST_BPF_HASH"), NULL, 10));
	if (hook == HOOK_TRACEPOINT) {
		int size;

		if (o->detail_kinds) {
			skel->rodata->off_info1 = live_tp_field("kvm_exit", "info1", &size);
			skel->rodata->off_info2 = live_tp_field("kvm_exit", "info2", &size);
			skel->rodata->off_intr = live_tp_field("kvm_exit", "intr_info", &size);
		}
		if (o->hotspots)
			skel->rodata->off_rip = live_tp_field("kvm_exit", "guest_rip", &size);

		skel->rodata->off_reason = live_tp_field("kvm_exit", "exit_reason", &size);
		skel->rodata->off_isa = live_tp_field("kvm_exit", "isa", &size);
		skel->rodata->off_vcpu = live_tp_field("kvm_exit", "vcpu_id", &size);
		if (skel->rodata->off_reason < 0) {
			es_error_set(err, "tracefs kvm_exit format has no exit_reason field");
			exitstat_bpf__destroy(skel);
			return NULL;
		}
	}
	/* --detail: the programs that read the exit information (the others carry none of it) */
	if (o->detail_kinds || o->hotspots)
		exit_prog = hook == HOOK_BTF_VCPU_ISA ? skel->progs.exit_btf_vcpu_isa_detail :
			    hook == HOOK_BTF_REASON_VCPU_ISA ? skel->progs.exit_btf_reason_vcpu_isa_detail :
			    skel->progs.exit_tp_detail;
	else
		exit_prog = hook == HOOK_BTF_VCPU_ISA ? skel->progs.exit_btf_vcpu_isa :
			    hook == HOOK_BTF_REASON_VCPU_ISA ? skel->progs.exit_btf_reason_vcpu_isa :
			    skel->progs.exit_tp;
	entry_prog = o->no_time ? NULL : hook == HOOK_TRACEPOINT ? skel->progs.entry_tp
			       : entry_vcpu ? skel->progs.entry_btf_vcpu : skel->progs.entry_btf;
	{
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, skel->obj)
			bpf_program__set_autoload(prog, prog == exit_prog || prog == entry_prog ||
						  (prog == skel->progs.on_fork && o->inherit_pid) ||
						  prog == skel->progs.on_thread_exit ||
						  (prog == skel->progs.pf_btf && pf == PF_BTF) ||
						  (prog == skel->progs.pf_tp && pf == PF_TRACEPOINT) ||
						  (prog == skel->progs.pending_exits &&
						   o->record && !o->no_time));
		for (unsigned int i = 0; i < EVI__MAX; i++)
			if (i != EVI_kvm_exit && i != EVI_kvm_entry && !o->no_event_mix)
				bpf_program__set_autoload(mix_prog(skel, i), true);
	}
	bpf_map__set_max_entries(skel->maps.records,
				 o->record ? (o->ringbuf_bytes ? o->ringbuf_bytes : 64u << 20)
					   : (unsigned int)sysconf(_SC_PAGESIZE));
	skel->rodata->ring_wake_bytes = bpf_map__max_entries(skel->maps.records) / 2;
	ret = exitstat_bpf__load(skel);
	if (ret) {
		es_error_set(err, "loading the BPF program (%s) failed: %s%s",
			     bpf_program__section_name(exit_prog), strerror(-ret),
			     ret == -EPERM ? " (needs root or CAP_BPF+CAP_PERFMON)" : "");
		exitstat_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* kvm_exit + kvm_entry must attach; the event-mix ones only where the tracepoint exists. */
static int attach(struct bpf_live *b, struct es_error *err)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, b->skel->obj) {
		struct bpf_link *link;
		int mix = -1;

		if (!bpf_program__autoload(prog) || prog == b->skel->progs.pending_exits)
			continue;	/* the iterator runs at the end (bpf_flush_open) */
		for (unsigned int i = 0; i < EVI__MAX; i++)
			if (prog == mix_prog(b->skel, i))
				mix = i;
		link = bpf_program__attach(prog);
		if (!link) {
			if (mix >= 0)
				continue;
			return es_error_set(err, "attaching BPF to %s failed: %s",
					    bpf_program__section_name(prog), strerror(errno));
		}
		if (mix >= 0) {
			b->mix_links[mix] = link;
			b->attached[mix] = true;
			continue;
		}
		if (b->nlinks == (int)(sizeof(b->links) / sizeof(b->links[0]))) {
			bpf_link__destroy(link);
			return es_error_set(err, "too many BPF links (at most %zu)",
					    sizeof(b->links) / sizeof(b->links[0]));
		}
		b->links[b->nlinks++] = link;
	}
	b->attached[EVI_kvm_exit] = true;
	b->attached[EVI_kvm_entry] = b->skel->rodata->timing;
	b->rows_len = bpf_map__value_size(b->skel->maps.rows) *
		      (size_t)bpf_map__max_entries(b->skel->maps.rows);
	b->rows = mmap(NULL, b->rows_len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(b->skel->maps.rows), 0);
	if (b->rows == MAP_FAILED) {
		b->rows = NULL;
		return es_error_set(err, "mapping the BPF counts (%zu bytes) failed: %s",
				    b->rows_len, strerror(errno));
	}
	if (b->skel->rodata->record_on) {
		b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.records), on_record, b, NULL);
		if (!b->rb) {
			return es_error_set(err, "creating the BPF ring buffer reader failed: %s",
					    strerror(errno));
		}
	}
	return 0;
}

void *live_bpf_open(const struct live_opts *o, const struct live_ops **ops, char *source,
		    size_t srclen, struct es_error *err)
{
	struct bpf_live *b = calloc(1, sizeof(*b));
	struct btf *vmlinux, *kvm = NULL;
	struct es_error btf_err = { "" };
	char why[256] = "";
	const char *vendor = NULL;
	int hook = -1;
	bool entry_vcpu = false;
	enum pf_hook pf = PF_NONE;
	int pf_addr_off = -1;

	if (!b) {
		es_error_set(err, "out of memory opening the BPF backend");
		return NULL;
	}
	libbpf_diag = o->verbose ? o->diag : (struct es_diag){ 0 };
	libbpf_set_print(libbpf_print);
	b->ncpus = libbpf_num_possible_cpus();
	if (b->ncpus <= 0) {
		es_error_set(err, "cannot count the possible CPUs: %s", strerror(-b->ncpus));
		free(b);
		return NULL;
	}
	b->cpu_vals = calloc(b->ncpus, sizeof(*b->cpu_vals));
	b->retired = stats_new();
	if (!b->cpu_vals || !b->retired) {
		es_error_set(err, "out of memory for %d CPUs' counters", b->ncpus);
		stats_free(b->retired);
		free(b->cpu_vals);
		free(b);
		return NULL;
	}

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		es_error_set(err, "no /sys/kernel/btf/vmlinux: this kernel has no BTF "
			     "(CONFIG_DEBUG_INFO_BTF), which the BPF backend needs; use --backend perf");
		stats_free(b->retired);
		free(b->cpu_vals);
		free(b);
		return NULL;
	}
	vmlinux = o->bpf_tracepoint ? NULL : btf__load_vmlinux_btf();
	if (o->bpf_tracepoint)
		snprintf(why, sizeof(why), "asked for with --bpf-attach tracepoint");
	if (vmlinux) {
		vendor = vendor_btf(vmlinux);
		/* the kvm tracepoints' prototypes (tp_first_arg_ptr), parsed once */
		kvm = btf__load_module_btf("kvm", vmlinux);
	}
	pf = page_fault_hook(o, vmlinux, kvm, vendor, &pf_addr_off);
	if (vmlinux) {
		hook = exit_hook_from_btf(vmlinux, kvm, why, sizeof(why));
		entry_vcpu = entry_has_vcpu(vmlinux, kvm);
		if (hook == HOOK_BTF_VCPU_ISA && !vendor) {
			snprintf(why, sizeof(why),
				 "no BTF for vcpu_svm/vcpu_vmx (kvm_amd/kvm_intel module BTF)");
			hook = -1;
		}
		if (hook >= 0 && (o->detail_kinds || o->hotspots) && vendor &&
		    (strstr(vendor, "vmx") || !strcmp(vendor, "kvm_intel"))) {
			/* VMX reads its exit qualification and RIP from the VMCS after kvm_exit's probes */
			snprintf(why, sizeof(why), "%s on VMX: the exit %s in the tracepoint's "
				 "record, not yet in vcpu_vmx at tp_btf time",
				 o->detail_kinds ? "--detail" : "--hotspots",
				 o->detail_kinds ? "qualification is" : "RIP (guest_rip) is");
			hook = -1;
		}
		btf__free(kvm);
		btf__free(vmlinux);
	}
	if (hook >= 0) {
		b->skel = load(o, hook, entry_vcpu, pf, pf_addr_off, &btf_err);
		if (b->skel && hook == HOOK_BTF_VCPU_ISA)
			snprintf(source, srclen,
				 "live: BPF tp_btf/kvm_exit, reason via CO-RE from %s BTF", vendor);
		else if (b->skel)
			snprintf(source, srclen, "live: BPF tp_btf/kvm_exit (exit_reason argument)");
	}
	if (!b->skel) {
		b->skel = load(o, HOOK_TRACEPOINT, false, pf, pf_addr_off, err);
		if (!b->skel) {
			stats_free(b->retired);
			free(b->cpu_vals);
			free(b);
			return NULL;
		}
		snprintf(source, srclen, "live: BPF tracepoint kvm:kvm_exit (%s%s)",
			 why[0] ? why : "tp_btf failed: ", why[0] ? "" : btf_err.msg);
	}
	if (pf != PF_NONE) {
		size_t n = strlen(source);

		snprintf(source + n, srclen - n, "; EPT violation pages from %s/kvm_page_fault",
			 pf == PF_BTF ? "tp_btf" : "tracepoint");
	}
	if (attach(b, err)) {
		bpf_close(b);
		return NULL;
	}
	b->diag = libbpf_diag;	/* bpf_close's line: only after a run */
	*ops = &bpf_ops;
	return b;
}
