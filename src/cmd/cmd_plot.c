// SPDX-License-Identifier: GPL-2.0
/* `exitstat plot FILE -o OUT.svg`: the analysis as a picture. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "cmd/analyze_opts.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/msg.h"
#include "output/analyze_out.h"

enum { OPT_TITLE = CLI_OWN };

static const struct cli_opt opt_output = {
	"output", 'o', CLI_ARG, "OUT.svg", "where to write it (- for stdout): SVG, or PNG when "
	"OUT ends in .png (drawn by rsvg-convert, Debian package librsvg2-bin)", CLI_OUTPUT,
	CLI_REQUIRED };
static const struct cli_opt opt_top = {
	"top", 't', CLI_ARG, "K", "reasons drawn by name, the rest as 'other' (1-9, default 8; "
	"the old -k K is still taken)", CLI_TOP, 0 };
/* -k K: --top's letter before -t; kept for scripts (--top's help says so). */
static const struct cli_opt opt_top_k = {
	NULL, 'k', CLI_ARG, "K", NULL, CLI_TOP, CLI_HIDDEN };
static const struct cli_opt opt_title = {
	"title", 0, CLI_ARG, "TEXT", "picture title (default: the source)", OPT_TITLE, 0 };

static const struct cli_opt *const plot_opts[] = {
	&opt_output, &opt_top, &opt_top_k, &opt_title, CLI_ANALYSIS_OPTS, NULL,
};

const struct cli_cmd cli_cmd_plot = {
	.name = "plot",
	.title = "plot",
	.summary = "SVG: exit-rate timeline by reason with phases, counts and time bars",
	.synopsis = "[OPTIONS] FILE|- -o OUT.svg",
	.description =
		"An SVG picture of a trace's exits: the exit rate over time stacked by reason\n"
		"(top K + other) with the phases of `exitstat report --analyze` shaded, and\n"
		"bars of exits and of time in exit per reason. The analysis options are\n"
		"report --analyze's.",
	.opts = plot_opts,
	.operands = CLI_ONE,
	.run = cmd_plot,
};

struct plot_cmd {
	struct analysis_cli ac;
	struct plot_opts po;
	const char *out_path;
	bool png;		/* -o names a .png: drawn through rsvg-convert */
};

static int apply_plot(void *ctx, int id, const char *arg)
{
	struct plot_cmd *c = ctx;

	switch (id) {
	case CLI_OUTPUT:
		c->out_path = arg;
		return 0;
	case CLI_TOP:
		return cli_parse_count(arg, 9, &c->po.top) ? 0 : -1;
	case OPT_TITLE:
		c->po.title = arg;
		return 0;
	default:
		return analysis_cli_apply(&c->ac, id, arg);
	}
}

#define RSVG "rsvg-convert"

/* Does path end in .EXT (any case)? */
static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);

	return n > e + 1 && path[n - e - 1] == '.' && !strcasecmp(path + n - e, ext);
}

/* The picture's format from -o: 0 SVG, 1 PNG; -1 (said) for another image kind. */
static int out_kind(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	if (has_ext(path, "png"))
		return 1;
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base || has_ext(path, "svg"))
		return 0;
	fprintf(stderr, "exitstat plot: cannot write %s: plot draws SVG (.svg, or - for stdout) "
		"or PNG (.png), not '%s'\n", path, dot);
	return -1;
}

/*
 * A pipe into `rsvg-convert -f png -o PATH` (*pid: the converter); NULL
 * (said) when it cannot be started.
 */
