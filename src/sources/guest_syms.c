// SPDX-License-Identifier: GPL-2.0
/* A guest's System.map or kallsyms, sorted for lookups. See guest_syms.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "sources/guest_syms.h"

struct sym {
	uint64_t addr;
	char *name;
	bool local;	/* t, w: a global (T, W) at the same address wins */
};

struct guest_syms {
	struct sym *syms;
	size_t n, cap;
};

void guest_syms_free(struct guest_syms *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->syms[i].name);
	free(s->syms);
	free(s);
}

size_t guest_syms_count(const struct guest_syms *s)
{
	return s->n;
}

static int by_addr(const void *x, const void *y)
{
	const struct sym *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->local != b->local)
		return a->local ? 1 : -1;
	return strcmp(a->name, b->name);
}

/*
 * One line: `ADDRESS TYPE NAME` or `ADDRESS TYPE NAME\t[MODULE]`. 1 a code
 * symbol (in *out, name allocated), 0 another kind, -1 malformed (*why).
 */
static int parse_line(char *line, struct sym *out, const char **why)
{
	char *p = line, *end, *name, *mod = NULL;
	unsigned long long addr;
	char type;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] && line[strlen(line) - 1] == '\r')
		line[strlen(line) - 1] = '\0';
	errno = 0;
	addr = strtoull(p, &end, 16);
	if (end == p || errno || (*end != ' ' && *end != '\t') || !strchr("0123456789abcdefABCDEF", *p)) {
		*why = "not ADDRESS TYPE NAME (a hex address first)";
		return -1;
	}
	p = end + strspn(end, " \t");
	if (!*p || (p[1] != ' ' && p[1] != '\t')) {
		*why = "not ADDRESS TYPE NAME (a one-letter type after the address)";
		return -1;
	}
	type = *p;
	p += 1 + strspn(p + 1, " \t");
	name = p;
	p += strcspn(p, " \t");
	if (p == name) {
		*why = "not ADDRESS TYPE NAME (no name)";
		return -1;
	}
	if (*p) {
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p) {
			/* kallsyms: the module in brackets, nothing after it */
			if (*p != '[' || p[strlen(p) - 1] != ']' || strlen(p) < 3 ||
			    strcspn(p, " \t") != strlen(p)) {
				*why = "not ADDRESS TYPE NAME [MODULE] (words after the name)";
				return -1;
			}
			mod = p;
		}
	}
	if (!strchr("tTwW", type))
		return 0;
	out->addr = addr;
	out->local = type == 't' || type == 'w';
	if (mod) {
		if (asprintf(&out->name, "%s %s", name, mod) < 0)
			out->name = NULL;
	} else {
		out->name = strdup(name);
	}
	if (!out->name) {
		*why = "out of memory";
		return -1;
	}
	return 1;
}

static struct guest_syms *load(FILE *f, const char *path, struct es_error *err)
{
	struct guest_syms *s = calloc(1, sizeof(*s));
	char *line = NULL;
	size_t len = 0, lineno = 0;
	bool nonzero = false;

	if (!s) {
		es_error_set(err, "%s: out of memory", path);
		return NULL;
	}
	while (getline(&line, &len, f) >= 0) {
		const char *why;
		struct sym sym;
		int rc;

		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;	/* a blank line (an empty last line) */
		rc = parse_line(line, &sym, &why);
		if (rc < 0) {
			line[strcspn(line, "\n")] = '\0';
			es_error_set(err, "%s:%zu: %s: %.80s", path, lineno, why, line);
			goto fail;
		}
		if (!rc)
			continue;
		if (array_reserve(&s->syms, &s->cap, s->n + 1, sizeof(*s->syms), 1024)) {
			free(sym.name);
			es_error_set(err, "%s: out of memory", path);
			goto fail;
		}
		s->syms[s->n++] = sym;
		nonzero |= sym.addr != 0;
	}
	if (ferror(f)) {
		es_error_set(err, "%s: read failed: %s", path, strerror(errno));
		goto fail;
	}
	if (!s->n) {
		es_error_set(err, "%s: no code symbol (type t, T, w or W) in %zu lines: not a "
			     "System.map or kallsyms", path, lineno);
		goto fail;
	}
	if (!nonzero) {
		es_error_set(err, "%s: every address is 0: a /proc/kallsyms read without the right to "
			     "see addresses (copy it as root with kernel.kptr_restrict=0)", path);
		goto fail;
	}
	free(line);
	qsort(s->syms, s->n, sizeof(*s->syms), by_addr);
	return s;
fail:
	free(line);
	guest_syms_free(s);
	return NULL;
}

struct guest_syms *guest_syms_load(const char *path, struct es_error *err)
{
	FILE *f = fopen(path, "r");
	struct guest_syms *s;

	if (!f) {
		es_error_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	s = load(f, path, err);
	fclose(f);
	return s;
}

bool guest_syms_lookup(const struct guest_syms *s, uint64_t addr, const char **name,
		       uint64_t *off)
{
	size_t lo = 0, hi = s->n;

	/* the first symbol above addr; the one before it is ours */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	lo--;
	/* several at one address: the first of them (sorted: global first) */
	while (lo && s->syms[lo - 1].addr == s->syms[lo].addr)
		lo--;
	*name = s->syms[lo].name;
	*off = addr - s->syms[lo].addr;
	return true;
}
