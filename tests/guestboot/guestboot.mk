# One bed run in three renderings (tests/fixtures/samerun/), and a real Linux
# guest booting under the bed's inner KVM, then doing disk I/O
# (docs/worked-example/). See tests/guestboot/README.md.
.PHONY: check-samerun samerun-fixtures check-guestboot guestboot-live guestboot-example

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
	@echo "== again under ASan+UBSan"
	@EXITSTAT=$(BUILD)/san/exitstat bash tests/guestboot/check.sh

# Boots the bed twice (IDE, then virtio-blk; ~2 + ~1.5 min) and checks the fresh recordings.
guestboot-live: $(BUILD)/static/exitstat $(BUILD)/exitstat
	@GUESTBOOT_DISK=ide bash tests/guestboot/live.sh
	@GUESTBOOT_DISK=virtio bash tests/guestboot/live.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/guestboot/check.sh $(BUILD)/guestboot/ide/results $(BUILD)/guestboot/virtio/results

# guestboot-live, then the fresh runs become docs/worked-example/{ide,virtio}/
# (the numbers in docs/worked-example/README.md are the shipped run's: update them).
guestboot-example: guestboot-live
	@for d in ide virtio; do bash tests/guestboot/ship.sh $(BUILD)/guestboot/$$d/results docs/worked-example/$$d; done

CHECKS += check-samerun check-guestboot
