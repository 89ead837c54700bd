// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline analysis, fed events directly: window accounting (automatic
 * doubling, folding the last partial window, bounds), time in exit equal to
 * the counting core's, filters, and phases of event streams whose structure
 * (start, end, rate) the test itself lays down.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analysis/analyze.h"
#include "sources/record.h"

#define MS 1000000ull
#define S 1000000000ull
#define T0 (5000 * S)	/* an arbitrary source-clock start */

/* SVM exit codes (AMD APM vol. 2, appendix C). */
#define SVM_INTR 0x60
#define SVM_CPUID 0x72
#define SVM_HLT 0x78
#define SVM_IOIO 0x7b
#define SVM_NPF 0x400

static void exit_at(struct analysis *a, uint32_t tid, uint64_t ts, enum exit_isa isa,
		    uint32_t reason)
{
	struct exit_event ev = {
		.kind = EV_EXIT, .has_ts = true, .ts_ns = ts, .pid = 100, .tid = tid,
		.vcpu = 0, .isa = isa, .reason = reason,
	};

	assert_int_equal(analysis_event(a, &ev, NULL), 0);
}

static void entry_at(struct analysis *a, uint32_t tid, uint64_t ts)
{
	struct exit_event ev = {
		.kind = EV_ENTRY, .has_ts = true, .ts_ns = ts, .pid = 100, .tid = tid, .vcpu = 0,
	};

	assert_int_equal(analysis_event(a, &ev, NULL), 0);
}

static void init(struct analysis *a, uint64_t window_ns)
{
	struct analyze_opts o;

	analyze_opts_default(&o);
	o.window_ns = window_ns;
	assert_int_equal(analysis_init(a, &o, NULL), 0);
}

static uint64_t win_total(const struct analysis *a, size_t w)
{
	uint64_t t = 0;

	for (size_t r = 0; r < a->nreasons; r++)
		t += a->win_count[w * a->rcap + r];
	return t;
}

/* One exit every ms for 10 s: 64 ms windows, 156 of them after folding the 15 ms tail. */
static void test_auto_windows_double(void **state)
{
	struct analysis a;
	uint64_t sum = 0;

	(void)state;
	init(&a, 0);
	for (uint64_t i = 0; i < 10000; i++)
		exit_at(&a, 7, T0 + i * MS, ISA_SVM, SVM_IOIO);
	assert_true(a.nwin <= ANALYZE_AUTO_MAX_WINDOWS);
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_int_equal(a.width_ns, 64 * MS);
	/* Exit 9999 is at 9.999 s = window 156 (from 9.984 s), 15 ms < 32 ms: folded into 155. */
	assert_int_equal(a.nwin, 156);
	for (size_t w = 0; w < a.nwin - 1; w++)
		assert_int_equal(win_total(&a, w), 64);
	assert_int_equal(win_total(&a, a.nwin - 1), 64 + 16);
	for (size_t w = 0; w < a.nwin; w++)
		sum += win_total(&a, w);
	assert_int_equal(sum, 10000);
	assert_true(a.win_dur_s[a.nwin - 1] > 0.078 && a.win_dur_s[a.nwin - 1] < 0.080);
	/* One steady phase over the whole trace. */
	assert_int_equal(a.nphases, 1);
	assert_int_equal(a.phases[0].kind, PHASE_STEADY);
	assert_int_equal(a.phases[0].exits, 10000);
	assert_true(a.typical_rate > 990 && a.typical_rate < 1010);
	analysis_fini(&a);
}

/* 300 exits over 3 s: wider windows so that each holds ~25 exits, but at least 16 of them. */
static void test_sparse_trace_gets_wider_windows(void **state)
{
	struct analysis a;

	(void)state;
	init(&a, 0);
	for (uint64_t i = 0; i < 300; i++)
		exit_at(&a, 7, T0 + i * 10 * MS, ISA_SVM, SVM_HLT);
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_true(a.nwin >= ANALYZE_AUTO_MIN_WINDOWS);
	assert_true(a.nwin <= 300 / ANALYZE_AUTO_MIN_EXITS * 2);
	analysis_fini(&a);
}

