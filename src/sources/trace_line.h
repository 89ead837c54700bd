/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the trace-text reader (trace.h), shared by its parts and the
 * unit tests: the line-header parser (trace_header.c) and the kvm event body
 * parsers (trace_body.c). Lines are (pointer, length) pairs, never NUL-terminated
 * strings, so a NUL byte in damaged input cannot cut a line short.
 *
 * A trace line is HEADER EVENT: BODY. Every renderer we read prints the same
 * pieces in the same order; only which pieces are present and how they are
 * spelled differs:
 *
 *   renderer            task column          tgid      cpu    flags   timestamp
 *   ftrace trace/pipe   comm-PID             (TGID)?   [CPU]  d..1 or d.h1.   S.UUUUUU
 *   trace-cmd report    comm-PID             -         [CPU]  optional  S.UUUUUU or TSC
 *   perf script         comm TID or PID/TID  -         [CPU]? -       S.UUUUUU[UUU]
 *
 * then `EVENT:` (perf: `SYSTEM:EVENT:`, right aligned) and the body. Comm may
 * hold spaces, dashes and slashes (`CPU 1/KVM`, `fc_vcpu 0`, `<...>`), so the
 * header is read from the timestamp leftwards: the columns right of comm have
 * fixed shapes, comm is whatever is left.
 */
#ifndef EXITSTAT_TRACE_LINE_H
#define EXITSTAT_TRACE_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/detail.h"
#include "core/reasons.h"

enum header_style {
	HDR_NONE,	/* no header: the author cut it off (`  kvm_exit: ...`) */
	HDR_DASH,	/* comm-PID: ftrace and trace-cmd */
	HDR_PERF,	/* comm TID or comm PID/TID: perf script */
};

struct trace_header {
	enum header_style style;
	bool has_task;
	bool comm_only;		/* a comm without a TID (perf script -F comm,time,...) */
	uint32_t tid;		/* the PID column: the thread */
	uint32_t tgid;		/* 0 unless shown: ftrace `(TGID)`, perf `PID/TID` */
	int cpu;		/* -1 if no [CPU] column */
	bool has_flags;		/* ftrace latency flags column (d..1, d.h1.) */
	bool has_ts;
	bool ts_counter;	/* integer timestamp: raw clock ticks (x86-tsc), not ns */
	uint64_t ts;		/* ns, or ticks if ts_counter */
	const char *event;	/* event name without `SYSTEM:`; NULL if the line ends at the header */
	size_t event_len;
	bool event_system;	/* printed as SYSTEM:EVENT (perf) */
	const char *system;	/* SYSTEM of SYSTEM:EVENT (event_system) */
	size_t system_len;
	bool event_colon;	/* the name was followed by `:` (false: line cut after the name) */
	const char *body;	/* after `EVENT: ` */
	size_t body_len;
};

/*
 * Parse a line (no line terminator, trailing blanks removed). Returns true
 * and fills h if the line is HEADER EVENT[: BODY], HEADER alone (h->event ==
 * NULL: the record continues on the next line), or an indented headerless
 * `EVENT: BODY`. Returns false for anything else (comments, blank lines,
 * continuation lines of wrapped text, tables).
 */
bool trace_header_parse(const char *line, size_t len, struct trace_header *h);

/* The columns left of the timestamp as parsed for the last few texts of them. */
#define HDR_CACHE_SLOTS 4
#define HDR_CACHE_TEXT 96
struct header_cols {
	size_t len;		/* text length + 1; 0: empty */
	char text[HDR_CACHE_TEXT];
	bool ok;		/* the text has a header's shape */
	struct trace_header cols;	/* the column fields it gave (task, tgid, cpu, flags) */
};
struct header_cache {
	struct header_cols slot[HDR_CACHE_SLOTS];
	unsigned int next;
};

/* The same, the columns looked up in c first (a reader's, zeroed before the first line). */
bool trace_header_parse_cached(struct header_cache *c, const char *line, size_t len,
			       struct trace_header *h);

/* Is (s, n) the event name `name`? Inline: name is a literal, its length known. */
static inline bool trace_event_is(const struct trace_header *h, const char *name)
{
	size_t n = __builtin_strlen(name);

	return h->event && h->event_len == n && !__builtin_memcmp(h->event, name, n);
}

