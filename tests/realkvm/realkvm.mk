# The real-KVM bed: Debian's 6.12 kernel with kvm_amd inside QEMU TCG, where
# kvm:kvm_exit fires (this machine's kvm_pvm never does). See tests/realkvm/README.md.
CHECKS += check-realkvm
.PHONY: check-realkvm realkvm-fixtures

# exitgen runs in the guest (static); exitstat's report runs on the host, so it
# is built first when some fragment provides it (else its side is SKIPped, named).
check-realkvm: $(BUILD)/static/exitgen $(filter $(BUILD)/exitstat,$(BINARIES))
	@bash tests/realkvm/check.sh

# Regenerates tests/fixtures/bed/ from a fresh bed run (not part of `make check`).
realkvm-fixtures: $(BUILD)/static/exitgen
	@bash tests/realkvm/make-fixtures.sh

# Regenerates tests/fixtures/binary/ (trace.dat, perf.data of known runs, with
# their hists) from a fresh bed run (not part of `make check`; ~20 s).
.PHONY: realkvm-binary-fixtures
realkvm-binary-fixtures: $(BUILD)/static/exitgen
	@bash tests/realkvm/make-binary-fixtures.sh
