// SPDX-License-Identifier: GPL-2.0
/*
 * trace_read(): kvm_exit / kvm_entry events from ftrace, perf script and
 * trace-cmd report text. Line by line, O(1) work per line: the shared
 * header parser (trace_header.c), the body parsers (trace_body.c), and here
 * the trace-wide rules:
 *
 * ISA. A reason's name settles its ISA when only one ISA has that name
 * (`IO_INSTRUCTION`, `EXIT_IOIO`, `npf`, `GP excp`). The first such line sets
 * the trace's ISA. Two kinds of line cannot settle it alone: a bare number
 * (`0x7b`, the plugin's `UNKNOWN (123)`) and a lower-case name that is an SVM
 * name and, upper-cased, a VMX one (`cpuid`, `hlt`: kernels of 2009 printed
 * VMX names in lower case). They take the trace's ISA; before it is known
 * they are held back, in order with the events after them, until a line
 * settles it. At the end (or after HELD_MAX held events), held lower-case
 * names are SVM (the kernel's SVM spelling), held numbers take
 * opts->isa_hint or are an error naming their line. A trace whose lines
 * name both ISAs reports res->isa = ISA_UNKNOWN (mixed).
 *
 * Renderer. ftrace if a `# tracer:` line or a flags column shows and nothing
 * below does; perf script if a header is `comm TID` or `PID/TID` or an event
 * is printed as `kvm:kvm_exit`; trace-cmd report if a `cpus=N` line shows, if
 * the header has no flags column, or if kvm_exit is in libtraceevent's kvm
 * plugin spelling (EXIT_* names, `UNKNOWN (N)`, or no `vcpu` while kvm_entry
 * shows 5.10's `, rip`, which no kernel of that age prints).
 *
 * Damage. A kvm_exit/kvm_entry line that cannot be read (an unknown name, no
 * header) is an error, or with skip_bad is counted, listed and skipped. Other events, comments, headers and
 * continuation lines are not errors. A kvm_exit is complete once its reason is
 * followed by ` rip` (a cut tail still counts: nothing after rip is used); a
 * kvm_entry once it has `vcpu N`. Two repairs, both counted or visible:
 * - a header whose record goes on on the next line (`...  280.971121:` then
 *   ` kvm_exit: ...`, public sample 13) is joined with it;
 * - a kvm line that stops before it is complete is joined, with one space,
 *   to the following lines that are nothing else (no header, not a comment),
 *   up to WRAP_MAX_PARTS lines: mail clients wrap at spaces. Counted in
 *   res->joined.
 * A kvm record still short when nothing follows to join (a damaged paste, a
 * line abridged to its reason) is counted, not an error (wrap_ends): as its
 * reason when that is whole, else as EXIT_REASON_CUT_OFF, without a time in
 * exit; each is said on opts->diag and listed (res->cut_*).
 * Lost events are never hidden: res->lost and res->lost_marks (trace.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "sources/trace.h"
#include "sources/trace_line.h"
#include "sources/trace_totals.h"

#define HELD_MAX 65536	/* events held waiting for the trace's ISA */
#define WRAP_MAX_PARTS 4	/* a wrapped record is joined from at most this many lines */

struct held {
	struct exit_event ev;
	enum reason_isa_how how;
	uint32_t svm_code, vmx_code;
	uint64_t line;
	char *text;		/* bare numbers: the line, for the message if the ISA stays unknown */
};

struct reader {
	const char *name;
	const struct trace_opts *opts;
	struct es_error *err;
	trace_event_fn fn;
	void *ctx;
	struct trace_result *res;
	struct reason_cache *cache;
	struct header_cache hcache;	/* the columns of recent lines, parsed */
	struct qp_reader *qp;
	uint64_t lineno;
	const char *text;	/* the current line, for messages */
	size_t text_len;

	bool have_split;	/* a header whose event is on the next line */
	struct trace_header split;

	/* A kvm line cut short, waiting for its continuation (mail wrapping). */
	bool have_wrap, joining;
	char *wrap, *join;
	size_t wrap_len, wrap_cap, join_cap;
	uint64_t wrap_line;
	const char *wrap_why;
	int wrap_parts;

	/*
	 * want_info: an MSR exit waits for the kvm_msr line of its thread that
	 * names the MSR (`kvm_msr: msr_read 1b = 0x...`), a VMX EPT violation
	 * for its thread's kvm_page_fault line (`address 0x...`, the GPA); the
	 * thread's next kvm_exit/kvm_entry (or the end) sends it without.
	 */
	struct exit_event *msr_wait;
	size_t nmsr_wait, msr_wait_cap;

	enum exit_isa trace_isa;
	bool isa_mixed;
	struct held *held;
	size_t nheld, held_cap;

	/* A table of totals: every line from its first on goes to it. */
	struct totals *totals;
	bool clock_line;	/* this line's last non-blank line was a time of day */
	bool after_clock;	/* the same, for the line being read (perf kvm stat live) */

	/* Evidence of the renderer. */
	bool ts_unit_known;	/* res->ts_counter is decided (by the first timestamp) */
	bool ev_tracer_comment, ev_tracecmd_marker, ev_perf, ev_flags, ev_noflags;
	bool ev_plugin, ev_exit_no_vcpu, ev_entry_rip;
};

