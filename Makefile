# exitstat: count, time, record and explain KVM VM exits by exit reason.
#
#   make            build everything into build/
#   make run        the main job (scripts/run.sh)
#   make check      every test: unit (plain + ASan/UBSan), integration, real-KVM bed, kernel
#   make static     static binaries into build/static/ (for the real-KVM bed's initramfs)
#   make bench      benchmarks that print figures
#
# Each component adds itself through a fragment (*.mk) included below. A fragment
# appends to: BINARIES (built by `make`), STATIC_BINARIES, CHECKS (phony test
# targets run by `make check`, in the order they are added), BENCHES.

BUILD   := build
CC      ?= gcc
CFLAGS_BASE := -std=gnu11 -g -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -I$(BUILD)
CFLAGS  ?=
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BINARIES :=
STATIC_BINARIES :=
CHECKS :=
BENCHES :=

.PHONY: all setup run check static bench clean
all:
# setup runs once per make invocation; it is idempotent and cheap when nothing is missing.
setup:
	@bash scripts/setup.sh

# Order matters for CHECKS: fast tests first, the real-KVM bed and kernel builds last.
include $(wildcard src/*.mk) $(wildcard tests/unit/*.mk) $(wildcard exitgen/*.mk) \
	$(filter-out tests/unit/%,$(wildcard tests/*.mk tests/*/*.mk)) $(wildcard kernel/*.mk)

# Checks that boot the real-KVM bed or build a kernel run after the quick ones,
# so a plain bug fails in seconds, not after minutes of QEMU. check-exitgen and
# check-live boot the bed where the host's KVM does not fire kvm_exit.
SLOW_CHECKS := %-realkvm check-samerun check-guestboot kernel-% check-exitgen check-live
CHECKS := $(filter-out $(SLOW_CHECKS),$(CHECKS)) $(filter $(SLOW_CHECKS),$(CHECKS))

all: $(BINARIES)
static: $(STATIC_BINARIES)

run: setup
	@$(MAKE) --no-print-directory all
	@bash scripts/run.sh

check: setup
	@$(MAKE) --no-print-directory all
	@set -e; for t in $(CHECKS); do \
		echo "==== $$t"; s=$$(date +%s); \
		$(MAKE) --no-print-directory $$t; \
		echo "==== $$t passed in $$(( $$(date +%s) - s )) s"; \
	done
	@echo "make check: all of $(words $(CHECKS)) test groups passed: $(CHECKS)"

bench: setup
	@$(MAKE) --no-print-directory all
	@set -e; for b in $(BENCHES); do $(MAKE) --no-print-directory $$b; done

clean:
	rm -rf $(BUILD)
