// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat serve`: a Prometheus exporter. Collection runs in the main
 * thread as in live (in-kernel aggregation with BPF, perf as the fallback);
 * every --refresh seconds it reads the counts and writes the exposition
 * (output/metrics.c) into a new buffer. libmicrohttpd's own thread answers
 * /metrics with a copy of the latest buffer, so a scrape never waits for
 * collection and a slow client never stalls it.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <microhttpd.h>

#include "cmd/cli.h"
#include "cmd/collect.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "core/array.h"
#include "live/vm_name.h"
#include "output/metrics.h"

#ifndef EXITSTAT_VERSION
#define EXITSTAT_VERSION "unknown"
#endif

#define SERVE_PORT 9089
#define SERVE_LISTEN "127.0.0.1:" CLI_XSTR(SERVE_PORT)

enum {
	OPT_LISTEN = CLI_OWN, OPT_VM_LABEL, OPT_MAX_SERIES, OPT_GRACE, OPT_REFRESH,
	OPT_NO_HISTOGRAM, OPT_MAX_CONN, OPT_BACKEND, OPT_NO_TIME,
};

static const struct cli_opt opt_listen = {
	"listen", 'l', CLI_ARG, "ADDR:PORT", "where to serve /metrics (default " SERVE_LISTEN
	": the Prometheus exporter range 9100-9999 is fully allocated, so exitstat takes a "
	"port outside it; [ADDR]:PORT for IPv6; port 0 picks a free one, said on stderr)",
	OPT_LISTEN, 0 };
static const struct cli_opt opt_vm_label = {
	"vm-label-from", 0, CLI_ARG, "cmdline|libvirt|none", "the vm label: QEMU's -name "
	"(default), libvirt's pid files (then -name), or the pid", OPT_VM_LABEL, 0 };
static const struct cli_opt opt_max_series = {
	"max-series", 0, CLI_ARG, "N", "export at most N (VM, vCPU, reason) keys, the first in "
	"key order (default 100000; 0: no limit); exitstat_series_dropped says how many were "
	"left out", OPT_MAX_SERIES, 0 };
static const struct cli_opt opt_grace = {
	"grace", 0, CLI_ARG, "SECONDS", "keep exporting a VM that ended for SECONDS (default 60), "
	"so the last scrape sees its final counts; then its series go", OPT_GRACE, 0 };
static const struct cli_opt opt_refresh = {
	"refresh", 0, CLI_ARG, "SECONDS", "read the counts every SECONDS (default 1): a scrape "
	"sees counts at most this old (exitstat_snapshot_time_seconds)", OPT_REFRESH, 0 };
static const struct cli_opt opt_no_histogram = {
	"no-histogram", 0, CLI_NO_ARG, NULL, "no kvm_exit_duration_seconds histogram (30 "
	"series fewer per key)", OPT_NO_HISTOGRAM, 0 };
static const struct cli_opt opt_max_conn = {
	"max-connections", 0, CLI_ARG, "N", "serve at most N clients at once (default 16, 4 "
	"per address); idle connections close after 10 s", OPT_MAX_CONN, 0 };
static const struct cli_opt opt_backend = {
	"backend", 0, CLI_ARG, "auto|bpf|perf", "BPF aggregates in the kernel (default); perf "
	"samples the tracepoints", OPT_BACKEND, 0 };
static const struct cli_opt opt_no_time = {
	"no-time", 0, CLI_NO_ARG, NULL, "count only: no kvm:kvm_entry, no time in exit",
	OPT_NO_TIME, 0 };

static const struct cli_opt *const serve_opts[] = {
	&opt_listen, &cli_opt_pid, &opt_vm_label, &opt_max_series, &opt_grace, &opt_refresh,
	&opt_no_histogram, &opt_max_conn, &opt_backend, &opt_no_time, &cli_opt_ready_file,
	&cli_opt_verbose, NULL,
};

