// SPDX-License-Identifier: GPL-2.0
/*
 * VM, memory and vCPU setup. No PIT is created, and no in-kernel irqchip
 * unless --irqchip asks for one, so every port access, HLT and MMIO write
 * the guest makes returns to user space (with the irqchip: but HLT), and
 * nothing interrupts the guest (IF stays clear).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("exitgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void __attribute__((noreturn))
die_ioctl(const char *name, int vcpu)
{
	int err = errno;

	if (vcpu >= 0)
		die("%s (vcpu %d): %s", name, vcpu, strerror(err));
	die("%s: %s", name, strerror(err));
}

void vm_open(struct vm *vm, const char *device)
{
	int version;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = open(device, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
			die("%s does not exist: KVM is not available here (load kvm_intel or kvm_amd, or pass --device)",
			    device);
		die("cannot open %s: %s", device, strerror(errno));
	}
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version < 0)
		die_ioctl("KVM_GET_API_VERSION", -1);
	if (version != KVM_API_VERSION)
		die("%s speaks KVM API %d, exitgen needs %d", device, version,
		    KVM_API_VERSION);
}

/* Everything the host supports, so long mode (CPUID LM) is allowed. */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	for (int nent = 64;; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
					       nent * sizeof(c->entries[0]));

		if (!c)
			die("out of memory");
		c->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG || nent >= 4096)
			die_ioctl("KVM_GET_SUPPORTED_CPUID", -1);
	}
}

/* Deny our private MSR in a filter so every access exits to user space. */
static bool setup_msr_filter(struct vm *vm)
{
	static uint8_t deny;	/* one bit per MSR, 0 = deny */
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = KVM_MSR_EXIT_REASON_FILTER,
	};
	struct kvm_msr_filter filter = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges[0] = {
			.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
			.nmsrs = 1,
			.base = PRIVATE_MSR,
			.bitmap = &deny,
		},
	};

	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR) <= 0 ||
	    ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER) <= 0)
		return false;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
		die_ioctl("KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR)", -1);
	if (ioctl(vm->vm_fd, KVM_X86_SET_MSR_FILTER, &filter))
		die_ioctl("KVM_X86_SET_MSR_FILTER", -1);
	return true;
}

/*
 * Anonymous memory of size bytes as memslot slot at gpa; no_thp: in 4 KiB
 * pages (each first access its own nested page fault). Dies naming what.
 */
static uint8_t *add_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, size_t size,
			    bool no_thp, const char *what)
{
	struct kvm_userspace_memory_region region = { 0 };
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (mem == MAP_FAILED)
		die("mmap of %zu bytes for %s: %s", size, what, strerror(errno));
	if (no_thp && madvise(mem, size, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE) of %s: %s", what, strerror(errno));
	region.slot = slot;
	region.guest_phys_addr = gpa;
	region.memory_size = size;
	region.userspace_addr = (uint64_t)(uintptr_t)mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		die("KVM_SET_USER_MEMORY_REGION (slot %u, %s): %s", slot, what,
		    strerror(errno));
	return mem;
}

void vm_create(struct vm *vm, const struct guest_mode *mode, int nvcpus,
	       bool want_msr_filter)
{
	int max_vcpus, run_size;

	vm->mode = mode;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die_ioctl("KVM_CREATE_VM", -1);

	max_vcpus = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus > 0 && nvcpus > max_vcpus)
		die("--vcpus %d: this KVM allows at most %d", nvcpus,
		    max_vcpus);

	/* VMX runs real mode through a vm86 TSS; harmless elsewhere. */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR))
		die_ioctl("KVM_SET_TSS_ADDR", -1);

	vm->mem_size = guest_mem_size(nvcpus);
	vm->mem = add_memslot(vm, 0, 0, vm->mem_size, false, "guest memory");
	mode->setup_memory(vm->mem, vm->mem_size);

	vm->msr_to_user = want_msr_filter && setup_msr_filter(vm);
	vm->msr = vm->msr_to_user ? PRIVATE_MSR : FALLBACK_MSR;

	vm->cpuid = supported_cpuid(vm->kvm_fd);
	run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		die_ioctl("KVM_GET_VCPU_MMAP_SIZE", -1);
	vm->run_size = run_size;
}

