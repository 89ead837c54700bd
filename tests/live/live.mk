# Live collection and recording tests.
#   check-live           this host, with the expectations of its kind of KVM; where
#                        kvm_exit does not fire, in the real-KVM bed too (kvm-where.sh)
#   check-live-realkvm   exact counts in the real-KVM bed, every backend + record
#   check-live-view      the interactive top-like view through a pty on this host: keys
#                        q/s/p/r over exitgen's exits, widths, the terminal restored
#   check-live-view-realkvm  the same in the real-KVM bed, where the rows are exit reasons
#   bench-live           cost per exit of exitstat's modes, its peers (perf, bpftrace, a
#                        hist trigger) and a minimal BPF counter vs no tracing, in one bed boot
CHECKS += check-live check-live-realkvm check-live-view check-live-view-realkvm
BENCHES += bench-live
.PHONY: check-live check-live-realkvm check-live-view check-live-view-realkvm bench-live

# The reader of recordings for the bed (plain, ASan+UBSan, static).
$(BUILD)/tests/record_tool: tests/live/record_tool.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

$(BUILD)/san/tests/record_tool: tests/live/record_tool.c $(BUILD)/san/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $< $(BUILD)/san/libexitstat.a $(LIB_LDLIBS) -o $@

$(BUILD)/static/record_tool: tests/live/record_tool.c $(LIB_SRCS) $(LIB_HDRS) $(LIVE_SKEL)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(STATIC_LIB_CFLAGS) -static $< $(STATIC_LIB_SRCS) $(STATIC_LIB_LDLIBS) -o $@

STATIC_BINARIES += $(BUILD)/static/record_tool

check-live: $(KVM_WHERE_DEPS)
	@bash tests/lib/kvm-where.sh live

check-live-realkvm: $(BUILD)/static/exitstat $(BUILD)/static/exitgen $(BUILD)/static/record_tool
	@bash tests/live/bed-check.sh

check-live-view: $(BUILD)/exitstat $(BUILD)/exitgen
	@bash tests/live/view.sh $(BUILD)/exitstat $(BUILD)/exitgen

check-live-view-realkvm: $(BUILD)/static/exitstat $(BUILD)/static/exitgen
	@bash tests/live/view-bed.sh

bench-live: $(BUILD)/static/exitstat $(BUILD)/static/exitgen $(BUILD)/static/floor
	@bash tests/live/bench.sh

# The floor of bench-live: a minimal libbpf tp_btf program counting kvm_exit
# by SVM code in a per-CPU array (tests/live/floor.bpf.c), static for the bed.
FLOOR_BPF_OBJ := $(BUILD)/bpf/floor.bpf.o
FLOOR_SKEL := $(BUILD)/floor.skel.h

$(FLOOR_BPF_OBJ): tests/live/floor.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(BPF_CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 -I$(BUILD) -c $< -o $@

$(FLOOR_SKEL): $(FLOOR_BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name floor_bpf >$@.tmp
	mv $@.tmp $@

$(BUILD)/static/floor: tests/live/floor.c $(FLOOR_SKEL)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -static $< $(LIB_STATIC_LDLIBS) -o $@

STATIC_BINARIES += $(BUILD)/static/floor