static void test_manual_window_and_limit(void **state)
{
	struct analysis a;
	struct es_error err = { "" };
	struct exit_event ev = {
		.kind = EV_EXIT, .has_ts = true, .pid = 1, .tid = 1, .isa = ISA_SVM,
		.reason = SVM_IOIO,
	};

	(void)state;
	init(&a, 100 * MS);
	for (uint64_t i = 0; i < 25; i++)
		exit_at(&a, 7, T0 + i * 40 * MS, ISA_SVM, SVM_IOIO);	/* 0 .. 0.96 s */
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_int_equal(a.width_ns, 100 * MS);
	/* 0.96 s is in window 9 from 0.9 s: 60 ms >= 50 ms, kept. */
	assert_int_equal(a.nwin, 10);
	assert_int_equal(win_total(&a, 0), 3);	/* 0, 40, 80 ms */
	assert_int_equal(win_total(&a, 9), 2);	/* 920, 960 ms */
	analysis_fini(&a);

	/* 1 us windows over 2 s: more than ANALYZE_MAX_WINDOWS, refused with a clear reason. */
	init(&a, 1000);
	ev.ts_ns = T0;
	assert_int_equal(analysis_event(&a, &ev, NULL), 0);
	ev.ts_ns = T0 + 2 * S;
	assert_int_equal(analysis_event(&a, &ev, &err), -1);
	assert_non_null(strstr(err.msg, "--window"));
	analysis_fini(&a);
}

/*
 * Fuzz finding (issue 13): 44 exits, the last few 39 s later, with 0.3 ms
 * windows printed 364 MB of JSON. The windows are capped by the exits (4
 * each, 1000 at least) with an error naming the cap and a width that fits.
 */
static void test_windows_bounded_by_input(void **state)
{
	struct analysis a;
	struct es_error err = { "" };

	(void)state;
	init(&a, 300000);
	for (uint64_t i = 0; i < 40; i++)
		exit_at(&a, 7, T0 + i * 250000, ISA_SVM, SVM_IOIO);
	for (uint64_t i = 0; i < 4; i++)
		exit_at(&a, 7, T0 + 39 * S + i * 250000, ISA_SVM, SVM_IOIO);
	assert_int_equal(analysis_finish(&a, &err), -1);
	assert_non_null(strstr(err.msg, "more than the 1000 allowed for its 44 timestamped exits"));
	assert_non_null(strstr(err.msg, "choose --window 0.039"));
	analysis_fini(&a);
	/* the width it suggests is taken */
	init(&a, 39040000);
	for (uint64_t i = 0; i < 40; i++)
		exit_at(&a, 7, T0 + i * 250000, ISA_SVM, SVM_IOIO);
	for (uint64_t i = 0; i < 4; i++)
		exit_at(&a, 7, T0 + 39 * S + i * 250000, ISA_SVM, SVM_IOIO);
	assert_int_equal(analysis_finish(&a, &err), 0);
	assert_true(a.nwin <= 1000);
	analysis_fini(&a);
}

