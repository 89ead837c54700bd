// SPDX-License-Identifier: GPL-2.0
/* The one option parser every command uses, and the option values. See cli.h. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "output/report.h"

/* The most options one command takes (its table, its selector and --help). */
#define CLI_MAX_OPTS 40
#define CLI_VAL_BASE 256	/* getopt's val for the i-th long option */

bool cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	int base = 10;

	/* strtoull takes signs and spaces; option values do not. */
	if (!s || *s < '0' || *s > '9')
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && end != s && !*end;
}

bool cli_parse_double(const char *s, double min, double max, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*v) && *v >= min && *v <= max;
}

bool cli_parse_pid(const char *s, uint32_t *pid)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || !v || v > UINT32_MAX)
		return false;
	*pid = (uint32_t)v;
	return true;
}

bool cli_parse_vcpu(const char *s, uint32_t *vcpu)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || v >= UINT32_MAX)
		return false;
	*vcpu = (uint32_t)v;
	return true;
}

bool cli_parse_ringbuf_mib(const char *s, size_t *bytes)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || !v || v > 4096 || (v & (v - 1)))
		return false;
	*bytes = (size_t)v << 20;
	return true;
}

bool cli_parse_count(const char *s, uint64_t max, size_t *v)
{
	uint64_t n;

	if (!cli_parse_u64(s, &n) || !n || n > max)
		return false;
	*v = (size_t)n;
	return true;
}

int cli_apply_view(struct report_opts *ro, int id, const char *arg)
{
	switch (id) {
	case CLI_FORMAT:
		return out_format_parse(arg, &ro->format);
	case CLI_SORT:
		return row_sort_parse(arg, &ro->sort);
	case CLI_TOP:
		return cli_parse_count(arg, SIZE_MAX, &ro->top) ? 0 : -1;
	case CLI_PID:
		return cli_parse_pid(arg, &ro->filter.pid) ? 0 : -1;
	case CLI_VCPU:
		return cli_parse_vcpu(arg, &ro->filter.vcpu) ? 0 : -1;
	case CLI_PER_VM:
		ro->per_vm = true;
		return 0;
	default:
		return 1;
	}
}

void cli_bad_value(const struct cli_cmd *cmd, const struct cli_opt *opt, const char *arg)
{
	fprintf(stderr, "exitstat %s: bad value '%s' for --%s (see --help)\n", cmd->title,
		arg ? arg : "", opt->name);
}

int cli_end_status(int end)
{
	return end == CLI_END_HELP ? EXIT_OK : EXIT_USAGE;
}

const struct cli_opt *cli_cmd_opt(const struct cli_cmd *cmd, size_t i)
{
	size_t n = 0;

	while (cmd->opts && cmd->opts[n])
		n++;
	if (i < n)
		return cmd->opts[i];
	if (cmd->selector && i == n++)
		return cmd->selector;
	return i == n ? &cli_opt_help : NULL;
}

const struct cli_opt *cli_find_opt(const struct cli_cmd *cmd, int id)
{
	const struct cli_opt *o;

	for (size_t i = 0; (o = cli_cmd_opt(cmd, i)); i++)
		if (o->id == id)
			return o;
	return NULL;
}

/* getopt_long's tables, built from a command's. */
struct getopt_tables {
	struct option longs[CLI_MAX_OPTS + 1];
	const struct cli_opt *opt[CLI_MAX_OPTS];	/* by long index */
	bool seen[CLI_MAX_OPTS];
	char shorts[3 * CLI_MAX_OPTS + 3];
	size_t n;
};