const char *trace_format_name(enum trace_format f)
{
	switch (f) {
	case TRACE_FTRACE:
		return "ftrace";
	case TRACE_PERF_SCRIPT:
		return "perf script";
	case TRACE_TRACE_CMD:
		return "trace-cmd report";
	case TRACE_AGGREGATE:
		return "aggregate table";
	case TRACE_DAT:
		return "trace-cmd trace.dat";
	default:
		return "unknown";
	}
}

/* The current line for a message: cut, made printable, "..." when cut. */
static void line_text(const struct reader *r, char *buf, size_t len)
{
	size_t n = r->text_len < len - 4 ? r->text_len : len - 4;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)r->text[i];

		buf[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	strcpy(buf + n, n < r->text_len ? "..." : "");
}

/* The error `NAME:LINE: what: text` that stops the read. Returns -1. */
static int fail_at(struct reader *r, uint64_t line, const char *what)
{
	char buf[404];

	line_text(r, buf, sizeof(buf));
	return es_error_set(r->err, "%s:%llu: %s: %s", r->name, (unsigned long long)line, what,
			    buf);
}

/* The notice `NAME:LINE: what: text (skipped)` for a line skipped under skip_bad. */
static void skipped_at(struct reader *r, uint64_t line, const char *what)
{
	char buf[404];

	line_text(r, buf, sizeof(buf));
	es_diag_say(&r->opts->diag, "%s:%llu: %s: %s (skipped)", r->name, (unsigned long long)line,
		    what, buf);
}

static int no_memory(struct reader *r)
{
	return es_error_set(r->err, "%s:%llu: out of memory", r->name,
			    (unsigned long long)r->lineno);
}

/* A malformed kvm line: stop (-1), or count it and go on (0). */
static int bad(struct reader *r, const char *why)
{
	struct trace_result *res = r->res;

	if (!r->opts->skip_bad) {
		char buf[404];

		line_text(r, buf, sizeof(buf));
		return es_error_set(r->err, "%s:%llu: %s: %s (--skip-bad skips such lines, counts "
				    "them and reads on)", r->name, (unsigned long long)r->lineno,
				    why, buf);
	}
	if (res->skipped < TRACE_MAX_SKIPPED_LISTED) {
		res->skipped_lines[res->skipped] = r->lineno;
		skipped_at(r, r->lineno, why);
	} else if (res->skipped == TRACE_MAX_SKIPPED_LISTED) {
		es_diag_say(&r->opts->diag,
			    "%s: more malformed lines: only the first %d are listed, all are counted",
			    r->name, TRACE_MAX_SKIPPED_LISTED);
	}
	res->skipped++;
	return 0;
}

/*
 * A kvm line that stops before its reason is complete: keep it, the next
 * line may be its continuation (mail clients wrap long lines at a space).
 */
static int cut(struct reader *r, const char *why)
{
	if (r->wrap_parts + 1 >= WRAP_MAX_PARTS)
		return bad(r, why);
	if (array_reserve(&r->wrap, &r->wrap_cap, r->text_len + 1, 1, 256))
		return no_memory(r);
	memmove(r->wrap, r->text, r->text_len);
	r->wrap_len = r->text_len;
	if (!r->joining)
		r->wrap_line = r->lineno;
	r->wrap_why = why;
	r->wrap_parts++;
	r->have_wrap = true;
	return 0;
}

static int deliver(struct reader *r, const struct exit_event *ev);
static int hold(struct reader *r, const struct exit_event *ev, const struct exit_body *b);
static int on_kvm_exit(struct reader *r, const struct trace_header *h, bool alone);
static void fill_from_header(struct exit_event *ev, const struct trace_header *h);

/* Say a record cut short on the diag and list its line. */
static void cut_said(struct reader *r, const char *what)
{
	struct trace_result *res = r->res;
	char buf[404];

	if (res->cut_records < TRACE_MAX_SKIPPED_LISTED) {
		res->cut_lines[res->cut_records] = r->lineno;
		line_text(r, buf, sizeof(buf));
		es_diag_say(&r->opts->diag, "%s:%llu: record cut short, %s: %s", r->name,
			    (unsigned long long)r->lineno, what, buf);
	} else if (res->cut_records == TRACE_MAX_SKIPPED_LISTED) {
		es_diag_say(&r->opts->diag,
			    "%s: more records cut short: only the first %d are listed, all are counted",
			    r->name, TRACE_MAX_SKIPPED_LISTED);
	}
	res->cut_records++;
}

/*
 * The kept line had no continuation: the record was cut short (a damaged
 * paste) or abridged by its author. A kvm_exit whose reason is whole counts
 * as that reason, one whose reason is gone as EXIT_REASON_CUT_OFF; neither
 * has a time in exit. A kvm_entry is not counted. Both are said and listed.
 */
