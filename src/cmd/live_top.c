// SPDX-License-Identifier: GPL-2.0
/* The live view on a terminal and its keys. See live_top.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/live_top.h"
#include "cmd/msg.h"
#include "cmd/tty.h"
#include "live/live_run.h"

static enum live_view_sort sort_of(enum row_sort s)
{
	return s == SORT_TIME ? LV_SORT_TIME : s == SORT_CODE ? LV_SORT_CODE : LV_SORT_TOTAL;
}

int live_top_open(struct live_top *t, FILE *out, struct live_src *src, const char *source,
		  const struct report_opts *ro, double start)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->src = src;
	t->source = source;
	t->filter = ro->filter;
	t->top = ro->top;
	t->sort = sort_of(ro->sort);
	t->start = t->cur_t = t->base_t = start;
	t->cur = stats_new();
	t->base = stats_new();
	if (!t->cur || !t->base) {
		fprintf(stderr, "exitstat: out of memory\n");
		live_top_close(t);
		return -1;
	}
	t->keys = tty_keys_on(fileno(stdin));
	return 0;
}

void live_top_close(struct live_top *t)
{
	if (t->keys)
		tty_keys_off();
	t->keys = false;
	stats_free(t->cur);
	stats_free(t->base);
	t->cur = t->base = NULL;
}

/* The counts now into cur. 0, or -1 (said). */
static int snapshot(struct live_top *t)
{
	struct es_error err;

	if (live_read(t->src, t->cur, &err)) {
		msg_error(NULL, &err);
		return -1;
	}
	live_events(t->src, t->ev_cur, t->ev_attached);
	t->cur_t = live_now();
	return 0;
}

/* The screen of the last snapshot, with its status line. 0, or -1 (said). */
static int draw(struct live_top *t)
{
	struct live_view_event ev[LIVE_EVENTS_MAX];
	unsigned int n = live_event_count(), cols, rows;
	size_t nev = 0;
	uint64_t others = 0;
	char status[sizeof(t->status) + 96];
	struct live_view_in in = {
		.cur = t->cur, .base = t->base, .window_s = t->cur_t - t->start,
		.interval_s = t->cur_t - t->base_t, .source = t->source, .lost = t->cur->lost,
		.filter = t->filter, .sort = t->sort, .top = t->top,
	};

	/* kvm_exit has not fired (0 is kvm_exit): the KVM events that did, kvm_stat-like. */
	for (unsigned int i = 1; i < n && !t->cur->total; i++) {
		if (!t->ev_attached[i] || !t->ev_cur[i])
			continue;
		ev[nev++] = (struct live_view_event){ live_event_name(i), t->ev_cur[i], t->ev_base[i] };
		others += t->ev_cur[i];
	}
	if (others) {
		in.events = ev;
		in.nevents = nev;
	}
	tty_size(fileno(t->out), &cols, &rows);
	in.width = cols;
	in.height = rows;
	if (t->paused)
		snprintf(status, sizeof(status), "PAUSED: the display stands still, collection goes "
			 "on; p resumes%s%s", t->status[0] ? "; " : "", t->status);
	else if (!t->keys)
		snprintf(status, sizeof(status), "no keys (stdin is not a terminal): Ctrl-C ends with "
			 "the final table%s%s", t->status[0] ? "; " : "", t->status);
	else
		snprintf(status, sizeof(status), "%s", t->status);
	in.status = status[0] ? status : NULL;
	fputs("\033[H\033[J", t->out);
	if (live_view_print(t->out, &in) || fflush(t->out)) {
		fprintf(stderr, "exitstat: writing the live view failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* A new frame: the last one's counts become the baseline; status says why, or "". */
static int frame(struct live_top *t, const char *status)
{
	struct stats *s = t->base;

	t->base = t->cur;
	t->cur = s;
	t->base_t = t->cur_t;
	memcpy(t->ev_base, t->ev_cur, sizeof(t->ev_base));
	snprintf(t->status, sizeof(t->status), "%s", status);
	return snapshot(t) || draw(t) ? -1 : 0;
}

int live_top_refresh(struct live_top *t)
{
	return t->paused ? 0 : frame(t, "");
}

/* r: the counts now are the baseline of cur and cur/s. */
static int reset(struct live_top *t)
{
	char when[16] = "now";
	time_t now = time(NULL);
	struct tm tm;

	if (snapshot(t))
		return -1;
	stats_reset(t->base);
	if (stats_merge(t->base, t->cur)) {
		fprintf(stderr, "exitstat: out of memory\n");
		return -1;
	}
	t->base_t = t->cur_t;
	memcpy(t->ev_base, t->ev_cur, sizeof(t->ev_base));
	if (localtime_r(&now, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(t->status, sizeof(t->status), "current reset at %s: cur and cur/s count from here",
		 when);
	return draw(t);
}

int live_top_keys(struct live_top *t)
{
	int k;

	while ((k = tty_key()) >= 0) {
		int rc = 0;

		switch (k) {
		case 'q':
		case 'Q':
			live_stop_requested = 1;
			return 0;
		case 's':
		case 'S':
			/* The frame on screen, sorted anew (paused: still the frozen one). */
			t->sort = (t->sort + 1) % LV_SORTS;
			snprintf(t->status, sizeof(t->status), "sorted by %s",
				 live_view_sort_name(t->sort));
			rc = draw(t);
			break;
		case 'p':
		case 'P':
			t->paused = !t->paused;
			/* Resumed: current is since the last frame shown before the pause. */
			rc = t->paused ? (t->status[0] = '\0', draw(t)) : frame(t, "resumed");
			break;
		case 'r':
		case 'R':
			rc = reset(t);
			break;
		default:
			break;
		}
		if (rc)
			return -1;
	}
	return 0;
}
