// SPDX-License-Identifier: GPL-2.0
/*
 * The trace-text reader (src/sources/trace*.c).
 *
 * Ground truth: the per-reason counts of the published traces come from
 * tests/fixtures/public/SOURCES.md (counted by hand by the person who
 * collected them; parsed here, not copied); the real-KVM bed's counts come
 * from the kernel's hist trigger of the same run (tests/fixtures/bed/NAME.hist).
 * Line variants in the tables below are real lines from those fixtures or
 * from tools on this machine (perf 6.1, ftrace of kernel 6.18) unless a
 * comment names the kernel print format they follow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/stats.h"
#include "sources/trace.h"
#include "sources/trace_line.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif
#define PUBLIC SRCDIR "/tests/fixtures/public/"
#define BED SRCDIR "/tests/fixtures/bed/"

/* ---- helpers ---- */

#define MAX_EVENTS 64

struct collected {
	struct exit_event ev[MAX_EVENTS];
	size_t n;
	int stop_at;		/* return 7 from the callback at this event (1-based); 0 never */
};

static int collect(void *ctx, const struct exit_event *ev)
{
	struct collected *c = ctx;

	if (c->n < MAX_EVENTS)
		c->ev[c->n] = *ev;
	c->n++;
	if (c->stop_at && (int)c->n == c->stop_at)
		return 7;
	return 0;
}

/* A diag that writes each notice as a line of the FILE * it is given. */
static void notice_to_file(void *ctx, const char *msg)
{
	fprintf(ctx, "%s\n", msg);
}

/*
 * Read text as a trace named "t"; the notices (one a line), then the error
 * message if the read failed with one, into *diag (caller frees).
 */
static int read_bytes(const char *text, size_t len, const struct trace_opts *o0,
		      struct collected *c, struct trace_result *res, char **diag)
{
	struct trace_opts o = o0 ? *o0 : (struct trace_opts){ 0 };
	struct es_error err = { "" };
	size_t dlen;
	FILE *in = fmemopen((void *)text, len, "r");
	FILE *d = open_memstream(diag, &dlen);
	int rc;

	assert_non_null(in);
	assert_non_null(d);
	o.diag = (struct es_diag){ notice_to_file, d };
	memset(c->ev, 0, sizeof(c->ev));
	c->n = 0;
	rc = trace_read(in, "t", &o, collect, c, res, &err);
	if (rc == -1)
		fprintf(d, "%s\n", err.msg);
	fclose(in);
	fclose(d);
	return rc;
}

static int read_text(const char *text, const struct trace_opts *o0, struct collected *c,
		     struct trace_result *res, char **diag)
{
	return read_bytes(text, strlen(text), o0, c, res, diag);
}

static int accum_cb(void *ctx, const struct exit_event *ev)
{
	return accum_event(ctx, ev);
}

/* Read a file into an accumulator. */
static int read_file(const char *path, bool skip_bad, struct accum *a, struct trace_result *res,
		     char **diag)
{
	struct trace_opts o = { .skip_bad = skip_bad };
	struct es_error err = { "" };
	size_t dlen;
	FILE *in = fopen(path, "r");
	FILE *d = open_memstream(diag, &dlen);
	int rc;

	if (!in)
		fail_msg("cannot open %s", path);
	assert_non_null(d);
	o.diag = (struct es_diag){ notice_to_file, d };
	assert_int_equal(accum_init(a), 0);
	rc = trace_read(in, path, &o, accum_cb, a, res, &err);
	if (rc == -1)
		fprintf(d, "%s\n", err.msg);
	fclose(in);
	fclose(d);
	return rc;
}

/* Exits of (isa, basic reason) over all keys. */
static uint64_t count_of(const struct stats *s, enum exit_isa isa, uint32_t code)
{
	const struct stats_entry *e;
	size_t it = 0;
	uint64_t n = 0;

	while ((e = stats_next(s, &it)))
		if (e->key.isa == (uint32_t)isa && e->key.reason == code)
			n += e->c.count;
	return n;
}

/* ---- header variants ---- */

struct header_case {
	const char *line;
	enum header_style style;
	uint32_t tid, tgid;
	int cpu;
	bool flags;
	uint64_t ts;
	bool counter;
	const char *event;	/* NULL: header only */
	const char *body_start;
};

static const struct header_case header_cases[] = {
	/* ftrace, kernel 6.12, 5-char flags (bed ftrace-64.txt) */
	{ "         exitgen-160     [000] d..1.     5.472815: kvm_entry: vcpu 0, rip 0x10000",
	  HDR_DASH, 160, 0, 0, true, 5472815000ull, false, "kvm_entry", "vcpu 0, rip 0x10000" },
	/* ftrace, 4-char flags, 2018 (public 14) */
	{ "       challenge-24797 [003] .... 83184.290332: kvm_exit: reason EXTERNAL_INTERRUPT rip 0x100 info 0 800000f6",
	  HDR_DASH, 24797, 0, 3, true, 83184290332000ull, false, "kvm_exit", "reason EXTERNAL" },
	/* ftrace record-tgid column, kernel 6.18 on this machine */
	{ "         exitgen-13687   (  13682) [000] d.h3.   629.651900: sched_wakeup: comm=memfd:sealed-91 pid=2916 prio=120 target_cpu=000",
	  HDR_DASH, 13687, 13682, 0, true, 629651900000ull, false, "sched_wakeup", "comm=" },
	/* record-tgid when the kernel has no tgid for the pid: "(-------) " (kernel/trace/trace.c) */
	{ "           <...>-13690   (-------) [001] d..2.   629.700000: kvm_entry: vcpu 0, rip 0x10000",
	  HDR_DASH, 13690, 0, 1, true, 629700000000ull, false, "kvm_entry", "vcpu 0" },
	/* ftrace, 4-char flags `d...`, long timestamp (public 30) */
	{ "             exe-110348  [006] d... 410259.258862: kvm_exit: vcpu 1 reason EPT_VIOLATION rip 0x5600b39c8132 info1 0x0000000000000181 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
	  HDR_DASH, 110348, 0, 6, true, 410259258862000ull, false, "kvm_exit", "vcpu 1 reason" },
	/* comm with a space, timestamp leaving one space (public 33) */
	{ "fc_vcpu 0-2779478 [077] .... 1820822.383989: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x5a1b20 info 384 0",
	  HDR_DASH, 2779478, 0, 77, true, 1820822383989000ull, false, "kvm_exit", "vcpu 0 reason" },
	/* trace-cmd report, no flags column (bed trace-cmd-64.txt) */
	{ "         exitgen-176   [000]    14.926287: kvm_exit:             reason EXIT_NPF rip 0x10000 info 200000006 1000",
	  HDR_DASH, 176, 0, 0, false, 14926287000ull, false, "kvm_exit", "reason EXIT_NPF" },
	/* trace-cmd, comm with a space (public 31) */
	{ "       fc_vcpu 0-11830 [034]  1497.376471: kvm_exit:             reason EXIT_WRITE_CR4 rip 0x1000520 info 8000000000000000 0",
	  HDR_DASH, 11830, 0, 34, false, 1497376471000ull, false, "kvm_exit", "reason EXIT_WRITE_CR4" },
	/* trace-cmd -C x86-tsc: integer TSC timestamps, `<...>` comm (public 28) */
	{ "<...>-105662 [002] 117471684343752: kvm_update_master_clock: masterclock 0 hostclock tsc offsetmatched 0",
	  HDR_DASH, 105662, 0, 2, false, 117471684343752ull, true, "kvm_update_master_clock", "masterclock" },
	{ "qemu-system-x86-20667 [010] 15813659115036: kvm_exit:             reason EXIT_IOIO rip 0xec08e info cf80140 ec08f",
	  HDR_DASH, 20667, 0, 10, false, 15813659115036ull, true, "kvm_exit", "reason EXIT_IOIO" },
	/* trace-cmd, header split from its record by the author (public 13) */
	{ "qemu-system-x86-5665  [000] ....   280.971121:",
	  HDR_DASH, 5665, 0, 0, true, 280971121000ull, false, NULL, NULL },
	/* perf script: right-aligned SYSTEM:EVENT (bed perf-64.txt) */
	{ "         exitgen   169 [000]     7.218139:  kvm:kvm_exit: vcpu 0 reason interrupt rip 0x10000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
	  HDR_PERF, 169, 0, 0, false, 7218139000ull, false, "kvm_exit", "vcpu 0 reason interrupt" },
	/* perf script -F comm,pid,tid,cpu,time,event,trace (perf 6.1 here) */
	{ "     migration/0    18/18    [000]   634.437838: sched:sched_waking: comm=perf pid=13788 prio=120 target_cpu=000",
	  HDR_PERF, 18, 18, 0, false, 634437838000ull, false, "sched_waking", "comm=perf" },
	/* perf script --ns -F comm,tid,time,event,trace: no CPU column, 9 digits (perf 6.1 here) */
	{ "            perf 13788   634.437827276: sched:sched_waking: comm=migration/0 pid=18 prio=0 target_cpu=000",
	  HDR_PERF, 13788, 0, -1, false, 634437827276ull, false, "sched_waking", "comm=migration/0" },
	/* headerless: the author removed the header (public 06) */
	{ "  kvm_exit:             reason EXIT_RSM rip 0x7ffbb280 info 0 0",
	  HDR_NONE, 0, 0, -1, false, 0, false, "kvm_exit", "reason EXIT_RSM" },
	/* A body line whose text holds `0: ` must not pass for a header (public 06) */
	{ "  kvm_smm_transition:   vcpu 0: leaving SMM, smbase 0x7ffb3000",
	  HDR_NONE, 0, 0, -1, false, 0, false, "kvm_smm_transition", "vcpu 0:" },
	/* perf script -F comm,time,event,trace: comm alone, no TID (bed perf-64.txt, columns removed) */
	{ "exitgen 12.085951: kvm:kvm_exit: vcpu 0 reason io rip 0x10009",
	  HDR_PERF, 0, 0, -1, false, 12085951000ull, false, "kvm_exit", "vcpu 0 reason io" },
	/* perf script -F cpu,time,event,trace: no task */
	{ "[000]    12.085951: kvm:kvm_entry: vcpu 0, rip 0x10000",
	  HDR_NONE, 0, 0, 0, false, 12085951000ull, false, "kvm_entry", "vcpu 0" },
	/* perf script -F comm,tid,cpu,event,trace: no time */
	{ "         exitgen   169 [000] kvm:kvm_exit: vcpu 0 reason io rip 0x10009",
	  HDR_PERF, 169, 0, 0, false, 0, false, "kvm_exit", "vcpu 0 reason io" },
	/* perf script -F event,trace: the event alone */
	{ "kvm:kvm_exit: vcpu 0 reason io rip 0x10009",
	  HDR_NONE, 0, 0, -1, false, 0, false, "kvm_exit", "vcpu 0 reason io" },
	/* perf-prof: a wall-clock date and time first */
	{ "2022-04-22 17:31:55.123456          exitgen   169 [000]    12.085951: kvm:kvm_exit: vcpu 0 reason io",
	  HDR_PERF, 169, 0, 0, false, 12085951000ull, false, "kvm_exit", "vcpu 0 reason io" },
	/* Comm with a slash and a space, as QEMU names vCPU threads (`CPU 1/KVM`) */
	{ "       CPU 1/KVM-1278472 [001] d..1. 12.000001: kvm_entry: vcpu 1, rip 0xffffffff81000000",
	  HDR_DASH, 1278472, 0, 1, true, 12000001000ull, false, "kvm_entry", "vcpu 1" },
};