static int wrap_ends(struct reader *r)
{
	uint64_t line = r->lineno;
	struct trace_header h;
	struct exit_body b;
	const char *why;
	int ret = 0;

	r->have_wrap = false;
	r->wrap_parts = 0;
	r->lineno = r->wrap_line;
	r->text = r->wrap;
	r->text_len = r->wrap_len;
	if (!trace_header_parse(r->wrap, r->wrap_len, &h) || !h.event) {
		ret = bad(r, r->wrap_why);	/* cannot happen: it was kept as a kvm line */
	} else if (trace_event_is(&h, "kvm_exit") &&
		   !trace_exit_body_parse_alone(r->cache, h.body, h.body_len, &b, &why)) {
		cut_said(r, "counted as the exit reason it shows (its time in exit is unknown)");
		ret = on_kvm_exit(r, &h, true);
	} else if (trace_event_is(&h, "kvm_exit")) {
		struct exit_event ev = {
			.kind = EV_EXIT, .no_time = true,
			.isa = ISA_NONE, .reason = EXIT_REASON_CUT_OFF,
		};

		cut_said(r, "counted as one exit whose reason was cut off");
		r->res->cut_unknown++;
		fill_from_header(&ev, &h);
		ret = r->nheld ? hold(r, &ev, NULL) : deliver(r, &ev);
	} else {
		cut_said(r, "a kvm_entry, not counted");
		r->res->cut_entries++;
	}
	r->lineno = line;
	return ret;
}

static int deliver_now(struct reader *r, const struct exit_event *ev)
{
	if (ev->kind == EV_EXIT)
		r->res->exits++;
	else if (ev->kind == EV_ENTRY)
		r->res->entries++;
	return r->fn(r->ctx, ev);
}

/*
 * The exit of thread tid waiting for its kvm_msr or kvm_page_fault line,
 * sent: with msr (an MSR exit's index) or gpa (an EPT violation's address)
 * when given and of its kind; both NULL: sent without. A line of the other
 * kind leaves it waiting.
 */
static int msr_wait_send(struct reader *r, uint32_t tid, const uint32_t *msr, const uint64_t *gpa)
{
	for (size_t i = 0; i < r->nmsr_wait; i++) {
		struct exit_event ev = r->msr_wait[i];
		bool ept = ev.isa == ISA_VMX && (ev.reason & 0xffff) == 48;

		if (ev.tid != tid)
			continue;
		if ((msr && ept) || (gpa && !ept))
			return 0;
		r->msr_wait[i] = r->msr_wait[--r->nmsr_wait];
		if (msr) {
			ev.info.has_msr = true;
			ev.info.msr = *msr;
		}
		if (gpa) {
			ev.info.has_gpa = true;
			ev.info.gpa = *gpa;
		}
		return deliver_now(r, &ev);
	}
	return 0;
}

static int deliver(struct reader *r, const struct exit_event *ev)
{
	struct exit_detail d;
	int ret;

	if (!r->opts->want_info)
		return deliver_now(r, ev);
	/* the thread's exit still waiting for its kvm_msr or kvm_page_fault goes first */
	ret = r->nmsr_wait ? msr_wait_send(r, ev->tid, NULL, NULL) : 0;
	if (ret)
		return ret;
	if (ev->kind == EV_EXIT && ev->has_info && ev->tid &&
	    detail_decode(ev->isa, ev->reason, &ev->info, &d) &&
	    ((d.kind == DETAIL_MSR && !ev->info.has_msr) ||
	     (d.kind == DETAIL_NPF && ev->isa == ISA_VMX && !ev->info.has_gpa))) {
		if (array_reserve(&r->msr_wait, &r->msr_wait_cap, r->nmsr_wait + 1,
				  sizeof(*r->msr_wait), 16))
			return no_memory(r);
		r->msr_wait[r->nmsr_wait++] = *ev;
		return 0;
	}
	return deliver_now(r, ev);
}

/* `msr_read 1b = 0x...`, `msr_write c0000080 = 0x100 (#GP)`: the MSR to its thread's waiting exit. */
static int on_kvm_msr(struct reader *r, const struct trace_header *h)
{
	uint32_t msr;
	bool write;

	if (!r->nmsr_wait || !h->has_task)
		return 0;
	/* not the kernel's layout: the exit keeps "msr ?" */
	if (!trace_msr_body_parse(h->body, h->body_len, &msr, &write))
		return 0;
	return msr_wait_send(r, h->tid, &msr, NULL);
}

/* `address 0x... error_code 0x...`: the GPA to its thread's waiting EPT violation. */
static int on_kvm_page_fault(struct reader *r, const struct trace_header *h)
{
	uint64_t gpa;

	if (!r->nmsr_wait || !h->has_task)
		return 0;
	/* not the kernel's layout: the exit keeps "gpa ?" */
	if (!trace_page_fault_body_parse(h->body, h->body_len, &gpa))
		return 0;
	return msr_wait_send(r, h->tid, NULL, &gpa);
}

