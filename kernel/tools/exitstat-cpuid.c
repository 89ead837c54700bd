// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat-cpuid: run inside a guest of a KVM with the exit-statistics patch
 * (kernel/patches/) and print the host's VM-exit table read through the CPUID
 * leaves 0x4ffffffc-0x4fffffff, in the same format as the kernel's debugfs
 * table (so src/sources/kernel_stats.c reads either).
 *
 * Reasons queried: every exit code of exitstat's catalogue (src/core/reasons.c)
 * for the ISA: VMX basic exit reasons 0-85 (reserved ones too); SVM exit
 * codes 0x000-0x0a6, 0x400-0x403 and 0xfffffffc-0xffffffff (the APM's
 * VMEXIT_INVALID_PMC, _IDLE_REQUIRED, _BUSY, _INVALID as 32-bit numbers), not
 * the VMGEXIT sub-codes (no exit has them as code): ECX = the code. Reasons
 * the leaves call undefined (EDX = 0xffffffff) are left out. Per-reason
 * counts are the low 32 bits (EAX), cycles are 64-bit.
 *
 * The patch is recognised by the signature "KVMExitStats" in EBX, ECX, EDX
 * of leaf 0x4ffffffc, never by the values: a KVM without the patch (or one
 * that does not let this VM read the statistics) answers the leaf as any
 * unknown leaf, which for an Intel-vendor guest is the highest basic leaf.
 */
#include <cpuid.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reasons.h"

#define LEAF_EXITS		0x4ffffffcu
#define LEAF_CYCLES		0x4ffffffdu
#define LEAF_REASON_EXITS	0x4ffffffeu
#define LEAF_REASON_CYCLES	0x4fffffffu
#define UNDEFINED_EDX		0xffffffffu
/* "KVMExitStats" in EBX, ECX, EDX of LEAF_EXITS. */
#define SIG_EBX			0x454d564bu
#define SIG_ECX			0x53746978u
#define SIG_EDX			0x73746174u

struct regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Answers recorded from a real guest (--replay), instead of executing CPUID. */
struct replay {
	uint32_t eax_in, ecx_in;
	struct regs out;
};

static struct replay *replays;
static size_t nreplays;

static int query(uint32_t leaf, uint32_t subleaf, struct regs *r)
{
	if (!replays) {
		__cpuid_count(leaf, subleaf, r->eax, r->ebx, r->ecx, r->edx);
		return 0;
	}
	for (size_t i = 0; i < nreplays; i++) {
		if (replays[i].eax_in == leaf && replays[i].ecx_in == subleaf) {
			*r = replays[i].out;
			return 0;
		}
	}
	fprintf(stderr, "exitstat-cpuid: replay file has no answer for leaf 0x%x ECX 0x%x\n",
		leaf, subleaf);
	return -1;
}

/* Lines "EAX_IN ECX_IN EAX EBX ECX EDX", numbers in C syntax (0x hex ok). */
static int load_replay(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t lineno = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "exitstat-cpuid: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long v[6];
		char *p = line, *end;
		int i;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		for (i = 0; i < 6; i++) {
			errno = 0;
			v[i] = strtoul(p, &end, 0);
			if (end == p || errno || v[i] > UINT32_MAX)
				break;
			p = end;
		}
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (i < 6 || *p) {
			fprintf(stderr, "exitstat-cpuid: %s:%zu: expected six 32-bit numbers: EAX_IN ECX_IN EAX EBX ECX EDX\n",
				path, lineno);
			fclose(f);
			return -1;
		}
		if (nreplays == cap) {
			cap = cap ? 2 * cap : 512;
			replays = realloc(replays, cap * sizeof(*replays));
			if (!replays) {
				fprintf(stderr, "exitstat-cpuid: out of memory\n");
				fclose(f);
				return -1;
			}
		}
		replays[nreplays++] = (struct replay){ (uint32_t)v[0], (uint32_t)v[1],
			{ (uint32_t)v[2], (uint32_t)v[3], (uint32_t)v[4], (uint32_t)v[5] } };
	}
	fclose(f);
	if (!nreplays) {
		fprintf(stderr, "exitstat-cpuid: %s: no answers in it\n", path);
		return -1;
	}
	return 0;
}

#define MAX_CODES 256

/*
 * The exit codes of the catalogue for an ISA, in its order (VMGEXIT
 * sub-codes left out); only the ones it defines if `defined_only`.
 */
static size_t reason_codes(enum exit_isa isa, bool defined_only, uint32_t *codes)
{
	const struct exit_reason *t;
	size_t n = 0, i, nt;

	t = reasons_table(isa, &nt);
	for (i = 0; i < nt && n < MAX_CODES; i++) {
		if (t[i].flags & REASON_VMGEXIT)
			continue;
		if (defined_only && (t[i].flags & REASON_RESERVED))
			continue;
		codes[n++] = t[i].code;
	}
	return n;
}

static enum exit_isa isa_from_vendor(void)
{
	struct regs r;
	char vendor[13];

