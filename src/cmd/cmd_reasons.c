// SPDX-License-Identifier: GPL-2.0
/* `exitstat reasons`: list the catalogue or look up one reason by number or name. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "output/emit.h"
#include "output/report.h"
#include "output/report_format.h"

static const struct cli_opt opt_isa = {
	"isa", 0, CLI_ARG, "vmx|svm", "only this ISA's reasons (a number is otherwise looked up "
	"in both)", CLI_ISA, 0 };

static const struct cli_opt *const reasons_opts[] = { &opt_isa, &cli_opt_format_no_csv, NULL };

const struct cli_cmd cli_cmd_reasons = {
	.name = "reasons",
	.title = "reasons",
	.summary = "the exit-reason catalogue: list, or look up a number or name",
	.synopsis = "[OPTIONS] [NUMBER|NAME]",
	.description =
		"List every VMX basic exit reason (Intel SDM Vol. 3, App. C) and SVM exit code\n"
		"(AMD APM Vol. 2, App. C), or look one up: `exitstat reasons 48`,\n"
		"`exitstat reasons 0x7b`, `exitstat reasons npf`, `exitstat reasons EXIT_IOIO`.\n"
		"Numbers are decimal or 0x-hex. A name finds every reason a trace can mean by\n"
		"it (the kernel's names of every era, e.g. 2009's `halt`, `ext_irq`, other\n"
		"tools' spellings, SVM names with or without SVM_EXIT_), each shown with the\n"
		"other ISA's reasons of the same meaning (io: VMX 30 and SVM 0x7b).",
	.opts = reasons_opts,
	.operands = CLI_MAYBE_ONE,
	.run = cmd_reasons,
};

struct reasons_cmd {
	enum exit_isa only;
	enum out_format fmt;
	const struct exit_reason *found[8];
	size_t nfound;
};

static int apply_reasons(void *ctx, int id, const char *arg)
{
	struct reasons_cmd *c = ctx;

	if (id == CLI_ISA)
		return isa_parse(arg, &c->only);
	return out_format_parse(arg, &c->fmt) || c->fmt == FMT_CSV ? -1 : 0;
}

static void flags_str(const struct exit_reason *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", r->flags & REASON_RESERVED ? "reserved" :
				   r->flags & REASON_KERNEL_NAMED ? "kernel" : "",
		 !(r->flags & (REASON_RESERVED | REASON_KERNEL_NAMED)) ? "-" : "");
}

#define SAME_MAX 48	/* more than any reason has (CR_ACCESS: 33) */
#define SAME_SHOWN 4	/* in the table; JSON has them all */

static void print_table_row(const struct exit_reason *r)
{
	const struct exit_reason *same[SAME_MAX];
	size_t nsame = reason_same_meaning(r, same, SAME_MAX);
	const char *old = reason_old_vmx_names(r);
	char code[16], fl[16];

	flags_str(r, fl, sizeof(fl));
	printf("%-4s %10s  %-28s %-8s %s", isa_name(r->isa),
	       report_code_str(r->isa, r->code, code, sizeof(code)), r->name, fl, r->meaning);
	if (r->aliases[0] || old)
		printf(" [also: %s%s%s]", r->aliases, r->aliases[0] && old ? " " : "",
		       old ? old : "");
	if (nsame)
		printf(" [same meaning: %s", isa_name(same[0]->isa));
	for (size_t i = 0; i < nsame && i < SAME_SHOWN; i++)
		printf("%s %s %s", i ? "," : "",
		       report_code_str(same[i]->isa, same[i]->code, code, sizeof(code)),
		       same[i]->name);
	if (nsame > SAME_SHOWN)
		printf(", ... (%zu in all)", nsame);
	if (nsame)
		putchar(']');
	putchar('\n');
}

/* The words of a space-separated list, added to a JSON array. */
static void add_words(json_object *arr, const char *p)
{
	while (p && *p) {
		size_t w = strcspn(p, " ");

		json_object_array_add(arr, json_object_new_string_len(p, (int)w));
		p += w;
		p += strspn(p, " ");
	}
}

