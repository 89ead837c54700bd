# cmocka unit tests: every tests/unit/test_*.c is one test program, linked with
# the exitstat library; each runs plain and under ASan+UBSan.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
UNIT_SAN_BINS := $(patsubst tests/unit/%.c,$(BUILD)/san/tests/%,$(UNIT_SRCS))

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libexitstat.a $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSRCDIR='"$(CURDIR)"' $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -lcmocka -o $@

$(BUILD)/san/tests/%: tests/unit/%.c $(BUILD)/san/libexitstat.a $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -DSRCDIR='"$(CURDIR)"' $< $(BUILD)/san/libexitstat.a $(LIB_LDLIBS) -lcmocka -o $@

.PHONY: check-unit check-unit-san
check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "-- $$t"; $$t; done

check-unit-san: $(UNIT_SAN_BINS)
	@set -e; for t in $(UNIT_SAN_BINS); do echo "-- $$t (ASan+UBSan)"; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

CHECKS += check-unit check-unit-san