	__cpuid(0, r.eax, r.ebx, r.ecx, r.edx);
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		return ISA_SVM;
	if (!strcmp(vendor, "GenuineIntel"))
		return ISA_VMX;
	fprintf(stderr, "exitstat-cpuid: CPU vendor '%s' is neither Intel nor AMD: give --isa vmx or --isa svm\n",
		vendor);
	return ISA_UNKNOWN;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitstat-cpuid [--isa vmx|svm] [--replay FILE] [--exitgen-steps | --defined]\n"
		"  Prints the host's VM-exit table read through CPUID leaves 0x4ffffffc-0x4fffffff\n"
		"  (a KVM host with the exitstat kernel patch), one line per reason:\n"
		"  \"isa code count cycles name\"; count is the low 32 bits.\n"
		"  --isa           exit-reason numbering (default: from the CPU vendor)\n"
		"  --replay FILE   answer CPUID from lines \"EAX_IN ECX_IN EAX EBX ECX EDX\"\n"
		"  --exitgen-steps print the queries as exitgen leaf:EAX:ECX steps and exit\n"
		"  --defined       print the exit codes the SDM/APM defines (hex, one a line;\n"
		"                  from exitstat's catalogue) and exit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "isa", required_argument, NULL, 'i' },
		{ "replay", required_argument, NULL, 'r' },
		{ "exitgen-steps", no_argument, NULL, 's' },
		{ "defined", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum exit_isa isa = ISA_UNKNOWN;
	const char *replay = NULL;
	int steps = 0, defined_list = 0, opt;
	uint32_t codes[MAX_CODES], counts[MAX_CODES];
	uint64_t reason_cycles[MAX_CODES];
	bool defined[MAX_CODES];
	size_t ncodes, i;
	struct regs r;
	uint64_t total, cycles;
	char namebuf[32];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (isa_parse(optarg, &isa) || isa == ISA_UNKNOWN) {
				fprintf(stderr, "exitstat-cpuid: --isa '%s': expected vmx or svm\n", optarg);
				return 2;
			}
			break;
		case 'r':
			replay = optarg;
			break;
		case 's':
			steps = 1;
			break;
		case 'd':
			defined_list = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "exitstat-cpuid: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (isa == ISA_UNKNOWN && (steps || replay || defined_list)) {
		fprintf(stderr, "exitstat-cpuid: --exitgen-steps, --defined and --replay need --isa\n");
		return 2;
	}
	if (isa == ISA_UNKNOWN && (isa = isa_from_vendor()) == ISA_UNKNOWN)
		return 2;

	ncodes = reason_codes(isa, defined_list, codes);
	if (defined_list) {
		for (i = 0; i < ncodes; i++)
			printf("0x%x\n", codes[i]);
		return 0;
	}
	if (steps) {
		printf("leaf:0x%x leaf:0x%x", LEAF_EXITS, LEAF_CYCLES);
		for (i = 0; i < ncodes; i++)
			printf(" leaf:0x%x:0x%x leaf:0x%x:0x%x", LEAF_REASON_EXITS, codes[i],
			       LEAF_REASON_CYCLES, codes[i]);
		putchar('\n');
		return 0;
	}
	if (replay && load_replay(replay))
		return 1;

	if (query(LEAF_EXITS, 0, &r))
		return 1;
	if (r.ebx != SIG_EBX || r.ecx != SIG_ECX || r.edx != SIG_EDX) {
		fprintf(stderr, "exitstat-cpuid: leaf 0x%x has no KVMExitStats signature (EBX ECX EDX = 0x%x 0x%x 0x%x): not a guest of a KVM with the exit-statistics patch, or this VM may not read them (kvm.exit_stats_cpuid_leaves, KVM_CAP_X86_EXIT_STATS_CPUID)\n",
			LEAF_EXITS, r.ebx, r.ecx, r.edx);
		return 1;
	}
	total = r.eax;
	if (query(LEAF_CYCLES, 0, &r))
		return 1;
	cycles = (uint64_t)r.ebx << 32 | r.ecx;

	/* Query everything first: a failure prints no partial table. */
	for (i = 0; i < ncodes; i++) {
		if (query(LEAF_REASON_EXITS, codes[i], &r))
			return 1;
		defined[i] = r.edx != UNDEFINED_EDX;
		counts[i] = r.eax;
		if (query(LEAF_REASON_CYCLES, codes[i], &r))
			return 1;
		reason_cycles[i] = (uint64_t)r.ebx << 32 | r.ecx;
	}

	printf("# isa code count cycles name\n");
	for (i = 0; i < ncodes; i++) {
		if (!defined[i])
			continue;
		printf("%s 0x%03x %" PRIu32 " %" PRIu64 " %s\n", isa_name(isa), codes[i],
		       counts[i], reason_cycles[i],
		       reason_name(isa, codes[i], namebuf, sizeof(namebuf)));
	}
	printf("# total %" PRIu64 " %" PRIu64 "\n", total, cycles);
	if (ferror(stdout) || fflush(stdout)) {
		fprintf(stderr, "exitstat-cpuid: writing the table: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
