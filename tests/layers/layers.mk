# The layering of src/ (docs/architecture.md): no file includes a header of a
# higher layer (scripts/check-layers.sh), with its self-test on planted faults.
.PHONY: check-layers
check-layers:
	@bash tests/layers/run.sh
CHECKS += check-layers
