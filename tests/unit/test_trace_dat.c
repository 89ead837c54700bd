// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat reading (sources/trace_dat.c): the fields of kvm_exit/kvm_entry
 * found by name in each kernel era's event format, parsed by libtraceevent
 * from the format text (the real 6.12 one the bed recorded, and the
 * TP_STRUCT__entry layouts of the older eras), on records built here with
 * known values; and the whole reader on the bed's real trace.dat against the
 * kernel's hist count of its run (tests/fixtures/binary/README.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event-parse.h>

#include "sources/trace_dat.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif
#define BIN SRCDIR "/tests/fixtures/binary/"

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

/* Every era's kvm_exit starts with these (arch/x86/kvm/trace.h since 2.6.31). */
#define EXIT_HEAD "name: kvm_exit\nID: 71\nformat:\n" COMMON \
	"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n" \
	"\tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;\n"
/* ... and since 2.6.34 these. */
#define EXIT_ISA_INFO \
	"\tfield:u32 isa;\toffset:24;\tsize:4;\tsigned:0;\n" \
	"\tfield:u64 info1;\toffset:32;\tsize:8;\tsigned:0;\n" \
	"\tfield:u64 info2;\toffset:40;\tsize:8;\tsigned:0;\n"

/* 5.5-5.9: vcpu_id after info2. */
static const char exit_5_5[] = EXIT_HEAD EXIT_ISA_INFO
	"\tfield:unsigned int vcpu_id;\toffset:48;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"vcpu %u reason %u rip 0x%lx\", REC->vcpu_id, REC->exit_reason, REC->guest_rip\n";

/* 2.6.34-5.4: isa, no vcpu_id. */
static const char exit_2_6_34[] = EXIT_HEAD EXIT_ISA_INFO "\n"
	"print fmt: \"reason %u rip 0x%lx info %llx %llx\", REC->exit_reason, REC->guest_rip, "
	"REC->info1, REC->info2\n";

/* 2.6.31-2.6.33: the reason and rip alone. */
static const char exit_2_6_31[] = EXIT_HEAD "\n"
	"print fmt: \"reason %u rip 0x%lx\", REC->exit_reason, REC->guest_rip\n";

/* kvm_entry up to 5.9: vcpu_id alone. */
static const char entry_old[] = "name: kvm_entry\nID: 72\nformat:\n" COMMON
	"\tfield:unsigned int vcpu_id;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"vcpu %u\", REC->vcpu_id\n";

static const char nested[] = "name: kvm_nested_vmexit\nID: 73\nformat:\n" COMMON
	"\tfield:__u64 rip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__u32 exit_code;\toffset:16;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"rip: 0x%016llx reason: %u\", REC->rip, REC->exit_code\n";

static const char pio[] = "name: kvm_pio\nID: 74\nformat:\n" COMMON
	"\tfield:unsigned int rw;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"pio %u\", REC->rw\n";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	assert_true(n > 0);
	fclose(f);
	return buf;
}

static struct tep_handle *tep_with(const char *const *formats)
{
	struct tep_handle *tep = tep_alloc();

	assert_non_null(tep);
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, 4096);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (; *formats; formats++)
		assert_int_equal(tep_parse_event(tep, *formats, strlen(*formats), "kvm"), 0);
	return tep;
}

/* A record of event id with common_pid pid and value v at offset off (size sz) of each field. */
struct rec_buf {
	unsigned char data[64];
	struct tep_record rec;
};

static void rec_init(struct rec_buf *b, uint16_t id, int32_t pid, int size, uint64_t ts)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->data, &id, 2);
	memcpy(b->data + 4, &pid, 4);
	b->rec.data = b->data;
	b->rec.size = size;
	b->rec.ts = ts;
}

static void put32(struct rec_buf *b, int off, uint32_t v)
{
	memcpy(b->data + off, &v, 4);
}

static int id_of(struct tep_handle *tep, const char *name)
{
	struct tep_event *ev = tep_find_event_by_name(tep, "kvm", name);

	assert_non_null(ev);
	return ev->id;
}