/* Deliver the held events, resolved with isa (ISA_UNKNOWN: the end-of-trace rule). */
static int flush_held(struct reader *r, enum exit_isa isa)
{
	enum exit_isa settled = ISA_UNKNOWN;
	int ret = 0;
	size_t i;

	for (i = 0; i < r->nheld && !ret; i++) {
		struct held *h = &r->held[i];

		if (h->ev.kind == EV_EXIT && h->how == RISA_LOWER_AMBIGUOUS) {
			/* Default: lower case is the kernel's SVM spelling since 2.6.32. */
			h->ev.isa = isa == ISA_VMX ? ISA_VMX : ISA_SVM;
			h->ev.reason = h->ev.isa == ISA_VMX ? h->vmx_code : h->svm_code;
			settled = h->ev.isa;
		} else if (h->ev.kind == EV_EXIT && h->how == RISA_NUMBER) {
			enum exit_isa use = isa != ISA_UNKNOWN ? isa : r->opts->isa_hint;

			if (use == ISA_UNKNOWN) {
				const char *why = "bare-number exit reason, and no line of the trace names a reason to tell VMX from SVM (say which with --isa vmx|svm)";
				uint64_t line = r->lineno;

				r->lineno = h->line;
				r->text = h->text ? h->text : "";
				r->text_len = strlen(r->text);
				ret = bad(r, why);
				r->lineno = line;
				if (ret)
					break;
				continue;
			}
			h->ev.isa = use;
			settled = use;
		}
		ret = deliver(r, &h->ev);
	}
	for (i = 0; i < r->nheld; i++)
		free(r->held[i].text);
	r->nheld = 0;
	/* The end-of-trace rule settled the held lines: that is the trace's ISA. */
	if (r->trace_isa == ISA_UNKNOWN && isa == ISA_UNKNOWN)
		r->trace_isa = settled;
	return ret;
}

static int hold(struct reader *r, const struct exit_event *ev, const struct exit_body *b)
{
	struct held *h;

	if (array_reserve(&r->held, &r->held_cap, r->nheld + 1, sizeof(*r->held), 256))
		return no_memory(r);
	h = &r->held[r->nheld++];
	h->ev = *ev;
	h->how = b ? b->how : RISA_NAME;
	h->svm_code = b ? b->svm_code : 0;
	h->vmx_code = b ? b->vmx_code : 0;
	h->line = r->lineno;
	h->text = NULL;
	if (b && b->how == RISA_NUMBER && !(h->text = strndup(r->text, r->text_len)))
		return no_memory(r);
	/* A trace that never settles its ISA must not grow memory without end. */
	if (r->nheld >= HELD_MAX)
		return flush_held(r, ISA_UNKNOWN);
	return 0;
}

/* A line settled the ISA isa. */
static int note_isa(struct reader *r, enum exit_isa isa)
{
	if (r->trace_isa == ISA_UNKNOWN) {
		r->trace_isa = isa;
		return r->nheld ? flush_held(r, isa) : 0;
	}
	if (r->trace_isa != isa)
		r->isa_mixed = true;
	return 0;
}

static void fill_from_header(struct exit_event *ev, const struct trace_header *h)
{
	ev->has_ts = h->has_ts;
	ev->ts_ticks = h->has_ts && h->ts_counter;
	ev->ts_ns = h->ts;
	ev->tid = h->has_task ? h->tid : 0;
	ev->pid = h->tgid ? h->tgid : ev->tid;
}

/*
 * After parsing a kvm line's body (ret from trace_*_body_parse): true when it
 * did not parse (a cut line is kept for its continuation, a bad one counted or
 * fatal) and *out is what the line handler returns; false when it parsed.
 */
static bool body_unread(struct reader *r, const struct trace_header *h, int ret,
			const char *why, int *out)
{
	if (ret == TRACE_BODY_CUT) {
		*out = cut(r, why);
		return true;
	}
	if (ret) {
		*out = bad(r, why);
		return true;
	}
	/* The first timestamp decides the unit of the whole trace; a mix is damage. */
	if (h->has_ts && !r->ts_unit_known) {
		r->ts_unit_known = true;
		r->res->ts_counter = h->ts_counter;
	} else if (h->has_ts && h->ts_counter != r->res->ts_counter) {
		*out = bad(r, h->ts_counter ?
			   "integer (clock tick) timestamp in a trace of SECONDS.FRACTION timestamps" :
			   "SECONDS.FRACTION timestamp in a trace of integer (clock tick) timestamps");
		return true;
	}
	if (r->joining)
		r->res->joined++;
	return false;
}

/*
 * A kvm_exit line. alone: the record stopped short and nothing followed to
 * join (trace_exit_body_parse_alone); the caller has checked it reads.
 */
