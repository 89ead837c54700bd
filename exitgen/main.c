// SPDX-License-Identifier: GPL-2.0
/*
 * exitgen: a minimal VMM whose guests cause a known number of each VM
 * exit, the ground truth for exitstat. CLI, setup order, threads, result.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "layout.h"
#include "output.h"
#include "live/ready.h"
#include "vcpu.h"
#include "vm.h"

#define DEFAULT_MARGIN 64	/* extra user-space exits before --max-exits trips */

static void usage(FILE *f)
{
	fputs("usage: exitgen [--mode 16|64] [--vcpus K] [--json] [--max-exits N]\n"
	      "               [--timeout SEC] [--device PATH] [--no-msr-filter]\n"
	      "               [--ready-file PATH] [--go-file FIFO] [--exit-stats-cpuid] [--kvm-stats]\n"
	      "               [--irqchip] [--vms N] STEP...\n"
	      "       exitgen --layout [--mode 16|64] [--vcpus K] [--irqchip] [--image FILE] STEP...\n"
	      "Runs a guest on KVM that causes a known number of each VM exit.\n"
	      "STEP (run in order on every vCPU, each program ends with one HLT;\n"
	      "      with --irqchip with one OUT to port 0xe8 instead):\n"
	      "  out:N  in:N      N port writes / reads (KVM_EXIT_IO)\n"
	      "  cpuid:N          N CPUIDs (handled inside KVM)\n"
	      "  rdmsr:N wrmsr:N  N MSR reads / writes\n"
	      "  mmio:N           N writes to unbacked guest-physical memory (KVM_EXIT_MMIO)\n"
	      "  hlt              one HLT (KVM_EXIT_HLT)\n"
	      "  sleep:MS         one OUT after which exitgen sleeps MS ms\n"
	      "  leaf:EAX[:ECX]   one CPUID with these inputs; its result is reported\n"
	      "  wait             one OUT; every vCPU waits there until a byte comes on --go-file\n"
	      "  icr:N            x2APIC on (one WRMSR of IA32_APIC_BASE), then N WRMSRs of the\n"
	      "                   x2APIC ICR (an IPI to no one; KVM's fastpath); needs --irqchip\n"
	      "  touch:N          N writes, each to a new page of a second memslot (--mode 64):\n"
	      "                   one nested page fault (NPF / EPT violation) each, in KVM\n"
	      "Options:\n"
	      "  --mode 16|64     real mode or long mode with identity paging (default 64)\n"
	      "  --vcpus K        K vCPUs, one thread each (1..14, default 1)\n"
	      "  --vms N          N VMs one after another, each made, run to its end and\n"
	      "                   closed before the next, all on the same thread (--vcpus 1);\n"
	      "                   counts are their sums, leaf results the last VM's\n"
	      "  --json           one JSON object on stdout\n"
	      "  --max-exits N    fail after N user-space exits in total (default: expected + 64)\n"
	      "  --timeout SEC    fail if the guests take longer (default: no limit)\n"
	      "  --device PATH    KVM device (default /dev/kvm)\n"
	      "  --no-msr-filter  let KVM emulate the MSR instead of sending it to exitgen\n"
	      "  --ready-file P   write \"ready PID\" to P (a file or a FIFO) when every vCPU\n"
	      "                   is at the wait step, or, without one, when every vCPU runs\n"
	      "  --go-file FIFO   the wait step reads one byte from this FIFO\n"
	      "  --exit-stats-cpuid  opt the VM in to the exitstat kernel patch's CPUID\n"
	      "                   leaves (KVM_CAP_X86_EXIT_STATS_CPUID); fails without it\n"
	      "  --irqchip        KVM's in-kernel PIC, IOAPIC and LAPIC (KVM_CREATE_IRQCHIP);\n"
	      "                   hlt steps are refused (KVM halts the vCPU itself)\n"
	      "  --kvm-stats      read each vCPU's exit_reason_exits/_cycles binary stats\n"
	      "                   (KVM_GET_STATS_FD, the exitstat kernel patch) at the wait\n"
	      "                   step and at the end; --json prints them (kvm_stats)\n"
	      "  --layout         run nothing: print as JSON where each vCPU's program has\n"
	      "                   the instruction of each step that exits (exit_rip)\n"
	      "  --image FILE     with --layout: write vCPU 0's program bytes to FILE\n",
	      f);
}

static void __attribute__((noreturn)) usage_error(const char *fmt, const char *arg)
{
	fputs("exitgen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see exitgen --help)\n", stderr);
	exit(2);
}

