// SPDX-License-Identifier: GPL-2.0
/* Exit details from the vendors' exit information. See detail.h. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/detail.h"
#include "core/event.h"
#include "core/oa.h"

/* SVM exit codes (APM Vol. 2, Appendix C) with a detail. */
#define SVM_CR_READ0	0x000u	/* ..0x00f: read of CRn */
#define SVM_CR_WRITE0	0x010u	/* ..0x01f: write of CRn */
#define SVM_EXCP0	0x040u	/* ..0x05f: exception vector n */
#define SVM_CR0_SEL	0x065u	/* selective CR0 write */
#define SVM_IOIO	0x07bu
#define SVM_MSR		0x07cu
#define SVM_CR_TRAP0	0x090u	/* ..0x09f: CRn write trap (SEV-ES) */
#define SVM_NPF		0x400u

/* VMX basic exit reasons (SDM Vol. 3C, Appendix C) with a detail. */
#define VMX_EXCEPTION_NMI	0u
#define VMX_CR_ACCESS		28u
#define VMX_IO			30u
#define VMX_MSR_READ		31u
#define VMX_MSR_WRITE		32u
#define VMX_EPT_VIOLATION	48u

/* SVM IOIO EXITINFO1: TYPE (1 = IN), STR, SZ8/16/32 one-hot, PORT in 31:16 (APM 15.10.2). */
static void svm_io(uint64_t info1, struct exit_detail *d)
{
	d->kind = DETAIL_IO;
	d->key = (info1 >> 16) & 0xffff;
	d->dir = info1 & 1 ? DIR_IN : DIR_OUT;
	d->string = info1 & (1u << 2);
	d->size = info1 & (1u << 4) ? 1 : info1 & (1u << 5) ? 2 : info1 & (1u << 6) ? 4 : 0;
}

/* VMX I/O exit qualification: size - 1 in 2:0, 1 = IN in bit 3, string bit 4, port 31:16 (SDM 28.2.1). */
static void vmx_io(uint64_t qual, struct exit_detail *d)
{
	unsigned int sz = qual & 7;

	d->kind = DETAIL_IO;
	d->key = (qual >> 16) & 0xffff;
	d->dir = qual & (1u << 3) ? DIR_IN : DIR_OUT;
	d->string = qual & (1u << 4);
	d->size = sz == 0 ? 1 : sz == 1 ? 2 : sz == 3 ? 4 : 0;
}

/* VMX control-register access: CR in 3:0, type in 5:4 (0 to CR, 1 from CR, 2 CLTS, 3 LMSW). */
static void vmx_cr(uint64_t qual, struct exit_detail *d)
{
	static const enum cr_access acc[] = { CR_MOV, CR_MOV, CR_CLTS, CR_LMSW };
	unsigned int type = (qual >> 4) & 3;

	d->kind = DETAIL_CR;
	d->key = qual & 0xf;
	d->access = acc[type];
	d->dir = type == 1 ? DIR_IN : DIR_OUT;	/* CLTS and LMSW write CR0 */
}

/* A nested page fault's memslot, where the source knew it. */
static void npf_region(const struct exit_info *in, struct exit_detail *d)
{
	if (!in->has_slot)
		return;
	d->has_region = true;
	d->slot = in->slot;
	d->slot_base = in->slot != DETAIL_NO_MEMSLOT ? in->slot_base : 0;
	d->slot_size = in->slot != DETAIL_NO_MEMSLOT ? in->slot_size : 0;
}