static void test_header_variants(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		const struct header_case *c = &header_cases[i];
		struct trace_header h;

		if (!trace_header_parse(c->line, strlen(c->line), &h))
			fail_msg("case %zu not parsed: %s", i, c->line);
		if (h.style != c->style || (c->style != HDR_NONE && h.tid != c->tid) ||
		    h.tgid != c->tgid || h.cpu != c->cpu || h.has_flags != c->flags ||
		    (c->style != HDR_NONE && (h.ts != c->ts || h.ts_counter != c->counter)))
			fail_msg("case %zu: style %d tid %u tgid %u cpu %d flags %d ts %llu counter %d: %s",
				 i, h.style, h.tid, h.tgid, h.cpu, h.has_flags,
				 (unsigned long long)h.ts, h.ts_counter, c->line);
		if (!c->event) {
			assert_null(h.event);
			continue;
		}
		if (!trace_event_is(&h, c->event))
			fail_msg("case %zu: event '%.*s', want %s", i, (int)h.event_len, h.event, c->event);
		if (h.body_len < strlen(c->body_start) ||
		    memcmp(h.body, c->body_start, strlen(c->body_start)))
			fail_msg("case %zu: body '%.*s'", i, (int)h.body_len, h.body);
	}
}

static void test_not_headers(void **state)
{
	static const char *const lines[] = {
		"# tracer: nop",
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
		"    200000006 1ab000",				/* continuation (public 06) */
		"    0x0000000200000006 info2 0x00000000001ab000 intr_info 0x00000000",
		"CPU:1 [LOST 7 EVENTS]",
		"##### CPU 2 buffer started ####",
		"cpus=1",
		"^C",
		"see 12.5: the result",		/* prose: a word and a time, no SYSTEM:EVENT */
	};
	struct trace_header h;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (trace_header_parse(lines[i], strlen(lines[i]), &h))
			fail_msg("parsed as an event line: %s", lines[i]);
}

/* ---- body variants: one per kernel era and renderer ---- */

struct body_case {
	const char *body;
	enum reason_isa_how how;
	enum exit_isa isa;
	uint32_t code;
	uint32_t vcpu;
};

static const struct body_case body_cases[] = {
	/* kernel 2.6.31 print fmt "reason %s rip 0x%lx" (VMX names in lower case then) */
	{ "reason io_instruction rip 0xc3a5", RISA_NAME, ISA_VMX, 30, STATS_VCPU_UNKNOWN },
	{ "reason apic_access rip 0xffffffff8101f3a0", RISA_NAME, ISA_VMX, 44, STATS_VCPU_UNKNOWN },
	/* kernel 2.6.34-5.4 "reason %s rip 0x%lx info %llx %llx" (public 14) */
	{ "reason IO_INSTRUCTION rip 0xff info e90008 0", RISA_NAME, ISA_VMX, 30, STATS_VCPU_UNKNOWN },
	/* kernel 5.5-5.9 "vcpu %u reason %s rip 0x%lx info %llx %llx" (public 33) */
	{ "vcpu 0 reason EPT_VIOLATION rip 0x5a1b20 info 384 0", RISA_NAME, ISA_VMX, 48, 0 },
	/* kernel 5.10+ (public 30) */
	{ "vcpu 1 reason EPT_VIOLATION rip 0x5600b39c8132 info1 0x0000000000000181 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
	  RISA_NAME, ISA_VMX, 48, 1 },
	/* kernel 6.x adds requests (print fmt of kernel 6.18 on this machine) */
	{ "vcpu 3 reason npf rip 0x10000 info1 0x0000000200000006 info2 0x0000000000001000 intr_info 0x00000000 error_code 0x00000000 requests 0x0000000000000000",
	  RISA_NAME, ISA_SVM, 0x400, 3 },
	/* 5.10+ with the VMX flag word after the reason (kernel __print_flags) */
	{ "vcpu 0 reason INVALID_STATE FAILED_VMENTRY rip 0xfff0 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
	  RISA_VMX_FLAGS, ISA_VMX, 33 | 0x80000000u, 0 },
	/* libtraceevent kvm plugin (bed trace-cmd-64.txt, public 06/31) */
	{ "reason EXIT_NPF rip 0x10000 info 200000006 1000", RISA_NAME, ISA_SVM, 0x400, STATS_VCPU_UNKNOWN },
	{ "reason EXIT_EXCP_GP rip 0x7ffbb280 info 0 0", RISA_NAME, ISA_SVM, 0x4d, STATS_VCPU_UNKNOWN },
	/* plugin for a number it has no name for: "reason UNKNOWN (%llu)" */
	{ "reason UNKNOWN (123) rip 0x9 info e00040 c", RISA_NUMBER, ISA_UNKNOWN, 123, STATS_VCPU_UNKNOWN },
	/* kernel for a number it has no name for: __print_symbolic's "0x%lx" */
	{ "vcpu 0 reason 0x7b rip 0x9 info1 0x0000000000e00040 info2 0x000000000000000c intr_info 0x00000000 error_code 0x00000000",
	  RISA_NUMBER, ISA_UNKNOWN, 0x7b, 0 },
	/* SVM name with a space (kernel "GP excp") */
	{ "vcpu 0 reason GP excp rip 0x7ffbb280 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
	  RISA_NAME, ISA_SVM, 0x4d, 0 },
	/* wrapped by the author after `info` (public 06): the reason is complete */
	{ "reason EXIT_NPF rip 0xffffffffffbbe119 info", RISA_NAME, ISA_SVM, 0x400, STATS_VCPU_UNKNOWN },
	/*
	 * libtraceevent that cannot parse the print fmt prints the fields:
	 * "[FAILED TO PARSE]" then " name=value", u32 in decimal, longs in 0x
	 * (fields in the order of the bed's kvm_exit.format, kernel 6.12)
	 */
	{ "[FAILED TO PARSE] exit_reason=123 guest_rip=0x9 isa=2 info1=14680128 info2=12 intr_info=0 error_code=0 vcpu_id=3",
	  RISA_NAME, ISA_SVM, 0x7b, 3 },
	{ "[FAILED TO PARSE] exit_reason=2147483681 guest_rip=0xfff0 isa=1 info1=0 info2=0 intr_info=0 error_code=0 vcpu_id=0",
	  RISA_NAME, ISA_VMX, 33 | 0x80000000u, 0 },
	/* lower case, SVM and (upper-cased) VMX: the trace decides */
	{ "reason hlt rip 0x10060 info 0 0", RISA_LOWER_AMBIGUOUS, ISA_UNKNOWN, 0, STATS_VCPU_UNKNOWN },
};

static void test_body_variants(void **state)
{
	struct reason_cache *cache = reason_cache_new();

	(void)state;
	assert_non_null(cache);
	/* Twice: the second pass answers from the cache. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
			const struct body_case *c = &body_cases[i];
			struct exit_body b;
			const char *why = NULL;

			if (trace_exit_body_parse(cache, c->body, strlen(c->body), &b, &why))
				fail_msg("case %zu: %s: %s", i, why, c->body);
			if (b.how != c->how || b.isa != c->isa || b.vcpu != c->vcpu ||
			    (c->how != RISA_LOWER_AMBIGUOUS && b.code != c->code))
				fail_msg("case %zu: how %d isa %d code 0x%x vcpu %u: %s", i,
					 b.how, b.isa, b.code, b.vcpu, c->body);
			if (c->how == RISA_LOWER_AMBIGUOUS &&
			    (b.svm_code != 0x78 || b.vmx_code != 12))
				fail_msg("hlt readings: svm 0x%x vmx %u", b.svm_code, b.vmx_code);
		}
	reason_cache_free(cache);
}

static void test_bad_bodies(void **state)
{
	static const struct {
		const char *body;
		const char *why_part;
	} cases[] = {
		{ "", "without a body" },
		{ "reason EXTERNAL_INTERRUPT", "no ` rip`" },	/* cut after the reason */
		{ "reason EXTERNAL_INTERR", "no ` rip`" },
		{ "reason NO_SUCH_REASON rip 0x1 info 0 0", "unknown exit reason" },
		{ "vcpu x reason HLT rip 0x1", "vcpu is not a number" },
		{ "rip 0x1 reason HLT", "without `reason`" },
		{ "reason INVALID_STATE BOGUS_FLAG rip 0x1", "unknown exit reason" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct exit_body b;
		const char *why = NULL;

		if (!trace_exit_body_parse(NULL, cases[i].body, strlen(cases[i].body), &b, &why))
			fail_msg("accepted: '%s'", cases[i].body);
		if (!strstr(why, cases[i].why_part))
			fail_msg("'%s': said '%s'", cases[i].body, why);
	}
}

