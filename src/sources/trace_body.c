// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_exit and kvm_entry bodies, as every renderer and kernel era printed them
 * (the kernel eras' print fmts: tests/unit/test_trace.c, body_cases). The reason is
 * the only field exitstat needs; it is settled here as far as one line can
 * settle it, and trace_text.c applies the trace-wide ISA rule.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "sources/trace_line.h"

#define CACHE_SLOTS 512
#define CACHE_KEY_MAX 63

struct cache_slot {
	uint8_t len;		/* 0: empty */
	char key[CACHE_KEY_MAX];
	bool found;
	struct exit_body b;	/* how, isa, code, svm_code, vmx_code, plugin_spelling */
};

struct reason_cache {
	struct cache_slot slot[CACHE_SLOTS];
};

struct reason_cache *reason_cache_new(void)
{
	return calloc(1, sizeof(struct reason_cache));
}

void reason_cache_free(struct reason_cache *c)
{
	free(c);
}

static bool starts(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) >= n && !memcmp(s, word, n);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s, const char *e)
{
	while (s < e && is_blank(*s))
		s++;
	return s;
}

/* A number token [s, e): 0x-hex, or decimal unless hex_default. */
static bool parse_num(const char *s, const char *e, bool hex_default, uint64_t *v)
{
	uint64_t x = 0, limit;
	int base = hex_default ? 16 : 10;

	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	}
	if (s >= e)
		return false;
	limit = UINT64_MAX / (uint64_t)base;
	for (; s < e; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (x > limit || (x == limit && (uint64_t)d > UINT64_MAX % (uint64_t)base))
			return false;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	*v = x;
	return true;
}

/* VMX flag words the kernel's __print_flags writes after the reason. */
static bool vmx_flag_word(const char *s, const char *e, uint32_t *bit)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} words[] = {
		{ "FAILED_VMENTRY", VMX_EXIT_FAILED_ENTRY },
		{ "ENCLAVE_MODE", VMX_EXIT_ENCLAVE_MODE },
		{ "PENDING_MTF", VMX_EXIT_PENDING_MTF },
		{ "FROM_VMX_ROOT", VMX_EXIT_FROM_ROOT },
	};
	size_t n = (size_t)(e - s);
	uint64_t v;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].name) == n && !memcmp(words[i].name, s, n)) {
			*bit = words[i].bit;
			return true;
		}
	/* Bits the kernel has no name for are printed as one hex number. */
	if (n > 2 && s[0] == '0' && s[1] == 'x' && parse_num(s, e, true, &v) &&
	    v <= UINT32_MAX && !(v & VMX_EXIT_BASIC_MASK)) {
		*bit = (uint32_t)v;
		return true;
	}
	return false;
}

/* The flag words in [w, e), ORed into *flags. false at a word that is not one. */
static bool vmx_flag_words(const char *w, const char *e, uint32_t *flags)
{
	uint32_t bit;

	while (w < e) {
		const char *we;

		w = skip_blanks(w, e);
		we = w;
		while (we < e && !is_blank(*we))
			we++;
		if (!vmx_flag_word(w, we, &bit))
			return false;
		*flags |= bit;
		w = we;
	}
	return true;
}

/* Settle a name (no cache). false if it names no reason. */
static bool settle_name(const char *s, size_t n, struct exit_body *b)
{
	const struct exit_reason *r = reason_find_n(s, n, ISA_UNKNOWN), *rv;
	bool has_upper = false, has_lower = false;
	char up[CACHE_KEY_MAX + 1];

	b->plugin_spelling = n > 5 && !strncmp(s, "EXIT_", 5) && strncmp(s, "EXIT_REASON_", 12);
	rv = reason_find_old_vmx(s, n);	/* 2009's VMX names (the catalogue's) */
	if (rv && rv->isa == ISA_VMX) {
		if (r && r->isa == ISA_SVM) {
			b->how = RISA_LOWER_AMBIGUOUS;
			b->isa = ISA_UNKNOWN;
			b->svm_code = r->code;
			b->vmx_code = rv->code;
		} else {
			b->how = RISA_NAME;
			b->isa = ISA_VMX;
			b->code = rv->code;
		}
		return true;
	}
	if (!r) {
		/* `INVALID_STATE FAILED_VMENTRY`: a VMX name, then flag words. */
		const char *w = memchr(s, ' ', n);
		uint32_t flags = 0;

		if (!w)
			return false;
		r = reason_find_n(s, (size_t)(w - s), ISA_VMX);
		if (!r || r->isa != ISA_VMX || !vmx_flag_words(w, s + n, &flags))
			return false;
		b->how = RISA_VMX_FLAGS;
		b->isa = ISA_VMX;
		b->code = r->code | flags;
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		has_upper |= isupper((unsigned char)s[i]) != 0;
		has_lower |= islower((unsigned char)s[i]) != 0;
	}
	/*
	 * Lower case is the kernel's SVM spelling, but kernels of 2009 printed
	 * VMX names in lower case too (`cpuid`, `invlpg`): such a name is
	 * settled by the trace's other lines.
	 */
	if (r->isa == ISA_SVM && has_lower && !has_upper && n <= CACHE_KEY_MAX) {
		for (size_t i = 0; i < n; i++)
			up[i] = (char)toupper((unsigned char)s[i]);
		rv = reason_find_n(up, n, ISA_VMX);
		if (rv && rv->isa == ISA_VMX) {
			b->how = RISA_LOWER_AMBIGUOUS;
			b->isa = ISA_UNKNOWN;
			b->svm_code = r->code;
			b->vmx_code = rv->code;
			return true;
		}
	}
	b->how = RISA_NAME;
	b->isa = r->isa;
	b->code = r->code;
	return true;
}

