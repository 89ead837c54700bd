# exitstat: count, time, record and explain KVM VM exits by exit reason.
#
#   make            build everything into build/
#   make run        the main job (scripts/run.sh)
#   make check      every test: unit (plain, ASan/UBSan, valgrind), integration, real-KVM bed, kernel
#   make check-quick  the host-only tests that need no KVM and no bed (< 2 min), for the edit-test loop
#   make static     static binaries into build/static/ (for the real-KVM bed's initramfs)
#   make bench      benchmarks that print figures
#   make install    exitstat, exitgen, exitstat-cpuid, the man page and the bash completion
#                   under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local); make uninstall removes them
#
# Each component adds itself through a fragment (*.mk) included below. A fragment
# appends to: BINARIES (built by `make`), STATIC_BINARIES, CHECKS (phony test
# targets run by `make check`, in the order they are added), BENCHES.

BUILD   := build
CC      ?= gcc
CFLAGS_BASE := -std=gnu11 -g -O2 -Wall -Wextra -Wvla -Werror -D_GNU_SOURCE -Isrc -I$(BUILD)
CFLAGS  ?=
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Rules that build one target from one C file add DEPFLAGS: gcc writes TARGET.d
# naming every header it read, included at the end, so a header change rebuilds
# exactly what includes it. (Generated headers stay order-only prerequisites:
# they must exist before the first compile, which has no .d yet.)
DEPFLAGS := -MMD -MP

# A recipe that fails must not leave a half-written target that looks up to date.
.DELETE_ON_ERROR:

BINARIES :=
STATIC_BINARIES :=
CHECKS :=
BENCHES :=

.PHONY: all setup run check check-quick static bench clean install uninstall
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
SLOW_CHECKS := %-realkvm check-vmx check-explain-vmx check-samerun check-guestboot kernel-% check-exitgen check-live check-serve
CHECKS := $(filter-out $(SLOW_CHECKS),$(CHECKS)) $(filter $(SLOW_CHECKS),$(CHECKS))
# The slow groups run up to CHECK_JOBS side by side (each its own bed or kernel
# build; output printed whole when a group ends). Logs: CHECK_LOGS/GROUP.log.
CHECK_JOBS ?= 2
CHECK_LOGS ?= $(BUILD)/check
# make check-quick: host only, no KVM, no bed, no kernel build; under a minute
# on a busy 2-core machine. (kernel-tools-check is host only too but takes
# 40-55 s there, most of it boot-verify-selftest.)
QUICK_CHECKS := check-layers check-diff check-unit check-unit-san check-unit-valgrind check-unit-repeat check-make-check \
	check-analyze check-cli check-report

all: $(BINARIES)
static: $(STATIC_BINARIES)

run: setup
	@$(MAKE) --no-print-directory all
	@bash scripts/run.sh

# scripts/check.sh runs the groups: quick ones first, one by one, then the slow
# ones; it prints a table of each group's result, seconds and where it ran (its
# `check-where: ` line, else host) and the total, and fails on the first failing group.
# (The leading + : recursive make through a variable, so -n and -j reach it.)
RUN_CHECKS = export CHECK_T0=$$(date +%s) && $(MAKE) --no-print-directory setup && \
	$(MAKE) --no-print-directory all && MAKE="$(MAKE)" bash scripts/check.sh --logs $(CHECK_LOGS)

check:
	+@$(RUN_CHECKS) --jobs $(CHECK_JOBS) $(filter-out $(SLOW_CHECKS),$(CHECKS)) -- $(filter $(SLOW_CHECKS),$(CHECKS))

check-quick:
	+@$(RUN_CHECKS) --title "make check-quick" $(QUICK_CHECKS)

bench: setup
	@$(MAKE) --no-print-directory all
	@set -e; for b in $(BENCHES); do $(MAKE) --no-print-directory $$b; done

clean:
	rm -rf $(BUILD)

# make install PREFIX=/usr DESTDIR=/tmp/pkg: the programs this tree builds, the man
# page and the bash completion (both generated from the option tables).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL_PROGRAMS := $(filter $(BUILD)/exitstat $(BUILD)/exitgen $(BUILD)/exitstat-cpuid,$(BINARIES))
INSTALLED := $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(INSTALL_PROGRAMS))) \
	$(DESTDIR)$(MANDIR)/man1/exitstat.1 $(DESTDIR)$(BASH_COMPLETION_DIR)/exitstat

install: $(INSTALL_PROGRAMS) $(BUILD)/exitstat.1 $(BUILD)/exitstat.bash-completion
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASH_COMPLETION_DIR)
	install -m 755 $(INSTALL_PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(BUILD)/exitstat.1 $(DESTDIR)$(MANDIR)/man1/exitstat.1
	install -m 644 $(BUILD)/exitstat.bash-completion $(DESTDIR)$(BASH_COMPLETION_DIR)/exitstat

uninstall:
	rm -f $(INSTALLED)

# The .d files of the targets built so far (none on a clean tree).
-include $(shell find $(BUILD) -type f -name '*.d' 2>/dev/null)
