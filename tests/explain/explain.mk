# Exit details (core/detail.c, exitstat explain): counts per detail against exitgen's
# steps on real bed traces (tests/explain/run.sh); the MSR names against the kernel's headers in
# Debian's linux-source tree (the decoders have unit tests: tests/unit/test_detail.c).
.PHONY: check-explain
$(BUILD)/tests/detail_tool: tests/explain/detail_tool.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

# Guest code hotspots (explain --hotspots) against exitgen --layout's RIPs on the same traces,
# and symbols from a System.map nm makes of exitgen's program (tests/explain/hotspots.sh).
check-explain: $(BUILD)/tests/detail_tool $(BUILD)/exitstat $(BUILD)/exitgen
	@bash tests/explain/run.sh $(BUILD)/exitstat; rc=$$?; \
		bash tests/explain/hotspots.sh $(BUILD)/exitstat $(BUILD)/exitgen || rc=1; \
		bash tests/explain/msr-names.sh $(BUILD)/tests/detail_tool && exit $$rc

CHECKS += check-explain

# In the VMX bed (Bochs, ~3 minutes): --hotspots live and recorded (the classic tracepoint's
# guest_rip), and the EPT violations' pages from kvm_page_fault (tests/explain/vmx-bed.sh).
.PHONY: check-explain-vmx
check-explain-vmx: $(BUILD)/static/exitgen $(BUILD)/static/exitstat $(BUILD)/exitstat $(BUILD)/exitgen
	@bash tests/explain/vmx-bed.sh

CHECKS += check-explain-vmx
