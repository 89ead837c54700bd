# End-to-end tests of `exitstat report` on the real traces in tests/fixtures,
# on damaged and cut copies of a real recording (damaged.sh), on other tools'
# tables of totals (totals.sh), on the bed's trace.dat and perf.data recordings
# (binary.sh), the one rule for incomplete input in every format and command
# (partial.sh), and Ctrl-C on a streaming report (interrupt.sh).
.PHONY: check-report
check-report: $(BUILD)/exitstat
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/run.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/damaged.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/totals.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/binary.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/partial.sh
	@EXITSTAT=$(BUILD)/exitstat bash tests/report/interrupt.sh

CHECKS += check-report

.PHONY: bench-trace-read
bench-trace-read: $(BUILD)/exitstat
	@EXITSTAT=$(BUILD)/exitstat BUILD=$(BUILD) bash tests/report/bench.sh

BENCHES += bench-trace-read
