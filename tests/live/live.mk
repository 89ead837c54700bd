# Live collection and recording tests.
#   check-live           this machine (kvm_pvm: the kvm events that do fire, errors)
#   check-live-realkvm   exact counts in the real-KVM bed, every backend + record
#   bench-live           cost per exit of each backend vs no tracing, in the bed
CHECKS += check-live check-live-realkvm
BENCHES += bench-live
.PHONY: check-live check-live-realkvm bench-live

check-live: $(BUILD)/exitstat $(BUILD)/exitgen
	@bash tests/live/check-here.sh $(BUILD)/exitstat $(BUILD)/exitgen

check-live-realkvm: $(BUILD)/static/exitstat $(BUILD)/static/exitgen
	@bash tests/live/bed-check.sh

bench-live: $(BUILD)/static/exitstat $(BUILD)/static/exitgen
	@bash tests/live/bench.sh