static json_object *reason_json(const struct exit_reason *r)
{
	const struct exit_reason *same[SAME_MAX];
	size_t nsame = reason_same_meaning(r, same, SAME_MAX);
	json_object *o = json_object_new_object();
	json_object *al = json_object_new_array(), *sm = json_object_new_array();
	char code[16];

	json_object_object_add(o, "isa", json_object_new_string(isa_name(r->isa)));
	json_object_object_add(o, "code", json_object_new_uint64(r->code));
	json_object_object_add(o, "code_str", json_object_new_string(
						report_code_str(r->isa, r->code, code, sizeof(code))));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	add_words(al, r->aliases);
	add_words(al, reason_old_vmx_names(r));
	json_object_object_add(o, "aliases", al);
	json_object_object_add(o, "meaning", json_object_new_string(r->meaning));
	json_object_object_add(o, "reserved", json_object_new_boolean(r->flags & REASON_RESERVED));
	json_object_object_add(o, "kernel_named",
			       json_object_new_boolean(r->flags & REASON_KERNEL_NAMED));
	for (size_t i = 0; i < nsame; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "isa", json_object_new_string(isa_name(same[i]->isa)));
		json_object_object_add(x, "code", json_object_new_uint64(same[i]->code));
		json_object_object_add(x, "code_str", json_object_new_string(
			report_code_str(same[i]->isa, same[i]->code, code, sizeof(code))));
		json_object_object_add(x, "name", json_object_new_string(same[i]->name));
		json_object_array_add(sm, x);
	}
	json_object_object_add(o, "same_meaning", sm);
	return o;
}

/* Parse a whole string as a decimal or 0x-hex number (also -1 for SVM's invalid code). */
static bool parse_number(const char *s, uint32_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end || v < -1 || v > 0xffffffffLL)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* VMX numbers are basic reasons: 0x80000021 is 33 with flags, anything else is not. */
static bool vmx_number_ok(uint32_t num)
{
	return num <= VMX_EXIT_BASIC_MASK ||
	       (num & ~(VMX_EXIT_BASIC_MASK | VMX_EXIT_FAILED_ENTRY | VMX_EXIT_ENCLAVE_MODE |
			VMX_EXIT_PENDING_MTF | VMX_EXIT_FROM_ROOT)) == 0;
}

/* The reasons q names (a number: in each ISA asked); said when there is none. */
static int look_up(struct reasons_cmd *c, const char *q)
{
	uint32_t num;

	if (parse_number(q, &num)) {
		for (enum exit_isa i = ISA_VMX; i <= ISA_SVM; i++) {
			const struct exit_reason *r = reason_lookup(i, num);

			if (r && (c->only == ISA_UNKNOWN || i == c->only) &&
			    (i != ISA_VMX || vmx_number_ok(num)))
				c->found[c->nfound++] = r;
		}
	} else {
		/* Every reason a trace could mean by it: the reader's spellings, one catalogue. */
		c->nfound = reason_find_all(q, c->only, c->found,
					    sizeof(c->found) / sizeof(c->found[0]));
	}
	if (c->nfound)
		return 0;
	fprintf(stderr, "exitstat reasons: no %s exit reason '%s' in the catalogue "
		"(`exitstat reasons%s` lists them)\n",
		c->only == ISA_UNKNOWN ? "VMX or SVM" : isa_name(c->only), q,
		c->only == ISA_UNKNOWN ? "" : c->only == ISA_VMX ? " --isa vmx" : " --isa svm");
	return -1;
}

/* Is t the reason looked up (every reason when none was)? */
static bool wanted(const struct reasons_cmd *c, const struct exit_reason *t)
{
	bool want = !c->nfound;

	for (size_t f = 0; f < c->nfound; f++)
		want |= c->found[f] == t;
	return want;
}

static void print_reasons(const struct reasons_cmd *c)
{
	json_object *arr = NULL;

	if (c->fmt == FMT_JSON)
		arr = json_object_new_array();
	else
		printf("%-4s %10s  %-28s %-8s %s\n", "isa", "code", "name", "source", "meaning");
	for (enum exit_isa i = ISA_VMX; i <= ISA_SVM; i++) {
		const struct exit_reason *t;
		size_t n;

		if (c->only != ISA_UNKNOWN && i != c->only)
			continue;
		t = reasons_table(i, &n);
		for (size_t k = 0; k < n; k++) {
			if (!wanted(c, &t[k]))
				continue;
			if (c->fmt == FMT_JSON)
				json_object_array_add(arr, reason_json(&t[k]));
			else
				print_table_row(&t[k]);
		}
	}
	if (c->fmt == FMT_JSON) {
		json_emit(stdout, arr);
	} else if (!c->nfound) {
		printf("source: kernel = the name Linux's kvm_exit tracepoint prints; "
		       "- = named here in the kernel's style; reserved = reserved by the SDM/APM\n");
	}
}

int cmd_reasons(int argc, char **argv)
{
	struct reasons_cmd c = { .only = ISA_UNKNOWN, .fmt = FMT_TABLE };
	int first = cli_parse(&cli_cmd_reasons, argc, argv, apply_reasons, &c);

	if (first < 0)
		return cli_end_status(first);
	if (first < argc && look_up(&c, argv[first]))
		return EXIT_FAIL;
	print_reasons(&c);
	return EXIT_OK;
}