/* The real 6.12 formats (recorded in the bed): every field, VMX flag bits kept. */
static void test_era_6_12(void **state)
{
	char *ex = slurp(BIN "kvm_exit.format"), *en = slurp(BIN "kvm_entry.format");
	const char *fmts[] = { ex, en, nested, pio, NULL };
	struct tep_handle *tep = tep_with(fmts);
	struct es_error err = { { 0 } };
	struct trace_dat_kvm *k = trace_dat_kvm_new(tep, NULL, "t.dat", &err);
	enum trace_dat_kind kind;
	struct exit_event ev;
	struct rec_buf b;

	(void)state;
	assert_non_null(k);
	/* 6.12 kvm_exit: exit_reason @8, isa @24, vcpu_id @56 */
	rec_init(&b, (uint16_t)id_of(tep, "kvm_exit"), 4242, 64, 123456789);
	put32(&b, 8, 0x80000021);	/* FAILED_VMENTRY | INVALID_STATE (33) */
	put32(&b, 24, 1);
	put32(&b, 56, 3);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
	assert_int_equal(kind, TD_EXIT);
	assert_int_equal(ev.kind, EV_EXIT);
	assert_int_equal(ev.reason, 0x80000021);
	assert_int_equal(ev.isa, ISA_VMX);
	assert_int_equal(ev.vcpu, 3);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.tid, 4242);
	assert_true(ev.has_ts);
	assert_int_equal(ev.ts_ns, 123456789);

	put32(&b, 8, 0x400);
	put32(&b, 24, 2);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
	assert_int_equal(ev.reason, 0x400);
	assert_int_equal(ev.isa, ISA_SVM);

	/* an isa that is neither: an error naming the file */
	put32(&b, 24, 7);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), -1);
	assert_non_null(strstr(err.msg, "t.dat: record at offset 0: kvm_exit isa 7 is neither"));

	/* a record too short for its fields */
	put32(&b, 24, 2);
	b.rec.size = 40;
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), -1);
	assert_non_null(strstr(err.msg, "cannot read field"));

	rec_init(&b, (uint16_t)id_of(tep, "kvm_entry"), 4242, 32, 5);
	put32(&b, 8, 3);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
	assert_int_equal(kind, TD_ENTRY);
	assert_int_equal(ev.kind, EV_ENTRY);
	assert_int_equal(ev.vcpu, 3);

	rec_init(&b, (uint16_t)id_of(tep, "kvm_nested_vmexit"), 1, 24, 5);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
	assert_int_equal(kind, TD_NESTED);
	rec_init(&b, (uint16_t)id_of(tep, "kvm_pio"), 1, 16, 5);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
	assert_int_equal(kind, TD_OTHER);

	trace_dat_kvm_free(k);
	tep_free(tep);
	free(ex);
	free(en);
}

/*
 * 5.5-5.9 (vcpu_id at its own offset) and 2.6.34-5.4 (no vcpu_id in kvm_exit:
 * the vCPU is unknown), each with the old kvm_entry: the ISA from its field.
 */
static void test_eras_with_isa(void **state)
{
	static const struct {
		const char *format;
		int size, vcpu_off;	/* vcpu_off 0: no vcpu_id */
		uint32_t reason, isa, vcpu;
	} eras[] = {
		{ exit_5_5, 56, 48, 30, ISA_VMX, 2 },
		{ exit_2_6_34, 48, 0, 0x7b, ISA_SVM, STATS_VCPU_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		const char *fmts[] = { eras[i].format, entry_old, NULL };
		struct tep_handle *tep = tep_with(fmts);
		struct es_error err = { { 0 } };
		struct trace_dat_kvm *k = trace_dat_kvm_new(tep, NULL, "t.dat", &err);
		enum trace_dat_kind kind;
		struct exit_event ev;
		struct rec_buf b;

		assert_non_null(k);
		rec_init(&b, 71, 99, eras[i].size, 1);
		put32(&b, 8, eras[i].reason);
		put32(&b, 24, eras[i].isa);
		if (eras[i].vcpu_off)
			put32(&b, eras[i].vcpu_off, eras[i].vcpu);
		assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
		assert_int_equal(kind, TD_EXIT);
		assert_int_equal(ev.reason, eras[i].reason);
		assert_int_equal(ev.isa, eras[i].isa);
		assert_int_equal(ev.vcpu, eras[i].vcpu);
		trace_dat_kvm_free(k);
		tep_free(tep);
	}
}

/* 2.6.31-2.6.33: no isa field: --isa decides, and without it the error says so. */
static void test_era_2_6_31(void **state)
{
	const char *fmts[] = { exit_2_6_31, entry_old, NULL };
	struct tep_handle *tep = tep_with(fmts);
	struct trace_opts vmx = { .isa_hint = ISA_VMX };
	struct es_error err = { { 0 } };
	struct trace_dat_kvm *k = trace_dat_kvm_new(tep, NULL, "old.dat", &err);
	enum trace_dat_kind kind;
	struct exit_event ev;
	struct rec_buf b;

	(void)state;
	assert_non_null(k);
	rec_init(&b, 71, 99, 24, 1);
	put32(&b, 8, 12);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), -1);
	assert_string_equal(err.msg, "old.dat: kvm_exit has no isa field (a kernel before 2.6.34): "
			    "say which with --isa vmx or --isa svm");
	trace_dat_kvm_free(k);
	k = trace_dat_kvm_new(tep, &vmx, "old.dat", &err);
	assert_non_null(k);
	assert_int_equal(trace_dat_kvm_event(k, &b.rec, &ev, &kind, &err), 0);
	assert_int_equal(ev.reason, 12);
	assert_int_equal(ev.isa, ISA_VMX);
	trace_dat_kvm_free(k);
	tep_free(tep);
}