static void test_entry_bodies(void **state)
{
	uint32_t vcpu;
	bool rip;
	const char *why;

	(void)state;
	/* 2009-5.9 "vcpu %u" (public 14), 5.10+ "vcpu %u, rip 0x%lx" (bed ftrace), plugin "vcpu %u rip" (bed trace-cmd) */
	assert_int_equal(trace_entry_body_parse("vcpu 0", 6, &vcpu, &rip, &why), 0);
	assert_int_equal(vcpu, 0);
	assert_false(rip);
	assert_int_equal(trace_entry_body_parse("vcpu 12, rip 0x10000", 20, &vcpu, &rip, &why), 0);
	assert_int_equal(vcpu, 12);
	assert_true(rip);
	assert_int_equal(trace_entry_body_parse("vcpu 0 rip 0x10000", 18, &vcpu, &rip, &why), 0);
	assert_true(rip);
	/* 6.x: "vcpu %u, rip 0x%lx intr_info 0x%08x error_code 0x%08x%s" */
	assert_int_equal(trace_entry_body_parse("vcpu 1, rip 0x1 intr_info 0x00000000 error_code 0x00000000[immediate exit]", 74, &vcpu, &rip, &why), 0);
	assert_int_equal(vcpu, 1);
	/* raw fields (kvm_entry.format of the bed's kernel 6.12: vcpu_id, rip, immediate_exit) */
	assert_int_equal(trace_entry_body_parse("[FAILED TO PARSE] vcpu_id=5 rip=0x10000 immediate_exit=0", 56, &vcpu, &rip, &why), 0);
	assert_int_equal(vcpu, 5);
	assert_true(rip);
	assert_int_equal(trace_entry_body_parse("vcpu 1x", 7, &vcpu, &rip, &why), -1);
	assert_int_equal(trace_entry_body_parse("cpu 1", 5, &vcpu, &rip, &why), -1);
	/* cut short: the record may go on on the next line */
	assert_int_equal(trace_entry_body_parse("vcpu", 4, &vcpu, &rip, &why), TRACE_BODY_CUT);
	assert_int_equal(trace_entry_body_parse("", 0, &vcpu, &rip, &why), TRACE_BODY_CUT);
}

/* ---- aliases: every era's and renderer's name for one reason is one catalogue entry ---- */

struct alias_case {
	const char *reason_text;	/* as printed after `reason ` */
	const char *context;		/* an earlier line that settles the trace's ISA, or NULL */
	enum exit_isa isa;
	uint32_t code;			/* full reason */
};

#define SVM_CTX "a-1 [000] 1.000000: kvm_exit: vcpu 0 reason npf rip 0x1 info1 0x0 info2 0x0 intr_info 0x00000000 error_code 0x00000000\n"
#define VMX_CTX "a-1 [000] 1.000000: kvm_exit: reason EPT_VIOLATION rip 0x1 info 181 0\n"
#define VMX2009_CTX "a-1 [000] 1.000000: kvm_exit: reason io_instruction rip 0x1\n"

static const struct alias_case alias_cases[] = {
	/* SVM IOIO: kernel, plugin, bare number (kernel's 0x%x), plugin's UNKNOWN (decimal) */
	{ "io", NULL, ISA_SVM, 0x7b },
	{ "EXIT_IOIO", NULL, ISA_SVM, 0x7b },
	{ "0x7b", SVM_CTX, ISA_SVM, 0x7b },
	{ "UNKNOWN (123)", SVM_CTX, ISA_SVM, 0x7b },
	/* VMX 7 under its old and new names, and 2009's lower case */
	{ "PENDING_INTERRUPT", NULL, ISA_VMX, 7 },
	{ "INTERRUPT_WINDOW", NULL, ISA_VMX, 7 },
	{ "interrupt_window", NULL, ISA_VMX, 7 },
	/* VMX 30 */
	{ "IO_INSTRUCTION", NULL, ISA_VMX, 30 },
	{ "io_instruction", NULL, ISA_VMX, 30 },
	{ "30", VMX_CTX, ISA_VMX, 30 },
	/* SVM #GP intercept: kernel (with a space) and plugin */
	{ "GP excp", NULL, ISA_SVM, 0x4d },
	{ "EXIT_EXCP_GP", NULL, ISA_SVM, 0x4d },
	/* SVM NPF, MSR, CR0 selective write, CR4 write */
	{ "npf", NULL, ISA_SVM, 0x400 },
	{ "EXIT_NPF", NULL, ISA_SVM, 0x400 },
	{ "msr", NULL, ISA_SVM, 0x7c },
	{ "EXIT_MSR", NULL, ISA_SVM, 0x7c },
	{ "cr0_sel_write", NULL, ISA_SVM, 0x65 },
	{ "EXIT_CR0_SEL_WRITE", NULL, ISA_SVM, 0x65 },
	{ "write_cr4", NULL, ISA_SVM, 0x14 },
	{ "EXIT_WRITE_CR4", NULL, ISA_SVM, 0x14 },
	{ "vintr", NULL, ISA_SVM, 0x64 },
	{ "interrupt", NULL, ISA_SVM, 0x60 },
	/* HLT: VMX upper case; lower case is SVM, or VMX in a 2009 VMX trace */
	{ "HLT", NULL, ISA_VMX, 12 },
	{ "hlt", NULL, ISA_SVM, 0x78 },		/* nothing else in the trace: the default, SVM */
	{ "hlt", SVM_CTX, ISA_SVM, 0x78 },
	{ "cpuid", VMX2009_CTX, ISA_VMX, 10 },
	{ "cpuid", SVM_CTX, ISA_SVM, 0x72 },
	/* every other VMX name of 2.6.31's vmx_exit_reasons_str */
	{ "exception", VMX2009_CTX, ISA_VMX, 0 },
	{ "ext_irq", VMX2009_CTX, ISA_VMX, 1 },
	{ "triple_fault", VMX2009_CTX, ISA_VMX, 2 },
	{ "nmi_window", VMX2009_CTX, ISA_VMX, 8 },
	{ "cr_access", VMX2009_CTX, ISA_VMX, 28 },
	{ "dr_access", VMX2009_CTX, ISA_VMX, 29 },
	{ "rdmsr", VMX2009_CTX, ISA_VMX, 31 },
	{ "wrmsr", VMX2009_CTX, ISA_VMX, 32 },
	{ "halt", VMX2009_CTX, ISA_VMX, 12 },
	{ "invlpg", VMX2009_CTX, ISA_VMX, 14 },
	{ "hypercall", VMX2009_CTX, ISA_VMX, 18 },
	{ "hypercall", SVM_CTX, ISA_SVM, 0x81 },
	{ "tpr_below_thres", VMX2009_CTX, ISA_VMX, 43 },
	{ "apic_access", VMX2009_CTX, ISA_VMX, 44 },
	{ "wbinvd", VMX2009_CTX, ISA_VMX, 54 },
	{ "task_switch", VMX2009_CTX, ISA_VMX, 9 },
	{ "ept_violation", VMX2009_CTX, ISA_VMX, 48 },
	/* VMX failed VM entry keeps its flag bit */
	{ "INVALID_STATE FAILED_VMENTRY", NULL, ISA_VMX, 33 | 0x80000000u },
	{ "0x21 FAILED_VMENTRY", NULL, ISA_VMX, 33 | 0x80000000u },
	/* a kernel SVM name with a dash (6.x) */
	{ "idle-halt", NULL, ISA_SVM, 0xa6 },
};

static void test_aliases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(alias_cases) / sizeof(alias_cases[0]); i++) {
		const struct alias_case *c = &alias_cases[i];
		char text[512], *diag = NULL;
		struct collected col = { 0 };
		struct trace_result res;
		const struct exit_event *ev;
		int rc;

		snprintf(text, sizeof(text), "%sq-2 [000] 2.000000: kvm_exit: reason %s rip 0x9 info 0 0\n",
			 c->context ? c->context : "", c->reason_text);
		rc = read_text(text, NULL, &col, &res, &diag);
		if (rc)
			fail_msg("'%s': rc %d: %s", c->reason_text, rc, diag);
		free(diag);
		assert_int_equal(col.n, c->context ? 2 : 1);
		ev = &col.ev[col.n - 1];
		if (ev->isa != c->isa || ev->reason != c->code)
			fail_msg("'%s' read as %s 0x%x, want %s 0x%x", c->reason_text,
				 isa_name(ev->isa), ev->reason, isa_name(c->isa), c->code);
		/* The catalogue entry is the same whichever name was printed. */
		assert_non_null(reason_lookup(ev->isa, ev->reason));
		/*
		 * `exitstat reasons NAME` (reason_find_all) finds what the reader read
		 * (numbers are looked up as numbers; a name with VMX flag words as its name).
		 */
		if (isdigit((unsigned char)c->reason_text[0]) || !strncmp(c->reason_text, "UNKNOWN (", 9))
			continue;
		{
			const struct exit_reason *found[8], *want = reason_lookup(ev->isa, ev->reason);
			char word[64];
			size_t n, k;

			snprintf(word, sizeof(word), "%.*s", (int)strcspn(c->reason_text, " "),
				 c->reason_text);
			n = reason_find_all(strstr(c->reason_text, " FAILED_VMENTRY") ? word
										   : c->reason_text,
					    ISA_UNKNOWN, found, 8);
			for (k = 0; k < n && found[k] != want; k++)
				;
			if (k == n)
				fail_msg("'%s' is read as %s %s, but `exitstat reasons %s` does not find it",
					 c->reason_text, isa_name(want->isa), want->name, c->reason_text);
		}
	}
}

