# One bed run in three renderings (tests/fixtures/samerun/), and a real Linux
# guest booting under the bed's inner KVM (docs/worked-example/).
.PHONY: check-samerun samerun-fixtures

# Checks the shipped files; regenerating them boots the bed (samerun-fixtures).
check-samerun: $(BUILD)/exitstat
	@EXITSTAT=$(BUILD)/exitstat bash tests/guestboot/samerun.sh

samerun-fixtures: $(BUILD)/static/exitgen
	@bash tests/fixtures/samerun/make.sh

CHECKS += check-samerun
