# The real-KVM bed: Debian's 6.12 kernel with kvm_amd inside QEMU TCG, where
# kvm:kvm_exit fires (this machine's kvm_pvm never does). See tests/realkvm/README.md.
CHECKS += check-realkvm
.PHONY: check-realkvm realkvm-fixtures

# all: exitstat (report) runs on the host; static: exitgen runs in the guest.
check-realkvm: all static
	@bash tests/realkvm/check.sh

# Regenerates tests/fixtures/bed/ from a fresh bed run (not part of `make check`).
realkvm-fixtures: static
	@bash tests/realkvm/make-fixtures.sh