static bool settle_cached(struct reason_cache *c, const char *s, size_t n, struct exit_body *b)
{
	uint32_t h = 2166136261u;
	struct cache_slot *slot;
	bool found;

	if (n > CACHE_KEY_MAX || !c)
		return settle_name(s, n, b);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	slot = &c->slot[h & (CACHE_SLOTS - 1)];
	if (slot->len == n && !memcmp(slot->key, s, n)) {
		if (slot->found) {
			b->how = slot->b.how;
			b->isa = slot->b.isa;
			b->code = slot->b.code;
			b->svm_code = slot->b.svm_code;
			b->vmx_code = slot->b.vmx_code;
			b->plugin_spelling = slot->b.plugin_spelling;
		}
		return slot->found;
	}
	found = settle_name(s, n, b);
	slot->len = (uint8_t)n;
	memcpy(slot->key, s, n);
	slot->found = found;
	slot->b = *b;
	return found;
}

/* The reason text [s, e), without ` rip`. */
static int settle_reason(struct reason_cache *c, const char *s, const char *e,
			 struct exit_body *b, const char **why)
{
	uint64_t v;

	if (s == e) {
		*why = "empty exit reason";
		return -1;
	}
	if (*s >= '0' && *s <= '9') {
		const char *w = memchr(s, ' ', (size_t)(e - s));

		/* The kernel prints a number it has no name for as 0x%x. */
		if (!parse_num(s, w ? w : e, false, &v) || v > UINT32_MAX) {
			*why = "exit reason is not a number or a name";
			return -1;
		}
		b->how = RISA_NUMBER;
		b->isa = ISA_UNKNOWN;
		b->code = (uint32_t)v;
		if (w) {
			/* Only VMX prints flag words after the reason. */
			if (!vmx_flag_words(w, e, &b->code)) {
				*why = "unknown words after the exit reason";
				return -1;
			}
			b->how = RISA_VMX_FLAGS;
			b->isa = ISA_VMX;
		}
		return 0;
	}
	/* libtraceevent's kvm plugin: `UNKNOWN (123)`, decimal. */
	if (starts(s, e, "UNKNOWN (") && e[-1] == ')') {
		if (!parse_num(s + 9, e - 1, false, &v) || v > UINT32_MAX) {
			*why = "bad number in UNKNOWN (N)";
			return -1;
		}
		b->how = RISA_NUMBER;
		b->isa = ISA_UNKNOWN;
		b->code = (uint32_t)v;
		b->plugin_spelling = true;
		return 0;
	}
	if (!settle_cached(c, s, (size_t)(e - s), b)) {
		*why = "unknown exit reason";
		return -1;
	}
	return 0;
}

/* The value of field `name=` in a raw-fields body, as a number. */
static bool field_value(const char *s, const char *e, const char *name, uint64_t *v)
{
	size_t nl = strlen(name);

	for (const char *p = s; p + nl < e; p++) {
		const char *ve;

		p = memmem(p, (size_t)(e - p), name, nl);
		if (!p)
			return false;
		if (p > s && !is_blank(p[-1]))
			continue;
		ve = p + nl;
		while (ve < e && !is_blank(*ve))
			ve++;
		return parse_num(p + nl, ve, false, v);
	}
	return false;
}

/* `[FAILED TO PARSE] exit_reason=123 guest_rip=0x... isa=2 ... vcpu_id=0`. */
static int parse_fields_exit(const char *s, const char *e, struct exit_body *b, const char **why)
{
	uint64_t v;

	if (!field_value(s, e, "exit_reason=", &v) || v > UINT32_MAX) {
		*why = "raw kvm_exit fields without a numeric exit_reason";
		return -1;
	}
	b->code = (uint32_t)v;
	b->how = RISA_NUMBER;
	b->isa = ISA_UNKNOWN;
	/* The tracepoint's isa field: KVM_ISA_VMX 1, KVM_ISA_SVM 2. */
	if (field_value(s, e, "isa=", &v) && (v == ISA_VMX || v == ISA_SVM)) {
		b->how = RISA_NAME;
		b->isa = (enum exit_isa)v;
	}
	if (field_value(s, e, "vcpu_id=", &v) && v < STATS_VCPU_UNKNOWN)
		b->vcpu = (uint32_t)v;
	return 0;
}

