// SPDX-License-Identifier: GPL-2.0
/* Reader for the patched kernel's debugfs VM-exit table; see kernel_stats.h. */
#include "core/array.h"
#include "sources/kernel_stats.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
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

/* Only printable text and tabs: no byte of the line reaches a message raw. */
static int check_chars(const char *s, size_t n, const char *name, size_t line,
		       struct es_error *err)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(err, name, line, "control byte 0x%02x at column %zu", c, i + 1);
	}
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
	while ((errno = 0, len = getline(&buf, &bufsize, f)) >= 0) {
		line++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';	/* a CRLF copy of the table */
		rc = check_chars(buf, (size_t)len, name, line, err);
		if (rc)
			break;
		if (buf[0] == '#')
			rc = parse_comment(buf + 1, name, line, out, err);
		else if (buf[0])
			rc = parse_row(buf, name, line, out, &cap, err);
		else
			rc = fail(err, name, line, "empty line");
		if (rc)
			break;
	}
	if (!rc && len < 0 && errno == ENOMEM)
		rc = fail(err, name, line + 1, "out of memory reading the line (%zu bytes so far)",
			  bufsize);
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

static int vcpu_cmp(const void *a, const void *b)
{
	const struct kernel_vcpu_stats *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->fd != y->fd)
		return x->fd < y->fd ? -1 : 1;
	return (x->vcpu > y->vcpu) - (x->vcpu < y->vcpu);
}

/* The vCPU tables of one VM directory dir/name (name "<pid>-<fd>"). */
static int read_vm_dir(const char *dir, const char *name, int pid, int fd,
		       struct kernel_vm_stats *out, size_t *cap, struct es_error *err)
{
	char path[4096];
	struct dirent *e;
	DIR *d;
	int vcpu, end, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	d = opendir(path);
	if (!d)
		return es_error_set(err, "%s: %s", path, strerror(errno));
	while (!rc && (e = readdir(d))) {
		struct kernel_vcpu_stats *v;

		if (sscanf(e->d_name, "vcpu%d%n", &vcpu, &end) != 1 || e->d_name[end])
			continue;
		if (array_reserve(&out->v, cap, out->n + 1, sizeof(*out->v), 8)) {
			rc = es_error_set(err, "%s: out of memory", path);
			break;
		}
		v = &out->v[out->n];
		*v = (struct kernel_vcpu_stats){ .pid = pid, .fd = fd, .vcpu = vcpu };
		snprintf(path, sizeof(path), "%s/%s/%s/exit_stats", dir, name, e->d_name);
		out->n++;
		if (kernel_stats_read(path, &v->ks, err))
			rc = -1;
	}
	closedir(d);
	return rc;
}

int kernel_vm_stats_read(const char *dir, struct kernel_vm_stats *out, struct es_error *err)
{
	size_t cap = 0;
	struct dirent *e;
	DIR *d;
	int pid, fd, end, rc = 0;

	memset(out, 0, sizeof(*out));
	d = opendir(dir);
	if (!d)
		return es_error_set(err, "%s: %s", dir, strerror(errno));
	while (!rc && (e = readdir(d))) {
		if (sscanf(e->d_name, "%d-%d%n", &pid, &fd, &end) != 2 || e->d_name[end])
			continue;
		rc = read_vm_dir(dir, e->d_name, pid, fd, out, &cap, err);
		out->vms++;
	}
	closedir(d);
	if (!rc && out->n)
		qsort(out->v, out->n, sizeof(*out->v), vcpu_cmp);
	return rc;
}

void kernel_vm_stats_free(struct kernel_vm_stats *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		kernel_stats_free(&vs->v[i].ks);
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

int kernel_stats_counting(const char *params_dir, struct es_error *err)
{
	char path[4096], buf[8] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/exit_stats", params_dir);
	f = fopen(path, "r");
	if (!f)
		return es_error_set(err, "%s: %s", path, strerror(errno));
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (buf[0] == 'Y' || buf[0] == '1')
		return 1;
	if (buf[0] == 'N' || buf[0] == '0')
		return 0;
	return es_error_set(err, "%s: '%.*s' is neither Y nor N", path, (int)strcspn(buf, "\n"), buf);
}