static int on_kvm_exit(struct reader *r, const struct trace_header *h, bool alone)
{
	struct exit_event ev = { .kind = EV_EXIT, .no_time = alone };
	struct exit_body b;
	const char *why;
	int ret;

	if (alone) {
		if (trace_exit_body_parse_alone(r->cache, h->body, h->body_len, &b, &why))
			return bad(r, why);
	} else {
		ret = trace_exit_body_parse(r->cache, h->body, h->body_len, &b, &why);
		if (body_unread(r, h, ret, why, &ret))
			return ret;
	}
	fill_from_header(&ev, h);
	ev.vcpu = b.vcpu;
	if (r->opts->want_info)
		ev.has_info = trace_exit_info_parse(h->body, h->body_len, &ev.info);
	if (b.plugin_spelling)
		r->ev_plugin = true;
	if (b.vcpu == STATS_VCPU_UNKNOWN)
		r->ev_exit_no_vcpu = true;

	switch (b.how) {
	case RISA_NAME:
	case RISA_VMX_FLAGS:
		ev.isa = b.isa;
		ev.reason = b.code;
		ret = note_isa(r, b.isa);
		if (ret)
			return ret;
		break;
	case RISA_LOWER_AMBIGUOUS:
		if (r->trace_isa == ISA_UNKNOWN)
			return hold(r, &ev, &b);
		ev.isa = r->trace_isa;
		ev.reason = ev.isa == ISA_VMX ? b.vmx_code : b.svm_code;
		break;
	case RISA_NUMBER:
		ev.reason = b.code;
		if (r->trace_isa == ISA_UNKNOWN)
			return hold(r, &ev, &b);
		ev.isa = r->trace_isa;
		break;
	}
	if (r->nheld)
		return hold(r, &ev, NULL);
	return deliver(r, &ev);
}

static int on_kvm_entry(struct reader *r, const struct trace_header *h)
{
	struct exit_event ev = { .kind = EV_ENTRY };
	const char *why;
	bool has_rip;

	int ret = trace_entry_body_parse(h->body, h->body_len, &ev.vcpu, &has_rip, &why);

	if (body_unread(r, h, ret, why, &ret))
		return ret;
	if (has_rip)
		r->ev_entry_rip = true;
	fill_from_header(&ev, h);
	if (r->nheld)
		return hold(r, &ev, NULL);
	return deliver(r, &ev);
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && !memcmp(s, p, pl);
}

static bool has_suffix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && !memcmp(s + n - pl, p, pl);
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* The number after needle in s, if any. */
static bool number_after(const char *s, size_t n, const char *needle, uint64_t *v)
{
	const char *p = memmem(s, n, needle, strlen(needle)), *e = s + n;

	if (!p)
		return false;
	p += strlen(needle);
	if (p == e || *p < '0' || *p > '9')
		return false;
	*v = 0;
	while (p < e && *p >= '0' && *p <= '9')
		*v = *v * 10 + (uint64_t)(*p++ - '0');
	return true;
}

/* A line of a table of totals, or a problem with it: NAME:LINE: what: text. */
static int totals_on_line(struct reader *r, const char *s, size_t n)
{
	const char *why = NULL;
	int ret;

	r->text = s;
	r->text_len = n;
	ret = totals_line(r->totals, s, n, r->lineno, &why);
	if (ret == -2)
		return no_memory(r);
	return ret ? fail_at(r, r->lineno, why) : 0;
}

/* This line starts a table of totals: the rest of the input is read as one (1, or -1 to stop). */
static int start_totals(struct reader *r, enum totals_kind kind, const char *s, size_t n)
{
	if (r->res->exits || r->res->entries)
		return fail_at(r, r->lineno, "a table of totals after kvm_exit/kvm_entry events: "
			       "give exitstat the trace or the table, one per file");
	r->res->format = TRACE_AGGREGATE;
	r->totals = totals_new(kind, r->after_clock, r->cache);
	if (!r->totals)
		return no_memory(r);
	return totals_on_line(r, s, n) ? -1 : 1;
}

/* The current line says events were lost: remember where. */
static void lost_here(struct reader *r)
{
	struct trace_result *res = r->res;

	if (res->nlost_lines < TRACE_MAX_SKIPPED_LISTED)
		res->lost_lines[res->nlost_lines] = r->lineno;
	res->nlost_lines++;
}

/*
 * Lines that are not events but say something: lost-event notes, the
 * renderers' own headers, the start of a table of totals. 1 if handled, 0
 * if not, -1 to stop.
 */
static int on_other_line(struct reader *r, const char *s, size_t n)
{
	struct trace_result *res = r->res;
	uint64_t a, b;

	if (has_prefix(s, n, "# tracer:")) {
		r->ev_tracer_comment = true;
		return 1;
	}
	if (has_prefix(s, n, "# entries-in-buffer/entries-written:")) {
		/* ftrace's trace file: written - still in the buffer = overwritten. */
		const char *p = memmem(s, n, "written: ", 9), *e = s + n;

		if (p && number_after(p, (size_t)(e - p), "written: ", &a)) {
			p = memchr(p, '/', (size_t)(e - p));
			if (p && number_after(p, (size_t)(e - p), "/", &b) && b > a) {
				res->lost += b - a;
				lost_here(r);
			}
		}
		return 1;
	}
	if (has_prefix(s, n, "CPU:") && contains(s, n, "[LOST ") && number_after(s, n, "[LOST ", &a)) {
		res->lost += a;		/* ftrace */
		lost_here(r);
		return 1;
	}
	if (has_prefix(s, n, "CPU:") && contains(s, n, "EVENTS DROPPED]")) {
		if (number_after(s, n, " [", &a))
			res->lost += a;	/* trace-cmd */
		else
			res->lost_marks++;
		lost_here(r);
		return 1;
	}
	if (contains(s, n, "LOST ") && contains(s, n, " events!") && number_after(s, n, "LOST ", &a)) {
		res->lost += a;		/* perf script --show-lost-events */
		lost_here(r);
		return 1;
	}
	if (has_prefix(s, n, "cpus=") || has_prefix(s, n, "version = ")) {
		r->ev_tracecmd_marker = true;
		return 1;
	}
	if (has_prefix(s, n, "# Total Lost Samples:") && number_after(s, n, "Samples: ", &a)) {
		res->lost += a;		/* perf report */
		return 1;
	}
	{
		const char *q = s;
		enum totals_kind kind;

		while (q < s + n && (*q == '>' || *q == ' ' || *q == '\t'))
			q++;	/* a table quoted in a mail reply */
		kind = totals_starts(q, (size_t)(s + n - q));
		if (kind != TOTALS_NONE)
			return start_totals(r, kind, s, n);
	}
	if (s[0] == '#') {
		if (has_prefix(s, n, "##### CPU ") && contains(s, n, "buffer started")) {
			res->lost_marks++;
			lost_here(r);
		}
		return 1;
	}
	return 0;
}