const struct cli_cmd cli_cmd_serve = {
	.name = "serve",
	.title = "serve",
	.summary = "serve per-VM, per-vCPU, per-reason exit metrics to Prometheus",
	.synopsis = "[OPTIONS]",
	.description =
		"Counts VM exits per VM, vCPU and reason (and the time in exit) live from\n"
		"the kernel, as `exitstat live` does, and serves them in the Prometheus text\n"
		"format at http://ADDR:PORT/metrics. Counts are cumulative from the start.\n"
		"A VM that ends keeps its series for --grace seconds. SIGTERM or SIGINT\n"
		"ends it cleanly; SIGHUP looks the VM names up again. docs/serve.md lists\n"
		"the metrics, with PromQL examples.",
	.opts = serve_opts,
	.operands = CLI_NONE,
	.run = cmd_serve,
};

/* A VM seen in the counts: its label, and since when it is gone (0: alive). */
struct serve_vm {
	uint32_t pid;
	char name[128];
	double gone_since;
};

struct serve {
	struct collect col;
	const char *listen;
	enum vm_name_from vm_from;
	uint64_t max_series, max_conn;
	double grace, refresh;
	bool histogram, mix_stopped;
	struct stats *stats;
	struct serve_vm *vms;
	size_t nvms, vms_cap;
	double now, start_unix;
	struct addrinfo *addr;	/* --listen, parsed */
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;	/* guards body and body_len: the HTTP thread reads them */
	char *body;
	size_t body_len;
};

static volatile sig_atomic_t serve_hup;

static void on_hup(int sig)
{
	(void)sig;
	serve_hup = 1;
}

/* --listen into an address: numeric ADDR:PORT or [ADDR6]:PORT. 0 or -1. */
static int listen_addr(const char *listen, struct addrinfo **ai)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM };
	char host[256];
	const char *colon = strrchr(listen, ':');
	int rc;

	uint64_t port;

	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host) ||
	    !cli_parse_u64(colon + 1, &port) || port > 65535)
		return -1;	/* the parser says: bad value for --listen */
	if (listen[0] == '[' && colon[-1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen - 2), listen + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
	if (*ai)
		freeaddrinfo(*ai);
	*ai = NULL;
	rc = getaddrinfo(host, colon + 1, &hints, ai);
	return rc ? -1 : 0;
}

static int apply_serve(void *ctx, int id, const char *arg)
{
	struct serve *s = ctx;

	switch (id) {
	case OPT_LISTEN:
		s->listen = arg;
		return listen_addr(arg, &s->addr);
	case OPT_VM_LABEL:
		return vm_name_from_parse(arg, &s->vm_from);
	case OPT_MAX_SERIES:
		return cli_parse_u64(arg, &s->max_series) ? 0 : -1;
	case OPT_GRACE:
		return cli_parse_double(arg, 0, 1e9, &s->grace) ? 0 : -1;
	case OPT_REFRESH:
		return cli_parse_double(arg, 0.01, 3600, &s->refresh) ? 0 : -1;
	case OPT_NO_HISTOGRAM:
		s->histogram = false;
		return 0;
	case OPT_MAX_CONN:
		return cli_parse_u64(arg, &s->max_conn) && s->max_conn && s->max_conn <= 10000 ?
		       0 : -1;
	case OPT_BACKEND:
		return live_backend_parse(arg, &s->col.lo.backend);
	case OPT_NO_TIME:
		s->col.lo.no_time = true;
		return 0;
	default:
		return collect_apply(&s->col, id, arg);
	}
}

/* The VM of pid in the table, added (its name looked up) if new; NULL when out of memory. */
static struct serve_vm *serve_vm(struct serve *s, uint32_t pid)
{
	struct serve_vm *v;

	for (size_t i = 0; i < s->nvms; i++)
		if (s->vms[i].pid == pid)
			return &s->vms[i];
	if (array_reserve(&s->vms, &s->vms_cap, s->nvms + 1, sizeof(*s->vms), 16))
		return NULL;
	v = &s->vms[s->nvms++];
	*v = (struct serve_vm){ .pid = pid };
	if (!vm_name_of(pid, s->vm_from, "", v->name, sizeof(v->name)))
		snprintf(v->name, sizeof(v->name), "%u", pid);
	return v;
}

