# kernel/: the KVM exit-statistics patch series against Debian's linux-source-6.12,
# its build check and its boot check in the real-KVM bed. See kernel/README.md.
CHECKS += kernel-check
.PHONY: kernel-check

# Applies the series to a fresh tree, builds kvm/kvm-amd/kvm-intel with
# CONFIG_KVM_WERROR=y, runs checkpatch --strict on every patch.
kernel-check: setup
	@bash kernel/check.sh
