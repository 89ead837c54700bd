# exitstat diff on real bed runs: changes against exitgen's own counts, sides
# against the kernel's hist, the noise rule recomputed from the hist files.
.PHONY: check-diff
check-diff: $(BUILD)/exitstat
	@bash tests/diff/run.sh $(BUILD)/exitstat

CHECKS += check-diff