/*
 * Every spelling of every catalogue entry the reader resolves names with (its
 * name, aliases, with the prefixes headers and tools put before them, and
 * 2009's VMX names) is found by `exitstat reasons` (reason_find_all).
 */
static void test_catalogue_spellings_found(void **state)
{
	static const char *const prefixes[] = { "", "EXIT_REASON_", "SVM_EXIT_", "EXIT_" };
	size_t checked = 0;

	(void)state;
	for (enum exit_isa isa = ISA_VMX; isa <= ISA_SVM; isa++) {
		size_t nt;
		const struct exit_reason *t = reasons_table(isa, &nt);

		for (size_t i = 0; i < nt; i++) {
			char words[256];
			const char *old = reason_old_vmx_names(&t[i]);

			if (t[i].flags & REASON_RESERVED)
				continue;
			snprintf(words, sizeof(words), "%s %s %s", old ? old : "", t[i].aliases,
				 strchr(t[i].name, ' ') ? "" : t[i].name);
			for (char *w = strtok(words, " "); w; w = strtok(NULL, " ")) {
				for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
					const struct exit_reason *found[8];
					char sp[96];
					size_t n, k;

					/* VMX prefix on VMX names, SVM ones on SVM names, none on 2009's */
					if (p && ((isa == ISA_VMX) != (p == 1) ||
						  (old && !strcmp(w, old))))
						continue;
					snprintf(sp, sizeof(sp), "%s%s", prefixes[p], w);
					n = reason_find_all(sp, ISA_UNKNOWN, found, 8);
					for (k = 0; k < n && found[k] != &t[i]; k++)
						;
					if (k == n)
						fail_msg("`exitstat reasons %s` does not find %s %s", sp,
							 isa_name(isa), t[i].name);
					checked++;
				}
			}
		}
	}
	assert_true(checked > 500);
}

/* ---- the trace-wide ISA rule ---- */

static void test_isa_held_until_settled(void **state)
{
	/* Bare numbers and ambiguous lower case first, the settling name later. */
	const char *text =
		"a-1 [000] 1.000001: kvm_exit: reason 0x1e rip 0x1\n"
		"a-1 [000] 1.000002: kvm_entry: vcpu 0\n"
		"a-1 [000] 1.000003: kvm_exit: reason cpuid rip 0x1\n"
		"a-1 [000] 1.000004: kvm_entry: vcpu 0\n"
		"a-1 [000] 1.000005: kvm_exit: reason io_instruction rip 0x1\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 5);
	/* Delivered in file order, resolved as VMX. */
	assert_int_equal(c.ev[0].kind, EV_EXIT);
	assert_int_equal(c.ev[0].isa, ISA_VMX);
	assert_int_equal(c.ev[0].reason, 30);
	assert_int_equal(c.ev[1].kind, EV_ENTRY);
	assert_int_equal(c.ev[1].ts_ns, 1000002000ull);
	assert_int_equal(c.ev[2].isa, ISA_VMX);
	assert_int_equal(c.ev[2].reason, 10);
	assert_int_equal(c.ev[4].reason, 30);
	assert_int_equal(res.isa, ISA_VMX);
}

static void test_isa_numbers_only(void **state)
{
	const char *text = "a-1 [000] 1.000001: kvm_exit: reason 0x7b rip 0x1\n";
	struct trace_opts o = { 0 };
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	/* Nothing says VMX or SVM: an error naming the line... */
	assert_int_equal(read_text(text, &o, &c, &res, &diag), -1);
	assert_string_equal(diag, "t:1: bare-number exit reason, and no line of the trace names a reason to tell VMX from SVM (say which with --isa vmx|svm): a-1 [000] 1.000001: kvm_exit: reason 0x7b rip 0x1 (--skip-bad skips such lines, counts them and reads on)\n");
	free(diag);
	assert_int_equal(c.n, 0);
	/* ...unless the caller knows. */
	o.isa_hint = ISA_SVM;
	assert_int_equal(read_text(text, &o, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ev[0].isa, ISA_SVM);
	assert_int_equal(c.ev[0].reason, 0x7b);
}

static void test_isa_default_lower_case(void **state)
{
	/* Only names both ISAs could print in lower case: SVM, the kernel's spelling since 2.6.32. */
	const char *text =
		"a-1 [000] 1.000001: kvm_exit: reason hlt rip 0x1\n"
		"a-1 [000] 1.000002: kvm_entry: vcpu 0\n"
		"a-1 [000] 1.000003: kvm_exit: reason cpuid rip 0x1\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ev[0].isa, ISA_SVM);
	assert_int_equal(c.ev[0].reason, 0x78);
	assert_int_equal(c.ev[2].reason, 0x72);
	assert_int_equal(res.isa, ISA_SVM);
}

static void test_isa_mixed(void **state)
{
	const char *text =
		"a-1 [000] 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0\n"
		"a-1 [000] 1.000002: kvm_exit: reason EXIT_IOIO rip 0x1 info 0 0\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ev[0].isa, ISA_VMX);
	assert_int_equal(c.ev[1].isa, ISA_SVM);
	assert_int_equal(res.isa, ISA_UNKNOWN);
}

/* ---- events: fields, nested exits, lost events, damage ---- */

static void test_event_fields(void **state)
{
	const char *text =
		/* ftrace record-tgid header (kernel 6.18 here) on a 5.10+ body */
		"       CPU 1/KVM-1278472 (1278400) [001] d..1. 12.000001: kvm_exit: vcpu 1 reason EPT_VIOLATION rip 0x1 info1 0x0000000000000181 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000\r\n"
		/* perf script PID/TID, trailing blanks */
		"     qemu-system-x86  4000/4001  [002]    13.000000002: kvm:kvm_entry: vcpu 2, rip 0x1   \n"
		/* trace-cmd -C x86-tsc */
		"qemu-system-x86-20667 [010] 15813659115036: kvm_exit:             reason EXIT_IOIO rip 0xec08e info cf80140 ec08f\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	/* One trace has one timestamp unit: the tick line after ns ones is an error. */
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:3: integer (clock tick) timestamp in a trace of "
			       "SECONDS.FRACTION timestamps"));
	free(diag);
	assert_int_equal(c.n, 2);
	assert_false(res.ts_counter);
	assert_int_equal(res.format, TRACE_PERF_SCRIPT);
	assert_int_equal(c.ev[0].tid, 1278472);
	assert_int_equal(c.ev[0].pid, 1278400);
	assert_int_equal(c.ev[0].vcpu, 1);
	assert_true(c.ev[0].has_ts);
	assert_int_equal(c.ev[0].ts_ns, 12000001000ull);
	assert_int_equal(c.ev[1].kind, EV_ENTRY);
	assert_int_equal(c.ev[1].tid, 4001);
	assert_int_equal(c.ev[1].pid, 4000);
	assert_int_equal(c.ev[1].vcpu, 2);
	assert_int_equal(c.ev[1].ts_ns, 13000000002ull);
	c.n = 0;
	assert_int_equal(read_text(strstr(text, "qemu-system-x86-20667"), NULL, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ev[0].tid, 20667);
	assert_int_equal(c.ev[0].pid, 20667);	/* no tgid shown: the thread */
	assert_int_equal(c.ev[0].vcpu, STATS_VCPU_UNKNOWN);
	assert_int_equal(c.ev[0].ts_ns, 15813659115036ull);
	assert_true(res.ts_counter);
}

static void test_nested_not_counted(void **state)
{
	/* public 03: one kvm_exit, then kvm_nested_vmexit for the same exit */
	const char *text =
		" qemu-system-x86-23579 [005] 22018.775584: kvm_exit:             reason EPT_VIOLATION rip 0xfffff802987d6169 info 181 0\n"
		" qemu-system-x86-23579 [005] 22018.775584: kvm_nested_vmexit:    rip fffff802987d6169 reason EPT_VIOLATION info1 181 info2 0 int_info 0 int_info_err 0\n"
		"  kvm_nested_vmexit_inject: reason EXIT_NPF info1 200000006 info2 1ab000\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 1);
	assert_int_equal(res.exits, 1);
	assert_int_equal(res.nested_exits, 2);
}

static void test_lost_counted(void **state)
{
	/*
	 * The notes each renderer prints: ftrace's trace header and trace_pipe's
	 * `CPU:%d [LOST %lu EVENTS]` and `##### CPU %u buffer started ####`
	 * (kernel/trace/trace.c), trace-cmd's `CPU:%d [%lld EVENTS DROPPED]` and
	 * `CPU:%d [EVENTS DROPPED]` (strings of /usr/bin/trace-cmd 3.1.6).
	 */
	const char *text =
		"# tracer: nop\n"
		"#\n"
		"# entries-in-buffer/entries-written: 100/150   #P:2\n"
		"CPU:1 [LOST 7 EVENTS]\n"
		"##### CPU 1 buffer started ####\n"
		"CPU:0 [12 EVENTS DROPPED]\n"
		"CPU:0 [EVENTS DROPPED]\n"
		/* perf script --show-lost-events: the sample header, then "PERF_RECORD_LOST" " lost %lu" (tools/perf/util/event.c) */
		"         exitgen   169 [000]     7.218139: PERF_RECORD_LOST lost 5\n"
		"         exitgen-160     [000] d..1.     5.472815: kvm_entry: vcpu 0, rip 0x10000\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(res.lost, 50 + 7 + 12 + 5);
	assert_int_equal(res.lost_marks, 2);
	assert_int_equal(res.entries, 1);
}

