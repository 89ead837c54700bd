// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per vCPU. Every return from KVM_RUN is checked against where
 * the guest program should be: the current step and its remaining count
 * (the guest sends that count as data, see guest.c), so a lost, extra or
 * misdirected exit is reported with vCPU, exit reason and rip.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "live/ready.h"
#include "vcpu.h"

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
	[KVM_EXIT_IO] = "KVM_EXIT_IO",
	[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
	[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
	[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
	[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
	[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "KVM_EXIT_HYPERV",
	[KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "KVM_EXIT_DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "KVM_EXIT_AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "KVM_EXIT_X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "KVM_EXIT_XEN",
	[KVM_EXIT_NOTIFY] = "KVM_EXIT_NOTIFY",
	[39] = "KVM_EXIT_MEMORY_FAULT",	/* newer than these headers */
};

const char *exit_reason_name(unsigned int reason, char *buf, size_t len)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	snprintf(buf, len, "KVM_EXIT_%u", reason);
	return buf;
}

static void kick_handler(int sig)
{
	(void)sig;		/* only there to make KVM_RUN return EINTR */
}

void vcpu_signals_init(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

void vcpus_stop(struct run_shared *shared)
{
	atomic_store(&shared->stop, true);
	for (int i = 0; i < shared->nvcpus; i++) {
		struct vcpu *v = &shared->vcpus[i];

		if (!v->thread_started)
			continue;
		/* immediate_exit covers a kick that lands outside KVM_RUN */
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(v->thread, SIGUSR1);
	}
	/* vCPUs held at the wait step */
	pthread_mutex_lock(&shared->lock);
	pthread_cond_broadcast(&shared->wait_cond);
	pthread_mutex_unlock(&shared->lock);
}

static void __attribute__((format(printf, 2, 3)))
vcpu_fail(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	if (v->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(v->error, sizeof(v->error), fmt, ap);
	va_end(ap);
}

static const struct step *current_step(struct vcpu *v)
{
	return v->step < v->shared->nsteps ? &v->shared->steps[v->step] : NULL;
}

/* Moves to the next step that returns to user space at all. */
static void next_step(struct vcpu *v)
{
	const struct run_shared *sh = v->shared;

	do {
		v->step++;
	} while (v->step < sh->nsteps &&
		 !step_userspace_exits(&sh->steps[v->step], v->vm->msr_to_user));
	if (v->step < sh->nsteps)
		v->remaining = (uint32_t)step_userspace_exits(&sh->steps[v->step],
							      v->vm->msr_to_user);
}

static void consume(struct vcpu *v)
{
	if (--v->remaining == 0)
		next_step(v);
}

static void describe_expected(struct vcpu *v, char *buf, size_t len)
{
	const struct step *s = current_step(v);
	int n;

	if (!s && v->vm->irqchip) {
		snprintf(buf, len, "the final OUT to port 0x%x, 4 bytes, data 0x%x at rip 0x%llx",
			 PORT_CONTROL, END_MARKER, (unsigned long long)v->img.final_out_rip);
		return;
	}
	if (!s) {
		snprintf(buf, len, "the final HLT at rip 0x%llx",
			 (unsigned long long)v->img.final_hlt_rip);
		return;
	}
	n = snprintf(buf, len, "step %d '%s': ", v->step + 1, s->text);
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= n;
	switch (s->op) {
	case OP_OUT:
		snprintf(buf, len, "OUT to port 0x%x, 4 bytes, data 0x%x",
			 PORT_OUT, v->remaining);
		break;
	case OP_IN:
		snprintf(buf, len, "IN from port 0x%x, 4 bytes", PORT_IN);
		break;
	case OP_SLEEP:
	case OP_WAIT:
		snprintf(buf, len, "OUT to port 0x%x, 4 bytes, data 0x%x",
			 PORT_CONTROL, (unsigned int)v->step);
		break;
	case OP_MMIO:
		snprintf(buf, len, "4-byte MMIO write to 0x%llx, data 0x%x",
			 (unsigned long long)mmio_addr(v->index),
			 v->remaining);
		break;
	case OP_RDMSR:
		snprintf(buf, len, "RDMSR 0x%x", v->vm->msr);
		break;
	case OP_WRMSR:
		snprintf(buf, len, "WRMSR 0x%x of 0x%llx", v->vm->msr,
			 (unsigned long long)v->step << 32 | v->remaining);
		break;
	case OP_HLT:
		snprintf(buf, len, "HLT at rip 0x%llx",
			 (unsigned long long)v->img.hlt_rip[v->step]);
		break;
	default:
		snprintf(buf, len, "no exit to user space");
		break;
	}
}

static void describe_seen(struct vcpu *v, char *buf, size_t len)
{
	struct kvm_run *r = v->run;
	uint64_t data = 0;

	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		memcpy(&data, (uint8_t *)r + r->io.data_offset,
		       r->io.size <= 8 ? r->io.size : 8);
		if (r->io.direction == KVM_EXIT_IO_OUT)
			snprintf(buf, len, "OUT to port 0x%x, %u bytes x %u, data 0x%llx",
				 r->io.port, r->io.size, r->io.count,
				 (unsigned long long)data);
		else
			snprintf(buf, len, "IN from port 0x%x, %u bytes x %u",
				 r->io.port, r->io.size, r->io.count);
		break;
	case KVM_EXIT_MMIO:
		memcpy(&data, r->mmio.data, r->mmio.len <= 8 ? r->mmio.len : 8);
		if (r->mmio.is_write)
			snprintf(buf, len, "%u-byte MMIO write to 0x%llx, data 0x%llx",
				 r->mmio.len, (unsigned long long)r->mmio.phys_addr,
				 (unsigned long long)data);
		else
			snprintf(buf, len, "%u-byte MMIO read from 0x%llx",
				 r->mmio.len, (unsigned long long)r->mmio.phys_addr);
		break;
	case KVM_EXIT_X86_RDMSR:
		snprintf(buf, len, "RDMSR 0x%x (reason 0x%x)", r->msr.index,
			 r->msr.reason);
		break;
	case KVM_EXIT_X86_WRMSR:
		snprintf(buf, len, "WRMSR 0x%x of 0x%llx (reason 0x%x)",
			 r->msr.index, (unsigned long long)r->msr.data,
			 r->msr.reason);
		break;
	default:
		snprintf(buf, len, "no details");
		break;
	}
}

static void fail_unexpected(struct vcpu *v, const char *why)
{
	char seen[160], expected[200], name[32];

	describe_seen(v, seen, sizeof(seen));
	describe_expected(v, expected, sizeof(expected));
	vcpu_fail(v, "vcpu %d: unexpected %s (%s) at rip 0x%llx%s%s; expected %s",
		  v->index, exit_reason_name(v->run->exit_reason, name, sizeof(name)),
		  seen, (unsigned long long)vcpu_rip(v), why ? ": " : "",
		  why ? why : "", expected);
}

/* Sleeps ms milliseconds unless told to stop. */
static void vmm_sleep(struct vcpu *v, uint32_t ms)
{
	struct timespec t = { .tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&t, &t) && errno == EINTR)
		if (atomic_load(&v->shared->stop))
			return;
}

/*
 * The wait step: a barrier of every vCPU. The last to arrive writes the
 * ready file, then reads one byte from the go FIFO; then all go on. A stop
 * (--timeout, another vCPU failing) ends the wait.
 */
static void vmm_wait(struct vcpu *v)
{
	struct run_shared *sh = v->shared;
	struct pollfd pfd = { .fd = sh->go_fd, .events = POLLIN };
	char go;
	ssize_t n = -1;
	struct es_error ready_err;
	bool last;

	pthread_mutex_lock(&sh->lock);
	last = ++sh->waiting == sh->nvcpus;
	while (!last && !sh->go && !atomic_load(&sh->stop))
		pthread_cond_wait(&sh->wait_cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);
	if (!last)
		return;

	/*
	 * Every other vCPU waits outside KVM_RUN: their stats stand still
	 * until go, so the ones taken here are those debugfs shows meanwhile.
	 */
	for (int i = 0; sh->kvm_stats && i < sh->nvcpus; i++) {
		char err[256];

		if (kvm_exit_stats_sample(&sh->vcpus[i].kstats, &sh->vcpus[i].kstats_wait,
					  err, sizeof(err)))
			vcpu_fail(v, "vcpu %d: wait step: --kvm-stats: vcpu %d: %s", v->index, i,
				  err);
	}
	/* Not under the lock: main takes it to stop everyone on --timeout. */
	if (sh->ready_file && ready_file_write(sh->ready_file, &ready_err)) {
		vcpu_fail(v, "vcpu %d: wait step: cannot say ready: %s", v->index, ready_err.msg);
	} else {
		/* A kick can land just before poll: look at stop every 100 ms. */
		while (!atomic_load(&sh->stop)) {
			if (poll(&pfd, 1, 100) <= 0)
				continue;
			n = read(sh->go_fd, &go, 1);
			if (n >= 0 || errno != EINTR)
				break;
		}
		if (n != 1 && !atomic_load(&sh->stop))
			vcpu_fail(v, "vcpu %d: wait step: reading --go-file: end of file",
				  v->index);
	}
	pthread_mutex_lock(&sh->lock);
	sh->go = true;
	pthread_cond_broadcast(&sh->wait_cond);
	pthread_mutex_unlock(&sh->lock);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	const struct step *s = current_step(v);
	uint8_t *data = (uint8_t *)r + r->io.data_offset;
	bool out = r->io.direction == KVM_EXIT_IO_OUT;
	uint32_t val;

	if (r->io.size != 4 || r->io.count != 1) {
		fail_unexpected(v, NULL);
		return;
	}
	memcpy(&val, data, sizeof(val));
	/* With an irqchip, the OUT that ends the program instead of its HLT. */
	if (!s) {
		if (v->vm->irqchip && out && r->io.port == PORT_CONTROL && val == END_MARKER)
			v->done = true;
		else
			fail_unexpected(v, NULL);
		return;
	}
	switch (s->op) {
	case OP_OUT:
		if (!out || r->io.port != PORT_OUT || val != v->remaining)
			break;
		consume(v);
		return;
	case OP_IN:
		if (out || r->io.port != PORT_IN)
			break;
		val = v->remaining;	/* the guest ignores it */
		memcpy(data, &val, sizeof(val));
		consume(v);
		return;
	case OP_SLEEP:
		if (!out || r->io.port != PORT_CONTROL || val != (uint32_t)v->step)
			break;
		vmm_sleep(v, s->ms);
		consume(v);
		return;
	case OP_WAIT:
		if (!out || r->io.port != PORT_CONTROL || val != (uint32_t)v->step)
			break;
		vmm_wait(v);
		consume(v);
		return;
	default:
		break;
	}
	fail_unexpected(v, NULL);
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	const struct step *s = current_step(v);
	uint32_t val;

	memcpy(&val, r->mmio.data, sizeof(val));
	if (!s || s->op != OP_MMIO || !r->mmio.is_write || r->mmio.len != 4 ||
	    r->mmio.phys_addr != mmio_addr(v->index) || val != v->remaining) {
		fail_unexpected(v, NULL);
		return;
	}
	consume(v);
}

static void handle_msr(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	const struct step *s = current_step(v);
	uint64_t tag = (uint64_t)v->step << 32 | v->remaining;
	bool rd = r->exit_reason == KVM_EXIT_X86_RDMSR;

	if (!s || s->op != (rd ? OP_RDMSR : OP_WRMSR) ||
	    r->msr.index != v->vm->msr ||
	    r->msr.reason != KVM_MSR_EXIT_REASON_FILTER ||
	    (!rd && r->msr.data != tag)) {
		fail_unexpected(v, NULL);
		return;
	}
	if (rd)
		r->msr.data = tag;
	r->msr.error = 0;
	consume(v);
}

static void handle_hlt(struct vcpu *v)
{
	const struct step *s = current_step(v);
	uint64_t rip = vcpu_rip(v);	/* HLT exits with rip past the HLT */

	if (!s) {
		if (rip == v->img.final_hlt_rip + 1) {
			v->done = true;
			return;
		}
		fail_unexpected(v, "not the final HLT");
		return;
	}
	if (s->op != OP_HLT || rip != v->img.hlt_rip[v->step] + 1) {
		fail_unexpected(v, NULL);
		return;
	}
	consume(v);
}

static void handle_exit(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	struct run_shared *sh = v->shared;
	unsigned int reason = r->exit_reason;
	uint64_t total;
	char name[32];

	v->exits[reason < EXIT_REASON_SLOTS ? reason : EXIT_REASON_SLOTS - 1]++;
	total = atomic_fetch_add(&sh->total_exits, 1) + 1;
	if (total > sh->max_exits) {
		vcpu_fail(v, "vcpu %d: runaway guest: user-space exit %llu (%s at rip 0x%llx) is over the cap of %llu (--max-exits)",
			  v->index, (unsigned long long)total,
			  exit_reason_name(reason, name, sizeof(name)),
			  (unsigned long long)vcpu_rip(v),
			  (unsigned long long)sh->max_exits);
		return;
	}

	switch (reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		handle_msr(v);
		break;
	case KVM_EXIT_HLT:
		handle_hlt(v);
		break;
	case KVM_EXIT_SHUTDOWN:
		vcpu_fail(v, "vcpu %d: KVM_EXIT_SHUTDOWN (triple fault) at rip 0x%llx",
			  v->index, (unsigned long long)vcpu_rip(v));
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fail(v, "vcpu %d: KVM_EXIT_FAIL_ENTRY at rip 0x%llx: hardware entry failure reason 0x%llx on cpu %u",
			  v->index, (unsigned long long)vcpu_rip(v),
			  (unsigned long long)r->fail_entry.hardware_entry_failure_reason,
			  r->fail_entry.cpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR: {
		char data[200] = "";
		size_t off = 0;

		for (uint32_t i = 0; i < r->internal.ndata && i < 16 &&
		     off < sizeof(data); i++)
			off += snprintf(data + off, sizeof(data) - off, " 0x%llx",
					(unsigned long long)r->internal.data[i]);
		vcpu_fail(v, "vcpu %d: KVM_EXIT_INTERNAL_ERROR at rip 0x%llx: suberror %u%s%s",
			  v->index, (unsigned long long)vcpu_rip(v),
			  r->internal.suberror, off ? ", data" : "", data);
		break;
	}
	case KVM_EXIT_UNKNOWN:
		vcpu_fail(v, "vcpu %d: KVM_EXIT_UNKNOWN at rip 0x%llx: hardware exit reason 0x%llx",
			  v->index, (unsigned long long)vcpu_rip(v),
			  (unsigned long long)r->hw.hardware_exit_reason);
		break;
	default:
		fail_unexpected(v, NULL);
		break;
	}
}

void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct run_shared *sh = v->shared;

	atomic_store(&v->tid, gettid());
	v->step = -1;
	next_step(v);
	while (!v->done && !v->error[0]) {
		if (atomic_load(&sh->stop)) {
			v->stopped = true;
			break;
		}
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				v->exits[KVM_EXIT_INTR]++;
				continue;
			}
			vcpu_fail(v, "KVM_RUN (vcpu %d): %s", v->index,
				  strerror(errno));
			break;
		}
		handle_exit(v);
	}
	if (v->error[0])
		vcpus_stop(sh);
	pthread_mutex_lock(&sh->lock);
	sh->finished++;
	pthread_cond_signal(&sh->finished_cond);
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

void run_shared_init(struct run_shared *shared)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&shared->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&shared->finished_cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_cond_init(&shared->wait_cond, NULL);
}

int wait_vcpus(struct run_shared *shared, unsigned long long timeout_s)
{
	struct timespec deadline;
	int timed_out = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s;
	pthread_mutex_lock(&shared->lock);
	while (shared->finished < shared->nvcpus) {
		if (!timeout_s || timed_out) {
			pthread_cond_wait(&shared->finished_cond, &shared->lock);
			continue;
		}
		if (pthread_cond_timedwait(&shared->finished_cond, &shared->lock,
					   &deadline) == ETIMEDOUT) {
			timed_out = 1;
			pthread_mutex_unlock(&shared->lock);
			vcpus_stop(shared);
			pthread_mutex_lock(&shared->lock);
		}
	}
	pthread_mutex_unlock(&shared->lock);
	return timed_out;
}
