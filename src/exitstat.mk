# exitstat: the library (every src/ROLE/*.c but the CLI's main), the CLI, static and sanitizer builds.
# The roles and what may include what: docs/architecture.md (make check-layers).
EXITSTAT_MAIN := src/cmd/exitstat.c
LIB_SRCS := $(filter-out $(EXITSTAT_MAIN),$(wildcard src/*/*.c))
LIB_HDRS := $(wildcard src/*/*.h src/live/bpf/*.h)
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
SAN_LIB_OBJS := $(patsubst src/%.c,$(BUILD)/san/obj/%.o,$(LIB_SRCS))
# Extra link libraries for the library (live collection adds libbpf).
LIB_LDLIBS += -ljson-c -lm
# Compressed inputs (sources/decompress.c): zlib, liblzma, libzstd.
LIB_LDLIBS += -lz -llzma -lzstd
# Recordings' blocks are inflated by libdeflate (zlib's format, 2-3x the speed).
LIB_LDLIBS += -ldeflate
# Generated headers (BPF skeletons) the library sources need before compiling.
LIB_GEN_HDRS +=

$(BUILD)/obj/%.o: src/%.c | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/san/obj/%.o: src/%.c | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libexitstat.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/san/libexitstat.a: $(SAN_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/exitstat: $(EXITSTAT_MAIN) $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

$(BUILD)/san/exitstat: $(EXITSTAT_MAIN) $(BUILD)/san/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $< $(BUILD)/san/libexitstat.a $(LIB_LDLIBS) -o $@

$(BUILD)/static/exitstat: $(EXITSTAT_MAIN) $(LIB_SRCS) $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static $(EXITSTAT_MAIN) $(LIB_SRCS) $(LIB_STATIC_LDLIBS) $(LIB_LDLIBS) -o $@

BINARIES += $(BUILD)/exitstat
STATIC_BINARIES += $(BUILD)/static/exitstat

# The man page, generated from the command tables (exitstat help --man).
$(BUILD)/exitstat.1: $(BUILD)/exitstat
	$< help --man >$@

BINARIES += $(BUILD)/exitstat.1
