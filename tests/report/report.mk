# End-to-end tests of `exitstat report` on the real traces in tests/fixtures.
.PHONY: check-report
check-report: $(BUILD)/exitstat
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/run.sh

CHECKS += check-report