static void test_cut_records_counted(void **state)
{
	/*
	 * public 14, lines 17-19: line 2 here is a record cut at `kvm_exit`;
	 * then a record cut inside its reason, one cut in ` rip`, one abridged
	 * to its reason by its author, and a kvm_entry cut before `vcpu N`.
	 */
	const char *text =
		"       challenge-24797 [003] d..1 83184.290414: kvm_entry: vcpu 0\n"
		"       challenge-24797 [003] .... 83184.290416: kvm_exit\n"
		"       challenge-21643 [000] d..1 89662.281943: kvm_entry: vcpu 0\n"
		"a-1 [000] 1.000001: kvm_exit: reason EXTERNAL_INTERR\n"
		"a-1 [000] 1.000002: kvm_exit: reason HLT ri\n"
		"a-1 [000] 1.000003: kvm_entry: vcpu 0\n"
		"  kvm_exit: reason DR_ACCESS\n"
		"a-1 [000] 1.000004: kvm_entry: vc\n"
		"a-1 [000] 1.000005: kvm_exit: reason 0x7\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	/* NAME:LINE: what became of it: the text */
	assert_string_equal(diag,
		"t:2: record cut short, counted as one exit whose reason was cut off:        challenge-24797 [003] .... 83184.290416: kvm_exit\n"
		"t:4: record cut short, counted as one exit whose reason was cut off: a-1 [000] 1.000001: kvm_exit: reason EXTERNAL_INTERR\n"
		"t:5: record cut short, counted as the exit reason it shows (its time in exit is unknown): a-1 [000] 1.000002: kvm_exit: reason HLT ri\n"
		"t:7: record cut short, counted as the exit reason it shows (its time in exit is unknown):   kvm_exit: reason DR_ACCESS\n"
		"t:8: record cut short, a kvm_entry, not counted: a-1 [000] 1.000004: kvm_entry: vc\n"
		"t:9: record cut short, counted as one exit whose reason was cut off: a-1 [000] 1.000005: kvm_exit: reason 0x7\n");
	free(diag);
	assert_int_equal(c.n, 9 - 1);
	assert_int_equal(res.exits, 5);
	assert_int_equal(res.cut_records, 6);
	assert_int_equal(res.cut_unknown, 3);
	assert_int_equal(res.cut_entries, 1);
	assert_int_equal(res.cut_lines[0], 2);
	assert_int_equal(res.cut_lines[5], 9);
	assert_int_equal(res.skipped, 0);
	/* the cut one: no reason, no time in exit; the thread and time stay */
	assert_int_equal(c.ev[1].kind, EV_EXIT);
	assert_int_equal(c.ev[1].isa, ISA_NONE);
	assert_int_equal(c.ev[1].reason, EXIT_REASON_CUT_OFF);
	assert_true(c.ev[1].no_time);
	assert_int_equal(c.ev[1].tid, 24797);
	/* HLT (VMX 12) survived its cut, DR_ACCESS (VMX 29) its abridging: both counted, untimed */
	assert_int_equal(c.ev[4].isa, ISA_VMX);
	assert_int_equal(c.ev[4].reason, 12);
	assert_true(c.ev[4].no_time);
	assert_int_equal(c.ev[6].reason, 29);
	assert_true(c.ev[6].no_time);
	/* a bare number at the cut may be cut itself (0x7b): its reason is gone */
	assert_int_equal(c.ev[7].reason, EXIT_REASON_CUT_OFF);
	/* a whole record is timed as before */
	assert_false(c.ev[0].no_time);
}

/* Fuzz findings (issue 13): one damaged byte must not turn an exit into another event. */
static void test_damaged_event_name(void **state)
{
	static const char *const lines[] = {
		"a-1 [000] 1.000001: kvm_exit:Xvcpu 0 reason HLT rip 0x1\n",
		"a-1 [000] 1.000001: kvm_entry:Xvcpu 0, rip 0x1\n",
		"a-1 [000] 1.000001: kvm:kvm_exit:X reason HLT rip 0x1\n",
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct trace_opts o = { .skip_bad = true };
		struct collected c = { 0 };
		struct trace_result res;
		char *diag = NULL;

		/* a good exit, the damaged line (also with a NUL after the colon), a good exit */
		for (int nul = 0; nul < 2; nul++) {
			size_t n = (size_t)snprintf(text, sizeof(text), "%s%s%s",
				"a-1 [000] 1.000000: kvm_exit: vcpu 0 reason HLT rip 0x1\n", lines[i],
				"a-1 [000] 1.000002: kvm_exit: vcpu 0 reason HLT rip 0x1\n");

			if (nul)
				*strchr(strchr(text, '\n') + 1, 'X') = '\0';
			assert_int_equal(read_bytes(text, n, NULL, &c, &res, &diag), -1);
			assert_non_null(strstr(diag, "t:2: damaged kvm_exit/kvm_entry record"));
			assert_non_null(strstr(diag, "--skip-bad"));
			free(diag);
			assert_int_equal(c.n, 1);
			assert_int_equal(read_bytes(text, n, &o, &c, &res, &diag), 0);
			assert_int_equal(c.n, 2);
			assert_int_equal(res.skipped, 1);
			assert_non_null(strstr(diag, "t:2: damaged kvm_exit/kvm_entry record"));
			free(diag);
			diag = NULL;
		}
	}
}