/* A file without kvm events says what to record. */
static void test_no_kvm_events(void **state)
{
	const char *fmts[] = { pio, NULL };
	struct tep_handle *tep = tep_with(fmts);
	struct es_error err = { { 0 } };

	(void)state;
	assert_null(trace_dat_kvm_new(tep, NULL, "x.dat", &err));
	assert_string_equal(err.msg, "x.dat: no kvm_exit or kvm_entry events recorded (record with "
			    "`trace-cmd record -e kvm:kvm_exit -e kvm:kvm_entry`)");
	tep_free(tep);
}

struct counts {
	uint64_t exits, entries, io, last_ts;
	bool in_order;
	uint64_t stop_after;
};

static int count(void *ctx, const struct exit_event *ev)
{
	struct counts *c = ctx;

	if (ev->ts_ns < c->last_ts)
		c->in_order = false;
	c->last_ts = ev->ts_ns;
	if (ev->kind == EV_EXIT) {
		c->exits++;
		c->io += ev->isa == ISA_SVM && ev->reason == 0x7b;
	} else {
		c->entries++;
	}
	return c->stop_after && c->exits + c->entries == c->stop_after ? 7 : 0;
}

/* The kernel's hist of a bed run: all exits, and those of SVM code io (0x7b). */
static void hist_counts(const char *path, uint64_t *total, uint64_t *io)
{
	FILE *f = fopen(path, "r");
	unsigned int vcpu, reason;
	unsigned long long n;
	char line[256];

	assert_non_null(f);
	*total = *io = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "{ vcpu_id: %u, exit_reason: %u } hitcount: %llu", &vcpu, &reason,
			   &n) == 3) {
			*total += n;
			*io += reason == 0x7b ? n : 0;
		}
	fclose(f);
	assert_true(*total > 0);
}

/*
 * The bed's real trace.dat against the kernel's hist of that run
 * (tests/fixtures/binary/trace-cmd.hist): every kvm_exit and the io ones, each
 * exit but the last followed by its entry, in time order.
 */
static void test_bed_trace_dat(void **state)
{
	struct counts c = { .in_order = true };
	struct trace_result res;
	struct es_error err = { { 0 } };
	uint64_t total, io;

	(void)state;
	hist_counts(BIN "trace-cmd.hist", &total, &io);
	assert_int_equal(io, 1500);	/* exitgen's out:1000 in:500 */
	assert_int_equal(trace_dat_read(BIN "trace-cmd.dat", "tc.dat", NULL, count, &c, &res, &err), 0);
	assert_int_equal(c.exits, total);
	assert_int_equal(c.io, io);
	assert_int_equal(res.exits, total);
	assert_true(res.entries >= total - 1);
	assert_int_equal(res.isa, ISA_SVM);
	assert_int_equal(res.format, TRACE_DAT);
	assert_int_equal(res.lost, 0);
	assert_true(c.in_order);

	/* the callback stops the read: its value comes back, nothing after it is delivered */
	memset(&c, 0, sizeof(c));
	c.stop_after = 10;
	assert_int_equal(trace_dat_read(BIN "trace-cmd.dat", "tc.dat", NULL, count, &c, &res, &err), 7);
	assert_int_equal(c.exits + c.entries, 10);

	/* not a trace.dat */
	assert_int_equal(trace_dat_read(BIN "README.md", "r.md", NULL, count, &c, &res, &err), -1);
	assert_non_null(strstr(err.msg, "r.md: libtracecmd cannot read it as a trace.dat"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_era_6_12),
		cmocka_unit_test(test_eras_with_isa),
		cmocka_unit_test(test_era_2_6_31),
		cmocka_unit_test(test_no_kvm_events),
		cmocka_unit_test(test_bed_trace_dat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
