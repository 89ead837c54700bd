// SPDX-License-Identifier: GPL-2.0
/*
 * Text generated from the command tables (cli.h): a command's --help, the
 * man page of every command, the list of every option.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"

#define HELP_WIDTH 79	/* columns of --help */
#define HELP_COLUMN 31	/* where an option's help starts, unless its name is longer */

/* "-f, --format table|json|csv" or "    --every[=N]", as --help shows it. */
static void opt_spelling(const struct cli_opt *o, char *buf, size_t len)
{
	int n = o->letter ? snprintf(buf, len, "-%c, --%s", o->letter, o->name)
			  : snprintf(buf, len, "    --%s", o->name);

	if (n < 0 || (size_t)n >= len || !o->arg)
		return;
	snprintf(buf + n, len - (size_t)n, o->has_arg == CLI_OPTIONAL_ARG ? "[=%s]" : " %s",
		 o->arg);
}

/* text from column col to HELP_WIDTH, wrapped at spaces, every further line indented to col. */
static void print_wrapped(FILE *f, const char *text, int col)
{
	int room = HELP_WIDTH - col;

	while (*text) {
		int len = (int)strlen(text), cut = len;

		if (len > room) {
			for (cut = room; cut > 0 && text[cut] != ' '; cut--)
				;
			if (!cut)	/* one word longer than the room: break after it */
				cut = (int)strcspn(text, " ");
		}
		fprintf(f, "%.*s\n", cut, text);
		text += cut;
		text += strspn(text, " ");
		if (*text)
			fprintf(f, "%*s", col, "");
	}
}

static void print_opt_help(FILE *f, const struct cli_opt *o)
{
	char spelling[96];
	int n;

	opt_spelling(o, spelling, sizeof(spelling));
	n = fprintf(f, "  %s", spelling);
	if (n + 2 > HELP_COLUMN)
		fprintf(f, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(f, "%*s", HELP_COLUMN - n, "");
	print_wrapped(f, o->help, HELP_COLUMN);
}

void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	const struct cli_opt *o;

	fprintf(f, "usage: exitstat %s %s\n%s\n\noptions:\n", cmd->title, cmd->synopsis,
		cmd->description);
	for (size_t i = 0; (o = cli_cmd_opt(cmd, i)); i++)
		if (o != cmd->selector)	/* said in the usage line */
			print_opt_help(f, o);
}

void cli_list_options(FILE *f, const struct cli_cmd *const *cmds)
{
	static const char *const kind[] = { [CLI_NO_ARG] = "-", [CLI_ARG] = "ARG",
					    [CLI_OPTIONAL_ARG] = "[ARG]" };
	const struct cli_opt *o;

	for (; *cmds; cmds++) {
		for (size_t i = 0; (o = cli_cmd_opt(*cmds, i)); i++) {
			char letter[3] = { '-', o->letter, 0 };

			fprintf(f, "%s %s --%s %s\n", (*cmds)->name, letter, o->name,
				kind[o->has_arg]);
		}
	}
}

void cli_commands_usage(FILE *f, const struct cli_cmd *const *cmds)
{
	fprintf(f, "usage: exitstat [COMMAND] [OPTIONS] [-- CMD ARGS...]\n\ncommands:\n");
	for (; *cmds; cmds++)
		if (!(*cmds)->parent)
			fprintf(f, "  %-13s %s\n", (*cmds)->name, (*cmds)->summary);
	fprintf(f, "\n`exitstat COMMAND --help` tells more. Without a command, exitstat runs `live`.\n");
}

/* s as roff text: backslashes and minus signs escaped, no control character at a line start. */
static void roff_text(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || s[i - 1] == '\n') && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", f);
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

static void roff_str(FILE *f, const char *s)
{
	roff_text(f, s, strlen(s));
}

/* Lines of text; a blank line starts a new paragraph (.PP). */
static void roff_paragraphs(FILE *f, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		if (len) {
			roff_text(f, text, len);
			fputc('\n', f);
		} else {
			fputs(".PP\n", f);
		}
		text += len;
		text += *text == '\n';
	}
}

static void man_option(FILE *f, const struct cli_opt *o)
{
	fputs(".TP\n", f);
	if (o->letter)
		fprintf(f, "\\fB\\-%c\\fR, ", o->letter);
	fputs("\\fB\\-\\-", f);
	roff_str(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(o->has_arg == CLI_OPTIONAL_ARG ? "[=\\fI" : " \\fI", f);
		roff_str(f, o->arg);
		fputs(o->has_arg == CLI_OPTIONAL_ARG ? "\\fR]" : "\\fR", f);
	}
	fputc('\n', f);
	roff_str(f, o->help);
	fputc('\n', f);
}

static void man_command(FILE *f, const struct cli_cmd *cmd)
{
	const struct cli_opt *o;

	fputs(".SS \"exitstat ", f);
	roff_str(f, cmd->title);
	fputs("\"\n.B exitstat ", f);
	roff_str(f, cmd->title);
	fputc('\n', f);
	roff_str(f, cmd->synopsis);
	fputs("\n.PP\n", f);
	roff_paragraphs(f, cmd->description);
	for (size_t i = 0; (o = cli_cmd_opt(cmd, i)); i++)
		if (o != cmd->selector)	/* said in the synopsis */
			man_option(f, o);
}

void cli_man(FILE *f, const struct cli_cmd *const *cmds)
{
	fputs(".TH EXITSTAT 1 \"\" \"exitstat\" \"User Commands\"\n"
	      ".SH NAME\n"
	      "exitstat \\- count, time, record and explain KVM VM exits by exit reason\n"
	      ".SH SYNOPSIS\n", f);
	for (const struct cli_cmd *const *c = cmds; *c; c++) {
		fputs(".B exitstat ", f);
		roff_str(f, (*c)->title);
		fputc('\n', f);
		roff_str(f, (*c)->synopsis);
		fputs("\n.br\n", f);
	}
	fputs(".SH DESCRIPTION\n"
	      "exitstat counts the VM exits of KVM guests by exit reason, times each exit "
	      "(from kvm_exit to the vCPU's next kvm_entry), records every exit to a file, and "
	      "reports, analyses and plots kernel traces and recordings.\n"
	      "Without a command word, exitstat runs \\fBlive\\fR.\n"
	      ".SH COMMANDS\n", f);
	for (const struct cli_cmd *const *c = cmds; *c; c++)
		man_command(f, *c);
	fputs(".SH \"EXIT STATUS\"\n"
	      ".TP\n0\nsuccess\n"
	      ".TP\n1\nthe run failed: a collection error, input that could not be read, or "
	      "input read incompletely (lines skipped, records cut, events lost, reading stopped "
	      "early: report, report --analyze and plot exit 0 then with --partial-ok)\n"
	      ".TP\n2\nbad options or operands\n"
	      ".SH \"SEE ALSO\"\n"
	      "The documentation in the source tree: README.md, docs/analysis.md, docs/json.md.\n",
	      f);
}
