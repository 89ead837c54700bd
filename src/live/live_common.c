// SPDX-License-Identifier: GPL-2.0
/* Live collection: backend choice, preflight checks and tracefs helpers. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <linux/types.h>

#include "live/bpf/live_events.h"
#include "live/live.h"
#include "live/live_impl.h"

struct live_src {
	void *b;
	const struct live_ops *ops;
	bool bpf;
	char source[256];
	char note[512];
};

#define EV_NAME(name) #name,
static const char *const event_names[] = {
	LIVE_KVM_EVENTS(EV_NAME)
};
_Static_assert(EVI__MAX <= LIVE_EVENTS_MAX, "LIVE_EVENTS_MAX (live.h) is below the event mix");

const char *live_event_name(unsigned int i)
{
	return i < live_event_count() ? event_names[i] : NULL;
}

unsigned int live_event_count(void)
{
	return sizeof(event_names) / sizeof(event_names[0]);
}

int live_backend_parse(const char *s, enum live_backend *b)
{
	if (!strcmp(s, "auto"))
		*b = BACKEND_AUTO;
	else if (!strcmp(s, "bpf"))
		*b = BACKEND_BPF;
	else if (!strcmp(s, "perf"))
		*b = BACKEND_PERF;
	else
		return -1;
	return 0;
}

const char *live_tracefs_events(struct es_error *err)
{
	static const char *const dirs[] = { "/sys/kernel/tracing/events",
					    "/sys/kernel/debug/tracing/events" };
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!stat(dirs[i], &st) && S_ISDIR(st.st_mode))
			return dirs[i];
	es_error_set(err, "tracefs is not mounted (no /sys/kernel/tracing/events): "
		     "mount it with `mount -t tracefs nodev /sys/kernel/tracing`");
	return NULL;
}

static FILE *open_event_file(const char *event, const char *file)
{
	const char *dir = live_tracefs_events(NULL);
	char path[512];

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/kvm/%s/%s", dir, event, file);
	return fopen(path, "r");
}

int live_tp_id(const char *event)
{
	FILE *f = open_event_file(event, "id");
	int id = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &id) != 1)
		id = -1;
	fclose(f);
	return id;
}

int live_tp_field(const char *event, const char *field, int *size)
{
	FILE *f = open_event_file(event, "format");
	char line[1024];
	int off = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *decl = strstr(line, "field:"), *semi, *name;
		int o, sz;

		if (!decl || !(semi = strchr(decl, ';')))
			continue;
		*semi = '\0';
		/* the name is the last word of the declaration (no arrays here) */
		name = strrchr(decl, ' ');
		name = name ? name + 1 : decl + 6;
		if (strcmp(name, field))
			continue;
		if (sscanf(semi + 1, " offset:%d; size:%d;", &o, &sz) == 2) {
			off = o;
			if (size)
				*size = sz;
		}
		break;
	}
	fclose(f);
	return off;
}