static bool svm_decode(uint32_t code, const struct exit_info *in, struct exit_detail *d)
{
	if (code < SVM_CR_WRITE0 + 16) {
		d->kind = DETAIL_CR;
		d->key = code & 0xf;
		d->dir = code >= SVM_CR_WRITE0 ? DIR_OUT : DIR_IN;
	} else if (code >= SVM_CR_TRAP0 && code < SVM_CR_TRAP0 + 16) {
		d->kind = DETAIL_CR;
		d->key = code - SVM_CR_TRAP0;
		d->dir = DIR_OUT;
	} else if (code == SVM_CR0_SEL) {
		*d = (struct exit_detail){ .kind = DETAIL_CR, .dir = DIR_OUT, .access = CR_SELECTIVE };
	} else if (code >= SVM_EXCP0 && code < SVM_EXCP0 + 32) {
		d->kind = DETAIL_VECTOR;
		d->key = code - SVM_EXCP0;
	} else if (code == SVM_IOIO) {
		svm_io(in->info1, d);
	} else if (code == SVM_MSR) {
		/* EXITINFO1: 0 RDMSR, 1 WRMSR (APM 15.11) */
		*d = (struct exit_detail){ .kind = DETAIL_MSR,
					   .key = in->has_msr ? in->msr : DETAIL_UNKNOWN_MSR,
					   .dir = in->info1 & 1 ? DIR_OUT : DIR_IN };
	} else if (code == SVM_NPF) {
		/* EXITINFO2: the faulting GPA; EXITINFO1: #PF-style error code, bit 1 write */
		*d = (struct exit_detail){ .kind = DETAIL_NPF, .key = in->info2 & ~UINT64_C(0xfff),
					   .dir = in->info1 & 2 ? DIR_OUT : DIR_IN };
		npf_region(in, d);
	}
	return d->kind != DETAIL_NONE;
}

static bool vmx_decode(uint32_t reason, const struct exit_info *in, struct exit_detail *d)
{
	switch (reason & VMX_EXIT_BASIC_MASK) {
	case VMX_EXCEPTION_NMI:
		/* interruption information: vector 7:0, valid bit 31 */
		if (!in->has_intr_info || !(in->intr_info & (1u << 31)))
			return false;
		d->kind = DETAIL_VECTOR;
		d->key = in->intr_info & 0xff;
		return true;
	case VMX_CR_ACCESS:
		vmx_cr(in->info1, d);
		return true;
	case VMX_IO:
		vmx_io(in->info1, d);
		return true;
	case VMX_MSR_READ:
	case VMX_MSR_WRITE:
		d->kind = DETAIL_MSR;
		d->key = in->has_msr ? in->msr : DETAIL_UNKNOWN_MSR;
		d->dir = (reason & VMX_EXIT_BASIC_MASK) == VMX_MSR_WRITE ? DIR_OUT : DIR_IN;
		return true;
	case VMX_EPT_VIOLATION:
		/* the GPA is a VMCS field of its own, not in the qualification (kvm_page_fault has it) */
		d->kind = DETAIL_NPF;
		d->key = in->has_gpa ? in->gpa & ~UINT64_C(0xfff) : UINT64_MAX;
		d->dir = in->info1 & 2 ? DIR_OUT : DIR_IN;
		npf_region(in, d);
		return true;
	default:
		return false;
	}
}

bool detail_decode(enum exit_isa isa, uint32_t reason, const struct exit_info *in,
		   struct exit_detail *d)
{
	*d = (struct exit_detail){ .kind = DETAIL_NONE };
	if (isa == ISA_SVM)
		return svm_decode(reason, in, d);
	if (isa == ISA_VMX)
		return vmx_decode(reason, in, d);
	return false;
}

int detail_kinds_parse(const char *s, unsigned int *kinds, char *err, size_t len)
{
	static const char *const names[] = {
		[DETAIL_IO] = "io", [DETAIL_MSR] = "msr", [DETAIL_CR] = "cr",
		[DETAIL_NPF] = "npf", [DETAIL_VECTOR] = "vector",
	};
	const char *p = s;

	*kinds = 0;
	while (*p) {
		size_t n = strcspn(p, ","), k;

		for (k = DETAIL_IO; k <= DETAIL_VECTOR; k++)
			if (strlen(names[k]) == n && !strncmp(p, names[k], n))
				break;
		if (k <= DETAIL_VECTOR)
			*kinds |= 1u << k;
		else if (n == 3 && !strncmp(p, "all", 3))
			*kinds |= DETAIL_KINDS_ALL;
		else {
			snprintf(err, len, "'%.*s' in '%s' is no detail kind (io, msr, cr, npf, "
				 "vector, all)", (int)n, p, s);
			return -1;
		}
		p += n + (p[n] == ',');
	}
	if (!*kinds) {
		snprintf(err, len, "no detail kind in '%s' (io, msr, cr, npf, vector, all)", s);
		return -1;
	}
	return 0;
}

