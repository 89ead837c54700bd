# kernel/: the KVM exit-statistics patch series against Debian's linux-source-6.12,
# its build and boot checks and the guest tool exitstat-cpuid. See kernel/README.md.
BINARIES += $(BUILD)/exitstat-cpuid
STATIC_BINARIES += $(BUILD)/static/exitstat-cpuid
CHECKS += kernel-tools-check kernel-check kernel-boot-check kernel-boot-check-vmx kernel-boot-check-debug
.PHONY: kernel-tools-check kernel-check kernel-boot-check kernel-boot-check-vmx kernel-boot-check-debug

EXITSTAT_CPUID_SRCS := kernel/tools/exitstat-cpuid.c src/core/reasons.c

$(BUILD)/exitstat-cpuid: $(EXITSTAT_CPUID_SRCS) src/core/reasons.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(EXITSTAT_CPUID_SRCS) -o $@

$(BUILD)/static/exitstat-cpuid: $(EXITSTAT_CPUID_SRCS) src/core/reasons.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static $(EXITSTAT_CPUID_SRCS) -o $@

$(BUILD)/san/exitstat-cpuid: $(EXITSTAT_CPUID_SRCS) src/core/reasons.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(EXITSTAT_CPUID_SRCS) -o $@

# Quick: exitstat-cpuid on recorded CPUID answers, and boot-verify.sh (with
# the debug build's kernel log checks) and bench-kernel's count checks on real
# and damaged bed results. (The debugfs reader's tests are
# tests/unit/test_kernel_stats.c.)
kernel-tools-check: $(BUILD)/exitstat-cpuid $(BUILD)/san/exitstat-cpuid
	@echo "check-where: host (recorded bed results; no KVM, no kernel build)"
	bash kernel/tests/cpuid-tool-test.sh $(BUILD)/exitstat-cpuid
	bash kernel/tests/cpuid-tool-test.sh $(BUILD)/san/exitstat-cpuid
	bash kernel/tests/boot-verify-selftest.sh kernel/tests/fixtures/boot $(BUILD)/exitstat-cpuid kernel/tests/fixtures/boot-vmx
	bash kernel/tests/dmesg-check-selftest.sh kernel/tests/fixtures/boot-debug $(BUILD)/exitstat-cpuid
	bash kernel/tests/bench-report-selftest.sh kernel/tests/fixtures/bench

# Both kernel checks share one patched tree and one build (kernel/lib.sh
# kernel_build: tinyconfig + kernel/configs/kvm.config, bzImage + kvm modules).
# kernel-check: that build (kvm/kvm-amd/kvm-intel with CONFIG_KVM_WERROR=y,
# modpost against vmlinux), checkpatch --strict on every patch, every prefix
# of the series builds.
kernel-check: setup
	@bash kernel/check.sh

# kernel-boot-check: boots that bzImage + modules in the real-KVM bed and checks the
# printed tables, debugfs and the CPUID leaves against exitgen and kvm:kvm_exit.
kernel-boot-check: setup static $(BUILD)/exitstat-cpuid
	@bash kernel/boot-check.sh

# kernel-boot-check-vmx: the same build, the same job and checks in the VMX bed
# (tests/realkvm/bed.sh --vmx: Bochs with kvm-intel, one CPU): patch 0005's
# debugfs table, printed tables and CPUID leaves with VMX reasons.
kernel-boot-check-vmx: setup static $(BUILD)/exitstat-cpuid
	@bash kernel/boot-check.sh --vmx

# kernel-boot-check-debug: a second build of the series (configs/debug.config on
# top: PREEMPT, DEBUG_PREEMPT, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP; its own work
# tree) boots in the real-KVM bed and runs the same job and checks, plus: no
# warning or lockdep/RCU/atomic-sleep/preemption report anywhere in the kernel
# log, no taint, lockdep still on at the end (kernel/dmesg-check.sh).
kernel-boot-check-debug: setup static $(BUILD)/exitstat-cpuid
	@bash kernel/boot-check.sh --debug

# bench-kernel (in `make bench`): the series' cost per exit, counting off and
# on, against the same kernel without it, in one real-KVM bed boot of the
# shared build (kernel/bench.sh; docs/bench.md has the figures).
BENCHES += bench-kernel
.PHONY: bench-kernel
bench-kernel: setup static
	@bash kernel/bench.sh
