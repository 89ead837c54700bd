# One bed run in three renderings (tests/fixtures/samerun/), and a real Linux
# guest booting under the bed's inner KVM, then doing disk I/O
# (docs/worked-example/). See tests/guestboot/README.md.
.PHONY: check-samerun samerun-fixtures check-guestboot guestboot-live guestboot-example \
	check-explain-realkvm

# Checks the shipped files, with exitstat plain and under ASan+UBSan;
# regenerating them boots the bed (samerun-fixtures).
check-samerun: $(BUILD)/exitstat $(BUILD)/san/exitstat
	@EXITSTAT=$(BUILD)/exitstat bash tests/guestboot/samerun.sh
	@echo "== again under ASan+UBSan"
	@EXITSTAT=$(BUILD)/san/exitstat bash tests/guestboot/samerun.sh

samerun-fixtures: $(BUILD)/static/exitgen
	@bash tests/fixtures/samerun/make.sh

# The shipped boot recordings (seconds), plain and under ASan+UBSan; a live
# boot takes minutes: guestboot-live.
check-guestboot: $(BUILD)/exitstat $(BUILD)/san/exitstat
	@EXITSTAT=$(BUILD)/exitstat bash tests/guestboot/check.sh
	@bash tests/guestboot/explain.sh $(BUILD)/exitstat docs/worked-example/ide/drilldown
	@echo "== again under ASan+UBSan"
	@EXITSTAT=$(BUILD)/san/exitstat bash tests/guestboot/check.sh
	@bash tests/guestboot/explain.sh $(BUILD)/san/exitstat docs/worked-example/ide/drilldown

# The worked example's drill-down made afresh: the IDE guest boot in the bed (~1.5 min)
# with its ftrace text and the kernel's hists by exit_reason+info1 and kvm_msr by ecx,
# then `exitstat explain` of the text against them (tests/guestboot/explain.sh).
check-explain-realkvm: $(BUILD)/static/exitstat $(BUILD)/exitstat
	@echo "check-where: the real-KVM bed (a Linux guest boot under kvm_amd in QEMU TCG)"
	@GUESTBOOT_DISK=ide GUESTBOOT_TRACE=1 bash tests/guestboot/live.sh $(BUILD)/guestboot/ide-trace/results
	@bash tests/guestboot/explain.sh $(BUILD)/exitstat $(BUILD)/guestboot/ide-trace/results

# Boots the bed twice (IDE, then virtio-blk; ~2 + ~1.5 min) and checks the fresh recordings.
guestboot-live: $(BUILD)/static/exitstat $(BUILD)/exitstat
	@GUESTBOOT_DISK=ide bash tests/guestboot/live.sh
	@GUESTBOOT_DISK=virtio bash tests/guestboot/live.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/guestboot/check.sh $(BUILD)/guestboot/ide/results $(BUILD)/guestboot/virtio/results

# guestboot-live, then the fresh runs become docs/worked-example/{ide,virtio}/
# (the numbers in docs/worked-example/README.md are the shipped run's: update them).
guestboot-example: guestboot-live
	@for d in ide virtio; do bash tests/guestboot/ship.sh $(BUILD)/guestboot/$$d/results docs/worked-example/$$d; done

CHECKS += check-samerun check-guestboot check-explain-realkvm