/* How a reason's ISA was settled (see trace_text.c for the trace-wide rule). */
enum reason_isa_how {
	RISA_NAME,		/* the name exists in one ISA only */
	RISA_LOWER_AMBIGUOUS,	/* lower case, SVM name and, upper-cased, a VMX one (2009 VMX kernels) */
	RISA_NUMBER,		/* a bare number: the ISA comes from the rest of the trace */
	RISA_VMX_FLAGS,		/* a VMX name followed by VMX flag words: VMX */
};

struct exit_body {
	uint32_t vcpu;			/* STATS_VCPU_UNKNOWN if not printed */
	enum reason_isa_how how;
	enum exit_isa isa;		/* RISA_NAME, RISA_VMX_FLAGS: the ISA; else ISA_UNKNOWN */
	uint32_t code;			/* RISA_NAME/VMX_FLAGS/NUMBER: the (full VMX) reason */
	uint32_t svm_code, vmx_code;	/* RISA_LOWER_AMBIGUOUS: the two readings */
	bool plugin_spelling;		/* EXIT_* names or `UNKNOWN (N)`: only libtraceevent prints these */
};

/*
 * The exit information after the reason (`info1 X info2 Y intr_info Z`, the
 * older `info X Y`, perf's raw `info1=X ...`), for exit details
 * (core/detail.h), and the guest RIP (`rip 0x..`, raw `guest_rip=`: in->has_rip,
 * whether or not there is exit information). False when the body has no exit information.
 */
bool trace_exit_info_parse(const char *body, size_t n, struct exit_info *in);

/*
 * A kvm_msr body, `msr_read 1b = 0xfee00900` or `msr_write c0000080 = 0xd01`
 * (every era; ` (#GP)` after a faulting access): the index and direction.
 * False when it is not that.
 */
bool trace_msr_body_parse(const char *body, size_t n, uint32_t *msr, bool *write);

/*
 * A kvm_page_fault body, `address 3fef42812000 error_code 181` (before 6.x)
 * or `vcpu 0 rip 0x10057 address 0x00000000000f0000 error_code 0x182`: the
 * faulting guest-physical address (of a VMX EPT violation, or SVM's NPF).
 * False when it has none.
 */
bool trace_page_fault_body_parse(const char *body, size_t n, uint64_t *gpa);

/* A name cache; reason lookups scan the catalogue, and traces repeat a few names. */
struct reason_cache;
struct reason_cache *reason_cache_new(void);
void reason_cache_free(struct reason_cache *c);

/* The body stops early: the record may go on on the next line (mail wrapping). */
#define TRACE_BODY_CUT (-2)

/*
 * Parse a kvm_exit body. 0; -1 with *why set to what is wrong; or
 * TRACE_BODY_CUT when the line ends before the reason is complete.
 * The body is accepted once the reason is complete, i.e. followed by ` rip`:
 * nothing after rip is used, so a cut or wrapped tail still counts.
 */
int trace_exit_body_parse(struct reason_cache *c, const char *s, size_t n,
			  struct exit_body *b, const char **why);

/*
 * The same for a line that ended without ` rip`: the reason is what is left
 * (`reason DR_ACCESS`, an abridged line; `reason hlt ri`, a rip cut off).
 * 0, or -1 with *why set when no known reason is left (cut inside it).
 */
int trace_exit_body_parse_alone(struct reason_cache *c, const char *s, size_t n,
				struct exit_body *b, const char **why);

/* Parse a kvm_entry body (`vcpu N[, rip 0x...]`). 0, -1 or TRACE_BODY_CUT with *why set. */
int trace_entry_body_parse(const char *s, size_t n, uint32_t *vcpu, bool *has_rip,
			   const char **why);

/*
 * Quoted-printable mail text, detected and decoded line by line
 * (trace_qp.c). qp_line() takes each physical line (no terminator) and calls
 * fn with each logical line: as it is, or decoded and joined across soft
 * breaks, with the number of its first physical line. A few lines may be
 * held until the text shows what it is; qp_end() gives them on. Both return
 * fn's non-zero value, or -1 when out of memory (qp_out_of_memory() true).
 */
typedef int (*qp_line_fn)(void *ctx, const char *s, size_t n, uint64_t line);
struct qp_reader;
struct qp_reader *qp_new(qp_line_fn fn, void *ctx);
int qp_line(struct qp_reader *q, const char *s, size_t n, uint64_t line);
int qp_end(struct qp_reader *q);
bool qp_decoding(const struct qp_reader *q);	/* the text was quoted-printable */
bool qp_out_of_memory(const struct qp_reader *q);
void qp_free(struct qp_reader *q);

#endif
