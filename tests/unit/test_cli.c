// SPDX-License-Identifier: GPL-2.0
/*
 * The one option parser (src/cmd/cli.c) over a table written here: each
 * spelling getopt_long allows reaches the command's apply function with the
 * table's id and value, in order; bad values, unknown options, missing
 * values, missing required options and wrong operand counts end with a usage
 * error and one line naming the option; --help prints the table's options.
 * A command to run comes only after "--"; an optional value only after '=';
 * a hidden alias (a letter only) is its option, but not in --help.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd/cli.h"

enum { T_FLAG = CLI_OWN, T_NUM, T_MAYBE, T_NEED };

static const struct cli_opt t_flag = { "flag", 'x', CLI_NO_ARG, NULL, "a flag", T_FLAG, 0 };
static const struct cli_opt t_num = { "number", 'n', CLI_ARG, "N", "a number", T_NUM, 0 };
static const struct cli_opt t_maybe = { "maybe", 0, CLI_OPTIONAL_ARG, "M", "maybe a value",
					T_MAYBE, 0 };
static const struct cli_opt t_need = { "need", 0, CLI_ARG, "WHAT", "must be given", T_NEED,
				       CLI_REQUIRED };
static const struct cli_opt t_num_k = { NULL, 'k', CLI_ARG, "N", NULL, T_NUM, CLI_HIDDEN };
static const struct cli_opt *const t_opts[] = {
	&t_flag, &t_num, &t_maybe, &cli_opt_pid, &t_num_k, NULL,
};
static const struct cli_opt *const t_opts_need[] = { &t_need, NULL };

static struct cli_cmd t_cmd = {
	.name = "t", .title = "t", .summary = "a test", .synopsis = "[OPTIONS] FILE",
	.description = "A test command.", .opts = t_opts, .operands = CLI_ONE,
};

/* What apply was handed: "id=value" for each option, space separated. */
static char seen[512];

static int record_apply(void *ctx, int id, const char *arg)
{
	size_t n = strlen(seen);

	(void)ctx;
	snprintf(seen + n, sizeof(seen) - n, "%s%d=%s", n ? " " : "", id, arg ? arg : "-");
	return id == T_NUM && arg && !strcmp(arg, "bad") ? -1 : 0;
}

/* Parse the words (NULL-terminated) as argv after "t"; stderr's first line into err. */
static int parse(const struct cli_cmd *cmd, char *err, size_t errlen, ...)
{
	char *argv[16] = { "t" };
	int argc = 1, rc, saved = dup(2);
	FILE *tmp = tmpfile();
	va_list ap;

	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	seen[0] = 0;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	rc = cli_parse(cmd, argc, argv, record_apply, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	if (!fgets(err, (int)errlen, tmp))
		err[0] = 0;
	fclose(tmp);
	return rc;
}

static void spellings(void **state)
{
	char err[256];
	char id[64];

	(void)state;
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-x", "--number", "3", "-n4", "--number=5",
			       "file", "--maybe", "--maybe=7", "--num", "8", "-p", "42", NULL), 12);
	snprintf(id, sizeof(id), "%d=- %d=3 %d=4 %d=5 %d=- %d=7 %d=8 %d=42", T_FLAG, T_NUM, T_NUM,
		 T_NUM, T_MAYBE, T_MAYBE, T_NUM, CLI_PID);
	assert_string_equal(seen, id);
	assert_string_equal(err, "");
}