static bool is_fields_body(const char *s, const char *e)
{
	return starts(s, e, "[FAILED TO PARSE]") || starts(s, e, "exit_reason=") ||
	       starts(s, e, "vcpu_id=");
}

static int exit_body_parse(struct reason_cache *c, const char *s, size_t n,
			   struct exit_body *b, const char **why, bool alone)
{
	const char *e = s + n, *p = s, *r, *rip = NULL, *t;
	uint64_t v;

	memset(b, 0, sizeof(*b));
	b->vcpu = STATS_VCPU_UNKNOWN;
	if (n == 0) {
		*why = "kvm_exit without a body (record cut short)";
		return TRACE_BODY_CUT;
	}
	if (is_fields_body(s, e))
		return parse_fields_exit(s, e, b, why);
	if (n == 4 && !memcmp(p, "vcpu", 4)) {
		*why = "kvm_exit cut short after `vcpu`";
		return TRACE_BODY_CUT;
	}
	if (starts(p, e, "vcpu ")) {
		const char *d = skip_blanks(p + 5, e), *de = d;

		while (de < e && *de >= '0' && *de <= '9')
			de++;
		if (!parse_num(d, de, false, &v) || v >= STATS_VCPU_UNKNOWN) {
			*why = "vcpu is not a number";
			return -1;
		}
		b->vcpu = (uint32_t)v;
		p = skip_blanks(de, e);
	}
	if (!starts(p, e, "reason ")) {
		/* `vcpu 1` or `vcpu 1 reas`: the line stops before the reason */
		if ((size_t)(e - p) <= 6 && !memcmp(p, "reason", (size_t)(e - p))) {
			*why = "kvm_exit cut short before the exit reason";
			return TRACE_BODY_CUT;
		}
		*why = "kvm_exit without `reason`";
		return -1;
	}
	r = skip_blanks(p + 7, e);
	/* The reason ends at ` rip`: names may hold spaces (`GP excp`), never that. */
	for (const char *q = r; q + 4 <= e; q++) {
		q = memchr(q, ' ', (size_t)(e - q));
		if (!q || q + 4 > e)
			break;
		if (!memcmp(q, " rip", 4) && (q + 4 == e || is_blank(q[4]))) {
			rip = q;
			break;
		}
	}
	if (!rip && alone) {
		/* The reason alone: the line ends there, or in ` r`/` ri` of the rip cut off. */
		rip = e;
		if (e - r > 3 && !memcmp(e - 3, " ri", 3))
			rip = e - 3;
		else if (e - r > 2 && !memcmp(e - 2, " r", 2))
			rip = e - 2;
	}
	if (!rip) {
		*why = "no ` rip` after the exit reason (line cut short or wrapped)";
		return TRACE_BODY_CUT;
	}
	t = rip;
	while (t > r && is_blank(t[-1]))
		t--;
	if (alone && t > r && *r >= '0' && *r <= '9') {
		*why = "kvm_exit cut short after a number, which may be cut itself";
		return -1;
	}
	if (settle_reason(c, r, t, b, why))
		return -1;
	/* What follows rip (info, info1 ... requests, or nothing) exitstat does not need. */
	return 0;
}

int trace_exit_body_parse(struct reason_cache *c, const char *s, size_t n,
			  struct exit_body *b, const char **why)
{
	return exit_body_parse(c, s, n, b, why, false);
}

int trace_exit_body_parse_alone(struct reason_cache *c, const char *s, size_t n,
				struct exit_body *b, const char **why)
{
	int ret = exit_body_parse(c, s, n, b, why, true);

	return ret == TRACE_BODY_CUT ? -1 : ret;
}