static int on_event(struct reader *r, const struct trace_header *h)
{
	if (h->style == HDR_PERF || h->event_system)
		r->ev_perf = true;
	else if (h->style == HDR_DASH && h->has_flags)
		r->ev_flags = true;
	else if (h->style == HDR_DASH)
		r->ev_noflags = true;

	if (h->event_system && (has_suffix(h->system, h->system_len, "kvm_exit") ||
				has_suffix(h->system, h->system_len, "kvm_entry")))
		return bad(r, "damaged kvm_exit/kvm_entry record (no blank after the event name)");
	if (trace_event_is(h, "kvm_exit")) {
		if (!h->event_colon)
			return cut(r, "kvm_exit without a body (record cut short)");
		return on_kvm_exit(r, h, false);
	}
	if (trace_event_is(h, "kvm_entry")) {
		if (!h->event_colon)
			return cut(r, "kvm_entry without a body (record cut short)");
		return on_kvm_entry(r, h);
	}
	/* perf script --show-lost-events: `PERF_RECORD_LOST lost N` after a header. */
	if (h->event_len >= 16 && !memcmp(h->event, "PERF_RECORD_LOST", 16)) {
		uint64_t n;

		if (number_after(h->body, h->body_len, "lost ", &n) ||
		    number_after(h->body, h->body_len, "lost:", &n) ||
		    number_after(h->body, h->body_len, "lost: ", &n))
			r->res->lost += n;
		else
			r->res->lost_marks++;
		lost_here(r);
		return 0;
	}
	if (trace_event_is(h, "kvm_msr") && h->event_colon) {
		int ret = on_kvm_msr(r, h);

		if (ret)
			return ret;
	}
	if (trace_event_is(h, "kvm_page_fault") && h->event_colon) {
		int ret = on_kvm_page_fault(r, h);

		if (ret)
			return ret;
	}
	/* L2 exits seen by L1's hypervisor: not exits of this host's guests. */
	if (trace_event_is(h, "kvm_nested_vmexit") || trace_event_is(h, "kvm_nested_vmexit_inject"))
		r->res->nested_exits++;
	else
		r->res->other_events++;
	return 0;
}

static int on_record_line(struct reader *r, const char *s, size_t n)
{
	struct trace_header h;
	int ret;

	/* The binary files the tools record: say how to turn them into text. */
	if (r->lineno == 1 && has_prefix(s, n, "PERFILE2"))
		return es_error_set(r->err, "%s:1: this is a perf.data recording, not text; print it "
				    "with `perf script -i FILE`", r->name);
	if (r->lineno == 1 && has_prefix(s, n, "\x17\x08\x44tracing"))
		return es_error_set(r->err, "%s:1: this is a trace-cmd trace.dat recording, not text; "
				    "print it with `trace-cmd report -i FILE`", r->name);

	r->text = s;
	r->text_len = n;
	if (n == 0) {
		r->have_split = false;
		return 0;
	}
	if (trace_header_parse_cached(&r->hcache, s, n, &h)) {
		if (!h.event) {
			r->split = h;
			r->have_split = true;
			return 0;
		}
		if (h.style == HDR_NONE && r->have_split) {
			/* The record's header was on the line before. */
			const struct trace_header *p = &r->split;

			h.style = p->style;
			h.has_task = p->has_task;
			h.tid = p->tid;
			h.tgid = p->tgid;
			h.cpu = p->cpu;
			h.has_flags = p->has_flags;
			h.has_ts = p->has_ts;
			h.ts_counter = p->ts_counter;
			h.ts = p->ts;
		}
		r->have_split = false;
		return on_event(r, &h);
	}
	r->have_split = false;
	{
		const char *t = s;

		while (t < s + n && (*t == ' ' || *t == '\t'))
			t++;
		ret = on_other_line(r, t, (size_t)(s + n - t));
		if (ret)
			return ret < 0 ? -1 : 0;
	}
	/* Text that mentions a kvm event record but has no record's shape. */
	if (contains(s, n, "kvm_exit:") || contains(s, n, "kvm_entry:"))
		return bad(r, "kvm_exit/kvm_entry record without a readable header");
	return 0;
}

