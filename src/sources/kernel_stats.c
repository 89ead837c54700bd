// SPDX-License-Identifier: GPL-2.0
/* Reader for the patched kernel's debugfs VM-exit table; see kernel_stats.h. */
#include "core/array.h"
#include "sources/kernel_stats.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 4, 5)))
static int fail(struct es_error *err, const char *name, size_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	es_error_vset(err, fmt, ap);
	va_end(ap);
	return es_error_prefix(err, "%s:%zu", name, line);
}

/* Next space-separated field of *s (advanced past it); NULL at end of line. */
static char *next_field(char **s)
{
	char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	start = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return start;
}

/* A decimal (base 10) or "0x" hex (base 16) unsigned number, all of `s`. */
static bool parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (base == 16) {
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			return false;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_comment(char *rest, const char *name, size_t line,
			 struct kernel_stats *ks, struct es_error *err)
{
	char *key = next_field(&rest), *count, *cycles;
	uint64_t c, y;

	if (!key || (strcmp(key, "total") && strcmp(key, "unmapped")))
		return 0;	/* the header or any other comment */
	count = next_field(&rest);
	cycles = next_field(&rest);
	if (!count || !cycles || next_field(&rest))
		return fail(err, name, line,
			    "'# %s' needs exactly a count and a cycle total", key);
	if (!parse_u64(count, 10, UINT64_MAX, &c))
		return fail(err, name, line, "'# %s': count '%s' is not a decimal 64-bit number", key, count);
	if (!parse_u64(cycles, 10, UINT64_MAX, &y))
		return fail(err, name, line, "'# %s': cycles '%s' is not a decimal 64-bit number", key, cycles);
	if (!strcmp(key, "total")) {
		ks->has_total = true;
		ks->total_count = c;
		ks->total_cycles = y;
	} else {
		ks->has_unmapped = true;
		ks->unmapped_count = c;
		ks->unmapped_cycles = y;
	}
	return 0;
}

static int parse_row(char *s, const char *name, size_t line,
		     struct kernel_stats *ks, size_t *cap, struct es_error *err)
{
	char *isa_s = next_field(&s), *code_s = next_field(&s);
	char *count_s = next_field(&s), *cycles_s = next_field(&s);
	struct kernel_stat row;
	uint64_t code;

	if (!isa_s || !code_s || !count_s || !cycles_s)
		return fail(err, name, line,
			    "expected 'isa code count cycles name', got %d field(s)",
			    !!isa_s + !!code_s + !!count_s + !!cycles_s);
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return fail(err, name, line, "row for %s %s has no name", isa_s, code_s);
	if ((strcmp(isa_s, "vmx") && strcmp(isa_s, "svm")) || isa_parse(isa_s, &row.isa))
		return fail(err, name, line, "isa '%s' is neither vmx nor svm", isa_s);
	if (!parse_u64(code_s, 16, UINT32_MAX, &code))
		return fail(err, name, line, "exit code '%s' is not a 0x-prefixed 32-bit hex number", code_s);
	row.code = (uint32_t)code;
	if (!parse_u64(count_s, 10, UINT64_MAX, &row.count))
		return fail(err, name, line, "count '%s' is not a decimal 64-bit number", count_s);
	if (!parse_u64(cycles_s, 10, UINT64_MAX, &row.cycles))
		return fail(err, name, line, "cycles '%s' is not a decimal 64-bit number", cycles_s);
	if (ks->n && ks->rows[0].isa != row.isa)
		return fail(err, name, line, "isa %s after rows of %s: one table has one isa",
			    isa_s, isa_name(ks->rows[0].isa));
	if (kernel_stats_find(ks, row.isa, row.code))
		return fail(err, name, line, "second row for %s 0x%x", isa_s, row.code);

	if (array_reserve(&ks->rows, cap, ks->n + 1, sizeof(*ks->rows), 256))
		return fail(err, name, line, "out of memory");
	ks->rows[ks->n++] = row;
	return 0;
}

int kernel_stats_parse(FILE *f, const char *name, struct kernel_stats *out,
		       struct es_error *err)
{
	char *buf = NULL;
	size_t bufsize = 0, line = 0, cap = 0;
	ssize_t len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while ((len = getline(&buf, &bufsize, f)) >= 0) {
		line++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if ((size_t)len != strlen(buf)) {
			rc = fail(err, name, line, "NUL byte in the line");
			break;
		}
		if (buf[0] == '#')
			rc = parse_comment(buf + 1, name, line, out, err);
		else if (buf[0])
			rc = parse_row(buf, name, line, out, &cap, err);
		else
			rc = fail(err, name, line, "empty line");
		if (rc)
			break;
	}
	if (!rc && ferror(f))
		rc = fail(err, name, line + 1, "read error: %s", strerror(errno));
	if (!rc && !out->n)
		rc = fail(err, name, line, "no rows: not an exit_stats table");
	free(buf);
	return rc;
}

int kernel_stats_read(const char *path, struct kernel_stats *out,
		      struct es_error *err)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		memset(out, 0, sizeof(*out));
		es_error_set(err, "%s: %s%s", path, strerror(errno),
			 errno == ENOENT ? " (kernel without the exit-statistics patch, or debugfs not mounted?)" : "");
		return -1;
	}
	rc = kernel_stats_parse(f, path, out, err);
	fclose(f);
	return rc;
}

void kernel_stats_free(struct kernel_stats *ks)
{
	free(ks->rows);
	memset(ks, 0, sizeof(*ks));
}

const struct kernel_stat *kernel_stats_find(const struct kernel_stats *ks,
					    enum exit_isa isa, uint32_t code)
{
	for (size_t i = 0; i < ks->n; i++)
		if (ks->rows[i].isa == isa && ks->rows[i].code == code)
			return &ks->rows[i];
	return NULL;
}