int trace_entry_body_parse(const char *s, size_t n, uint32_t *vcpu, bool *has_rip,
			   const char **why)
{
	const char *e = s + n, *d, *de;
	uint64_t v;

	*has_rip = false;
	if (n && is_fields_body(s, e)) {
		if (!field_value(s, e, "vcpu_id=", &v) || v >= STATS_VCPU_UNKNOWN) {
			*why = "raw kvm_entry fields without a numeric vcpu_id";
			return -1;
		}
		*vcpu = (uint32_t)v;
		*has_rip = field_value(s, e, "rip=", &v);
		return 0;
	}
	if (n <= 4 && !memcmp(s, "vcpu", n)) {
		*why = "kvm_entry cut short before `vcpu N`";
		return TRACE_BODY_CUT;
	}
	if (!starts(s, e, "vcpu ")) {
		*why = n ? "kvm_entry without `vcpu N`" : "kvm_entry without a body (record cut short)";
		return -1;
	}
	d = skip_blanks(s + 5, e);
	de = d;
	while (de < e && *de >= '0' && *de <= '9')
		de++;
	if (!parse_num(d, de, false, &v) || v >= STATS_VCPU_UNKNOWN ||
	    (de < e && *de != ',' && !is_blank(*de))) {
		*why = "kvm_entry: vcpu is not a number";
		return -1;
	}
	*vcpu = (uint32_t)v;
	/* The kernel since 5.10 prints `vcpu N, rip 0x..`, the kvm plugin `vcpu N rip 0x..`. */
	if (de < e && *de == ',')
		de++;
	*has_rip = starts(skip_blanks(de, e), e, "rip ");
	return 0;
}

/* The next blank-separated token of [*p, e) as [s, t); false at the end. */
static bool next_token(const char **p, const char *e, const char **s, const char **t)
{
	const char *q = skip_blanks(*p, e), *r = q;

	while (r < e && !is_blank(*r))
		r++;
	*s = q;
	*t = r;
	*p = r;
	return q < r;
}

/* A token `name` or `name=VALUE`; with the = form, [*v, t) is the value. */
static bool key_is(const char *s, const char *t, const char *name, const char **v)
{
	size_t n = strlen(name);

	if ((size_t)(t - s) == n && !memcmp(s, name, n)) {
		*v = NULL;
		return true;
	}
	if ((size_t)(t - s) > n + 1 && !memcmp(s, name, n) && s[n] == '=') {
		*v = s + n + 1;
		return true;
	}
	return false;
}

/* The value of a key: after its `=`, or the next token. */
static bool key_value(const char **p, const char *e, const char *v, const char *t, uint64_t *out)
{
	const char *s;

	if (v)
		return parse_num(v, t, true, out);
	return next_token(p, e, &s, &t) && parse_num(s, t, true, out);
}

bool trace_exit_info_parse(const char *body, size_t n, struct exit_info *in)
{
	const char *p = body, *e = body + n, *s, *t, *v;
	bool have = false;
	uint64_t x;

	memset(in, 0, sizeof(*in));
	while (next_token(&p, e, &s, &t)) {
		if (key_is(s, t, "info1", &v) && key_value(&p, e, v, t, &x)) {
			in->info1 = x;
			have = true;
		} else if (key_is(s, t, "info2", &v) && key_value(&p, e, v, t, &x)) {
			in->info2 = x;
		} else if (key_is(s, t, "intr_info", &v) && key_value(&p, e, v, t, &x)) {
			in->intr_info = (uint32_t)x;
			in->has_intr_info = true;
		} else if (key_is(s, t, "rip", &v) && key_value(&p, e, v, t, &x)) {
			in->rip = x;	/* `rip 0x..`: every era, every tool */
			in->has_rip = true;
		} else if (key_is(s, t, "guest_rip", &v) && v && parse_num(v, t, false, &x)) {
			in->rip = x;	/* raw fields: `guest_rip=0x..` or %llu */
			in->has_rip = true;
		} else if (key_is(s, t, "info", &v) && !v && key_value(&p, e, NULL, t, &x)) {
			/* before 5.x: `info %llx %llx`, on VMX the qualification and the interruption information */
			in->info1 = x;
			if (key_value(&p, e, NULL, t, &x)) {
				in->info2 = x;
				in->intr_info = (uint32_t)x;
				in->has_intr_info = true;
			}
			have = true;
		}
	}
	return have;
}

bool trace_msr_body_parse(const char *body, size_t n, uint32_t *msr, bool *write)
{
	const char *p = body, *e = body + n, *s, *t;
	uint64_t x;

	if (!next_token(&p, e, &s, &t))
		return false;
	if ((size_t)(t - s) == 8 && !memcmp(s, "msr_read", 8))
		*write = false;
	else if ((size_t)(t - s) == 9 && !memcmp(s, "msr_write", 9))
		*write = true;
	else
		return false;
	if (!next_token(&p, e, &s, &t) || !parse_num(s, t, true, &x) || x > UINT32_MAX)
		return false;
	*msr = (uint32_t)x;
	return next_token(&p, e, &s, &t) && t - s == 1 && *s == '=';
}

bool trace_page_fault_body_parse(const char *body, size_t n, uint64_t *gpa)
{
	const char *p = body, *e = body + n, *s, *t;

	while (next_token(&p, e, &s, &t)) {
		if ((size_t)(t - s) != 7 || memcmp(s, "address", 7))
			continue;
		return next_token(&p, e, &s, &t) && parse_num(s, t, true, gpa);
	}
	return false;
}