static FILE *png_open(const char *path, pid_t *pid)
{
	int fds[2], ready[2];
	int why = 0;
	FILE *f;

	if (pipe(fds) || pipe2(ready, O_CLOEXEC)) {
		fprintf(stderr, "exitstat plot: cannot start %s: %s\n", RSVG, strerror(errno));
		return NULL;
	}
	*pid = fork();
	if (*pid == 0) {
		close(fds[1]);
		close(ready[0]);
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		execlp(RSVG, RSVG, "-f", "png", "-o", path, (char *)NULL);
		why = errno;
		if (write(ready[1], &why, sizeof(why)) < 0)
			_exit(127);
		_exit(127);
	}
	close(fds[0]);
	close(ready[1]);
	/* EOF: the exec worked; an errno: it did not (the converter is missing). */
	if (*pid < 0 || read(ready[0], &why, sizeof(why)) > 0) {
		if (*pid < 0)
			why = errno;
		close(ready[0]);
		close(fds[1]);
		if (*pid > 0)
			waitpid(*pid, NULL, 0);
		fprintf(stderr, "exitstat plot: cannot write PNG %s: %s%s\n", path,
			why == ENOENT ? RSVG " is not installed (Debian package librsvg2-bin)"
				      : strerror(why),
			why == ENOENT ? "; an .svg needs nothing else" : "");
		return NULL;
	}
	close(ready[0]);
	f = fdopen(fds[1], "w");
	if (!f)
		close(fds[1]);
	return f;
}

/* Close the pipe and wait for the converter: 0 when it wrote the PNG. */
static int png_close(FILE *f, pid_t pid, const char *path)
{
	int st = 0, rc = fclose(f) ? -1 : 0;

	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "exitstat plot: %s could not write %s (status %d)\n", RSVG, path,
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -1;
	}
	return rc;
}

/* The picture to c->out_path (- for stdout; PNG by its name); a half-written file is removed. */
static int write_plot(struct plot_cmd *c)
{
	void (*old_pipe)(int) = SIG_DFL;
	int kind = c->png;
	pid_t conv = -1;
	FILE *out;
	int rc;

	if (kind == 1) {
		old_pipe = signal(SIGPIPE, SIG_IGN);	/* a converter that dies is said, not fatal */
		out = png_open(c->out_path, &conv);
	} else {
		out = strcmp(c->out_path, "-") ? fopen(c->out_path, "w") : stdout;
		if (!out)
			fprintf(stderr, "exitstat plot: cannot create %s: %s\n", c->out_path,
				strerror(errno));
	}
	if (!out) {
		if (kind == 1)
			signal(SIGPIPE, old_pipe);
		return EXIT_FAIL;
	}
	rc = plot_svg(out, &c->ac.a, &c->ac.m, &c->po);
	if (kind == 1) {
		if (rc)
			fprintf(stderr, "exitstat plot: cannot write to %s: %s\n", RSVG, strerror(errno));
		if (png_close(out, conv, c->out_path))
			rc = -1;
		signal(SIGPIPE, old_pipe);
	} else {
		if (out != stdout && fclose(out))
			rc = -1;
		if (rc)
			fprintf(stderr, "exitstat plot: cannot write %s: %s\n", c->out_path,
				strerror(errno));
	}
	if (rc) {
		if (out != stdout)
			unlink(c->out_path);
		return EXIT_FAIL;
	}
	if (out == stdout)
		fflush(stdout);
	return EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_cmd c = { .po = { .top = 8 } };
	int first, rc;
	bool show;

	analysis_cli_init(&c.ac);
	first = cli_parse(&cli_cmd_plot, argc, argv, apply_plot, &c);
	if (first < 0)
		return cli_end_status(first);
	/* The picture's kind from its name, before the input is read. */
	rc = strcmp(c.out_path, "-") ? out_kind(c.out_path) : 0;
	if (rc < 0)
		return EXIT_USAGE;
	c.png = rc == 1;
	rc = analysis_cli_load(&c.ac, "plot", argv[first], &show);
	/* What was read is drawn, the picture saying what is missing (and the status). */
	if (show) {
		int w = write_plot(&c);

		if (w != EXIT_OK)
			rc = w;
	}
	analysis_cli_fini(&c.ac);
	return rc;
}
