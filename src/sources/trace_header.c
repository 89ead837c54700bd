// SPDX-License-Identifier: GPL-2.0
/*
 * The line-header parser shared by every trace renderer (see trace_line.h
 * for the column table). It finds the timestamp, then reads the fixed-shape
 * columns right to left (flags, [CPU], (TGID), PID or PID/TID) and leaves
 * whatever is left of them as the task's comm. One pass, no allocation.
 */
#include <string.h>

#include "sources/trace_line.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse decimal digits [s, e) into *v; false if empty, not digits or too big. */
static bool parse_u32(const char *s, const char *e, uint32_t *v)
{
	uint64_t x = 0;

	if (s >= e)
		return false;
	for (; s < e; s++) {
		if (!is_digit(*s))
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

/*
 * A timestamp token [s, e): SECONDS.FRACTION (6 or 9 digits, any are taken)
 * or an integer counter value (trace-cmd -C x86-tsc, ftrace trace_clock=counter).
 */
static bool parse_ts(const char *s, const char *e, struct trace_header *h)
{
	const char *dot = memchr(s, '.', (size_t)(e - s));
	uint64_t sec = 0, frac = 0;
	int fdigits = 0;

	if (s >= e || !is_digit(*s))
		return false;
	for (const char *p = s; p < (dot ? dot : e); p++) {
		if (!is_digit(*p) || sec > UINT64_MAX / 10 - 10)
			return false;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (!dot) {
		h->ts = sec;
		h->ts_counter = true;
		h->has_ts = true;
		return true;
	}
	if (dot + 1 >= e)
		return false;
	for (const char *p = dot + 1; p < e; p++) {
		if (!is_digit(*p))
			return false;
		if (fdigits < 9) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			fdigits++;
		}
	}
	for (; fdigits < 9; fdigits++)
		frac *= 10;
	if (sec > (UINT64_MAX - frac) / 1000000000u)
		return false;
	h->ts = sec * 1000000000u + frac;
	h->ts_counter = false;
	h->has_ts = true;
	return true;
}

/* The characters of ftrace's latency flags column (a table: this runs for every line). */
static const bool flag_char[256] = {
	['.'] = 1, ['d'] = 1, ['D'] = 1, ['X'] = 1, ['N'] = 1, ['n'] = 1, ['p'] = 1, ['b'] = 1,
	['B'] = 1, ['h'] = 1, ['H'] = 1, ['s'] = 1, ['S'] = 1, ['z'] = 1, ['Z'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['a'] = 1, ['c'] = 1, ['e'] = 1, ['f'] = 1,
};

/* ftrace latency flags: irqs-off, need-resched, hard/softirq, preempt depth[, migrate-disable]. */
static bool is_flags_token(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n < 4 || n > 5)
		return false;
	for (; s < e; s++)
		if (!flag_char[(unsigned char)*s])
			return false;
	return true;
}

/*
 * The columns left of the timestamp, [s, e), right to left. Fills the task,
 * cpu, tgid and flags fields; false if they do not have a header's shape.
 */
static bool parse_columns(const char *s, const char *e, struct trace_header *h)
{
	const char *p = e, *tok;

	while (p > s && is_blank(p[-1]))
		p--;
	if (p == s)
		return true;	/* perf script -F time,event,trace: no task column */

	/* Flags (only ever right of a [CPU] column), then [CPU]. */
	tok = p;
	while (tok > s && !is_blank(tok[-1]))
		tok--;
	if (p[-1] != ']' && is_flags_token(tok, p)) {
		const char *q = tok;

		while (q > s && is_blank(q[-1]))
			q--;
		if (q > s && q[-1] == ']') {
			h->has_flags = true;
			p = q;
		}
	}
	if (p[-1] == ']') {
		const char *open = p - 1;
		uint32_t cpu;

		const char *d;

		while (open > s && open[-1] != '[')
			open--;
		d = open;
		while (d < p - 1 && is_blank(*d))
			d++;	/* `[  1]` */
		if (open == s || !parse_u32(d, p - 1, &cpu))
			return false;
		h->cpu = (int)cpu;
		p = open - 1;
		while (p > s && is_blank(p[-1]))
			p--;
	} else if (h->has_flags) {
		return false;
	}
	if (p == s)
		return true;	/* perf script -F cpu,time,...: no task column */

	/* ftrace's record-tgid column: `(  1234)`, or `(-------)` when unknown. */
	if (p > s && p[-1] == ')') {
		const char *open = p - 1, *a, *b;

		while (open > s && open[-1] != '(')
			open--;
		if (open == s)
			return false;
		a = open;
		b = p - 1;
		while (a < b && is_blank(*a))
			a++;
		if (!parse_u32(a, b, &h->tgid)) {
			while (a < b && *a == '-')
				a++;
			if (a != b)
				return false;
			h->tgid = 0;
		}
		p = open - 1;
		while (p > s && is_blank(p[-1]))
			p--;
	}

	/* The task: comm-PID, comm TID, comm PID/TID, a bare TID, or comm alone (perf -F comm,...). */
	tok = p;
	while (tok > s && is_digit(tok[-1]))
		tok--;
	if (tok == p) {
		h->style = HDR_PERF;
		h->comm_only = true;	/* trusted only with a perf SYSTEM:EVENT name */
		return true;
	}
	if (!parse_u32(tok, p, &h->tid))
		return false;
	h->has_task = true;
	if (tok == s || is_blank(tok[-1])) {
		h->style = HDR_PERF;
	} else if (tok[-1] == '-') {
		h->style = HDR_DASH;
	} else if (tok[-1] == '/') {
		const char *pp = tok - 1;

		while (pp > s && is_digit(pp[-1]))
			pp--;
		if (!parse_u32(pp, tok - 1, &h->tgid) || (pp > s && !is_blank(pp[-1])))
			return false;
		h->style = HDR_PERF;
	} else {
		return false;
	}
	return true;
}

/* The fields parse_columns fills, from src to dst. */
static void copy_columns(struct trace_header *dst, const struct trace_header *src)
{
	dst->style = src->style;
	dst->has_task = src->has_task;
	dst->comm_only = src->comm_only;
	dst->tid = src->tid;
	dst->tgid = src->tgid;
	dst->cpu = src->cpu;
	dst->has_flags = src->has_flags;
}

/*
 * parse_columns through c: the columns of a trace repeat from line to line
 * (a vCPU thread on its CPU), so their text is looked up first among the
 * last HDR_CACHE_SLOTS seen, with what parsing it gave (parse_columns is a
 * function of the text alone).
 */
static bool parse_columns_cached(struct header_cache *c, const char *s, const char *e,
				 struct trace_header *h)
{
	size_t n = (size_t)(e - s);
	struct header_cols *slot;

	if (!c || n > HDR_CACHE_TEXT)
		return parse_columns(s, e, h);
	for (int i = 0; i < HDR_CACHE_SLOTS; i++) {
		slot = &c->slot[i];
		if (slot->len == n + 1 && !memcmp(slot->text, s, n)) {
			copy_columns(h, &slot->cols);
			return slot->ok;
		}
	}
	slot = &c->slot[c->next++ % HDR_CACHE_SLOTS];
	slot->ok = parse_columns(s, e, h);
	slot->len = n + 1;
	memcpy(slot->text, s, n);
	copy_columns(&slot->cols, h);
	return slot->ok;
}

/* The event name and body after `TIMESTAMP:`, from s. */
static void parse_event(const char *s, const char *e, struct trace_header *h)
{
	const char *name, *end, *colon = NULL, *before = NULL;

	while (s < e && is_blank(*s))
		s++;
	if (s == e)
		return;		/* header only: the record goes on on the next line */
	name = s;
	/* One pass: the name's end, its last `:` and the one before (`kvm:kvm_exit:`). */
	for (; s < e && !is_blank(*s); s++)
		if (*s == ':') {
			before = colon;
			colon = s;
		}
	end = s;
	if (end[-1] == ':') {
		end--;
		h->event_colon = true;
		colon = before;
	}
	if (colon) {
		h->system = name;
		h->system_len = (size_t)(colon - name);
		name = colon + 1;
		h->event_system = true;
	}
	h->event = name;
	h->event_len = (size_t)(end - name);
	while (s < e && is_blank(*s))
		s++;
	h->body = s;
	h->body_len = (size_t)(e - s);
}

static bool is_event_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

/* Is [s, e) an event name, `EVENT` or `SYSTEM:EVENT`? */
static bool is_event_name(const char *s, const char *e, bool *system)
{
	const char *p = s;

	while (p < e && is_event_char(*p))
		p++;
	*system = false;
	if (p < e && *p == ':' && p > s) {
		*system = true;
		s = ++p;
		while (p < e && is_event_char(*p))
			p++;
	}
	return p > s && p == e;
}

/*
 * A line without a timestamp: `  kvm_exit: reason ...` (the author removed
 * the header), or perf script -F without time: `kvm:kvm_exit: ...`,
 * `comm TID [CPU] kvm:kvm_exit: ...` (columns before a SYSTEM:EVENT name).
 */
static bool parse_headerless(const char *line, size_t len, struct trace_header *h)
{
	const char *s = line, *e = line + len, *t, *c;
	bool system;

	while (s < e && is_blank(*s))
		s++;
	for (t = s; t < e; t = c + 1) {
		/* the next `NAME:` token followed by a blank or the end */
		while (t < e && is_blank(*t))
			t++;
		c = t;
		while (c < e && !is_blank(*c))
			c++;
		if (c == t)
			return false;
		if (c[-1] == ':' && is_event_name(t, c - 1, &system) && (t == s || system))
			break;
		if (c == e)
			return false;
	}
	if (t >= e)
		return false;
	memset(h, 0, sizeof(*h));
	h->cpu = -1;
	h->style = HDR_NONE;
	if (t > s && (!parse_columns(s, t, h) || (!h->has_task && !h->comm_only))) {
		/* columns before the event must be a task (and [CPU]) */
		return false;
	}
	parse_event(t, e, h);
	return h->event != NULL;
}

/*
 * perf-prof prints a wall-clock date and time before each event line
 * (`2022-04-22 17:31:55.123456 ...`): skip it, it is not a column of the
 * record's header. Returns the length of the prefix, 0 if none.
 */
static size_t date_prefix(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	if (n < sizeof(shape) - 1)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return 0;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && !is_blank(s[i]))
		return 0;
	return i;
}

bool trace_header_parse_cached(struct header_cache *cache, const char *line, size_t len,
			       struct trace_header *h)
{
	size_t date = date_prefix(line, len);
	const char *e;

	line += date;
	len -= date;
	e = line + len;

	/*
	 * The timestamp is the first token that is all digits (one '.' allowed)
	 * and ends in ':' followed by a blank or the line's end.
	 */
	for (const char *c = memchr(line, ':', len); c; c = memchr(c + 1, ':', (size_t)(e - c - 1))) {
		const char *t = c;

		if (c + 1 < e && !is_blank(c[1]))
			continue;
		while (t > line && (is_digit(t[-1]) || t[-1] == '.'))
			t--;
		if (t == c || (t > line && !is_blank(t[-1])))
			continue;
		memset(h, 0, sizeof(*h));
		h->cpu = -1;
		if (!parse_ts(t, c, h) || !parse_columns_cached(cache, line, t, h))
			break;	/* digits and a colon, but not a header: try headerless */
		parse_event(c + 1, e, h);
		if (h->comm_only && !h->event_system)
			break;	/* `word 12.5: x`: a header only with perf's SYSTEM:EVENT */
		return true;
	}
	return parse_headerless(line, len, h);
}

bool trace_header_parse(const char *line, size_t len, struct trace_header *h)
{
	return trace_header_parse_cached(NULL, line, len, h);
}