void vm_create_irqchip(struct vm *vm, bool need_x2apic)
{
	bool x2apic = false;

	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0)
		die("--irqchip: this KVM has no in-kernel irqchip (KVM_CHECK_EXTENSION(KVM_CAP_IRQCHIP) says no)");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		die_ioctl("KVM_CREATE_IRQCHIP", -1);
	vm->irqchip = true;
	if (!need_x2apic)
		return;
	for (uint32_t i = 0; i < vm->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vm->cpuid->entries[i];

		if (e->function == 1 && e->index == 0)
			x2apic = e->ecx & 1u << 21;
	}
	if (!x2apic)
		die("icr step: this KVM offers no x2APIC to guests (KVM_GET_SUPPORTED_CPUID leaf 1 ECX bit 21 is clear)");
}

void vm_enable_exit_stats_cpuid(struct vm *vm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_EXIT_STATS_CPUID,
		.args[0] = 1,
	};

	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_EXIT_STATS_CPUID) <= 0)
		die("--exit-stats-cpuid: this KVM has no KVM_CAP_X86_EXIT_STATS_CPUID (0x%x): not a kernel with the exitstat patch",
		    KVM_CAP_X86_EXIT_STATS_CPUID);
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
		die_ioctl("KVM_ENABLE_CAP(KVM_CAP_X86_EXIT_STATS_CPUID)", -1);
	vm->exit_stats_cpuid = true;
}

void vm_add_touch_slot(struct vm *vm, int nvcpus)
{
	vm->touch_size = touch_slot_size(nvcpus);
	vm->touch_mem = add_memslot(vm, TOUCH_SLOT, TOUCH_BASE, vm->touch_size, true,
				    "the touch memslot");
}

void vm_load_image(struct vm *vm, const struct guest_image *img)
{
	memcpy(vm->mem + img->code_gpa, img->code, img->len);
}

void vcpu_create(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	int i = vcpu->index;

	vcpu->vm = vm;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
	if (vcpu->fd < 0)
		die_ioctl("KVM_CREATE_VCPU", i);
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		die("mmap of kvm_run (vcpu %d): %s", i, strerror(errno));

	/* Before SREGS: KVM checks EFER.LME against the guest's CPUID. */
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, vm->cpuid))
		die_ioctl("KVM_SET_CPUID2", i);

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs))
		die_ioctl("KVM_GET_SREGS", i);
	vm->mode->init_sregs(&sregs, i);
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs))
		die_ioctl("KVM_SET_SREGS", i);

	/*
	 * With the in-kernel LAPIC, KVM starts every vCPU but the BSP waiting
	 * for INIT and SIPI (KVM_MP_STATE_UNINITIALIZED): all of ours run.
	 */
	if (vm->irqchip) {
		struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

		if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp))
			die_ioctl("KVM_SET_MP_STATE", i);
	}

	regs.rip = vm->mode->start_rip(i);
	regs.rflags = 0x2;	/* IF clear: no interrupts, ever */
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs))
		die_ioctl("KVM_SET_REGS", i);
}

void vm_close(struct vm *vm, struct vcpu *vcpus, int nvcpus)
{
	for (int i = 0; i < nvcpus; i++) {
		munmap(vcpus[i].run, vm->run_size);
		close(vcpus[i].fd);
		vcpus[i].run = NULL;
		vcpus[i].fd = -1;
	}
	close(vm->vm_fd);
	munmap(vm->mem, vm->mem_size);
	if (vm->touch_mem)
		munmap(vm->touch_mem, vm->touch_size);
	close(vm->kvm_fd);
	free(vm->cpuid);
	memset(vm, 0, sizeof(*vm));
}

uint64_t vcpu_rip(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs))
		return ~0ull;
	return regs.rip;
}
