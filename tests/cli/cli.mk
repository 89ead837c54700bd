# The CLI's small commands end to end: reasons, kernel-stats, dispatch errors.
CHECKS += check-cli
.PHONY: check-cli
check-cli: $(BUILD)/exitstat $(BUILD)/exitstat.1
	@bash tests/cli/run.sh $(BUILD)/exitstat $(BUILD)/exitstat.1
