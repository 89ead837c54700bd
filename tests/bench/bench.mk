# Benchmarks of exitstat's readers (docs/bench.md).
#   bench-report   `exitstat report` of a 10M-exit recording and of a 10M-exit ftrace
#                  text trace: exits/s and peak memory, at 1M and 10M exits, beside
#                  perf script and trace-cmd report where they can be had (host only)
BENCHES += bench-report
.PHONY: bench-report

# The recording generator: the library's record writer replaying real exits.
$(BUILD)/tests/gen_record: tests/bench/gen_record.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

bench-report: $(BUILD)/exitstat $(BUILD)/tests/gen_record
	@EXITSTAT=$(BUILD)/exitstat GEN_RECORD=$(BUILD)/tests/gen_record BUILD=$(BUILD) \
		bash tests/bench/report-speed.sh