/* Can line (s, n) continue a wrapped record? Only text that is nothing else. */
static bool is_continuation(const char *s, size_t n)
{
	struct trace_header h;
	const char *t = s;

	while (t < s + n && (*t == ' ' || *t == '\t'))
		t++;
	n -= (size_t)(t - s);
	return n && *t != '#' && !has_prefix(t, n, "CPU:") && !contains(t, n, "kvm_") &&
	       !trace_header_parse(t, n, &h);
}

static int on_line(struct reader *r, const char *s, size_t n)
{
	int ret;

	if (r->totals)
		return totals_on_line(r, s, n);
	{
		const char *t = s;
		size_t k = n;

		while (k && (*t == ' ' || *t == '\t')) {
			t++;
			k--;
		}
		r->after_clock = r->clock_line;
		if (k) {
			bool clock = totals_time_of_day(t, k);

			if (clock && !r->have_wrap) {
				r->clock_line = true;
				return 0;
			}
			r->clock_line = false;
		}
	}

	if (r->have_wrap) {
		if (is_continuation(s, n)) {
			uint64_t line = r->lineno;
			size_t len;

			while (n && (*s == ' ' || *s == '\t')) {
				s++;
				n--;
			}
			len = r->wrap_len + 1 + n;
			if (array_reserve(&r->join, &r->join_cap, len, 1, 256))
				return no_memory(r);
			memcpy(r->join, r->wrap, r->wrap_len);
			r->join[r->wrap_len] = ' ';
			memcpy(r->join + r->wrap_len + 1, s, n);
			r->have_wrap = false;
			r->joining = true;
			r->lineno = r->wrap_line;
			ret = on_record_line(r, r->join, len);
			r->joining = false;
			r->lineno = line;
			if (!r->have_wrap)
				r->wrap_parts = 0;
			return ret;
		}
		ret = wrap_ends(r);
		if (ret)
			return ret;
	}
	return on_record_line(r, s, n);
}

/* A logical line from the quoted-printable layer: physical, or decoded and joined. */
static int on_logical_line(void *ctx, const char *s, size_t n, uint64_t line)
{
	struct reader *r = ctx;
	uint64_t cur = r->lineno;
	int ret;

	r->lineno = line;
	ret = on_line(r, s, n);
	r->lineno = cur;
	return ret;
}

static enum trace_format decide_format(const struct reader *r)
{
	if (r->res->format == TRACE_AGGREGATE)
		return TRACE_AGGREGATE;
	if (r->ev_perf)
		return TRACE_PERF_SCRIPT;
	if (r->ev_tracecmd_marker)
		return TRACE_TRACE_CMD;
	if (r->ev_tracer_comment)
		return TRACE_FTRACE;
	if (r->ev_plugin || (r->ev_exit_no_vcpu && r->ev_entry_rip) || r->ev_noflags)
		return TRACE_TRACE_CMD;
	if (r->ev_flags)
		return TRACE_FTRACE;
	return TRACE_UNKNOWN;
}

/*
 * Lines read in large chunks and handed on in place: no copy of each line
 * (getline's), and a read(2) per LINES_CHUNK bytes, not per stdio buffer.
 * A stream (opts->stream) is read a line at a time (getline), so that its
 * lines are handled as they come. The buffer grows only for a line longer
 * than it.
 */
#define LINES_CHUNK (1u << 20)

struct lines {
	FILE *f;
	char *buf;
	size_t cap, start, end;
	size_t seen;		/* bytes after start known to hold no '\n' (a long line's) */
	bool stream;		/* a pipe or device: one line at a time, as it comes */
	char *line;		/* stream: getline's buffer */
	size_t line_cap;
	const volatile sig_atomic_t *interrupt;	/* stream: stop waiting when set */
	bool eof;
};

/*
 * Bytes f has read ahead into its buffer (glibc's FILE fields, as gnulib's
 * freadahead reads them).
 */
static size_t stdio_ahead(const FILE *f)
{
	return f->_IO_read_end > f->_IO_read_ptr ? (size_t)(f->_IO_read_end - f->_IO_read_ptr) : 0;
}

/*
 * A stream: true once its fd has bytes (or its end), false when interrupted
 * first. A stop signal does not restart a blocked read (no SA_RESTART), but
 * one that comes just before the read is not seen by it: so the wait is in
 * slices of 100 ms, with the flag checked between them. A FILE without an
 * fd (a decompressor) is read directly.
 */
static bool stream_wait(struct lines *l)
{
	int fd = fileno(l->f);

	if (l->interrupt && *l->interrupt)
		return false;
	if (fd < 0 || stdio_ahead(l->f))
		return true;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) != 0)	/* ready, hung up, or a signal */
			return !(l->interrupt && *l->interrupt);
		if (l->interrupt && *l->interrupt)
			return false;
	}
}

/*
 * A stream's next line, appended to the buffer: its bytes, 0 at the end, or
 * (size_t)-1 out of memory. fread would wait for a whole chunk; getline
 * returns each line as soon as it is there (a trace_pipe that stays open).
 */
