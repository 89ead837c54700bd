# cmocka unit tests: every tests/unit/test_*.c is one test program, linked with
# the exitstat library; each runs plain, under ASan+UBSan, under valgrind
# memcheck (what the sanitizers cannot see: reads of uninitialised memory) and
# 100 times in a row (a test that fails one run in N is a broken test).
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
UNIT_SAN_BINS := $(patsubst tests/unit/%.c,$(BUILD)/san/tests/%,$(UNIT_SRCS))

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -DSRCDIR='"$(CURDIR)"' $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -lcmocka -o $@

$(BUILD)/san/tests/%: tests/unit/%.c $(BUILD)/san/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -DSRCDIR='"$(CURDIR)"' $< $(BUILD)/san/libexitstat.a $(LIB_LDLIBS) -lcmocka -o $@

.PHONY: check-unit check-unit-san
check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "-- $$t"; $$t; done

check-unit-san: $(UNIT_SAN_BINS)
	@set -e; for t in $(UNIT_SAN_BINS); do echo "-- $$t (ASan+UBSan)"; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

UNIT_REPEAT ?= 100

.PHONY: check-unit-valgrind check-unit-repeat
# (run-selftest.sh first: both passes fail on programs with known faults.)
check-unit-valgrind: $(UNIT_BINS)
	@bash tests/unit/run-selftest.sh
	@OUT=$(BUILD)/tests/unit-runs bash tests/unit/run.sh valgrind $(UNIT_BINS)

check-unit-repeat: $(UNIT_BINS)
	@OUT=$(BUILD)/tests/unit-runs bash tests/unit/run.sh repeat $(UNIT_REPEAT) $(UNIT_BINS)

CHECKS += check-unit check-unit-san check-unit-valgrind check-unit-repeat