/* Fuzz finding: one integer timestamp must not relabel a nanosecond trace as ticks. */
static void test_timestamp_units_mixed(void **state)
{
	const char *ns_first =
		"a-1 [000] 1.000000: kvm_exit: vcpu 0 reason HLT rip 0x1\n"
		"a-1 [000] 1000001: kvm_exit: vcpu 0 reason HLT rip 0x1\n"
		"a-1 [000] 1.000002: kvm_exit: vcpu 0 reason HLT rip 0x1\n";
	const char *ticks_first =
		"a-1 [000] 1000000: kvm_exit: vcpu 0 reason HLT rip 0x1\n"
		"a-1 [000] 1.000001: kvm_exit: vcpu 0 reason HLT rip 0x1\n";
	struct trace_opts o = { .skip_bad = true };
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(ns_first, NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:2: integer (clock tick) timestamp in a trace of "
			       "SECONDS.FRACTION timestamps"));
	free(diag);
	assert_false(res.ts_counter);
	c.n = 0;
	assert_int_equal(read_text(ns_first, &o, &c, &res, &diag), 0);
	free(diag);
	assert_int_equal(c.n, 2);
	assert_int_equal(res.skipped, 1);
	assert_false(res.ts_counter);
	c.n = 0;
	assert_int_equal(read_text(ticks_first, NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:2: SECONDS.FRACTION timestamp in a trace of integer"));
	free(diag);
	assert_true(res.ts_counter);
}

static void test_malformed_kinds(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "a-1 [000] 1.000001: kvm_exit: reason FOO rip 0x1\n", "t:1: unknown exit reason: a-1" },
		{ "a-1 [000] 1.000001: kvm_entry: cpu 0\n", "t:1: kvm_entry without `vcpu N`" },
		{ "^Ca-1 [000] 1.0000kvm_exit: reason HLT rip 0x1\n", "t:1: kvm_exit/kvm_entry record without a readable header" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct collected c = { 0 };
		struct trace_result res;
		char *diag = NULL;

		assert_int_equal(read_text(cases[i].line, NULL, &c, &res, &diag), -1);
		if (strncmp(diag, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("said '%s', want '%s...'", diag, cases[i].msg);
		free(diag);
	}
}

static void test_skip_bad_lists(void **state)
{
	char text[8192] = "";
	struct trace_opts o = { .skip_bad = true };
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	/* 70 bad lines between good ones: all counted, the first 64 listed. */
	for (int i = 0; i < 70; i++)
		strcat(text, "a-1 [000] 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0\n"
			     "a-1 [000] 1.000002: kvm_exit: reason FOO rip 0x1\n");
	assert_int_equal(read_text(text, &o, &c, &res, &diag), 0);
	assert_int_equal(res.exits, 70);
	assert_int_equal(res.skipped, 70);
	for (int i = 0; i < TRACE_MAX_SKIPPED_LISTED; i++)
		assert_int_equal(res.skipped_lines[i], 2 * (i + 1));
	assert_non_null(strstr(diag, "t:2: unknown exit reason: a-1 [000] 1.000002: kvm_exit: reason FOO rip 0x1 (skipped)\n"));
	assert_non_null(strstr(diag, "t:128: "));
	assert_null(strstr(diag, "t:130: "));
	assert_non_null(strstr(diag, "only the first 64 are listed"));
	free(diag);
}

/* Quoted-printable mail text is decoded when its signs show, never from one `=`. */
static void test_quoted_printable(void **state)
{
	/* public 30's records as a mail client encodes them: soft breaks at 76 columns, =3D */
	const char *qp =
		"             exe-110348  [006] d... 410259.258844: kvm_entry: vcpu 1, rip 0x=\n"
		"5600b39c8132\n"
		"             exe-110348  [006] d... 410259.258862: kvm_exit: vcpu 1 reason E=\n"
		"PT_VIOLATION rip 0x5600b39c8132 info1 0x0000000000000181 info2 0x0000000000=\n"
		"000000 intr_info 0x00000000 error_code 0x00000000\n"
		"             exe-110348  [006] .... 410259.258863: kvm_userspace_exit: reason=\n"
		" error (14) x=3D1\n";
	/* one `=` at a line's end is not a sign enough: the lines stay as they are, in order */
	const char *one =
		"a-1 [000] 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0 x=\n"
		"a-1 [000] 1.000002: kvm_entry: vcpu 0\n"
		"a-1 [000] 1.000003: kvm_exit: reason HLT rip 0x1 info 0 0\n";
	/* the raw-fields form has `=` that is not quoted-printable */
	const char *raw =
		"a-1 [000] 1.000001: kvm_exit: [FAILED TO PARSE] exit_reason=12 guest_rip=0x1 isa=1 info1=0 info2=0 vcpu_id=0=\n"
		"a-1 [000] 1.000002: kvm_entry: vcpu 0\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(qp, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_true(res.quoted_printable);
	assert_int_equal(res.exits, 1);
	assert_int_equal(res.entries, 1);
	assert_int_equal(c.ev[1].isa, ISA_VMX);
	assert_int_equal(c.ev[1].reason, 48);	/* EPT_VIOLATION */
	assert_int_equal(res.cut_records, 0);

	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(one, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_false(res.quoted_printable);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ev[0].ts_ns, 1000001000ull);
	assert_int_equal(c.ev[1].kind, EV_ENTRY);
	assert_int_equal(c.ev[2].ts_ns, 1000003000ull);

	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(raw, NULL, &c, &res, &diag), 0);
	free(diag);
	assert_false(res.quoted_printable);
	assert_int_equal(res.exits, 1);
	assert_int_equal(res.entries, 1);
}

/* Mail clients wrap long lines at a space: such a record is read joined. */
static void test_wrapped_records_joined(void **state)
{
	/* public 30's records, wrapped at 72 columns the way a mail client does */
	const char *text =
		"             exe-110348  [006] d... 410259.258844: kvm_entry: vcpu 1,\n"
		"rip 0x5600b39c8132\n"
		"             exe-110348  [006] d... 410259.258862: kvm_exit: vcpu 1 reason\n"
		"EPT_VIOLATION rip 0x5600b39c8132 info1 0x0000000000000181 info2\n"
		"0x0000000000000000 intr_info 0x00000000 error_code 0x00000000\n"
		"             exe-110348  [006] .... 410259.258863: kvm_page_fault: address\n"
		"3fef42812000 error_code 181\n";
	const char *cut_in_name =
		"             exe-110348  [006] d... 410259.258862: kvm_exit: vcpu 1 reason EPT_VIO\n"
		"LATION rip 0x5600b39c8132 info1 0x0000000000000181 info2 0x0000000000000000\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), 0);
	assert_string_equal(diag, "");
	free(diag);
	assert_int_equal(c.n, 2);
	/* The entry is complete at `vcpu 1,` (nothing after it is used): only the exit is joined. */
	assert_int_equal(res.joined, 1);
	assert_int_equal(c.ev[0].kind, EV_ENTRY);
	assert_int_equal(c.ev[1].kind, EV_EXIT);
	assert_int_equal(c.ev[1].reason, 48);
	assert_int_equal(c.ev[1].vcpu, 1);
	assert_int_equal(c.ev[1].tid, 110348);
	assert_int_equal(c.ev[1].ts_ns, 410259258862000ull);

	/* Joined at a space, a name cut in two is no name: said at the first line. */
	assert_int_equal(read_text(cut_in_name, NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:1: unknown exit reason: "));
	free(diag);
	assert_int_equal(c.n, 0);
}

static void test_callback_stops(void **state)
{
	const char *text =
		"a-1 [000] 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0\n"
		"a-1 [000] 1.000002: kvm_entry: vcpu 0\n"
		"a-1 [000] 1.000003: kvm_exit: reason HLT rip 0x1 info 0 0\n";
	struct collected c = { .stop_at = 2 };
	struct trace_result res;
	struct es_error err = { "" };
	FILE *in = fmemopen((void *)text, strlen(text), "r");

	(void)state;
	assert_int_equal(trace_read(in, "t", NULL, collect, &c, &res, &err), 7);
	fclose(in);
	/* The callback stopped the read: its reason is its own, the reader says nothing. */
	assert_string_equal(err.msg, "");
	assert_int_equal(c.n, 2);
	assert_int_equal(res.lines, 2);
}

static void test_aggregate_tables(void **state)
{
	/*
	 * perf kvm stat report prints a table (tools/perf/builtin-kvm.c
	 * print_result: "Analyze events for ...", then "VM-EXIT  Samples ...",
	 * the rows, "Total Samples:N, ..."). Cut after its header: an error
	 * naming the table's line.
	 */
	const char *text =
		"\n"
		"Analyze events for all VMs, all VCPUs:\n"
		"\n"
		"             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(text, NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:2: this perf kvm stat table has no `Total Samples:` line"));
	assert_int_equal(res.format, TRACE_AGGREGATE);
	free(diag);

	/*
	 * kvm_stat --once rows: '%-42s%10d%10d' (tools/kvm/kvm_stat/kvm_stat
	 * batch()). HLT is a VMX and an SVM name: alone, the table's ISA is
	 * unknown; IO_INSTRUCTION (VMX only) settles it. Each row is one
	 * aggregate event of its Total column.
	 */
	assert_int_equal(read_text("kvm_entry                                      1234        56\n"
				   "kvm_exit(HLT)                                   617        28\n",
				   NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:2: no row of the table says whether its reasons are VMX or SVM"));
	free(diag);
	c.n = 0;
	assert_int_equal(read_text("kvm_entry                                      1234        56\n"
				   "kvm_exit(HLT)                                   617        28\n"
				   "kvm_exit(IO_INSTRUCTION)                        600        20\n",
				   NULL, &c, &res, &diag), 0);
	assert_int_equal(res.format, TRACE_AGGREGATE);
	assert_string_equal(res.totals_tool, "kvm_stat");
	assert_int_equal(res.exits, 1217);
	assert_int_equal(c.n, 2);
	assert_true(c.ev[0].aggregate && c.ev[1].aggregate);
	assert_int_equal(c.ev[0].isa, ISA_VMX);
	assert_int_equal(c.ev[0].reason, 12);
	assert_int_equal(c.ev[0].count, 617);
	assert_false(c.ev[0].has_ts);
	assert_int_equal(c.ev[1].reason, 30);
	assert_int_equal(c.ev[1].count, 600);
	free(diag);
}

/*
 * The shapes of the tables of totals, from the tools' print statements:
 * perf kvm stat (builtin-kvm.c print_result: a row per reason, read from the
 * right since a name may hold a blank; `unknown kvm exit code:N on ISA`
 * before an UNKNOWN row; a time of day before a live display), kvm_stat's
 * screen (refresh_body: '%-40s %10d%7.1f %8s', children indented, the
 * CurAvg column may be empty) and perf report -n --sort trace (the rows of
 * one reason summed; the kvm_entry section ignored).
 */
static void test_totals_shapes(void **state)
{
	const char *perf_kvm =
		"12:00:00.000001\n"
		"\n"
		"Analyze events for all VMs, VCPU 3:\n"
		"\n"
		"             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time \n"
		"\n"
		"             GP excp          5    45.45%    50.00%      1.00us      3.00us      2.00us ( +-   1.00% )\n"
		"unknown kvm exit code:1025 on SVM\n"
		"             UNKNOWN          4    36.36%    40.00%      1.00us      3.50us      2.00us ( +-   1.00% )\n"
		"             UNKNOWN          2    18.18%    10.00%      0.50us      1.50us      1.00us ( +-   1.00% )\n"
		"\n"
		"Total Samples:11, Total events handled time:20.00us.\n";
	const char *screen =
		"kvm statistics - summary\n"
		"\n"
		" Event                                         Total %Total CurAvg/s\n"
		" kvm_exit                                        1234  100.0       50\n"
		"   kvm_exit(IOIO)                                 600   48.6       20\n"
		"   kvm_exit(HLT)                                  634   51.4\n"
		" Total                                           1234               50\n";
	const char *report =
		"# Samples: 5  of event 'kvm:kvm_exit'\n"
		"# Event count (approx.): 5\n"
		"#\n"
		"# Overhead       Samples  Trace output\n"
		"# ........  ............  ............\n"
		"#\n"
		"    60.00%             3  reason EXIT_IOIO rip 0x10007 info e00040 10009\n"
		"    40.00%             2  reason EXIT_IOIO rip 0x10012 info e40041 10014\n"
		"\n"
		"# Samples: 5  of event 'kvm:kvm_entry'\n"
		"# Overhead       Samples  Trace output\n"
		"   100.00%             5  vcpu 0, rip 0x10009\n";
	struct collected c = { 0 };
	struct trace_result res;
	char *diag = NULL;

	(void)state;
	assert_int_equal(read_text(perf_kvm, NULL, &c, &res, &diag), 0);
	assert_string_equal(res.totals_tool, "perf kvm stat live");
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ev[0].isa, ISA_SVM);
	assert_int_equal(c.ev[0].reason, 0x4d);	/* GP excp */
	assert_int_equal(c.ev[0].count, 5);
	assert_int_equal(c.ev[0].vcpu, 3);
	assert_true(c.ev[0].has_dur);
	assert_int_equal(c.ev[0].dur_ns, 10000);	/* 5 x 2.00us */
	assert_int_equal(c.ev[0].max_ns, 3000);
	assert_int_equal(c.ev[1].isa, ISA_SVM);
	assert_int_equal(c.ev[1].reason, 1025);	/* perf's message names the code */
	assert_int_equal(c.ev[2].isa, ISA_NONE);	/* no message: the code is unknown */
	assert_int_equal(c.ev[2].reason, EXIT_REASON_CUT_OFF);
	assert_non_null(strstr(res.totals_note, "1 display summed"));
	assert_non_null(strstr(res.totals_note, "UNKNOWN rows without perf's code: reason_cut_off"));
	free(diag);

	c.n = 0;
	assert_int_equal(read_text(screen, NULL, &c, &res, &diag), 0);
	assert_string_equal(res.totals_tool, "kvm_stat");
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ev[0].isa, ISA_SVM);	/* IOIO is SVM's: HLT is SVM's too */
	assert_int_equal(c.ev[0].reason, 0x7b);
	assert_int_equal(c.ev[0].count, 600);
	assert_int_equal(c.ev[1].isa, ISA_SVM);
	assert_int_equal(c.ev[1].reason, 0x78);
	assert_int_equal(c.ev[1].count, 634);
	assert_int_equal(res.exits, 1234);
	free(diag);

	c.n = 0;
	assert_int_equal(read_text(report, NULL, &c, &res, &diag), 0);
	assert_string_equal(res.totals_tool, "perf report --sort trace");
	assert_int_equal(res.exits, 5);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ev[0].reason + c.ev[1].reason, 2 * 0x7b);
	assert_false(c.ev[0].has_dur);
	free(diag);

	/* Only lower-case names both ISAs have: SVM, the kernel's spelling, as in a trace. */
	c.n = 0;
	assert_int_equal(read_text("# Samples: 2  of event 'kvm:kvm_exit'\n"
				   "# Overhead       Samples  Trace output\n"
				   "   100.00%             2  vcpu 0 reason hlt rip 0x10060 info1 0x0 info2 0x0\n",
				   NULL, &c, &res, &diag), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ev[0].isa, ISA_SVM);
	assert_int_equal(c.ev[0].reason, 0x78);
	free(diag);

	/* A second kvm_stat snapshot of cumulative totals would count twice: refused. */
	c.n = 0;
	assert_int_equal(read_text("kvm_exit(IO_INSTRUCTION)                        600        20\n"
				   "kvm_exit(IO_INSTRUCTION)                        620        20\n",
				   NULL, &c, &res, &diag), -1);
	assert_non_null(strstr(diag, "t:2: a second kvm_stat snapshot"));
	free(diag);
}