static unsigned long long parse_number(const char *opt, const char *arg,
				       unsigned long long min,
				       unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!*arg || *arg == '-' || *end || errno || v < min || v > max) {
		fprintf(stderr, "exitgen: %s '%s': expected a number from %llu to %llu\n",
			opt, arg, min, max);
		exit(2);
	}
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

static void add_counts(struct exit_counts *sum, const struct exit_counts *c)
{
	sum->io += c->io;
	sum->cpuid += c->cpuid;
	sum->msr += c->msr;
	sum->mmio += c->mmio;
	sum->hlt += c->hlt;
	sum->touch += c->touch;
}

/*
 * Counts seen must equal what the steps ask for; errors name the vCPU.
 * msr_user: the MSR accesses that come to exitgen (rdmsr and wrmsr steps
 * through the MSR filter; never the icr steps' ones, which KVM handles).
 */
static void check_counts(struct vcpu *v, uint64_t msr_user)
{
	const struct exit_counts *e = &v->expected;
	const uint64_t *x = v->exits;
	uint64_t msr = x[KVM_EXIT_X86_RDMSR] + x[KVM_EXIT_X86_WRMSR];

	if (v->error[0] || !v->done)
		return;
	if (x[KVM_EXIT_IO] != e->io || x[KVM_EXIT_HLT] != e->hlt ||
	    x[KVM_EXIT_MMIO] != e->mmio || msr != msr_user)
		snprintf(v->error, sizeof(v->error),
			 "vcpu %d: saw io %llu, hlt %llu, mmio %llu, msr %llu user-space exits; expected %llu, %llu, %llu, %llu",
			 v->index, (unsigned long long)x[KVM_EXIT_IO],
			 (unsigned long long)x[KVM_EXIT_HLT],
			 (unsigned long long)x[KVM_EXIT_MMIO],
			 (unsigned long long)msr, (unsigned long long)e->io,
			 (unsigned long long)e->hlt, (unsigned long long)e->mmio,
			 (unsigned long long)msr_user);
}

/*
 * One thread per vCPU, until every one is done; ready_file: written when
 * all run (no wait step). -1: a thread could not start (said on stderr);
 * else 0, *run_error set if --ready-file or --timeout failed (in err).
 */
