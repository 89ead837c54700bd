// SPDX-License-Identifier: GPL-2.0
/* `exitstat reasons`: list the catalogue or look up one reason by number or name. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "output/report.h"
#include "output/report_format.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: exitstat reasons [--isa vmx|svm] [--format table|json] [NUMBER|NAME]\n"
		   "  List every VMX basic exit reason (Intel SDM Vol. 3, App. C) and SVM exit code\n"
		   "  (AMD APM Vol. 2, App. C), or look one up: `exitstat reasons 48`,\n"
		   "  `exitstat reasons 0x7b`, `exitstat reasons npf`, `exitstat reasons EXIT_IOIO`.\n"
		   "  Numbers are decimal or 0x-hex; without --isa a number is looked up in both.\n");
}

static void flags_str(const struct exit_reason *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", r->flags & REASON_RESERVED ? "reserved" :
				   r->flags & REASON_KERNEL_NAMED ? "kernel" : "",
		 !(r->flags & (REASON_RESERVED | REASON_KERNEL_NAMED)) ? "-" : "");
}

static void print_table_row(const struct exit_reason *r)
{
	char code[16], fl[16];

	flags_str(r, fl, sizeof(fl));
	printf("%-4s %10s  %-28s %-8s %s", isa_name(r->isa),
	       report_code_str(r->isa, r->code, code, sizeof(code)), r->name, fl, r->meaning);
	if (r->aliases[0])
		printf(" [also: %s]", r->aliases);
	putchar('\n');
}

static json_object *reason_json(const struct exit_reason *r)
{
	json_object *o = json_object_new_object();
	json_object *al = json_object_new_array();
	char code[16];
	const char *p = r->aliases;

	json_object_object_add(o, "isa", json_object_new_string(isa_name(r->isa)));
	json_object_object_add(o, "code", json_object_new_uint64(r->code));
	json_object_object_add(o, "code_str", json_object_new_string(
						report_code_str(r->isa, r->code, code, sizeof(code))));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	while (*p) {
		size_t w = strcspn(p, " ");

		json_object_array_add(al, json_object_new_string_len(p, (int)w));
		p += w;
		p += strspn(p, " ");
	}
	json_object_object_add(o, "aliases", al);
	json_object_object_add(o, "meaning", json_object_new_string(r->meaning));
	json_object_object_add(o, "reserved", json_object_new_boolean(r->flags & REASON_RESERVED));
	json_object_object_add(o, "kernel_named",
			       json_object_new_boolean(r->flags & REASON_KERNEL_NAMED));
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

int cmd_reasons(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "isa", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum exit_isa only = ISA_UNKNOWN;
	enum out_format fmt = FMT_TABLE;
	const struct exit_reason *found[2];
	size_t nfound = 0;
	json_object *arr = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (isa_parse(optarg, &only)) {
				fprintf(stderr, "exitstat reasons: --isa takes vmx or svm, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			if (out_format_parse(optarg, &fmt) || fmt == FMT_CSV) {
				fprintf(stderr, "exitstat reasons: --format takes table or json, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return EXIT_USAGE;
	}

	if (optind < argc) {
		const char *q = argv[optind];
		uint32_t num;

		if (parse_number(q, &num)) {
			for (enum exit_isa i = ISA_VMX; i <= ISA_SVM; i++) {
				const struct exit_reason *r;

				if (only != ISA_UNKNOWN && i != only)
					continue;
				/* VMX numbers are basic reasons: 0x80000021 means 33 + flags. */
				r = reason_lookup(i, num);
				if (r && (i != ISA_VMX || num <= VMX_EXIT_BASIC_MASK ||
					  (num & ~(VMX_EXIT_BASIC_MASK | VMX_EXIT_FAILED_ENTRY |
						   VMX_EXIT_ENCLAVE_MODE | VMX_EXIT_PENDING_MTF |
						   VMX_EXIT_FROM_ROOT)) == 0))
					found[nfound++] = r;
			}
		} else {
			const struct exit_reason *r = reason_find(q, only);

			if (r && (only == ISA_UNKNOWN || r->isa == only))
				found[nfound++] = r;
		}
		if (!nfound) {
			fprintf(stderr, "exitstat reasons: no %s exit reason '%s' in the catalogue "
				"(`exitstat reasons%s` lists them)\n",
				only == ISA_UNKNOWN ? "VMX or SVM" : isa_name(only), q,
				only == ISA_UNKNOWN ? "" : only == ISA_VMX ? " --isa vmx" : " --isa svm");
			return EXIT_FAIL;
		}
	}

	if (fmt == FMT_JSON)
		arr = json_object_new_array();
	else
		printf("%-4s %10s  %-28s %-8s %s\n", "isa", "code", "name", "source", "meaning");
	for (enum exit_isa i = ISA_VMX; i <= ISA_SVM; i++) {
		const struct exit_reason *t;
		size_t n;

		if (only != ISA_UNKNOWN && i != only)
			continue;
		t = reasons_table(i, &n);
		for (size_t k = 0; k < n; k++) {
			bool want = !nfound;

			for (size_t f = 0; f < nfound; f++)
				want |= found[f] == &t[k];
			if (!want)
				continue;
			if (fmt == FMT_JSON)
				json_object_array_add(arr, reason_json(&t[k]));
			else
				print_table_row(&t[k]);
		}
	}
	if (fmt == FMT_JSON) {
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	} else if (!nfound) {
		printf("source: kernel = the name Linux's kvm_exit tracepoint prints; "
		       "- = named here in the kernel's style; reserved = reserved by the SDM/APM\n");
	}
	return EXIT_OK;
}
