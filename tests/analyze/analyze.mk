# The timeline analysis and plots: `exitstat report --analyze` and `exitstat plot`
# on traces of known structure (tests/analyze/run.sh). The driver runs the two
# commands directly, plain and under ASan+UBSan.
ANALYZE_DRIVER := $(BUILD)/tests/analyze-driver
ANALYZE_SAN_DRIVER := $(BUILD)/san/tests/analyze-driver

$(ANALYZE_DRIVER): tests/analyze/driver.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

$(ANALYZE_SAN_DRIVER): tests/analyze/driver.c $(BUILD)/san/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $< $(BUILD)/san/libexitstat.a $(LIB_LDLIBS) -o $@

.PHONY: check-analyze
check-analyze: $(ANALYZE_DRIVER) $(ANALYZE_SAN_DRIVER) $(BUILD)/exitstat
	@bash tests/analyze/run.sh
CHECKS += check-analyze

# The same on real recordings from the real-KVM bed (~1 min: boots the bed).
.PHONY: check-analyze-realkvm
check-analyze-realkvm: $(BUILD)/exitstat $(BUILD)/static/exitstat $(BUILD)/static/exitgen
	@bash tests/analyze/bed-check.sh
CHECKS += check-analyze-realkvm