static int run_threads(struct run_shared *sh, const char *ready_file,
		       unsigned long long timeout_s, const char **run_error, char *err,
		       size_t len)
{
	struct es_error ready_err;

	for (int i = 0; i < sh->nvcpus; i++) {
		int rc = pthread_create(&sh->vcpus[i].thread, NULL, vcpu_thread, &sh->vcpus[i]);

		if (rc) {
			fprintf(stderr, "exitgen: pthread_create (vcpu %d): %s\n", i,
				strerror(rc));
			vcpus_stop(sh);
			for (int k = 0; k < i; k++)
				pthread_join(sh->vcpus[k].thread, NULL);
			return -1;
		}
		sh->vcpus[i].thread_started = true;
	}
	if (ready_file && ready_file_write(ready_file, &ready_err)) {
		fprintf(stderr, "exitgen: %s\n", ready_err.msg);
		vcpus_stop(sh);
		*run_error = "cannot say ready on --ready-file";
	}
	if (wait_vcpus(sh, timeout_s) && !*run_error) {
		snprintf(err, len, "guests still running after %llu s (--timeout)", timeout_s);
		*run_error = err;
	}
	/* Join only now: until every thread is done, any may kick the others. */
	for (int i = 0; i < sh->nvcpus; i++)
		pthread_join(sh->vcpus[i].thread, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "vms", required_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-exits", required_argument, NULL, 'x' },
		{ "timeout", required_argument, NULL, 't' },
		{ "device", required_argument, NULL, 'd' },
		{ "no-msr-filter", no_argument, NULL, 'F' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "go-file", required_argument, NULL, 'g' },
		{ "exit-stats-cpuid", no_argument, NULL, 'E' },
		{ "kvm-stats", no_argument, NULL, 'K' },
		{ "irqchip", no_argument, NULL, 'Q' },
		{ "layout", no_argument, NULL, 'L' },
		{ "image", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* static: a vcpu holds its 40 KiB program image */
	static struct step steps[MAX_STEPS];
	static struct vcpu vcpus[MAX_VCPUS];
	static struct vm vm;
	static struct run_shared shared;
	static struct report report;
	const char *device = "/dev/kvm";
	const char *ready_file = NULL, *go_file = NULL, *image = NULL;
	int wait_step = -1, icr_step = -1, hlt_step = -1;
	const char *run_error = NULL;
	const struct guest_mode *mode = &guest64_mode;
	unsigned long long max_exits = 0, timeout_s = 0;
	bool json = false, msr_filter = true, exit_stats_cpuid = false, layout = false;
	bool irqchip = false;
	int nvcpus = 1, nvms = 1, nsteps, opt;
	uint64_t userspace_expected = 0, start = 0, end = 0;
	char err[256], stats_err[300];

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "16"))
				mode = &guest16_mode;
			else if (!strcmp(optarg, "64"))
				mode = &guest64_mode;
			else
				usage_error("--mode '%s': expected 16 or 64", optarg);
			break;
		case 'c':
			nvcpus = (int)parse_number("--vcpus", optarg, 1, MAX_VCPUS);
			break;
		case 'V':
			nvms = (int)parse_number("--vms", optarg, 1, 10000);
			break;
		case 'j':
			json = true;
			break;
		case 'x':
			max_exits = parse_number("--max-exits", optarg, 1, UINT64_MAX);
			break;
		case 't':
			timeout_s = parse_number("--timeout", optarg, 1, 86400);
			break;
		case 'd':
			device = optarg;
			break;
		case 'F':
			msr_filter = false;
			break;
		case 'r':
			ready_file = optarg;
			break;
		case 'g':
			go_file = optarg;
			break;
		case 'E':
			exit_stats_cpuid = true;
			break;
		case 'K':
			shared.kvm_stats = true;
			break;
		case 'Q':
			irqchip = true;
			break;
		case 'L':
			layout = true;
			break;
		case 'I':
			image = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("exitgen: see exitgen --help\n", stderr);
			return 2;
		}
	}
	nsteps = argc - optind;
	if (nsteps == 0)
		usage_error("%sno STEP given (e.g. out:1000 cpuid:500 hlt)", "");
	if (nsteps > MAX_STEPS) {
		fprintf(stderr, "exitgen: %d steps given, at most %d\n", nsteps,
			MAX_STEPS);
		return 2;
	}
	for (int i = 0; i < nsteps; i++) {
		if (step_parse(argv[optind + i], i, &steps[i], err,
			       sizeof(err))) {
			fprintf(stderr, "exitgen: %s\n", err);
			return 2;
		}
		if (steps[i].op == OP_ICR && icr_step < 0)
			icr_step = i;
		if (steps[i].op == OP_HLT && hlt_step < 0)
			hlt_step = i;
		if (steps[i].op != OP_WAIT)
			continue;
		if (wait_step >= 0) {
			fprintf(stderr, "exitgen: step %d 'wait': only one wait step per run (step %d is one)\n",
				i + 1, wait_step + 1);
			return 2;
		}
		wait_step = i;
	}
	if (icr_step >= 0 && !irqchip) {
		fprintf(stderr, "exitgen: step %d '%s' needs --irqchip (the x2APIC ICR is the in-kernel LAPIC's)\n",
			icr_step + 1, steps[icr_step].text);
		return 2;
	}
	if (hlt_step >= 0 && irqchip) {
		fprintf(stderr, "exitgen: step %d 'hlt' cannot run with --irqchip (the in-kernel LAPIC would halt the vCPU inside KVM for good: IF is clear)\n",
			hlt_step + 1);
		return 2;
	}
	if (guest_touch_check(mode, steps, nsteps, err, sizeof(err))) {
		fprintf(stderr, "exitgen: %s\n", err);
		return 2;
	}
	if (image && !layout)
		usage_error("%s--image writes the program of --layout: give --layout too", "");
	if (layout)
		return layout_print(stdout, mode, steps, nsteps, nvcpus,
				    msr_filter ? PRIVATE_MSR : FALLBACK_MSR, irqchip, image);
	if (wait_step >= 0 && !go_file) {
		fprintf(stderr, "exitgen: step %d 'wait' needs --go-file FIFO (see exitgen --help)\n",
			wait_step + 1);
		return 2;
	}
	/* --vms: one thread runs the vCPU of every VM, nothing waits on another */
	if (nvms > 1 && (nvcpus > 1 || ready_file || go_file || shared.kvm_stats || timeout_s)) {
		fprintf(stderr, "exitgen: --vms %d runs every VM's vCPU on one thread: it takes --vcpus 1 and no --ready-file, --go-file, --kvm-stats or --timeout\n",
			nvms);
		return 2;
	}
	if (go_file) {
		struct stat st;

		/* Read and write: no EOF before the test writes, and opening never blocks. */
		shared.go_fd = open(go_file, O_RDWR | O_CLOEXEC);
		if (shared.go_fd < 0 || fstat(shared.go_fd, &st)) {
			fprintf(stderr, "exitgen: --go-file %s: %s\n", go_file, strerror(errno));
			return 1;
		}
		if (!S_ISFIFO(st.st_mode)) {
			fprintf(stderr, "exitgen: --go-file %s: not a FIFO (make it with mkfifo)\n",
				go_file);
			return 1;
		}
	}

	shared.steps = steps;
	shared.nsteps = nsteps;
	shared.vcpus = vcpus;
	shared.nvcpus = nvcpus;
	run_shared_init(&shared);
	if (wait_step >= 0)
		shared.ready_file = ready_file;
	vcpu_signals_init();
	report.vms = nvms;
	for (int vmi = 0; vmi < nvms; vmi++) {
		/* --vms: the last VM stays open for the report (leaf results are in its memory) */
		if (vmi)
			vm_close(&vm, vcpus, nvcpus);
		vm_open(&vm, device);
		vm_create(&vm, mode, nvcpus, msr_filter);
		if (irqchip)
			vm_create_irqchip(&vm, icr_step >= 0);
		if (exit_stats_cpuid)
			vm_enable_exit_stats_cpuid(&vm);
		if (steps_touch(steps, nsteps))
			vm_add_touch_slot(&vm, nvcpus);

		for (int i = 0; i < nvcpus; i++) {
			struct vcpu *v = &vcpus[i];
			struct exit_counts e = { 0 };
			uint64_t user;

			v->index = i;
			v->shared = &shared;
			v->done = false;
			if (guest_build(mode, steps, nsteps, i, vm.msr, irqchip, &v->img, err,
					sizeof(err))) {
				fprintf(stderr, "exitgen: %s\n", err);
				return 2;
			}
			vm_load_image(&vm, &v->img);
			/* a vCPU's expected and seen counts add up over the VMs */
			program_expected(steps, nsteps, irqchip, &e);
			add_counts(&v->expected, &e);
			add_counts(&report.expected, &e);
			program_icr(steps, nsteps, &report.icr_writes, &report.x2apic_enables);
			user = 1;	/* the final HLT (or OUT) */
			for (int k = 0; k < nsteps; k++) {
				uint64_t n = step_userspace_exits(&steps[k], vm.msr_to_user);

				user += n;
				if (steps[k].op == OP_RDMSR || steps[k].op == OP_WRMSR)
					v->expected_msr_user += n;
			}
			v->expected_userspace += user;
			userspace_expected += user;
			vcpu_create(&vm, v);
			if (shared.kvm_stats &&
			    kvm_exit_stats_open(v->fd, &v->kstats, err, sizeof(err))) {
				fprintf(stderr, "exitgen: --kvm-stats: vcpu %d: %s\n", i, err);
				return 1;
			}
		}
		shared.max_exits = max_exits ? max_exits :
					       userspace_expected + DEFAULT_MARGIN;
		if (vmi == 0)
			start = now_ns();
		if (nvms > 1) {
			/* every VM's vCPU on this one thread (--vcpus 1) */
			vcpus[0].thread = pthread_self();
			vcpus[0].thread_started = true;
			vcpu_thread(&vcpus[0]);
			if (!vcpus[0].done)
				break;
			continue;
		}
		if (run_threads(&shared, ready_file && wait_step < 0 ? ready_file : NULL,
				timeout_s, &run_error, err, sizeof(err)))
			return 1;
		end = now_ns();
		for (int i = 0; shared.kvm_stats && i < nvcpus; i++) {
			if (kvm_exit_stats_sample(&vcpus[i].kstats, &vcpus[i].kstats_end, err,
						  sizeof(err)) && !run_error) {
				snprintf(stats_err, sizeof(stats_err), "--kvm-stats: vcpu %d: %s", i,
					 err);
				run_error = stats_err;
			}
		}
	}
	if (nvms > 1)
		end = now_ns();
	report.elapsed_ns = end - start;

	report.vm = &vm;
	report.shared = &shared;
	report.ok = !run_error;
	report.error = run_error;
	for (int i = 0; i < nvcpus; i++) {
		struct vcpu *v = &vcpus[i];

		check_counts(v, v->expected_msr_user);
		for (int k = 0; k < EXIT_REASON_SLOTS; k++)
			report.exits[k] += v->exits[k];
		if (v->error[0] || !v->done) {
			report.ok = false;
			if (!report.error && v->error[0])
				report.error = v->error;
		}
	}
	if (!report.ok && !report.error)
		report.error = "a vCPU stopped before its final HLT";

	if (json) {
		if (print_json(stdout, &report))
			report.ok = false;
	} else {
		print_human(stdout, &report);
	}
	fflush(stdout);

	if (run_error)
		fprintf(stderr, "exitgen: %s\n", run_error);
	for (int i = 0; i < nvcpus; i++)
		if (vcpus[i].error[0])
			fprintf(stderr, "exitgen: %s\n", vcpus[i].error);
	return report.ok ? 0 : 1;
}