/* Binary recordings are named, with the command that prints them. */
static void test_binary_recordings(void **state)
{
	struct es_error err = { "" };
	struct collected c = { 0 };
	struct trace_result res;
	/* the first bytes of perf.data (magic PERFILE2) and trace.dat (\x17\x08Dtracing6) */
	static const char perf_data[] = "PERFILE2h\0\0\0\0\0\0\0\n";
	static const char trace_dat[] = "\x17\x08\x44tracing6\0\n";
	FILE *in;

	(void)state;
	in = fmemopen((void *)perf_data, sizeof(perf_data) - 1, "r");
	assert_int_equal(trace_read(in, "t", NULL, collect, &c, &res, &err), -1);
	fclose(in);
	assert_string_equal(err.msg, "t:1: this is a perf.data recording, not text; print it with `perf script -i FILE`");
	in = fmemopen((void *)trace_dat, sizeof(trace_dat) - 1, "r");
	assert_int_equal(trace_read(in, "t", NULL, collect, &c, &res, &err), -1);
	fclose(in);
	assert_non_null(strstr(err.msg, "t:1: this is a trace-cmd trace.dat recording"));
}

/* ---- published traces against their SOURCES.md counts ---- */

/*
 * Lines that cannot be read in the published samples, by file: the only
 * damage that costs a count. SOURCES.md marks each as `<truncated>` in the
 * per-reason list.
 */
static const struct {
	const char *file;
	uint64_t lines[4];
	size_t n;
} public_bad_lines[] = {
	{ "14-ctf-kvm500-writeup-2018.txt", { 18 }, 1 },
};

struct source_entry {
	char file[128];
	enum exit_isa isa;
	uint64_t exits, entries;
	char reasons[512];	/* `NAME=N, NAME=N` */
};

static size_t parse_sources(struct source_entry *out, size_t max)
{
	FILE *f = fopen(PUBLIC "SOURCES.md", "r");
	char line[1024];
	size_t n = 0;
	struct source_entry *cur = NULL;

	if (!f)
		fail_msg("cannot open %sSOURCES.md", PUBLIC);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "## ", 3)) {
			assert_true(n < max);
			cur = &out[n++];
			memset(cur, 0, sizeof(*cur));
			assert_true(strlen(line + 3) < sizeof(cur->file));
			memcpy(cur->file, line + 3, strlen(line + 3) + 1);
		} else if (cur && !strncmp(line, "- ISA: ", 7)) {
			cur->isa = !strncmp(line + 7, "VMX", 3) ? ISA_VMX :
				   !strncmp(line + 7, "SVM", 3) ? ISA_SVM : ISA_UNKNOWN;
		} else if (cur && sscanf(line, "- kvm_exit event lines: %llu; kvm_entry lines: %llu", &a, &b) == 2) {
			cur->exits = a;
			cur->entries = b;
		} else if (cur && !strncmp(line, "- Per-reason (event lines): ", 28)) {
			assert_true(strlen(line + 28) < sizeof(cur->reasons));
			memcpy(cur->reasons, line + 28, strlen(line + 28) + 1);
		}
	}
	fclose(f);
	return n;
}

static void test_public_samples(void **state)
{
	struct source_entry src[32];
	size_t n = parse_sources(src, 32);

	(void)state;
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		struct source_entry *s = &src[i];
		char path[1024], *diag = NULL, *save = NULL, reasons[512];
		struct accum a;
		struct trace_result res;
		uint64_t truncated = 0, counted = 0;
		const uint64_t *bad = NULL;
		size_t nbad = 0;
		int rc;

		for (size_t k = 0; k < sizeof(public_bad_lines) / sizeof(public_bad_lines[0]); k++)
			if (!strcmp(public_bad_lines[k].file, s->file)) {
				bad = public_bad_lines[k].lines;
				nbad = public_bad_lines[k].n;
			}
		snprintf(path, sizeof(path), "%s%.127s", PUBLIC, s->file);
		assert_int_not_equal(s->isa, ISA_UNKNOWN);

		/*
		 * Every file reads whole; a record cut short (the known damaged lines)
		 * is counted as an exit whose reason was cut off and listed.
		 */
		rc = read_file(path, false, &a, &res, &diag);
		if (rc)
			fail_msg("%s: rc %d: %s", s->file, rc, diag);
		for (size_t k = 0; k < nbad; k++) {
			char want[1200];

			snprintf(want, sizeof(want), "%s:%llu: record cut short, counted as one exit whose reason was cut off: ",
				 path, (unsigned long long)bad[k]);
			if (!strstr(diag, want))
				fail_msg("%s: said '%s', want '%s'", s->file, diag, want);
		}
		free(diag);
		if (res.skipped || res.cut_records != nbad || res.cut_unknown != nbad)
			fail_msg("%s: %llu skipped, %llu cut (%llu reason cut off), want 0, %zu, %zu", s->file,
				 (unsigned long long)res.skipped, (unsigned long long)res.cut_records,
				 (unsigned long long)res.cut_unknown, nbad, nbad);
		for (size_t k = 0; k < nbad; k++)
			assert_int_equal(res.cut_lines[k], bad[k]);
		assert_int_equal(count_of(a.stats, ISA_NONE, EXIT_REASON_CUT_OFF), nbad);

		memcpy(reasons, s->reasons, sizeof(reasons));
		for (char *tok = strtok_r(reasons, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			const struct exit_reason *r;
			uint64_t want, got;

			while (*tok == ' ')
				tok++;
			assert_non_null(eq);
			*eq = '\0';
			want = strtoull(eq + 1, NULL, 10);
			if (!strcmp(tok, "<truncated>")) {
				truncated += want;
				continue;
			}
			r = reason_find(tok, s->isa);
			if (!r)
				fail_msg("%s: SOURCES.md names '%s', unknown to the catalogue", s->file, tok);
			got = count_of(a.stats, r->isa, r->code);
			if (got != want)
				fail_msg("%s: %s %s: read %llu, SOURCES.md says %llu", s->file,
					 isa_name(r->isa), tok, (unsigned long long)got,
					 (unsigned long long)want);
			counted += want;
		}
		assert_int_equal(truncated, nbad);
		/* No exits beyond the listed ones, and the entries agree too. */
		if (a.stats->total != counted + truncated || res.exits != counted + truncated ||
		    res.entries != s->entries ||
		    s->exits != counted + truncated)
			fail_msg("%s: %llu exits (%llu delivered), %llu entries; SOURCES.md: %llu exits, %llu entries",
				 s->file, (unsigned long long)a.stats->total,
				 (unsigned long long)res.exits, (unsigned long long)res.entries,
				 (unsigned long long)s->exits, (unsigned long long)s->entries);
		if (res.isa != s->isa)
			fail_msg("%s: ISA %s, SOURCES.md %s", s->file, isa_name(res.isa), isa_name(s->isa));
		accum_fini(&a);
	}
}

/* Renderer detection on the published samples (SOURCES.md `Format:` lines). */
static void test_public_formats(void **state)
{
	static const struct {
		const char *file;
		enum trace_format f;
	} cases[] = {
		{ "03-hyperv-nested-ept-vkuznets-2020.txt", TRACE_TRACE_CMD },
		{ "06-nsvm-smm-rsm-vkuznets-2021.txt", TRACE_TRACE_CMD },
		{ "13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt", TRACE_TRACE_CMD },
		{ "14-ctf-kvm500-writeup-2018.txt", TRACE_FTRACE },
		{ "28-tracecmd-x86tsc-rftrace-comment.txt", TRACE_TRACE_CMD },
		{ "30-gvisor-6757-ept-loop-avagin-2021.fragment.txt", TRACE_FTRACE },
		{ "31-firecracker-5437-nested-epyc-esxi-2025.fragment.txt", TRACE_TRACE_CMD },
		{ "33-firecracker-vmx-5.8era-script-comment.txt", TRACE_FTRACE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512], *diag = NULL;
		struct accum a;
		struct trace_result res;

		snprintf(path, sizeof(path), "%s%s", PUBLIC, cases[i].file);
		read_file(path, true, &a, &res, &diag);
		free(diag);
		accum_fini(&a);
		if (res.format != cases[i].f)
			fail_msg("%s read as %s, want %s", cases[i].file, trace_format_name(res.format),
				 trace_format_name(cases[i].f));
	}
}

