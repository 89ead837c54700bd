# libFuzzer harnesses, one per reader (tests/fuzz/README.md). Debian's clang
# (libclang-rt-14-dev) with ASan+UBSan; the library's non-cmd layers are
# compiled again with coverage into $(BUILD)/fuzz/.
#
#   make fuzz [FUZZ_SECONDS=600]   each harness for FUZZ_SECONDS, from the seed
#                                  corpus; a finding stops it (saved in
#                                  $(BUILD)/fuzz/findings/NAME/)
#   make check-fuzz                each harness replays its seeds and saved
#                                  findings, then fuzzes FUZZ_SMOKE_SECONDS
FUZZ_CC ?= clang
FUZZ_NAMES := trace record kernel_stats analyze
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_SRCS := $(filter src/core/% src/sources/% src/analysis/% src/output/%,$(LIB_SRCS))
FUZZ_OBJS := $(patsubst src/%.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_SRCS))
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 3

# Named only by the pattern rule below: make would take them as intermediate
# and delete them after each link, compiling the library again every time.
.SECONDARY: $(FUZZ_OBJS)

$(BUILD)/fuzz/obj/%.o: src/%.c | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_FLAGS) -fsanitize=fuzzer $(DEPFLAGS) $< $(FUZZ_OBJS) \
		$(LIB_LDLIBS) -o $@

.PHONY: fuzz check-fuzz
fuzz: setup $(FUZZ_BINS)
	@BUILD=$(BUILD) bash tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

check-fuzz: $(FUZZ_BINS)
	@BUILD=$(BUILD) bash tests/fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_NAMES)

CHECKS += check-fuzz
