// SPDX-License-Identifier: GPL-2.0
/*
 * trace-cmd's trace.dat, read by its fields through libtracecmd and
 * libtraceevent. See trace_dat.h.
 *
 * libtracecmd parses the file's headers and the events' formats (as the
 * kernel that recorded it wrote them) and hands over each record in time
 * order across CPUs and buffers; libtraceevent finds a field by its name in
 * that format, so the offsets of every kernel era come from the file itself.
 */
#include <stdlib.h>
#include <string.h>

#include "sources/trace_dat.h"

#ifdef EXITSTAT_NO_TRACECMD

int trace_dat_read(const char *path, const char *name, const struct trace_opts *opts,
		   trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err)
{
	(void)path, (void)opts, (void)fn, (void)ctx;
	memset(res, 0, sizeof(*res));
	res->format = TRACE_DAT;
	return es_error_set(err, "%s: a trace-cmd trace.dat, which this static exitstat cannot read "
			    "(Debian ships no static libtracecmd); use the dynamically linked "
			    "exitstat, or print it with `trace-cmd report -i FILE`", name);
}

#else

#include <trace-cmd.h>

/* Field of an event, or NULL when the event (or the field) is not there. */
static struct tep_format_field *field_of(struct tep_event *ev, const char *name)
{
	return ev ? tep_find_field(ev, name) : NULL;
}

struct trace_dat_kvm {
	struct tep_handle *tep;
	const char *name;
	enum exit_isa isa_hint;
	int exit_id, entry_id, nested_id, nested_inject_id;	/* -1: not in the file */
	struct tep_format_field *exit_reason, *exit_isa, *exit_vcpu, *entry_vcpu;
};

static int id_of(struct tep_event *ev)
{
	return ev ? ev->id : -1;
}

struct trace_dat_kvm *trace_dat_kvm_new(struct tep_handle *tep, const struct trace_opts *opts,
					const char *name, struct es_error *err)
{
	struct tep_event *ex = tep_find_event_by_name(tep, "kvm", "kvm_exit");
	struct tep_event *en = tep_find_event_by_name(tep, "kvm", "kvm_entry");
	struct trace_dat_kvm *k;

	if (!ex && !en) {
		es_error_set(err, "%s: no kvm_exit or kvm_entry events recorded (record with "
			     "`trace-cmd record -e kvm:kvm_exit -e kvm:kvm_entry`)", name);
		return NULL;
	}
	if (ex && !field_of(ex, "exit_reason")) {
		es_error_set(err, "%s: the file's kvm_exit format has no exit_reason field", name);
		return NULL;
	}
	if (en && !field_of(en, "vcpu_id")) {
		es_error_set(err, "%s: the file's kvm_entry format has no vcpu_id field", name);
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		es_error_set(err, "%s: out of memory", name);
		return NULL;
	}
	k->tep = tep;
	k->name = name;
	k->isa_hint = opts ? opts->isa_hint : ISA_UNKNOWN;
	k->exit_id = id_of(ex);
	k->entry_id = id_of(en);
	k->nested_id = id_of(tep_find_event_by_name(tep, "kvm", "kvm_nested_vmexit"));
	k->nested_inject_id = id_of(tep_find_event_by_name(tep, "kvm", "kvm_nested_vmexit_inject"));
	k->exit_reason = field_of(ex, "exit_reason");
	k->exit_isa = field_of(ex, "isa");	/* since 2.6.34 */
	k->exit_vcpu = field_of(ex, "vcpu_id");	/* since 5.5 */
	k->entry_vcpu = field_of(en, "vcpu_id");
	return k;
}

void trace_dat_kvm_free(struct trace_dat_kvm *k)
{
	free(k);
}

static int read_field(const struct trace_dat_kvm *k, struct tep_format_field *f,
		      struct tep_record *rec, unsigned long long *val, struct es_error *err)
{
	if (f->offset + f->size > rec->size || tep_read_number_field(f, rec->data, val))
		return es_error_set(err, "%s: record at offset %llu: cannot read field %s "
				    "(%d bytes at %d of a %d-byte record)", k->name,
				    rec->offset, f->name, f->size, f->offset, rec->size);
	return 0;
}

int trace_dat_kvm_event(const struct trace_dat_kvm *k, struct tep_record *rec,
			struct exit_event *ev, enum trace_dat_kind *kind, struct es_error *err)
{
	int id = tep_data_type(k->tep, rec);
	unsigned long long v;
	int pid;

	*kind = TD_OTHER;
	if (id < 0)
		return 0;
	if (id == k->nested_id || id == k->nested_inject_id) {
		*kind = TD_NESTED;
		return 0;
	}
	if (id != k->exit_id && id != k->entry_id)
		return 0;
	memset(ev, 0, sizeof(*ev));
	pid = tep_data_pid(k->tep, rec);
	ev->pid = ev->tid = pid < 0 ? 0 : (uint32_t)pid;
	ev->has_ts = true;
	ev->ts_ns = rec->ts;
	ev->vcpu = STATS_VCPU_UNKNOWN;
	if (id == k->entry_id) {
		*kind = TD_ENTRY;
		ev->kind = EV_ENTRY;
		if (read_field(k, k->entry_vcpu, rec, &v, err))
			return -1;
		ev->vcpu = (uint32_t)v;
		return 0;
	}
	*kind = TD_EXIT;
	ev->kind = EV_EXIT;
	if (read_field(k, k->exit_reason, rec, &v, err))
		return -1;
	ev->reason = (uint32_t)v;
	if (k->exit_vcpu) {
		if (read_field(k, k->exit_vcpu, rec, &v, err))
			return -1;
		ev->vcpu = (uint32_t)v;
	}
	if (!k->exit_isa) {
		if (k->isa_hint == ISA_UNKNOWN)
			return es_error_set(err, "%s: kvm_exit has no isa field (a kernel before "
					    "2.6.34): say which with --isa vmx or --isa svm", k->name);
		ev->isa = k->isa_hint;
		return 0;
	}
	if (read_field(k, k->exit_isa, rec, &v, err))
		return -1;
	/* The kernel's KVM_ISA_VMX (1) and KVM_ISA_SVM (2) are exit_isa's values. */
	if (v != ISA_VMX && v != ISA_SVM)
		return es_error_set(err, "%s: record at offset %llu: kvm_exit isa %llu is neither "
				    "VMX (1) nor SVM (2)", k->name, rec->offset, v);
	ev->isa = (enum exit_isa)v;
	return 0;
}

