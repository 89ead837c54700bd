# exitgen: the ground-truth VMM (a guest that causes a known number of each exit).
EXITGEN_SRCS := $(sort $(wildcard exitgen/*.c))
EXITGEN_HDRS := $(wildcard exitgen/*.h)
# json-c writes the --json output.
EXITGEN_LDLIBS := -ljson-c

BINARIES += $(BUILD)/exitgen
STATIC_BINARIES += $(BUILD)/static/exitgen
CHECKS += check-exitgen

$(BUILD)/exitgen: $(EXITGEN_SRCS) $(EXITGEN_HDRS) exitgen/exitgen.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ $(EXITGEN_SRCS) $(EXITGEN_LDLIBS)

$(BUILD)/static/exitgen: $(EXITGEN_SRCS) $(EXITGEN_HDRS) exitgen/exitgen.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread -static -o $@ $(EXITGEN_SRCS) $(EXITGEN_LDLIBS)

$(BUILD)/san/exitgen: $(EXITGEN_SRCS) $(EXITGEN_HDRS) exitgen/exitgen.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -pthread -o $@ $(EXITGEN_SRCS) $(EXITGEN_LDLIBS)

.PHONY: check-exitgen
check-exitgen: $(BUILD)/exitgen $(BUILD)/san/exitgen
	bash tests/exitgen/run.sh $(BUILD)/exitgen $(BUILD)/san/exitgen