/* Time in exit per window and reason adds up to the counting core's per-reason totals. */
static void test_time_in_exit_matches_accum(void **state)
{
	struct analysis a;
	struct reason_row *rows;
	size_t n;

	(void)state;
	init(&a, 0);
	for (uint64_t i = 0; i < 3000; i++) {
		uint32_t tid = 10 + i % 3;	/* three vCPU threads, interleaved */
		uint64_t ts = T0 + i * 300000;
		uint32_t reason = i % 5 == 0 ? SVM_CPUID : SVM_IOIO;

		exit_at(&a, tid, ts, ISA_SVM, reason);
		if (i % 7)	/* some entries lost: those exits stay unpaired */
			entry_at(&a, tid, ts + 1000 + (reason == SVM_CPUID ? 500 : 0));
	}
	entry_at(&a, 99, T0 + 5);	/* an entry with no exit before it */
	assert_int_equal(analysis_finish(&a, NULL), 0);
	n = stats_by_reason(a.acc.stats, &a.o.filter, SORT_CODE, &rows);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		uint64_t t = 0, c = 0;

		for (size_t r = 0; r < a.nreasons; r++) {
			if (a.reasons[r].code != rows[i].reason)
				continue;
			for (size_t w = 0; w < a.nwin; w++) {
				t += a.win_time[w * a.rcap + r];
				c += a.win_count[w * a.rcap + r];
			}
			assert_int_equal(a.reasons[r].time_ns, rows[i].c.time_ns);
		}
		assert_int_equal(t, rows[i].c.time_ns);
		assert_int_equal(c, rows[i].c.count);
	}
	/* cpuid: 600 exits, those with i % 7 != 0 paired at 1500 ns. */
	assert_int_equal(rows[0].reason, SVM_CPUID);
	assert_int_equal(rows[0].c.time_ns, (600 - 600 / 7 - 1) * 1500ull);
	free(rows);
	analysis_fini(&a);
}

/*
 * The timeline's time in exit comes from the one pairing (accum.c's hook):
 * in the window of the exit, not of its entry; exits of other vCPUs are
 * paired for the totals but stay out of the timeline; a recorded exit's own
 * duration is used as is.
 */
static void test_timeline_time_from_pairing(void **state)
{
	struct analysis a;
	struct analyze_opts o;
	struct exit_event x = {
		.kind = EV_EXIT, .has_ts = true, .pid = 100, .tid = 1, .vcpu = 0, .isa = ISA_SVM,
	};
	struct exit_event n = { .kind = EV_ENTRY, .has_ts = true, .pid = 100, .tid = 1 };
	struct reason_row *rows;
	size_t ioio, npf;

	(void)state;
	analyze_opts_default(&o);
	o.window_ns = 100 * MS;
	o.filter.vcpu = 0;
	assert_int_equal(analysis_init(&a, &o, NULL), 0);
	x.ts_ns = T0;
	x.reason = SVM_IOIO;
	assert_int_equal(analysis_event(&a, &x, NULL), 0);
	/* vCPU 1 (thread 2): 4000 ns, filtered out of the timeline */
	x.ts_ns = T0 + 10 * MS;
	x.tid = 2;
	x.vcpu = 1;
	x.reason = SVM_HLT;
	assert_int_equal(analysis_event(&a, &x, NULL), 0);
	n.tid = 2;
	n.ts_ns = T0 + 10 * MS + 4000;
	assert_int_equal(analysis_event(&a, &n, NULL), 0);
	/* thread 1's entry in window 1: its 150 ms go to window 0, where the exit was */
	n.tid = 1;
	n.ts_ns = T0 + 150 * MS;
	assert_int_equal(analysis_event(&a, &n, NULL), 0);
	x.ts_ns = T0 + 250 * MS;
	x.tid = 1;
	x.vcpu = 0;
	x.reason = SVM_NPF;
	x.has_dur = true;
	x.dur_ns = 777;
	assert_int_equal(analysis_event(&a, &x, NULL), 0);

	assert_int_equal(a.nwin, 3);
	assert_int_equal(a.nreasons, 2);
	assert_int_equal(a.filtered_out, 1);
	ioio = a.reasons[0].code == SVM_IOIO ? 0 : 1;
	npf = 1 - ioio;
	assert_int_equal(a.reasons[npf].code, SVM_NPF);
	assert_int_equal(a.win_time[0 * a.rcap + ioio], 150 * MS);
	assert_int_equal(a.win_time[1 * a.rcap + ioio], 0);
	assert_int_equal(a.win_time[2 * a.rcap + npf], 777);
	assert_int_equal(a.reasons[ioio].time_ns, 150 * MS);
	assert_int_equal(a.reasons[npf].time_ns, 777);
	/* The totals have the other vCPU's exit and its time. */
	assert_int_equal(a.acc.stats->total, 3);
	assert_int_equal(a.acc.paired, 3);
	assert_int_equal(stats_by_reason(a.acc.stats, NULL, SORT_CODE, &rows), 3);
	assert_int_equal(rows[0].reason, SVM_HLT);	/* by code: 0x78, 0x7b, 0x400 */
	assert_int_equal(rows[0].c.time_ns, 4000);
	free(rows);
	analysis_fini(&a);
}