/* One open trace.dat: the top buffer's handle and each instance's. */
struct dat_reader {
	const char *name;
	const struct trace_opts *opts;
	trace_event_fn fn;
	void *ctx;
	struct trace_result *res;
	struct es_error *err;
	struct tracecmd_input **handles;
	struct trace_dat_kvm **kvm;	/* per handle; NULL: no kvm events in that buffer */
	int nhandles;
	int rc;			/* what stopped the iteration */
	bool isa_seen[3];
};

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct dat_reader *r = data;
	struct trace_dat_kvm *k = NULL;
	enum trace_dat_kind kind;
	struct exit_event ev;

	(void)cpu;
	if (r->rc)
		return r->rc;	/* stopped: libtracecmd may still offer a record */
	for (int i = 0; i < r->nhandles; i++)
		if (r->handles[i] == h)
			k = r->kvm[i];
	r->res->lines++;
	if (rec->missed_events > 0)
		r->res->lost += (uint64_t)rec->missed_events;
	else if (rec->missed_events < 0)
		r->res->lost_marks++;
	if (!k)
		return 0;
	if (trace_dat_kvm_event(k, rec, &ev, &kind, r->err)) {
		r->rc = -1;
		return -1;
	}
	switch (kind) {
	case TD_NESTED:
		r->res->nested_exits++;
		return 0;
	case TD_OTHER:
		r->res->other_events++;
		return 0;
	case TD_EXIT:
		r->res->exits++;
		r->isa_seen[ev.isa] = true;
		break;
	case TD_ENTRY:
		r->res->entries++;
		break;
	}
	r->rc = r->fn(r->ctx, &ev);
	return r->rc;
}

/* Open every buffer of the file: handles[0] the top one, then the instances. */
static int open_buffers(struct dat_reader *r, struct tracecmd_input *top)
{
	int n = tracecmd_buffer_instances(top), have_kvm = 0;
	struct es_error why = { { 0 } };

	r->handles = calloc((size_t)n + 1, sizeof(*r->handles));
	r->kvm = calloc((size_t)n + 1, sizeof(*r->kvm));
	if (!r->handles || !r->kvm)
		return es_error_set(r->err, "%s: out of memory", r->name);
	r->handles[0] = top;
	r->nhandles = 1;
	for (int i = 0; i < n; i++) {
		struct tracecmd_input *h = tracecmd_buffer_instance_handle(top, i);

		if (!h)
			return es_error_set(r->err, "%s: libtracecmd cannot open buffer instance %s",
					    r->name, tracecmd_buffer_instance_name(top, i));
		r->handles[r->nhandles++] = h;
	}
	for (int i = 0; i < r->nhandles; i++) {
		r->kvm[i] = trace_dat_kvm_new(tracecmd_get_tep(r->handles[i]), r->opts, r->name,
					      i ? NULL : &why);
		have_kvm += r->kvm[i] != NULL;
	}
	if (!have_kvm)
		return es_error_set(r->err, "%s", why.msg);
	return 0;
}

int trace_dat_read(const char *path, const char *name, const struct trace_opts *opts,
		   trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err)
{
	struct dat_reader r = {
		.name = name, .opts = opts, .fn = fn, .ctx = ctx, .res = res, .err = err,
	};
	struct tracecmd_input *top;
	int rc;

	memset(res, 0, sizeof(*res));
	res->format = TRACE_DAT;
	/* libtracecmd would print its complaints on stderr; ours name the file. */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	top = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!top)
		return es_error_set(err, "%s: libtracecmd cannot read it as a trace.dat (damaged, cut "
				    "short, or a file version it does not know)", name);
	rc = open_buffers(&r, top);
	if (!rc) {
		rc = tracecmd_iterate_events_multi(r.handles, r.nhandles, on_record, &r);
		if (r.rc)
			rc = r.rc;	/* a bad record (err set) or the callback's value */
		else if (rc < 0)
			rc = es_error_set(err, "%s: libtracecmd failed reading the events (damaged "
					  "file?)", name);
	}
	res->isa = r.isa_seen[ISA_VMX] == r.isa_seen[ISA_SVM] ? ISA_UNKNOWN
			: r.isa_seen[ISA_VMX] ? ISA_VMX : ISA_SVM;
	for (int i = 0; i < r.nhandles; i++)
		trace_dat_kvm_free(r.kvm ? r.kvm[i] : NULL);
	for (int i = r.nhandles - 1; i > 0; i--)
		tracecmd_close(r.handles[i]);
	tracecmd_close(top);
	free(r.handles);
	free(r.kvm);
	return rc;
}

#endif