/* The split header of public 13 gives its records their task and time. */
static void test_split_header_joined(void **state)
{
	char *diag = NULL;
	struct accum a;
	struct trace_result res;

	(void)state;
	assert_int_equal(read_file(PUBLIC "13-qemu-pckbd-obf-ruemelin-2021.wrapped.txt", false, &a, &res, &diag), 0);
	free(diag);
	/* 10 exits, 9 entries, all from thread 5665: 9 exits paired with their entry */
	assert_int_equal(a.paired, 9);
	assert_int_equal(accum_open_exits(&a), 1);
	accum_fini(&a);
}

/* ---- the real-KVM bed: three renderers against the kernel's hist trigger ---- */

/* Parse NAME.hist: `{ vcpu_id: 0, exit_reason: 123 } hitcount: 500`. */
static size_t parse_hist(const char *path, uint32_t *vcpus, uint32_t *codes, uint64_t *counts,
			 size_t max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = 0;

	if (!f)
		fail_msg("cannot open %s (the bed's fixtures)", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned int vcpu, code;
		unsigned long long hits;

		if (sscanf(line, "{ vcpu_id: %u, exit_reason: %u } hitcount: %llu", &vcpu, &code, &hits) == 3) {
			assert_true(n < max);
			vcpus[n] = vcpu;
			codes[n] = code;
			counts[n++] = hits;
		}
	}
	fclose(f);
	return n;
}

/* Exits of (vcpu, isa, basic reason) over all VMs. */
static uint64_t count_of_vcpu(const struct stats *s, uint32_t vcpu, enum exit_isa isa, uint32_t code)
{
	const struct stats_entry *e;
	size_t it = 0;
	uint64_t n = 0;

	while ((e = stats_next(s, &it)))
		if (e->key.vcpu == vcpu && e->key.isa == (uint32_t)isa && e->key.reason == code)
			n += e->c.count;
	return n;
}

/*
 * Per (vCPU, reason) against the kernel's hist trigger; per reason only when
 * the renderer does not print the vCPU of an exit (the trace-cmd kvm plugin).
 */
static void check_against_hist(const char *txt, const char *hist, enum trace_format fmt)
{
	char tpath[512], hpath[512], *diag = NULL;
	uint32_t vcpus[64], codes[64];
	uint64_t counts[64], total = 0;
	size_t n;
	struct accum a;
	struct trace_result res;
	bool per_vcpu = !strstr(txt, "trace-cmd-") || strstr(txt, "noplugin");

	snprintf(tpath, sizeof(tpath), "%s%s", BED, txt);
	snprintf(hpath, sizeof(hpath), "%s%s", BED, hist);
	n = parse_hist(hpath, vcpus, codes, counts, 64);
	assert_true(n > 0);
	if (read_file(tpath, false, &a, &res, &diag))
		fail_msg("%s: %s", txt, diag);
	free(diag);
	for (size_t i = 0; i < n; i++) {
		uint64_t want = counts[i], got;

		if (per_vcpu) {
			got = count_of_vcpu(a.stats, vcpus[i], ISA_SVM, codes[i]);
		} else {
			/* sum the hist over vCPUs for this reason, once */
			bool first = true;

			for (size_t k = 0; k < i; k++)
				first &= codes[k] != codes[i];
			if (!first) {
				total += counts[i];
				continue;
			}
			for (size_t k = i + 1; k < n; k++)
				if (codes[k] == codes[i])
					want += counts[k];
			got = count_of(a.stats, ISA_SVM, codes[i]);
		}
		if (got != want)
			fail_msg("%s: vcpu %u svm reason 0x%x: read %llu, kernel hist %llu", txt,
				 per_vcpu ? vcpus[i] : 0, codes[i], (unsigned long long)got,
				 (unsigned long long)want);
		total += counts[i];
	}
	assert_int_equal(a.stats->total, total);
	assert_int_equal(res.isa, ISA_SVM);
	assert_int_equal(res.format, fmt);
	assert_int_equal(res.lost, 0);
	accum_fini(&a);
}

static void test_bed_vs_hist(void **state)
{
	(void)state;
	/* two vCPUs: per (vCPU, reason) */
	check_against_hist("ftrace-64-vcpus2.txt", "ftrace-64-vcpus2.hist", TRACE_FTRACE);
	for (int mode = 16; mode <= 64; mode += 48) {
		char t[64], h[64];

		snprintf(t, sizeof(t), "ftrace-%d.txt", mode);
		snprintf(h, sizeof(h), "ftrace-%d.hist", mode);
		check_against_hist(t, h, TRACE_FTRACE);
		snprintf(t, sizeof(t), "perf-%d.txt", mode);
		snprintf(h, sizeof(h), "perf-%d.hist", mode);
		check_against_hist(t, h, TRACE_PERF_SCRIPT);
		snprintf(t, sizeof(t), "trace-cmd-%d.txt", mode);
		snprintf(h, sizeof(h), "trace-cmd-%d.hist", mode);
		check_against_hist(t, h, TRACE_TRACE_CMD);
		/* trace-cmd report -N of the same trace.dat: the kernel's own print fmt */
		snprintf(t, sizeof(t), "trace-cmd-noplugin-%d.txt", mode);
		check_against_hist(t, h, TRACE_TRACE_CMD);
	}
}

/*
 * A ring buffer too small for the run: the text holds the newest events only,
 * and the events it lost are counted, equal to the ring buffer's own overrun
 * count (NAME.ringbuffer-stats), and no exit is made up.
 */
static void test_bed_overrun_lost_counted(void **state)
{
	/* ringbuffer-stats: `entries:` still in the buffer, `overrun:` overwritten (lost) */
	char *diag = NULL, line[256];
	struct accum a;
	struct trace_result res;
	uint32_t vcpus[64], codes[64];
	uint64_t counts[64], hist_total = 0, overrun = 0, in_buffer = 0;
	size_t n = parse_hist(BED "ftrace-64-overrun.hist", vcpus, codes, counts, 64);
	FILE *f = fopen(BED "ftrace-64-overrun.ringbuffer-stats", "r");

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "overrun: %llu", &v) == 1)
			overrun += v;
		if (sscanf(line, "entries: %llu", &v) == 1)
			in_buffer += v;
	}
	fclose(f);
	assert_true(overrun > 0);
	for (size_t i = 0; i < n; i++)
		hist_total += counts[i];

	assert_int_equal(read_file(BED "ftrace-64-overrun.txt", false, &a, &res, &diag), 0);
	free(diag);
	assert_int_equal(res.lost, overrun);
	assert_true(res.exits > 0);
	assert_true(res.exits < hist_total);
	/* the text holds exactly what the ring buffer still held */
	assert_int_equal(res.exits + res.entries, in_buffer);
	for (size_t i = 0; i < n; i++)
		assert_true(count_of(a.stats, ISA_SVM, codes[i]) <= counts[i]);
	accum_fini(&a);
}

/* One trace.dat, two renderings (kvm plugin and kernel print fmt): identical stats. */
static void test_bed_plugin_vs_kernel_rendering(void **state)
{
	(void)state;
	for (int mode = 16; mode <= 64; mode += 48) {
		char p1[512], p2[512], *diag = NULL;
		struct accum a, b;
		struct trace_result r1, r2;
		const struct stats_entry *e;
		size_t it = 0;

		snprintf(p1, sizeof(p1), BED "trace-cmd-%d.txt", mode);
		snprintf(p2, sizeof(p2), BED "trace-cmd-noplugin-%d.txt", mode);
		assert_int_equal(read_file(p1, false, &a, &r1, &diag), 0);
		free(diag);
		assert_int_equal(read_file(p2, false, &b, &r2, &diag), 0);
		free(diag);
		assert_int_equal(a.stats->total, b.stats->total);
		assert_int_equal(a.paired, b.paired);
		assert_true(a.paired >= a.stats->total - 1);
		/* The plugin drops vcpu from kvm_exit, so compare per reason. */
		while ((e = stats_next(a.stats, &it))) {
			struct exit_counts sum = { 0 };
			const struct stats_entry *f;
			size_t jt = 0;

			while ((f = stats_next(b.stats, &jt)))
				if (f->key.isa == e->key.isa && f->key.reason == e->key.reason) {
					sum.count += f->c.count;
					sum.time_ns += f->c.time_ns;
				}
			assert_int_equal(e->c.count, sum.count);
			assert_int_equal(e->c.time_ns, sum.time_ns);
		}
		accum_fini(&a);
		accum_fini(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_not_headers),
		cmocka_unit_test(test_body_variants),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_entry_bodies),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_catalogue_spellings_found),
		cmocka_unit_test(test_isa_held_until_settled),
		cmocka_unit_test(test_isa_numbers_only),
		cmocka_unit_test(test_isa_default_lower_case),
		cmocka_unit_test(test_isa_mixed),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_nested_not_counted),
		cmocka_unit_test(test_lost_counted),
		cmocka_unit_test(test_cut_records_counted),
		cmocka_unit_test(test_quoted_printable),
		cmocka_unit_test(test_damaged_event_name),
		cmocka_unit_test(test_timestamp_units_mixed),
		cmocka_unit_test(test_malformed_kinds),
		cmocka_unit_test(test_skip_bad_lists),
		cmocka_unit_test(test_wrapped_records_joined),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_aggregate_tables),
		cmocka_unit_test(test_totals_shapes),
		cmocka_unit_test(test_binary_recordings),
		cmocka_unit_test(test_public_samples),
		cmocka_unit_test(test_public_formats),
		cmocka_unit_test(test_split_header_joined),
		cmocka_unit_test(test_bed_vs_hist),
		cmocka_unit_test(test_bed_overrun_lost_counted),
		cmocka_unit_test(test_bed_plugin_vs_kernel_rendering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