static void test_filter_and_vmx_basic_reason(void **state)
{
	struct analysis a;
	struct analyze_opts o;
	struct exit_event ev = {
		.kind = EV_EXIT, .has_ts = true, .tid = 1, .vcpu = 0, .isa = ISA_VMX,
	};

	(void)state;
	analyze_opts_default(&o);
	o.filter.pid = 200;
	assert_int_equal(analysis_init(&a, &o, NULL), 0);
	for (int i = 0; i < 100; i++) {
		ev.ts_ns = T0 + i * MS;
		ev.pid = i % 4 ? 200 : 300;	/* 75 of VM 200, 25 of VM 300 */
		/* EPT violation (48), half with the "from VMX root" flag bit set. */
		ev.reason = 48 | (i % 2 ? VMX_EXIT_FROM_ROOT : 0);
		assert_int_equal(analysis_event(&a, &ev, NULL), 0);
	}
	ev.has_ts = false;
	ev.pid = 200;
	assert_int_equal(analysis_event(&a, &ev, NULL), 0);
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_int_equal(a.nreasons, 1);
	assert_int_equal(a.reasons[0].code, 48);
	assert_int_equal(a.reasons[0].count, 75);
	assert_int_equal(a.filtered_out, 25);
	assert_int_equal(a.untimed, 1);
	analysis_fini(&a);
}

/* Regular arrivals at `rate` per second from `from` to `to` (seconds), reasons round robin. */
static void stretch(struct analysis *a, double from, double to, double rate,
		    const uint32_t *reasons, size_t nreasons, uint64_t *n)
{
	uint64_t step = (uint64_t)(S / rate);

	for (uint64_t t = (uint64_t)(from * S); t < (uint64_t)(to * S); t += step) {
		exit_at(a, 7, T0 + t, ISA_SVM, reasons[*n % nreasons]);
		entry_at(a, 7, T0 + t + 2000);
		(*n)++;
	}
}

static void assert_near(double got, double want, double tol)
{
	if (got < want - tol || got > want + tol)
		fail_msg("%.6f is not within %.6f of %.6f", got, tol, want);
}

/* Quiet 0-2 s, I/O burst 2-2.4 s, steady 2.4-5 s: three phases at those times. */
static void test_phases_quiet_burst_steady(void **state)
{
	static const uint32_t quiet[] = { SVM_HLT, SVM_INTR };
	static const uint32_t burst[] = { SVM_IOIO, SVM_IOIO, SVM_IOIO, SVM_NPF };
	static const uint32_t steady[] = { SVM_IOIO, SVM_CPUID };
	struct analysis a;
	uint64_t n = 0;
	double w;

	(void)state;
	init(&a, 0);
	stretch(&a, 0, 2, 20, quiet, 2, &n);
	stretch(&a, 2, 2.4, 40000, burst, 4, &n);
	stretch(&a, 2.4, 5, 3000, steady, 2, &n);
	assert_int_equal(analysis_finish(&a, NULL), 0);
	w = a.width_ns / 1e9;
	assert_int_equal(a.nphases, 3);
	assert_int_equal(a.phases[0].kind, PHASE_IDLE);
	assert_int_equal(a.phases[1].kind, PHASE_BURST);
	assert_int_equal(a.phases[2].kind, PHASE_STEADY);
	assert_near(a.phases[0].start_ns / 1e9, 0, 1e-9);
	assert_near(a.phases[0].end_ns / 1e9, 2.0, w);
	assert_near(a.phases[1].end_ns / 1e9, 2.4, w);
	assert_near(a.phases[2].end_ns / 1e9, 5.0, w);
	assert_near(a.phases[1].rate, 40000, 40000 * 0.1);
	assert_near(a.phases[2].rate, 3000, 3000 * 0.05);
	assert_near(a.typical_rate, 3000, 3000 * 0.05);
	/* The burst's driver is io (3 of 4), then npf. */
	assert_int_equal(a.reasons[a.phases[1].order[0]].code, SVM_IOIO);
	assert_int_equal(a.reasons[a.phases[1].order[1]].code, SVM_NPF);
	/* Time in exit: every exit took 2 us. */
	for (size_t r = 0; r < a.nreasons; r++)
		assert_int_equal(a.reasons[r].time_ns, a.reasons[r].count * 2000);
	assert_int_equal(a.phases[0].exits + a.phases[1].exits + a.phases[2].exits, n);
	analysis_fini(&a);
}