static size_t stream_read(struct lines *l)
{
	ssize_t k;

	if (!stream_wait(l))
		return 0;
	errno = 0;
	k = getline(&l->line, &l->line_cap, l->f);
	if (k < 0)
		return errno == ENOMEM ? (size_t)-1 : 0;
	if (array_reserve(&l->buf, &l->cap, l->end + (size_t)k, 1, LINES_CHUNK))
		return (size_t)-1;
	memcpy(l->buf + l->end, l->line, (size_t)k);
	return (size_t)k;
}

/*
 * The next line, without its '\n', in (*s, *n): 1; 0 at the end of the
 * input (or a read error: ferror(f)); -1 when a line does not fit in memory
 * (*n: its bytes so far).
 */
static int next_line(struct lines *l, const char **s, size_t *n)
{
	for (;;) {
		size_t from = l->start + l->seen, got;
		char *nl = l->end > from ? memchr(l->buf + from, '\n', l->end - from) : NULL;

		if (nl || (l->eof && l->start < l->end)) {
			size_t e = nl ? (size_t)(nl - l->buf) : l->end;

			*s = l->buf + l->start;
			*n = e - l->start;
			l->start = nl ? e + 1 : e;
			l->seen = 0;
			return 1;
		}
		/* Not searched again when more of the line comes. */
		l->seen = l->end - l->start;
		if (l->eof)
			return 0;
		/* The partial line to the front; room for more of it. */
		if (l->start) {
			memmove(l->buf, l->buf + l->start, l->end - l->start);
			l->end -= l->start;
			l->start = 0;
		}
		if (l->end == l->cap &&
		    array_reserve(&l->buf, &l->cap, l->cap + 1, 1, LINES_CHUNK)) {
			*n = l->end;
			return -1;
		}
		got = l->stream ? stream_read(l) : fread(l->buf + l->end, 1,
			    l->cap - l->end < LINES_CHUNK ? l->cap - l->end : LINES_CHUNK, l->f);
		if (got == (size_t)-1) {
			*n = l->end;
			return -1;
		}
		l->end += got;
		if (got == 0)
			l->eof = true;
	}
}

int trace_read(FILE *f, const char *name, const struct trace_opts *opts,
	       trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err)
{
	static const struct trace_opts no_opts;
	struct reader r = {
		.name = name ? name : "-",
		.opts = opts ? opts : &no_opts,
		.fn = fn,
		.ctx = ctx,
		.res = res,
		.err = err,
	};
	struct lines in = { .f = f, .stream = opts && opts->stream,
			    .interrupt = opts ? opts->interrupt : NULL };
	const char *line;
	size_t n;
	int ret = 0, got;

	memset(res, 0, sizeof(*res));
	r.cache = reason_cache_new();
	if (!r.cache)
		return no_memory(&r);
	r.qp = qp_new(on_logical_line, &r);
	if (!r.qp) {
		reason_cache_free(r.cache);
		return no_memory(&r);
	}
	while ((errno = 0, got = next_line(&in, &line, &n)) > 0) {
		r.lineno++;
		res->lines++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		ret = qp_line(r.qp, line, n, r.lineno);
		if (ret)
			break;
	}
	if (!ret && got < 0) {
		/* The line did not fit in memory: it is not the end of the input. */
		ret = es_error_set(err, "%s:%llu: out of memory reading the line (%zu bytes so far)",
				   r.name, (unsigned long long)r.lineno + 1, n);
	}
	if (!ret)
		ret = qp_end(r.qp);	/* lines held to tell quoted-printable text */
	if (ret && qp_out_of_memory(r.qp))
		ret = no_memory(&r);
	res->quoted_printable = qp_decoding(r.qp);
	if (!ret && ferror(f)) {
		ret = es_error_set(err, "%s:%llu: read error: %s", r.name,
				   (unsigned long long)r.lineno, strerror(errno));
	}
	if (!ret && r.have_wrap)
		ret = wrap_ends(&r);	/* the last record was cut short */
	if (!ret && r.totals) {
		ret = totals_end(r.totals, r.name, r.opts->isa_hint, fn, ctx, &res->exits, &res->lost,
				 err);
		res->totals_tool = totals_tool(r.totals);
		totals_note(r.totals, res->totals_note, sizeof(res->totals_note));
	}
	if (!ret && r.nheld)
		ret = flush_held(&r, r.trace_isa);
	while (!ret && r.nmsr_wait)	/* exits whose kvm_msr or kvm_page_fault never came */
		ret = msr_wait_send(&r, r.msr_wait[0].tid, NULL, NULL);
	res->format = decide_format(&r);
	res->isa = r.isa_mixed ? ISA_UNKNOWN : r.trace_isa;
	free(in.buf);
	free(in.line);
	for (size_t i = 0; i < r.nheld; i++)
		free(r.held[i].text);
	free(r.held);
	free(r.msr_wait);
	free(r.wrap);
	free(r.join);
	totals_free(r.totals);
	reason_cache_free(r.cache);
	qp_free(r.qp);
	return ret;
}
