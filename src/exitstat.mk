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
# exitstat serve's HTTP server (cmd/cmd_serve.c). The static build has no serve:
# Debian's libmicrohttpd needs GnuTLS, whose p11-kit and libunistring have no static libraries.
LIB_LDLIBS += -lmicrohttpd -lpthread
# trace.dat (sources/trace_dat.c): libtracecmd (needs libtracefs) and libtraceevent.
# Debian ships no libtracecmd.a: static builds leave it out (-DEXITSTAT_NO_TRACECMD,
# and a trace.dat is then refused with a message saying so).
TRACEDAT_PKGS := libtracecmd libtraceevent
CFLAGS_BASE += $(shell pkg-config --cflags $(TRACEDAT_PKGS) 2>/dev/null)
TRACEDAT_LDLIBS := $(shell pkg-config --libs $(TRACEDAT_PKGS) 2>/dev/null)
LIB_LDLIBS += $(TRACEDAT_LDLIBS)
# What every -static link of the library uses instead of LIB_SRCS / LIB_LDLIBS, and its flags.
STATIC_LIB_SRCS = $(filter-out src/cmd/cmd_serve.c,$(LIB_SRCS))
STATIC_LIB_LDLIBS = $(LIB_STATIC_LDLIBS) $(filter-out -lmicrohttpd $(TRACEDAT_LDLIBS),$(LIB_LDLIBS))
STATIC_LIB_CFLAGS := -DEXITSTAT_NO_SERVE -DEXITSTAT_NO_TRACECMD
# Recordings' blocks are inflated by libdeflate (zlib's format, 2-3x the speed).
LIB_LDLIBS += -ldeflate
# Generated headers (BPF skeletons) the library sources need before compiling.
LIB_GEN_HDRS +=

# The version (exitstat --version, --help, the man page), decided in one place:
# scripts/version.sh (git describe, else the VERSION file). The header is
# rewritten only when the version changes, so a build that changes nothing
# recompiles nothing.
EXITSTAT_VERSION := $(shell bash scripts/version.sh)
ifeq ($(EXITSTAT_VERSION),)
$(error scripts/version.sh gave no version (see its message above))
endif
LIB_GEN_HDRS += $(BUILD)/exitstat_version.h
.PHONY: version-header
$(BUILD)/exitstat_version.h: version-header
	@mkdir -p $(@D)
	@v='#define EXITSTAT_VERSION "$(EXITSTAT_VERSION)"'; \
	if [ ! -f $@ ] || [ "$$(cat $@)" != "$$v" ]; then echo "$$v" >$@; fi

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
	$(CC) $(ALL_CFLAGS) $(STATIC_LIB_CFLAGS) -static $(EXITSTAT_MAIN) $(STATIC_LIB_SRCS) \
		$(STATIC_LIB_LDLIBS) -o $@

BINARIES += $(BUILD)/exitstat
STATIC_BINARIES += $(BUILD)/static/exitstat

# The man page, generated from the command tables (exitstat help --man).
$(BUILD)/exitstat.1: $(BUILD)/exitstat
	$< help --man >$@

BINARIES += $(BUILD)/exitstat.1

# The bash completion, generated from the same tables (exitstat help --completion).
$(BUILD)/exitstat.bash-completion: $(BUILD)/exitstat
	$< help --completion >$@

BINARIES += $(BUILD)/exitstat.bash-completion