/*
 * The bits each decoder above reads: keep them in step with svm_io, vmx_io,
 * vmx_cr, svm_decode and vmx_decode (tests/unit/test_detail.c checks that the
 * reduced information decodes alike).
 */
void detail_need(enum exit_isa isa, uint32_t reason, unsigned int kinds, struct detail_need *n)
{
	struct exit_info probe = { 0 };
	struct exit_detail d;

	*n = (struct detail_need){ 0 };
	probe.has_intr_info = true;
	probe.intr_info = 1u << 31;	/* a valid vector: VMX exceptions decode */
	if (!detail_decode(isa, reason, &probe, &d) || !(kinds & (1u << d.kind)))
		return;
	n->count = true;
	if (isa == ISA_SVM) {
		if (reason == SVM_IOIO)
			n->mask1 = 0xffff0000u | 1u | (1u << 2) | (7u << 4);
		else if (reason == SVM_MSR)
			n->mask1 = 1;
		else if (reason == SVM_NPF) {
			n->mask1 = 2;
			n->mask2 = ~UINT64_C(0xfff);
		}
	} else {
		switch (reason & VMX_EXIT_BASIC_MASK) {
		case VMX_EXCEPTION_NMI:
			n->intr = true;
			n->mask_intr = (1u << 31) | 0xff;
			break;
		case VMX_CR_ACCESS:
			n->mask1 = 0x3f;
			break;
		case VMX_IO:
			n->mask1 = 0xffff001fu;
			break;
		case VMX_EPT_VIOLATION:
			n->mask1 = 2;
			n->gpa = true;
			break;
		}
	}
	n->msr = d.kind == DETAIL_MSR;
	n->region = d.kind == DETAIL_NPF;
}

void detail_info_reduce(const struct detail_need *n, struct exit_info *in)
{
	in->info1 &= n->mask1;
	in->info2 &= n->mask2;
	in->intr_info &= n->mask_intr;
	in->has_intr_info = in->has_intr_info && n->intr;
	if (!n->msr) {
		in->has_msr = false;
		in->msr = 0;
	}
	/* the page of the GPA (the decoder reads no offset) */
	in->gpa = n->gpa && in->has_gpa ? in->gpa & ~UINT64_C(0xfff) : 0;
	in->has_gpa = n->gpa && in->has_gpa;
	if (!n->region || !in->has_slot) {
		in->has_slot = false;
		in->slot = 0;
		in->slot_base = in->slot_size = 0;
	}
}

struct port_range {
	uint16_t first, last;
	const char *name;
};

/* The legacy PC ports QEMU's machines and their firmware use. */
static const struct port_range ports[] = {
	{ 0x0020, 0x0021, "8259 PIC master" },
	{ 0x0040, 0x0043, "8254 PIT" },
	{ 0x0060, 0x0060, "i8042 keyboard data" },
	{ 0x0061, 0x0061, "NMI status / speaker" },
	{ 0x0064, 0x0064, "i8042 keyboard status/command" },
	{ 0x0070, 0x0071, "CMOS RTC index/data" },
	{ 0x0080, 0x0080, "POST code / I/O delay" },
	{ 0x0092, 0x0092, "fast A20 / reset" },
	{ 0x00a0, 0x00a1, "8259 PIC slave" },
	{ 0x00b2, 0x00b3, "APM / SMI control" },
	{ 0x0170, 0x0177, "ATA secondary" },
	{ 0x01f0, 0x01f7, "ATA primary" },
	{ 0x02f8, 0x02ff, "COM2 serial" },
	{ 0x0376, 0x0376, "ATA secondary control" },
	{ 0x03c0, 0x03df, "VGA" },
	{ 0x03f6, 0x03f6, "ATA primary control" },
	{ 0x03f8, 0x03ff, "COM1 serial" },
	{ 0x0402, 0x0402, "QEMU debug console" },
	{ 0x04d0, 0x04d1, "PIC edge/level control" },
	{ 0x0510, 0x0511, "QEMU fw_cfg" },
	{ 0x0514, 0x051b, "QEMU fw_cfg DMA" },
	{ 0x0600, 0x067f, "ACPI PM (QEMU q35)" },
	{ 0x0cf8, 0x0cfb, "PCI config address" },
	{ 0x0cf9, 0x0cf9, "reset control" },
	{ 0x0cfc, 0x0cff, "PCI config data" },
	{ 0xb000, 0xb03f, "ACPI PM (QEMU i440fx)" },
};

