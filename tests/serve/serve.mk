# exitstat serve (Prometheus exporter).
#   check-serve   the exposition format on real bed traces (promtool, the kernel's
#                 hist counts: tests/serve/format.sh); the exporter live on this
#                 host with its kind of KVM, and in the real-KVM bed where kvm_exit
#                 does not fire here (tests/serve/check-here.sh via kvm-where.sh)
CHECKS += check-serve
.PHONY: check-serve

$(BUILD)/tests/metrics_tool: tests/serve/metrics_tool.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

check-serve: $(BUILD)/tests/metrics_tool $(KVM_WHERE_DEPS)
	@bash tests/serve/format.sh $(BUILD)/tests/metrics_tool $(BUILD)/exitstat; rc=$$?; \
		bash tests/lib/kvm-where.sh serve && exit $$rc

# bench-serve: the cost of one exposition with 64 vCPUs x 40 reasons of series,
# and a scrape's latency against a tiny page of the same server.
BENCHES += bench-serve
.PHONY: bench-serve
$(BUILD)/tests/metrics_bench: tests/serve/metrics_bench.c $(BUILD)/libexitstat.a | $(LIB_GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $< $(BUILD)/libexitstat.a $(LIB_LDLIBS) -o $@

bench-serve: $(BUILD)/tests/metrics_bench $(BUILD)/exitstat $(BUILD)/exitgen
	@bash tests/serve/bench.sh $(BUILD)/tests/metrics_bench $(BUILD)/exitstat $(BUILD)/exitgen
