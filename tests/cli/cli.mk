# The CLI end to end: reasons, kernel-stats, dispatch errors, the option tables
# against --help and the man page (run.sh); one convention across every
# subcommand (convention.sh); make install and the bash completion (install.sh).
CHECKS += check-cli
.PHONY: check-cli
check-cli: $(BUILD)/exitstat $(BUILD)/exitstat.1 $(BUILD)/exitstat.bash-completion
	@bash tests/cli/run.sh $(BUILD)/exitstat $(BUILD)/exitstat.1
	@bash tests/cli/convention.sh $(BUILD)/exitstat $(BUILD)/exitstat.1
	@bash tests/cli/install.sh $(BUILD)