static void command_words_stop_options(void **state)
{
	struct cli_cmd c = t_cmd;
	char err[256];

	(void)state;
	c.operands = CLI_COMMAND;
	/* A command to run comes after "--": its own options are its. */
	assert_int_equal(parse(&c, err, sizeof(err), "-x", "--", "sleep", "-n", "1", NULL), 3);
	assert_string_equal(err, "");
	assert_int_equal(parse(&c, err, sizeof(err), "-x", NULL), 2);	/* no command: fine */
	/* A word without "--" before it is an error naming it, and nothing after it is parsed. */
	assert_int_equal(parse(&c, err, sizeof(err), "-x", "sleep", "-n", "bad", NULL),
			 CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: unexpected operand 'sleep': a command to run goes "
				 "after -- (usage: exitstat t [OPTIONS] FILE)\n");
	/* "--" as an option's value does not start the command. */
	assert_int_equal(parse(&c, err, sizeof(err), "-n", "--", "sleep", NULL), CLI_END_USAGE);
	assert_int_equal(parse(&c, err, sizeof(err), "-n", "--", "--", "sleep", NULL), 4);
	/* An optional value never takes the next word; said when that word is one too many. */
	assert_int_equal(parse(&c, err, sizeof(err), "--maybe", "5", "--", "sleep", NULL),
			 CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: unexpected operand '5': a command to run goes after "
				 "-- (usage: exitstat t [OPTIONS] FILE); --maybe takes its value "
				 "after '=' (--maybe=5): '5' was read as an operand\n");
}

static void hidden_alias_and_version(void **state)
{
	char err[256], id[32];

	(void)state;
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-k", "9", "f", NULL), 3);
	snprintf(id, sizeof(id), "%d=9", T_NUM);
	assert_string_equal(seen, id);
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-k", "bad", "f", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: bad value 'bad' for --number (see --help)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "f", "-k", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: --number needs a value: N (see --help)\n");
	assert_ptr_equal(cli_find_opt(&t_cmd, T_NUM), &t_num);
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-V", "-n", "bad", NULL), CLI_END_HELP);
}

static void errors(void **state)
{
	struct cli_cmd need = t_cmd;
	char err[256];

	(void)state;
	need.opts = t_opts_need;
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-n", "bad", "f", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: bad value 'bad' for --number (see --help)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "--nope", "f", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: unknown option '--nope' (see --help)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-q", "f", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: unknown option -q (see --help)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "f", "--number", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: --number needs a value: N (see --help)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "f", "--flag=1", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: --flag takes no value (see --help)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-x", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: missing operand (usage: exitstat t [OPTIONS] FILE)\n");
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "a", "b", "c", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: unexpected operand 'b' "
				 "(usage: exitstat t [OPTIONS] FILE)\n");
	assert_int_equal(parse(&need, err, sizeof(err), "f", NULL), CLI_END_USAGE);
	assert_string_equal(err, "exitstat t: --need WHAT is required\n");
	assert_int_equal(parse(&need, err, sizeof(err), "f", "--need", "it", NULL), 3);
	assert_int_equal(cli_end_status(CLI_END_USAGE), 2);
}

static void help_from_the_table(void **state)
{
	char err[256], out[4096];
	int saved = dup(1);
	FILE *tmp = tmpfile();
	size_t n;

	(void)state;
	fflush(stdout);
	dup2(fileno(tmp), 1);
	assert_int_equal(parse(&t_cmd, err, sizeof(err), "-x", "--help", "-n", "bad", NULL),
			 CLI_END_HELP);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = 0;
	fclose(tmp);
	assert_int_equal(cli_end_status(CLI_END_HELP), 0);
	assert_non_null(strstr(out, "usage: exitstat t [OPTIONS] FILE\nA test command.\n"));
	assert_non_null(strstr(out, "  -x, --flag "));
	assert_non_null(strstr(out, "  -n, --number N "));
	assert_non_null(strstr(out, "      --maybe[=M] "));
	assert_non_null(strstr(out, "  -p, --pid PID "));
	assert_non_null(strstr(out, "  -h, --help "));
	assert_non_null(strstr(out, "  -V, --version "));
	assert_null(strstr(out, "-k"));	/* the hidden alias */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spellings),
		cmocka_unit_test(command_words_stop_options),
		cmocka_unit_test(hidden_alias_and_version),
		cmocka_unit_test(errors),
		cmocka_unit_test(help_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
