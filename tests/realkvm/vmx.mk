# The VMX bed: Debian's 6.12 kernel with kvm_intel under Bochs (bed.sh --vmx),
# where kvm:kvm_exit fires with real VMX codes. See tests/realkvm/README.md.
CHECKS += check-vmx
.PHONY: check-vmx

# exitgen and exitstat run in the guest (static); exitstat's report of the
# traces and recordings runs on the host.
check-vmx: $(BUILD)/static/exitgen $(BUILD)/static/exitstat $(BUILD)/exitstat
	@bash tests/realkvm/check.sh --vmx

# Regenerates tests/fixtures/bed-vmx/ from a fresh VMX bed run (not part of `make check`).
.PHONY: vmx-fixtures
vmx-fixtures: $(BUILD)/static/exitgen
	@bash tests/realkvm/make-fixtures.sh --vmx

# The same binary recordings from the VMX bed -> tests/fixtures/binary-vmx/ (~3 minutes of Bochs).
.PHONY: vmx-binary-fixtures
vmx-binary-fixtures: $(BUILD)/static/exitgen
	@bash tests/realkvm/make-binary-fixtures.sh --vmx
