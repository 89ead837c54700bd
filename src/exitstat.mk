# exitstat: the library (every src/*.c but the CLI's main), the CLI, static and sanitizer builds.
LIB_SRCS := $(filter-out src/exitstat.c,$(wildcard src/*.c))
LIB_HDRS := $(wildcard src/*.h)
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
SAN_LIB_OBJS := $(patsubst src/%.c,$(BUILD)/san/obj/%.o,$(LIB_SRCS))
# Extra link libraries for the library (live collection adds libbpf).
LIB_LDLIBS += -ljson-c -lm
# Generated headers (BPF skeletons) the library sources need before compiling.
LIB_GEN_HDRS +=

$(BUILD)/obj/%.o: src/%.c $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/san/obj/%.o: src/%.c $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/libexitstat.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/san/libexitstat.a: $(SAN_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/exitstat: src/exitstat.c $(BUILD)/libexitstat.a $(LIB_HDRS) $(LIB_GEN_HDRS)
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

$(BUILD)/san/exitstat: src/exitstat.c $(BUILD)/san/libexitstat.a $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $< $(BUILD)/san/libexitstat.a $(LIB_LDLIBS) -o $@

$(BUILD)/static/exitstat: src/exitstat.c $(LIB_SRCS) $(LIB_HDRS) $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static src/exitstat.c $(LIB_SRCS) $(LIB_STATIC_LDLIBS) $(LIB_LDLIBS) -o $@

BINARIES += $(BUILD)/exitstat
STATIC_BINARIES += $(BUILD)/static/exitstat