static const char *vm_label(void *ctx, uint32_t pid, char *buf, size_t len)
{
	struct serve_vm *v = serve_vm(ctx, pid);

	snprintf(buf, len, "%s", v ? v->name : "");
	return buf;
}

/* Still exported: alive, or gone for less than --grace. */
static bool vm_keep(void *ctx, uint32_t pid)
{
	struct serve *s = ctx;
	struct serve_vm *v = serve_vm(s, pid);

	if (!v)
		return true;
	if (v->gone_since && vm_alive(pid, "")) {
		/* The pid is in use again: a new process (its counts add to the old ones'). */
		v->gone_since = 0;
		if (!vm_name_of(pid, s->vm_from, "", v->name, sizeof(v->name)))
			snprintf(v->name, sizeof(v->name), "%u", pid);
	} else if (!v->gone_since && !vm_alive(pid, "")) {
		v->gone_since = s->now;
	}
	return !v->gone_since || s->now - v->gone_since < s->grace;
}

static double unix_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec * 1e-6;
}

/* The exposition of the counts now, in a new buffer: 0, or -1 (said). */
static int build_body(struct serve *s, char **body, size_t *len)
{
	unsigned int n = live_event_count();
	uint64_t counts[LIVE_EVENTS_MAX];
	bool attached[LIVE_EVENTS_MAX];
	const char *names[LIVE_EVENTS_MAX];
	struct live_counters lc;
	struct es_error err;
	FILE *f;
	int rc;

	if (live_read(s->col.src, s->stats, &err)) {
		msg_error("serve", &err);
		return -1;
	}
	live_counters(s->col.src, &lc);
	live_events(s->col.src, counts, attached);
	for (unsigned int i = 0; i < n; i++) {
		names[i] = live_event_name(i);
		attached[i] = attached[i] && !s->mix_stopped;
	}
	f = open_memstream(body, len);
	if (!f)
		return -1;
	rc = metrics_write(f, &(struct metrics_view){
		.stats = s->stats, .vm_name = vm_label, .keep = vm_keep, .ctx = s,
		.max_series = s->max_series, .histogram = s->histogram && !s->col.lo.no_time,
		.up = true, .kvm_exit_fired = lc.exits > 0, .lost = lc.lost,
		.untimed = lc.untimed, .source = live_source(s->col.src),
		.version = EXITSTAT_VERSION, .start_unix = s->start_unix,
		.snapshot_unix = unix_now(), .nevents = n, .event_names = names,
		.event_counts = counts, .event_attached = attached }, NULL);
	if (fclose(f) || rc) {
		fprintf(stderr, "exitstat serve: writing the metrics failed: %s\n", strerror(errno));
		free(*body);
		return -1;
	}
	return 0;
}

/* Read the counts and make them what /metrics answers. 0 or -1 (said). */
static int refresh(struct serve *s)
{
	char *body = NULL, *old;
	size_t len = 0;
	struct live_counters lc;

	live_counters(s->col.src, &lc);
	if (lc.exits && !s->mix_stopped) {
		/* kvm_exit fires: the event mix is not needed and costs on every exit. */
		live_stop_events(s->col.src);
		s->mix_stopped = true;
	}
	if (serve_hup) {
		serve_hup = 0;
		for (size_t i = 0; i < s->nvms; i++)	/* a renamed VM gets its new name */
			if (!s->vms[i].gone_since &&
			    !vm_name_of(s->vms[i].pid, s->vm_from, "", s->vms[i].name,
					sizeof(s->vms[i].name)))
				snprintf(s->vms[i].name, sizeof(s->vms[i].name), "%u",
					 s->vms[i].pid);
	}
	if (build_body(s, &body, &len))
		return -1;
	pthread_mutex_lock(&s->lock);
	old = s->body;
	s->body = body;
	s->body_len = len;
	pthread_mutex_unlock(&s->lock);
	free(old);
	return 0;
}

