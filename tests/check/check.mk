# The `make check` loop itself (scripts/check.sh through the top-level Makefile):
# tests/check/run.sh runs `make check` with CHECKS set to the fake groups below
# and checks the order, the side-by-side slow groups, the logs, the check-where
# column and the failures. The fake groups are never part of CHECKS.
CHECKS += check-make-check
.PHONY: check-make-check
check-make-check:
	@bash tests/check/run.sh

# Each fake group runs FAKE_CHECK_DIR/NAME.sh, written by tests/check/run.sh for
# one scenario; the slow ones share a file prerequisite that must be made once.
FAKE_CHECKS_QUICK := fake-check-q1 fake-check-q2 fake-check-q3
FAKE_CHECKS_SLOW := fake-check-slow1 fake-check-slow2 fake-check-slow3
.PHONY: $(FAKE_CHECKS_QUICK) $(FAKE_CHECKS_SLOW)
$(FAKE_CHECKS_QUICK) $(FAKE_CHECKS_SLOW):
	@test -n "$(FAKE_CHECK_DIR)" || { echo "$@: a fake test group of tests/check/run.sh; FAKE_CHECK_DIR is unset" >&2; exit 2; }
	@bash $(FAKE_CHECK_DIR)/$@.sh

ifneq ($(FAKE_CHECK_DIR),)
$(FAKE_CHECKS_SLOW): $(FAKE_CHECK_DIR)/shared-prereq
$(FAKE_CHECK_DIR)/shared-prereq:
	@echo made >>$@.count
	@touch $@
endif