const char *io_port_name(uint16_t port)
{
	const char *name = NULL;

	/* the narrowest range wins (0xcf9 inside 0xcf8-0xcfb) */
	for (size_t i = 0, best = SIZE_MAX; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (port >= ports[i].first && port <= ports[i].last &&
		    (size_t)(ports[i].last - ports[i].first) < best) {
			best = ports[i].last - ports[i].first;
			name = ports[i].name;
		}
	return name;
}

/* MSRs guests touch, by the kernel's names (msr-index.h, kvm_para.h, apicdef.h). */
static const struct msr_entry msrs[] = {
	{ 0x00000010, "MSR_IA32_TSC" },
	{ 0x0000001b, "MSR_IA32_APICBASE" },
	{ 0x0000003a, "MSR_IA32_FEAT_CTL" },
	{ 0x0000003b, "MSR_IA32_TSC_ADJUST" },
	{ 0x00000048, "MSR_IA32_SPEC_CTRL" },
	{ 0x00000049, "MSR_IA32_PRED_CMD" },
	{ 0x0000008b, "MSR_IA32_UCODE_REV" },
	{ 0x0000009e, "MSR_IA32_SMBASE" },
	{ 0x000000ce, "MSR_PLATFORM_INFO" },
	{ 0x000000e1, "MSR_IA32_UMWAIT_CONTROL" },
	{ 0x000000e7, "MSR_IA32_MPERF" },
	{ 0x000000e8, "MSR_IA32_APERF" },
	{ 0x000000fe, "MSR_MTRRcap" },
	{ 0x0000010a, "MSR_IA32_ARCH_CAPABILITIES" },
	{ 0x0000010b, "MSR_IA32_FLUSH_CMD" },
	{ 0x00000122, "MSR_IA32_TSX_CTRL" },
	{ 0x00000174, "MSR_IA32_SYSENTER_CS" },
	{ 0x00000175, "MSR_IA32_SYSENTER_ESP" },
	{ 0x00000176, "MSR_IA32_SYSENTER_EIP" },
	{ 0x00000179, "MSR_IA32_MCG_CAP" },
	{ 0x0000017a, "MSR_IA32_MCG_STATUS" },
	{ 0x00000198, "MSR_IA32_PERF_STATUS" },
	{ 0x00000199, "MSR_IA32_PERF_CTL" },
	{ 0x000001a0, "MSR_IA32_MISC_ENABLE" },
	{ 0x000001b0, "MSR_IA32_ENERGY_PERF_BIAS" },
	{ 0x000001d9, "MSR_IA32_DEBUGCTLMSR" },
	{ 0x000001fc, "MSR_IA32_POWER_CTL" },
	{ 0x00000277, "MSR_IA32_CR_PAT" },
	{ 0x000002ff, "MSR_MTRRdefType" },
	{ 0x0000038d, "MSR_CORE_PERF_FIXED_CTR_CTRL" },
	{ 0x0000038e, "MSR_CORE_PERF_GLOBAL_STATUS" },
	{ 0x0000038f, "MSR_CORE_PERF_GLOBAL_CTRL" },
	{ 0x00000390, "MSR_CORE_PERF_GLOBAL_OVF_CTRL" },
	{ 0x00000400, "MSR_IA32_MC0_CTL" },
	{ 0x00000401, "MSR_IA32_MC0_STATUS" },
	{ 0x000004c1, "MSR_IA32_PMC0" },
	{ 0x000006e0, "MSR_IA32_TSC_DEADLINE" },
	{ 0x00000802, "x2APIC ID" },
	{ 0x00000803, "x2APIC version" },
	{ 0x00000808, "x2APIC TPR" },
	{ 0x0000080b, "x2APIC EOI" },
	{ 0x0000080d, "x2APIC LDR" },
	{ 0x0000080f, "x2APIC SIVR" },
	{ 0x00000830, "x2APIC ICR" },
	{ 0x00000832, "x2APIC LVT timer" },
	{ 0x00000838, "x2APIC timer initial count" },
	{ 0x00000839, "x2APIC timer current count" },
	{ 0x0000083e, "x2APIC timer divide" },
	{ 0x0000083f, "x2APIC self IPI" },
	{ 0x00000da0, "MSR_IA32_XSS" },
	{ 0x4b564d00, "MSR_KVM_WALL_CLOCK_NEW" },
	{ 0x4b564d01, "MSR_KVM_SYSTEM_TIME_NEW" },
	{ 0x4b564d02, "MSR_KVM_ASYNC_PF_EN" },
	{ 0x4b564d03, "MSR_KVM_STEAL_TIME" },
	{ 0x4b564d04, "MSR_KVM_PV_EOI_EN" },
	{ 0x4b564d05, "MSR_KVM_POLL_CONTROL" },
	{ 0x4b564d06, "MSR_KVM_ASYNC_PF_INT" },
	{ 0x4b564d07, "MSR_KVM_ASYNC_PF_ACK" },
	{ 0x4b564d08, "MSR_KVM_MIGRATION_CONTROL" },
	{ 0xc0000080, "MSR_EFER" },
	{ 0xc0000081, "MSR_STAR" },
	{ 0xc0000082, "MSR_LSTAR" },
	{ 0xc0000083, "MSR_CSTAR" },
	{ 0xc0000084, "MSR_SYSCALL_MASK" },
	{ 0xc0000100, "MSR_FS_BASE" },
	{ 0xc0000101, "MSR_GS_BASE" },
	{ 0xc0000102, "MSR_KERNEL_GS_BASE" },
	{ 0xc0000103, "MSR_TSC_AUX" },
	{ 0xc0010000, "MSR_K7_EVNTSEL0" },
	{ 0xc0010004, "MSR_K7_PERFCTR0" },
	{ 0xc0010015, "MSR_K7_HWCR" },
	{ 0xc0010114, "MSR_VM_CR" },
	{ 0xc0010117, "MSR_VM_HSAVE_PA" },
	{ 0xc001011f, "MSR_AMD64_VIRT_SPEC_CTRL" },
	{ 0xc0010140, "MSR_AMD64_OSVW_ID_LENGTH" },
	{ 0xc0010141, "MSR_AMD64_OSVW_STATUS" },
	{ 0xc0010200, "MSR_F15H_PERF_CTL" },
	{ 0xc0011020, "MSR_AMD64_LS_CFG" },
	{ 0xc0011029, "MSR_AMD64_DE_CFG" },
};

const struct msr_entry *msr_table(size_t *n)
{
	*n = sizeof(msrs) / sizeof(msrs[0]);
	return msrs;
}

const char *msr_name(uint32_t index)
{
	size_t lo = 0, hi = sizeof(msrs) / sizeof(msrs[0]);

	while (lo < hi) {	/* the table is in index order (a unit test checks it) */
		size_t mid = (lo + hi) / 2;

		if (msrs[mid].index == index)
			return msrs[mid].name;
		if (msrs[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *vector_name(unsigned int vector)
{
	static const char *const names[32] = {
		[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF", [5] = "#BR",
		[6] = "#UD", [7] = "#NM", [8] = "#DF", [10] = "#TS", [11] = "#NP", [12] = "#SS",
		[13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC",
		[19] = "#XM", [20] = "#VE", [21] = "#CP", [29] = "#VC", [30] = "#SX",
	};

	return vector < 32 ? names[vector] : NULL;
}

static const char *dir_word(const struct exit_detail *d, const char *in, const char *out)
{
	return d->dir == DIR_IN ? in : d->dir == DIR_OUT ? out : "?";
}

size_t detail_str(const struct exit_detail *d, char *buf, size_t len)
{
	const char *name;
	int n = 0;

	switch (d->kind) {
	case DETAIL_IO:
		n = snprintf(buf, len, "%#06llx %s %u%s", (unsigned long long)d->key,
			     dir_word(d, "in", "out"), d->size, d->string ? " string" : "");
		break;
	case DETAIL_MSR:
		name = d->key == DETAIL_UNKNOWN_MSR ? NULL : msr_name((uint32_t)d->key);
		if (d->key == DETAIL_UNKNOWN_MSR)
			n = snprintf(buf, len, "msr ? %s", dir_word(d, "read", "write"));
		else
			n = snprintf(buf, len, "msr %#llx%s%s %s", (unsigned long long)d->key,
				     name ? " " : "", name ? name : "", dir_word(d, "read", "write"));
		break;
	case DETAIL_CR:
		n = snprintf(buf, len, "cr%llu %s%s", (unsigned long long)d->key,
			     dir_word(d, "read", "write"),
			     d->access == CR_CLTS ? " (clts)" : d->access == CR_LMSW ? " (lmsw)" :
			     d->access == CR_SELECTIVE ? " (selective)" : "");
		break;
	case DETAIL_NPF:
		if (d->key == UINT64_MAX)
			n = snprintf(buf, len, "gpa ? %s", dir_word(d, "read", "write"));
		else
			n = snprintf(buf, len, "gpa %#llx %s", (unsigned long long)d->key,
				     dir_word(d, "read", "write"));
		break;
	case DETAIL_VECTOR:
		name = vector_name((unsigned int)d->key);
		n = snprintf(buf, len, "vector %llu%s%s%s", (unsigned long long)d->key,
			     name ? " (" : "", name ? name : "", name ? ")" : "");
		break;
	default:
		n = snprintf(buf, len, "-");
	}
	return n < 0 ? 0 : (size_t)n;
}

struct detail_stats {
	struct oa t;	/* of struct detail_entry */
};

struct detail_stats *detail_stats_new(void)
{
	struct detail_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (oa_init(&s->t, sizeof(struct detail_entry), offsetof(struct detail_entry, count))) {
		free(s);
		return NULL;
	}
	return s;
}

void detail_stats_free(struct detail_stats *s)
{
	if (!s)
		return;
	oa_fini(&s->t);
	free(s);
}

bool detail_equal(const struct exit_detail *a, const struct exit_detail *b)
{
	return a->kind == b->kind && a->key == b->key && a->dir == b->dir && a->size == b->size &&
	       a->string == b->string && a->access == b->access && a->has_region == b->has_region &&
	       (!a->has_region || (a->slot == b->slot && a->slot_base == b->slot_base &&
				   a->slot_size == b->slot_size));
}

const char *detail_name(const struct exit_detail *d, char *buf, size_t len)
{
	const char *n = NULL;

	if (d->kind == DETAIL_NPF && d->has_region && len) {
		if (d->slot == DETAIL_NO_MEMSLOT)
			snprintf(buf, len, "MMIO (no memslot)");
		else
			snprintf(buf, len, "memslot %u (0x%llx-0x%llx)", d->slot,
				 (unsigned long long)d->slot_base,
				 (unsigned long long)(d->slot_base + d->slot_size - 1));
		return buf;
	}
	if (d->kind == DETAIL_IO)
		n = io_port_name((uint16_t)d->key);
	else if (d->kind == DETAIL_MSR && d->key != DETAIL_UNKNOWN_MSR)
		n = msr_name((uint32_t)d->key);
	else if (d->kind == DETAIL_VECTOR)
		n = vector_name((unsigned int)d->key);
	return n ? n : "";
}

/* A slot's key: the entry with only isa, reason and d set. */
static bool same(const void *slot, const void *key)
{
	const struct detail_entry *x = slot, *k = key;

	return x->isa == k->isa && x->reason == k->reason && detail_equal(&x->d, &k->d);
}

static uint64_t hash(const void *slot)
{
	const struct detail_entry *e = slot;

	return oa_mix(((uint64_t)e->isa << 56) ^ ((uint64_t)e->reason << 32) ^ e->d.key ^
		      ((uint64_t)e->d.dir << 20) ^ ((uint64_t)e->d.size << 24) ^
		      ((uint64_t)e->d.kind << 28));
}

static struct detail_entry *probe(const struct detail_stats *s, const struct detail_entry *key)
{
	return oa_probe(&s->t, hash(key), same, key);
}

int detail_stats_count(struct detail_stats *s, enum exit_isa isa, uint32_t reason,
		       const struct exit_detail *d)
{
	return detail_stats_add(s, isa, reason, d, 1, 0, 0);
}

int detail_stats_add(struct detail_stats *s, enum exit_isa isa, uint32_t reason,
		     const struct exit_detail *d, uint64_t count, uint64_t timed, uint64_t time)
{
	struct detail_entry key = { .isa = isa, .d = *d }, *e;

	if (!count)
		return 0;
	key.reason = isa == ISA_VMX ? reason & VMX_EXIT_BASIC_MASK : reason;
	if (oa_reserve(&s->t, hash))
		return -1;
	e = probe(s, &key);
	if (!e->count) {
		*e = key;
		s->t.used++;
	}
	e->count += count;
	e->timed += timed;
	e->time += time;
	return 0;
}

void detail_stats_time(struct detail_stats *s, enum exit_isa isa, uint32_t reason,
		       const struct exit_detail *d, uint64_t time)
{
	struct detail_entry key = { .isa = isa, .d = *d }, *e;

	key.reason = isa == ISA_VMX ? reason & VMX_EXIT_BASIC_MASK : reason;
	e = probe(s, &key);
	if (e->count) {
		e->timed++;
		e->time += time;
	}
}

static int by_reason_then_count(const void *x, const void *y)
{
	const struct detail_entry *a = x, *b = y;
	int o = oa_order(a->isa, a->reason, a->count, b->isa, b->reason, b->count);

	if (o)
		return o;
	if (a->d.key != b->d.key)
		return a->d.key < b->d.key ? -1 : 1;
	return (int)a->d.dir - (int)b->d.dir;
}

size_t detail_stats_sorted(const struct detail_stats *s, struct detail_entry **out)
{
	void *a;
	size_t n = oa_sorted(&s->t, &a, by_reason_then_count);

	*out = a;
	return n;
}

/* The detail of an exit event of one of kinds: false when it has none. */
static bool event_detail(const struct exit_event *ev, unsigned int kinds, struct exit_detail *d)
{
	return ev->kind == EV_EXIT && ev->has_info && detail_decode(ev->isa, ev->reason, &ev->info, d) &&
	       (kinds & (1u << d->kind));
}

int detail_stats_event(struct detail_stats *s, const struct exit_event *ev, unsigned int kinds)
{
	struct exit_detail d;

	if (!event_detail(ev, kinds, &d))
		return 0;
	return detail_stats_add(s, ev->isa, ev->reason, &d, exit_event_count(ev), 0, 0);
}

void detail_stats_event_time(struct detail_stats *s, const struct exit_event *ev,
			     unsigned int kinds, uint64_t dur)
{
	struct exit_detail d;

	if (event_detail(ev, kinds, &d))
		detail_stats_time(s, ev->isa, ev->reason, &d, dur);
}
