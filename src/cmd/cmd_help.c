// SPDX-License-Identifier: GPL-2.0
/* `exitstat help [CMD]`: the help of a command, the man page, every option. */
#include <stdlib.h>

#include "cmd/commands.h"

enum { OPT_MAN = CLI_OWN, OPT_LIST, OPT_PARSE, OPT_COMPLETION };

static const struct cli_opt opt_man = {
	"man", 0, CLI_NO_ARG, NULL, "the manual page of every command, as roff (man -l reads it)",
	OPT_MAN, 0 };
static const struct cli_opt opt_list = {
	"list-options", 0, CLI_NO_ARG, NULL, "every option of every command, one a line: "
	"COMMAND, -LETTER or -, --NAME, - (no value), ARG or [ARG] (an optional value), the "
	"value as --help shows it or -, and 'hidden' for an old spelling kept for scripts "
	"(listed under the name of the option it stands for)", OPT_LIST, 0 };
static const struct cli_opt opt_completion = {
	"completion", 0, CLI_NO_ARG, NULL, "a bash completion script for every command, "
	"generated from the option tables (make install puts it where bash-completion finds it)",
	OPT_COMPLETION, 0 };
static const struct cli_opt opt_parse = {
	"parse", 0, CLI_NO_ARG, NULL, "parse ARGS by CMD's options without running CMD: each "
	"option as taken (-LETTER or -, --NAME, its value), then each operand; the exit status "
	"and message of a wrong command line are CMD's", OPT_PARSE, 0 };

static const struct cli_opt *const help_opts[] = {
	&opt_man, &opt_list, &opt_completion, &opt_parse, NULL,
};

const struct cli_cmd cli_cmd_help = {
	.name = "help",
	.title = "help",
	.summary = "this list, a command's help (help CMD), the man page (help --man)",
	.synopsis = "[--man | --list-options | --completion | [--parse] CMD [ARGS...]]",
	.description = "Without arguments, the list of commands; with CMD, its help (as CMD --help).",
	.opts = help_opts,
	.operands = CLI_WORDS,
	.run = cmd_help,
};

struct help_args {
	int what;	/* OPT_*; 0: a command's help */
};

static int apply_help(void *ctx, int id, const char *arg)
{
	(void)arg;
	((struct help_args *)ctx)->what = id;
	return 0;
}

/* --parse: print each option as the parser hands it over. */
static int print_parsed(void *ctx, int id, const char *arg)
{
	const struct cli_opt *o = cli_find_opt(ctx, id);
	char letter[3] = { '-', o->letter, 0 };

	printf("option %s --%s%s%s\n", letter, o->name, arg ? " " : "", arg ? arg : "");
	return 0;
}

static int parse_only(const struct cli_cmd *cmd, int argc, char **argv)
{
	int first = cli_parse(cmd, argc, argv, print_parsed, (void *)cmd);

	if (first < 0)
		return cli_end_status(first);
	for (int i = first; i < argc; i++)
		printf("operand %s\n", argv[i]);
	return EXIT_OK;
}

/* The command `help WORDS...` asks about (report --analyze for `help report --analyze`). */
static const struct cli_cmd *asked_command(int argc, char **argv)
{
	const struct cli_cmd *cmd = command_find(argv[0]);

	if (!cmd) {
		fprintf(stderr, "exitstat help: unknown command '%s'\n", argv[0]);
		return NULL;
	}
	return command_select(cmd, argc, argv);
}

int cmd_help(int argc, char **argv)
{
	struct help_args h = { 0 };
	const struct cli_cmd *cmd;
	int first = cli_parse(&cli_cmd_help, argc, argv, apply_help, &h);

	if (first < 0)
		return cli_end_status(first);
	if (h.what && h.what != OPT_PARSE) {
		void (*print[])(FILE *, const struct cli_cmd *const *) = {
			[OPT_MAN - OPT_MAN] = cli_man, [OPT_LIST - OPT_MAN] = cli_list_options,
			[OPT_COMPLETION - OPT_MAN] = cli_completion,
		};

		if (first < argc) {
			fprintf(stderr, "exitstat help: --%s takes no CMD\n",
				cli_find_opt(&cli_cmd_help, h.what)->name);
			return EXIT_USAGE;
		}
		print[h.what - OPT_MAN](stdout, exitstat_commands);
		return EXIT_OK;
	}
	if (first == argc) {
		if (h.what == OPT_PARSE) {
			fprintf(stderr, "exitstat help: --parse needs CMD [ARGS...]\n");
			return EXIT_USAGE;
		}
		cli_commands_usage(stdout, exitstat_commands);
		return EXIT_OK;
	}
	cmd = asked_command(argc - first, argv + first);
	if (!cmd)
		return EXIT_USAGE;
	if (h.what == OPT_PARSE)
		return parse_only(cmd, argc - first, argv + first);
	cli_usage(stdout, cmd);
	return EXIT_OK;
}