static void build_getopt(const struct cli_cmd *cmd, struct getopt_tables *t)
{
	static const int has_arg[] = { [CLI_NO_ARG] = no_argument, [CLI_ARG] = required_argument,
				       [CLI_OPTIONAL_ARG] = optional_argument };
	const struct cli_opt *o;
	char *s = t->shorts;

	memset(t, 0, sizeof(*t));
	if (cmd->operands == CLI_COMMAND)
		*s++ = '+';	/* the first word is the command to run: options end there */
	*s++ = ':';		/* a missing value returns ':', said by us */
	for (t->n = 0; (o = cli_cmd_opt(cmd, t->n)); t->n++) {
		if (t->n == CLI_MAX_OPTS) {
			fprintf(stderr, "exitstat %s: more than %d options: raise CLI_MAX_OPTS\n",
				cmd->title, CLI_MAX_OPTS);
			abort();
		}
		t->opt[t->n] = o;
		t->longs[t->n] = (struct option){ o->name, has_arg[o->has_arg], NULL,
						  CLI_VAL_BASE + (int)t->n };
		if (!o->letter)
			continue;
		*s++ = o->letter;
		if (o->has_arg != CLI_NO_ARG)
			*s++ = ':';
		if (o->has_arg == CLI_OPTIONAL_ARG)
			*s++ = ':';
	}
}

/* The option getopt returned as c, and its index in t. */
static size_t opt_index(const struct getopt_tables *t, int c)
{
	if (c >= CLI_VAL_BASE)
		return (size_t)(c - CLI_VAL_BASE);
	for (size_t i = 0; i < t->n; i++)
		if (t->opt[i]->letter == c)
			return i;
	return t->n;	/* not reached: getopt returns only letters of the table */
}

/* One line for what getopt refused (c is '?' or ':'). */
static void say_getopt_error(const struct cli_cmd *cmd, const struct getopt_tables *t, int c,
			     char **argv)
{
	const char *word = argv[optind - 1];
	size_t i = optopt ? opt_index(t, optopt) : t->n;

	if (c == ':' && i < t->n)
		fprintf(stderr, "exitstat %s: --%s needs a value: %s (see --help)\n", cmd->title,
			t->opt[i]->name, t->opt[i]->arg);
	else if (i < t->n && optopt >= CLI_VAL_BASE)
		fprintf(stderr, "exitstat %s: --%s takes no value (see --help)\n", cmd->title,
			t->opt[i]->name);
	else if (optopt)
		fprintf(stderr, "exitstat %s: unknown option -%c (see --help)\n", cmd->title, optopt);
	else
		fprintf(stderr, "exitstat %s: unknown option '%s' (see --help)\n", cmd->title, word);
}

static int check_required(const struct cli_cmd *cmd, const struct getopt_tables *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct cli_opt *o = t->opt[i];

		if (!(o->flags & CLI_REQUIRED) || t->seen[i])
			continue;
		if (o->letter)
			fprintf(stderr, "exitstat %s: -%c %s is required\n", cmd->title, o->letter,
				o->arg);
		else
			fprintf(stderr, "exitstat %s: --%s %s is required\n", cmd->title, o->name,
				o->arg);
		return -1;
	}
	return 0;
}

static int check_operands(const struct cli_cmd *cmd, int argc, char **argv, int first)
{
	int n = argc - first, most = cmd->operands == CLI_NONE ? 0 : 1;

	if (cmd->operands == CLI_COMMAND || cmd->operands == CLI_FILES ||
	    (n <= most && (n || cmd->operands != CLI_ONE)))
		return 0;
	if (n > most)
		fprintf(stderr, "exitstat %s: unexpected operand '%s'", cmd->title, argv[first + most]);
	else
		fprintf(stderr, "exitstat %s: missing operand", cmd->title);
	fprintf(stderr, " (usage: exitstat %s %s)\n", cmd->title, cmd->synopsis);
	return -1;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, cli_apply_fn apply, void *ctx)
{
	struct getopt_tables t;
	int c;

	build_getopt(cmd, &t);
	opterr = 0;
	optind = 0;	/* start afresh: a new table, maybe a new '+' */
	while ((c = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1) {
		size_t i;

		if (c == '?' || c == ':') {
			say_getopt_error(cmd, &t, c, argv);
			return CLI_END_USAGE;
		}
		i = opt_index(&t, c);
		t.seen[i] = true;
		if (t.opt[i]->id == CLI_HELP) {
			cli_usage(stdout, cmd);
			return CLI_END_HELP;
		}
		if (apply(ctx, t.opt[i]->id, optarg)) {
			cli_bad_value(cmd, t.opt[i], optarg);
			return CLI_END_USAGE;
		}
	}
	if (check_required(cmd, &t) || check_operands(cmd, argc, argv, optind))
		return CLI_END_USAGE;
	return optind;
}
