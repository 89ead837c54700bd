# exitgen: the ground-truth VMM (a guest that causes a known number of each exit).
# src/live/ready.c: --ready-file, the same as exitstat's (its errors: src/core/error.c).
EXITGEN_SRCS := $(sort $(wildcard exitgen/*.c)) src/live/ready.c src/core/error.c
EXITGEN_HDRS := $(wildcard exitgen/*.h) src/live/ready.h
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

# check-exitgen and check-live need a KVM that fires kvm_exit: tests/lib/kvm-where.sh
# runs them on the host, and, where its KVM does not fire kvm_exit (or there is
# none), in the real-KVM bed too, one boot for all groups (exitgen, live, serve). What they need:
KVM_WHERE_DEPS := $(BUILD)/exitgen $(BUILD)/san/exitgen $(BUILD)/exitstat $(BUILD)/san/exitstat \
	$(BUILD)/tests/record_tool $(BUILD)/san/tests/record_tool \
	$(BUILD)/static/exitgen $(BUILD)/static/exitstat $(BUILD)/static/record_tool

.PHONY: check-exitgen
check-exitgen: $(KVM_WHERE_DEPS)
	@bash tests/lib/kvm-where.sh exitgen
