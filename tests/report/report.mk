# End-to-end tests of `exitstat report` on the real traces in tests/fixtures,
# and on damaged and cut copies of a real recording (damaged.sh).
.PHONY: check-report
check-report: $(BUILD)/exitstat
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/run.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/damaged.sh

CHECKS += check-report

.PHONY: bench-trace-read
bench-trace-read: $(BUILD)/exitstat
	@EXITSTAT=$(BUILD)/exitstat BUILD=$(BUILD) bash tests/report/bench.sh

BENCHES += bench-trace-read
