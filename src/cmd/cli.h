/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: every command is a declarative table (struct cli_cmd)
 * of its options (struct cli_opt). One parser (cli_parse, getopt_long built
 * from the table) serves every command; --help and the man page are
 * generated from the same tables (cli_help.c). Options several commands take
 * are defined once (cli_opts.c) and listed by each command that takes them.
 */
#ifndef EXITSTAT_CLI_H
#define EXITSTAT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_STR(x) #x
#define CLI_XSTR(x) CLI_STR(x)	/* a number macro as a string literal, for help texts */

enum cli_has_arg { CLI_NO_ARG, CLI_ARG, CLI_OPTIONAL_ARG };

#define CLI_REQUIRED 1u		/* the command refuses to run without it */
/*
 * An old spelling kept for scripts: a letter only (name NULL), parsed as the
 * option of the same id, left out of --help, the man page and completion;
 * the help of that option says it is still taken.
 */
#define CLI_HIDDEN 2u

struct cli_opt {
	const char *name;	/* the long name, without "--"; NULL for a CLI_HIDDEN letter */
	char letter;		/* the short letter; 0 for none */
	enum cli_has_arg has_arg;
	const char *arg;	/* the argument as help shows it ("PID", "table|json") */
	const char *help;	/* one paragraph, wrapped when printed */
	int id;			/* what the parser hands the command */
	unsigned int flags;	/* CLI_REQUIRED, CLI_HIDDEN */
};

/* Ids of the options several commands take; a command's own start at CLI_OWN. */
enum cli_opt_id {
	CLI_HELP = 1, CLI_PID, CLI_VCPU, CLI_FORMAT, CLI_SORT, CLI_TOP, CLI_PER_VM,
	CLI_SKIP_BAD, CLI_ISA, CLI_OUTPUT, CLI_DURATION, CLI_RINGBUF, CLI_READY_FILE,
	CLI_VERBOSE, CLI_WINDOW, CLI_BURST_FACTOR, CLI_BURST_MIN, CLI_IDLE_FACTOR,
	CLI_RATE_RATIO, CLI_MIX_DISTANCE, CLI_ANALYZE, CLI_VERSION, CLI_EVERY, CLI_PARTIAL_OK,
	CLI_BACKEND, CLI_NO_TIME, CLI_BPF_ATTACH, CLI_DETAIL, CLI_HOTSPOTS, CLI_GUEST_SYMBOLS,
	CLI_OWN = 100,
};

/* The shared definitions (cli_opts.c). */
extern const struct cli_opt cli_opt_help, cli_opt_version, cli_opt_every, cli_opt_pid,
	cli_opt_vcpu, cli_opt_format, cli_opt_format_no_csv,
	cli_opt_sort, cli_opt_top, cli_opt_per_vm, cli_opt_skip_bad, cli_opt_isa,
	cli_opt_output, cli_opt_duration, cli_opt_ringbuf, cli_opt_ready_file, cli_opt_verbose,
	cli_opt_window, cli_opt_burst_factor, cli_opt_burst_min, cli_opt_idle_factor,
	cli_opt_rate_ratio, cli_opt_mix_distance, cli_opt_analyze, cli_opt_partial_ok,
	cli_opt_backend, cli_opt_no_time, cli_opt_bpf_attach, cli_opt_detail, cli_opt_hotspots,
	cli_opt_guest_symbols;

/* --hotspots' N when none is given */
#define CLI_HOTSPOTS_DEFAULT 10

/* The options of the timeline analysis (report --analyze and plot), in help order. */
#define CLI_ANALYSIS_OPTS &cli_opt_window, &cli_opt_pid, &cli_opt_vcpu, \
	&cli_opt_burst_factor, &cli_opt_burst_min, &cli_opt_idle_factor, \
	&cli_opt_rate_ratio, &cli_opt_mix_distance, &cli_opt_skip_bad, &cli_opt_isa, \
	&cli_opt_partial_ok

/* --every's N when none is given (--every, not --every=N). */
#define CLI_EVERY_DEFAULT 10000

/* What a command takes after its options. */
enum cli_operands {
	CLI_NONE,		/* nothing */
	CLI_ONE,		/* exactly one (a file) */
	CLI_MAYBE_ONE,		/* none or one */
	/*
	 * A command to run, only after "--": a word after the options without
	 * "--" before it is a usage error naming it (`exitstat -p 1 -v 0`).
	 */
	CLI_COMMAND,
	CLI_WORDS,		/* any words: options stop at the first (help CMD ARGS) */
	CLI_FILES,		/* any number of files, options anywhere (the command checks how many) */
};