/* A fixed text answer. */
#define ANSWER_TEXT(conn, status, str) \
	answer(conn, status, "text/plain; charset=utf-8", (char *)(str), strlen(str), \
	       MHD_RESPMEM_PERSISTENT)

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned int status,
			      const char *type, char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* libmicrohttpd's thread: /metrics is a copy of the latest exposition. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_len, void **req)
{
	struct serve *s = cls;
	char *copy;
	size_t len;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return ANSWER_TEXT(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or HEAD only\n");
	if (!strcmp(url, "/"))
		return ANSWER_TEXT(conn, MHD_HTTP_OK, "exitstat: VM exit metrics at /metrics\n");
	if (strcmp(url, "/metrics"))
		return ANSWER_TEXT(conn, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
	pthread_mutex_lock(&s->lock);
	len = s->body_len;
	copy = malloc(len ? len : 1);
	if (copy)
		memcpy(copy, s->body, len);
	pthread_mutex_unlock(&s->lock);
	if (!copy)
		return ANSWER_TEXT(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
	return answer(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", copy, len,
		      MHD_RESPMEM_MUST_FREE);
}

static void http_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	fprintf(stderr, "exitstat serve: http: %s\n", msg);
}

/* Serve /metrics from libmicrohttpd's thread. 0, or -1 (said). */
static int start_http(struct serve *s)
{
	struct addrinfo *ai = s->addr;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	/* The logger first: libmicrohttpd logs the options after it through it. */
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				  MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
				  MHD_OPTION_SOCK_ADDR, ai->ai_addr,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->max_conn,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, 4u,
				  MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_END);
	if (!s->mhd) {
		fprintf(stderr, "exitstat serve: cannot serve on %s: %s\n", s->listen,
			errno ? strerror(errno) : "libmicrohttpd could not start");
		return -1;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "exitstat serve: serving http://%.*s:%u/metrics (%s)\n",
		(int)(strrchr(s->listen, ':') - s->listen), s->listen, info ? info->port : 0,
		live_source(s->col.src));
	return 0;
}

/* Until SIGTERM/SIGINT: poll (the perf backend drains its rings), refresh the metrics. */
static int serve_loop(struct serve *s)
{
	struct es_error err;
	double next = live_now() + s->refresh;

	while (!live_stop_requested) {
		if (live_poll(s->col.src, 100, NULL, NULL, &err)) {
			msg_error("serve", &err);
			return -1;
		}
		s->now = live_now();
		if (s->now >= next) {
			if (refresh(s))
				return -1;
			while (next <= s->now)
				next += s->refresh;
		}
	}
	return 0;
}

/* Attach, serve, and end cleanly. 0 or -1 (said). */
static int serve_run(struct serve *s)
{
	struct sigaction sa = { .sa_handler = on_hup };
	int rc;

	s->stats = stats_new();
	if (!s->stats) {
		fprintf(stderr, "exitstat serve: out of memory\n");
		return -1;
	}
	if (collect_attach(&s->col))
		return -1;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->start_unix = unix_now();
	s->now = live_now();
	if (refresh(s) || start_http(s) || collect_go(&s->col))
		return -1;
	rc = serve_loop(s);
	MHD_stop_daemon(s->mhd);
	s->mhd = NULL;
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct serve s = { .listen = SERVE_LISTEN, .max_series = 100000, .max_conn = 16,
			   .grace = 60, .refresh = 1, .histogram = true };
	int first, ret;

	collect_init(&s.col, "serve");
	pthread_mutex_init(&s.lock, NULL);
	first = cli_parse(&cli_cmd_serve, argc, argv, apply_serve, &s);
	if (first >= 0 && !s.addr && listen_addr(s.listen, &s.addr))
		first = CLI_END_USAGE;	/* cannot happen: the default is numeric */
	if (first < 0) {
		if (s.addr)
			freeaddrinfo(s.addr);
		return cli_end_status(first);
	}
	ret = collect_preflight(&s.col) || serve_run(&s) ? EXIT_FAIL : EXIT_OK;
	if (s.mhd)
		MHD_stop_daemon(s.mhd);
	collect_close(&s.col);
	stats_free(s.stats);
	free(s.vms);
	free(s.body);
	freeaddrinfo(s.addr);
	pthread_mutex_destroy(&s.lock);
	return ret;
}
