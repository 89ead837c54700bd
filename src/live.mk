# Live collection (BPF + perf backends) and recording: the BPF object, its
# libbpf skeleton and the libraries they need.
#
# build/vmlinux.h comes from the build machine's own kernel BTF
# (/sys/kernel/btf/vmlinux, or VMLINUX_BTF=path to any vmlinux/BTF file).
# The program only uses it for basic kernel types; every KVM struct it reads
# is declared locally with CO-RE (preserve_access_index), so the object runs
# on other kernels: libbpf relocates against the target's vmlinux and module
# (kvm, kvm_amd, kvm_intel) BTF at load time.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_CLANG ?= clang
BPFTOOL ?= bpftool
LIVE_SKEL := $(BUILD)/exitstat.skel.h
LIVE_BPF_OBJ := $(BUILD)/bpf/exitstat.bpf.o

LIB_LDLIBS += -lbpf -lelf -lz
# What -static needs on top: libbpf's and libelf's own dependencies.
LIB_STATIC_LDLIBS += -lbpf -lelf -lz -lzstd
LIB_GEN_HDRS += $(LIVE_SKEL)

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	@test -r $(VMLINUX_BTF) || { echo "live.mk: no kernel BTF at $(VMLINUX_BTF): this kernel" \
		"lacks CONFIG_DEBUG_INFO_BTF; set VMLINUX_BTF=/path/to/vmlinux (with BTF)" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@.tmp
	mv $@.tmp $@

$(LIVE_BPF_OBJ): src/live/bpf/exitstat.bpf.c src/live/bpf/live_abi.h $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(BPF_CLANG) -g -O2 -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I$(BUILD) -Isrc/live/bpf \
		-c $< -o $@

$(LIVE_SKEL): $(LIVE_BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name exitstat_bpf >$@.tmp
	mv $@.tmp $@

# The pattern rules in exitstat.mk were read before this fragment added the
# skeleton to LIB_GEN_HDRS, so name it for every object that may include it.
LIVE_SKEL_USERS := $(wildcard src/live/*.c src/cmd/cmd_live.c src/cmd/cmd_record.c src/sources/record*.c)
$(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIVE_SKEL_USERS)): $(LIVE_SKEL)
$(patsubst src/%.c,$(BUILD)/san/obj/%.o,$(LIVE_SKEL_USERS)): $(LIVE_SKEL)
$(BUILD)/static/exitstat $(BUILD)/exitstat $(BUILD)/san/exitstat: $(LIVE_SKEL)