/* Same rate throughout, but the reason mix changes at 1 s: two steady phases. */
static void test_phases_mix_change(void **state)
{
	static const uint32_t boot[] = { SVM_CPUID, SVM_CPUID, SVM_IOIO };
	static const uint32_t run[] = { SVM_NPF, SVM_IOIO, SVM_IOIO, SVM_IOIO };
	struct analysis a;
	uint64_t n = 0;

	(void)state;
	init(&a, 0);
	stretch(&a, 0, 1, 5000, boot, 3, &n);
	stretch(&a, 1, 3, 5000, run, 4, &n);
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_int_equal(a.nphases, 2);
	assert_int_equal(a.phases[0].kind, PHASE_STEADY);
	assert_int_equal(a.phases[1].kind, PHASE_STEADY);
	assert_near(a.phases[0].end_ns / 1e9, 1.0, a.width_ns / 1e9);
	assert_int_equal(a.reasons[a.phases[0].order[0]].code, SVM_CPUID);
	assert_int_equal(a.reasons[a.phases[1].order[0]].code, SVM_IOIO);
	analysis_fini(&a);
}

/* A one-window stall in a steady stream is not a phase. */
static void test_short_stall_absorbed(void **state)
{
	static const uint32_t io[] = { SVM_IOIO };
	struct analysis a;
	uint64_t n = 0;

	(void)state;
	init(&a, 100 * MS);
	stretch(&a, 0, 1.0, 2000, io, 1, &n);
	stretch(&a, 1.1, 3, 2000, io, 1, &n);	/* silent 1.0-1.1 s: one window */
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_int_equal(a.nphases, 1);
	assert_int_equal(a.phases[0].kind, PHASE_STEADY);
	analysis_fini(&a);
}

/*
 * A recording (the record writer's real format) of quiet 0-1 s, burst
 * 1-1.2 s, steady 1.2-3 s, read back through analyze_load() from a file and
 * from a pipe: the same three phases, and time in exit from the recording.
 */
static void write_recording(FILE *f, uint64_t *n)
{
	struct record_writer *w = record_writer_open(f, "test", 100, "test", NULL);
	struct { double from, to, rate; uint32_t reason; } plan[] = {
		{ 0, 1, 30, SVM_HLT }, { 1, 1.2, 30000, SVM_IOIO }, { 1.2, 3, 3000, SVM_CPUID },
	};

	assert_non_null(w);
	*n = 0;
	for (size_t i = 0; i < 3; i++) {
		uint64_t step = (uint64_t)(S / plan[i].rate);

		for (uint64_t t = (uint64_t)(plan[i].from * S); t < (uint64_t)(plan[i].to * S);
		     t += step) {
			struct exit_event e = {
				.kind = EV_EXIT, .has_ts = true, .has_dur = true, .ts_ns = T0 + t,
				.dur_ns = 3000, .pid = 100, .tid = 101, .vcpu = 0, .isa = ISA_SVM,
				.reason = plan[i].reason,
			};

			assert_int_equal(record_writer_add(w, &e, NULL), 0);
			(*n)++;
		}
	}
	assert_int_equal(record_writer_finish(w, 0, 0, NULL), 0);
}