struct cli_cmd {
	const char *name;	/* as typed after exitstat: "report" */
	const char *title;	/* as messages and headings say it: "report --analyze" */
	const char *summary;	/* one line, for the command list */
	const char *synopsis;	/* what follows the title in usage: "[OPTIONS] FILE|-" */
	const char *description;	/* lines; a blank line starts a paragraph */
	const struct cli_opt *const *opts;	/* NULL-terminated, in help order */
	enum cli_operands operands;
	int (*run)(int argc, char **argv);
	/*
	 * Reached as `exitstat PARENT ... --SELECTOR ...` instead of by its own
	 * name (report --analyze); the selector is then one of its options.
	 */
	const char *parent;
	const struct cli_opt *selector;
};

/*
 * Apply one option to the command's settings: 0 taken, -1 a bad value
 * (the parser says so, naming the option).
 */
typedef int (*cli_apply_fn)(void *ctx, int id, const char *arg);

/* What cli_parse returns when the command must end now. */
#define CLI_END_HELP (-1)	/* --help was printed: exit 0 */
#define CLI_END_USAGE (-2)	/* a usage error was said: exit 2 */

/*
 * Parse argv (argv[0] the command's name) by cmd's table, handing every
 * option to apply in order; handles --help; checks required options and the
 * operands. Returns the index of the first operand, or CLI_END_*.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, cli_apply_fn apply, void *ctx);

/* The exit status for a CLI_END_* (EXIT_OK or EXIT_USAGE). */
int cli_end_status(int end);

/* `exitstat CMD: bad value 'ARG' for --NAME (see --help)`. */
void cli_bad_value(const struct cli_cmd *cmd, const struct cli_opt *opt, const char *arg);

/* The i-th option cmd accepts: its table, its selector, then --help, --version; NULL past the end. */
const struct cli_opt *cli_cmd_opt(const struct cli_cmd *cmd, size_t i);

/* The option of cmd's table with this id (the visible one, not a CLI_HIDDEN alias), or NULL. */
const struct cli_opt *cli_find_opt(const struct cli_cmd *cmd, int id);

/* Generated text (cli_help.c): a command's --help; the man page of all commands. */
void cli_usage(FILE *f, const struct cli_cmd *cmd);
void cli_man(FILE *f, const struct cli_cmd *const *cmds);
/* The command list (top-level --help); commands reached through a parent are left out. */
void cli_commands_usage(FILE *f, const struct cli_cmd *const *cmds);
/*
 * Every option of every command, one a line:
 * COMMAND -L|- --NAME -|ARG|[ARG] ARGTEXT|- [hidden]
 * (a hidden alias is listed under the --NAME of the option it stands for).
 */
void cli_list_options(FILE *f, const struct cli_cmd *const *cmds);
/* A bash completion script for every command, from the same tables. */
void cli_completion(FILE *f, const struct cli_cmd *const *cmds);
/* "exitstat VERSION" and a newline. */
void cli_version(FILE *f);


struct report_opts;

/*
 * The report view's options (format, sort, top, pid, vcpu, per-vm) into ro,
 * as cli_apply_fn says; 1 when id is none of them.
 */
int cli_apply_view(struct report_opts *ro, int id, const char *arg);

/* Option values: one parser for each kind of number. */
/* A whole string of digits, decimal or 0x-hex, no sign. */
bool cli_parse_u64(const char *s, uint64_t *v);

/* A whole finite number in [min, max]. */
bool cli_parse_double(const char *s, double min, double max, double *v);

/* A VM's pid (1 .. 2^32-1) and a vCPU index (0 .. 2^32-2). */
bool cli_parse_pid(const char *s, uint32_t *pid);
bool cli_parse_vcpu(const char *s, uint32_t *vcpu);

/* A ring buffer size in MiB, a power of two 1 .. 4096; *bytes gets it in bytes. */
bool cli_parse_ringbuf_mib(const char *s, size_t *bytes);

/* A positive count no larger than max (--top and the like). */
bool cli_parse_count(const char *s, uint64_t max, size_t *v);

/* --every's value: N > 0, or CLI_EVERY_DEFAULT when arg is NULL (--every alone). */
bool cli_parse_every(const char *s, uint64_t *n);

/* --delay's and --interval's SECONDS (1 ns .. 1e6 s). */
bool cli_parse_seconds(const char *s, double *v);

/* Where a command writes its report: -o FILE, or stdout when name is NULL or "-". */
struct cli_out {
	const char *name;	/* as given; "stdout" once opened on stdout */
	FILE *f;
};

/* Open it (before the work starts: a path that cannot be written fails early); -1 said. */
int cli_out_open(const struct cli_cmd *cmd, struct cli_out *o);

/*
 * Close it: -1 (said) when a write failed. A file that got no report
 * (wrote false) is removed, so nothing half-written is left.
 */
int cli_out_close(const struct cli_cmd *cmd, struct cli_out *o, bool wrote);

#endif