static bool have_cap(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

int live_preflight(uint32_t pid, enum live_backend b, struct es_error *err)
{
	char path[64], tmp[256];
	const char *events;
	struct stat st;

	/* No KVM on this kernel: nothing else matters, say it first. */
	if (stat("/dev/kvm", &st)) {
		if (stat("/sys/module/kvm", &st))
			return es_error_set(err, "/dev/kvm is missing: the KVM module is not loaded "
					    "(`modprobe kvm_intel` or `modprobe kvm_amd`), so no VM "
					    "runs on this host");
		return es_error_set(err, "/dev/kvm is missing: the kvm module is loaded but neither "
				    "kvm_intel nor kvm_amd (a CPU without VMX/SVM, or it is off in "
				    "the firmware), so no VM runs on this host");
	}
	if (geteuid() != 0 && !have_cap(CAP_SYS_ADMIN)) {
		bool bpf = have_cap(39 /* CAP_BPF */), perfmon = have_cap(38 /* CAP_PERFMON */);

		if (!perfmon || (b == BACKEND_BPF && !bpf))
			return es_error_set(err, "not root and missing %s%s%s: live collection needs "
					    "root, or CAP_BPF and CAP_PERFMON (e.g. `sudo exitstat ...`)",
					    bpf ? "" : "CAP_BPF", !bpf && !perfmon ? " and " : "",
					    perfmon ? "" : "CAP_PERFMON");
	}
	events = live_tracefs_events(err);
	if (!events)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/kvm/kvm_exit", events);
	if (stat(tmp, &st))
		return es_error_set(err, "no kvm tracepoints (%s is missing): KVM is not loaded "
				    "(`modprobe kvm_intel` or `modprobe kvm_amd`)", tmp);
	if (pid) {
		FILE *f;
		char line[128];
		unsigned int tgid = 0;

		snprintf(path, sizeof(path), "/proc/%u/status", pid);
		f = fopen(path, "r");
		if (!f)
			return es_error_set(err, "no process with pid %u (no /proc/%u)", pid, pid);
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Tgid: %u", &tgid) == 1)
				break;
		fclose(f);
		/* The filter is on the VM process; a vCPU thread's id would match nothing. */
		if (tgid && tgid != pid)
			return es_error_set(err, "%u is a thread of process %u: give -p %u", pid, tgid,
					    tgid);
	}
	return 0;
}

struct live_src *live_open(const struct live_opts *o, struct es_error *err)
{
	struct live_src *l = calloc(1, sizeof(*l));
	struct es_error berr = { "" }, perr = { "" };

	if (!l) {
		es_error_set(err, "out of memory opening live collection");
		return NULL;
	}
	if (o->backend != BACKEND_PERF) {
		l->b = live_bpf_open(o, &l->ops, l->source, sizeof(l->source), &berr);
		if (l->b) {
			l->bpf = true;
			return l;
		}
		if (o->backend == BACKEND_BPF || o->record) {
			es_error_set(err, "%s", berr.msg);
			free(l);
			return NULL;
		}
	}
	l->b = live_perf_open(o, &l->ops, l->source, sizeof(l->source), &perr);
	if (!l->b) {
		if (berr.msg[0])
			es_error_set(err, "BPF: %s; perf: %s", berr.msg, perr.msg);
		else
			es_error_set(err, "%s", perr.msg);
		free(l);
		return NULL;
	}
	if (berr.msg[0])
		snprintf(l->note, sizeof(l->note), "perf backend because BPF failed: %s", berr.msg);
	return l;
}

const char *live_source(const struct live_src *l)
{
	return l->source;
}

const char *live_note(const struct live_src *l)
{
	return l->note[0] ? l->note : NULL;
}

bool live_is_bpf(const struct live_src *l)
{
	return l->bpf;
}

int live_poll(struct live_src *l, int timeout_ms, live_exit_fn fn, void *ctx,
	      struct es_error *err)
{
	return l->ops->poll(l->b, timeout_ms, fn, ctx, err);
}

int live_counters(struct live_src *l, struct live_counters *c)
{
	memset(c, 0, sizeof(*c));
	return l->ops->counters(l->b, c);
}

int live_read(struct live_src *l, struct stats *s, struct es_error *err)
{
	struct live_counters lc = { 0 };

	stats_reset(s);
	/* Both backends fail only to grow s. */
	if (l->ops->read(l->b, s))
		return es_error_set(err, "out of memory reading the live counts into the stats");
	l->ops->counters(l->b, &lc);
	s->lost = lc.lost;
	return 0;
}

int live_details(struct live_src *l, struct detail_stats *ds, struct hotspot_stats *hs,
		 uint64_t *lost, struct es_error *err)
{
	*lost = 0;
	if (!l->ops->details)
		return es_error_set(err, "this backend (%s) has no exit details", l->source);
	if (l->ops->details(l->b, ds, hs, lost))
		return es_error_set(err, "reading the exit details from %s failed: %s", l->source,
				    strerror(errno ? errno : ENOMEM));
	return 0;
}

int live_events(struct live_src *l, uint64_t *counts, bool *attached)
{
	memset(counts, 0, live_event_count() * sizeof(*counts));
	memset(attached, 0, live_event_count() * sizeof(*attached));
	return l->ops->events(l->b, counts, attached);
}

int live_finish(struct live_src *l, live_exit_fn fn, void *ctx, struct es_error *err)
{
	return l->ops->finish ? l->ops->finish(l->b, fn, ctx, err) :
				l->ops->poll(l->b, 0, fn, ctx, err);
}

void live_lost_note(struct live_src *l, char *buf, size_t len)
{
	buf[0] = '\0';
	if (l->ops->lost_note)
		l->ops->lost_note(l->b, buf, len);
}

int live_flush_open(struct live_src *l, live_exit_fn fn, void *ctx, struct es_error *err)
{
	return l->ops->flush_open ? l->ops->flush_open(l->b, fn, ctx, err) : 0;
}

void live_stop_events(struct live_src *l)
{
	if (l->ops->stop_events)
		l->ops->stop_events(l->b);
}

void live_close(struct live_src *l)
{
	if (!l)
		return;
	if (l->b)
		l->ops->close(l->b);
	free(l);
}