static void check_recording_analysis(const struct analysis *a, uint64_t n)
{
	assert_int_equal(a->nphases, 3);
	assert_int_equal(a->phases[0].kind, PHASE_IDLE);
	assert_int_equal(a->phases[1].kind, PHASE_BURST);
	assert_int_equal(a->phases[2].kind, PHASE_STEADY);
	assert_near(a->phases[1].start_ns / 1e9, 1.0, a->width_ns / 1e9);
	assert_near(a->phases[1].end_ns / 1e9, 1.2, a->width_ns / 1e9);
	assert_int_equal(a->acc.stats->total, n);
	for (size_t r = 0; r < a->nreasons; r++)
		assert_int_equal(a->reasons[r].time_ns, a->reasons[r].count * 3000);
}

static void test_recording_input(void **state)
{
	char path[] = "/tmp/exitstat-test-analyze-XXXXXX";
	int fd = mkstemp(path);
	FILE *f, *saved;
	struct analysis a;
	struct analyze_input in = { 0 };
	uint64_t n;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	write_recording(f, &n);
	assert_int_equal(fclose(f), 0);

	init(&a, 0);
	assert_int_equal(analyze_load(path, &a, &in, NULL, NULL), 0);
	assert_non_null(strstr(in.info.source, "recording"));
	check_recording_analysis(&a, n);
	analysis_fini(&a);

	/* The same through a pipe on stdin (not seekable: the magic is peeked). */
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "cat %s", path);
		f = popen(cmd, "r");
		assert_non_null(f);
		saved = stdin;
		stdin = f;
		memset(&in, 0, sizeof(in));
		init(&a, 0);
		assert_int_equal(analyze_load("-", &a, &in, NULL, NULL), 0);
		stdin = saved;
		pclose(f);
		check_recording_analysis(&a, n);
		analysis_fini(&a);
	}
	unlink(path);
}

static void test_no_timestamps(void **state)
{
	struct analysis a;
	struct exit_event ev = {
		.kind = EV_EXIT, .pid = 1, .tid = 1, .isa = ISA_SVM, .reason = SVM_HLT,
	};

	(void)state;
	init(&a, 0);
	assert_int_equal(analysis_event(&a, &ev, NULL), 0);
	assert_int_equal(analysis_finish(&a, NULL), 0);
	assert_int_equal(a.nwin, 0);
	assert_int_equal(a.nphases, 0);
	assert_int_equal(a.untimed, 1);
	assert_int_equal(a.acc.stats->total, 1);
	analysis_fini(&a);
}

static void test_bad_options(void **state)
{
	struct analysis a;
	struct analyze_opts o;
	struct es_error err = { "" };

	(void)state;
	analyze_opts_default(&o);
	o.burst_factor = 1;
	assert_int_equal(analysis_init(&a, &o, &err), -1);
	assert_non_null(strstr(err.msg, "options"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_windows_double),
		cmocka_unit_test(test_sparse_trace_gets_wider_windows),
		cmocka_unit_test(test_manual_window_and_limit),
		cmocka_unit_test(test_windows_bounded_by_input),
		cmocka_unit_test(test_time_in_exit_matches_accum),
		cmocka_unit_test(test_timeline_time_from_pairing),
		cmocka_unit_test(test_filter_and_vmx_basic_reason),
		cmocka_unit_test(test_phases_quiet_burst_steady),
		cmocka_unit_test(test_phases_mix_change),
		cmocka_unit_test(test_short_stall_absorbed),
		cmocka_unit_test(test_recording_input),
		cmocka_unit_test(test_no_timestamps),
		cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
