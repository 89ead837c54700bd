// SPDX-License-Identifier: GPL-2.0
/* VM names from QEMU's command line or libvirt's pid files. See vm_name.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live/vm_name.h"

int vm_name_from_parse(const char *s, enum vm_name_from *from)
{
	if (!strcmp(s, "cmdline"))
		*from = VM_NAME_CMDLINE;
	else if (!strcmp(s, "libvirt"))
		*from = VM_NAME_LIBVIRT;
	else if (!strcmp(s, "none"))
		*from = VM_NAME_NONE;
	else
		return -1;
	return 0;
}

/* One QEMU option value up to its unescaped ',' into buf: the end of the part. */
static const char *qemu_part(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	while (*s && !(*s == ',' && s[1] != ',')) {
		if (*s == ',')
			s++;		/* ",," */
		if (o + 1 < len)
			buf[o++] = *s;
		s++;
	}
	buf[o] = 0;
	return *s ? s + 1 : s;
}

bool vm_name_qemu_arg(const char *value, char *buf, size_t len)
{
	char part[256];
	const char *s = value;
	bool first = true;

	while (*s) {
		s = qemu_part(s, part, sizeof(part));
		if (!strncmp(part, "guest=", 6)) {
			snprintf(buf, len, "%s", part + 6);
			return buf[0] != 0;
		}
		/* The bare first part is the name; `process=`, `debug-threads=` are not. */
		if (first && !strchr(part, '=') && part[0]) {
			snprintf(buf, len, "%s", part);
			return true;
		}
		first = false;
	}
	return false;
}

static bool from_cmdline(uint32_t pid, const char *root, char *buf, size_t len)
{
	char path[512], args[16384];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%u/cmdline", root, pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(args, 1, sizeof(args) - 1, f);
	fclose(f);
	args[n] = 0;
	for (size_t i = 0; i < n; i += strlen(args + i) + 1) {
		const char *a = args + i;

		if ((!strcmp(a, "-name") || !strcmp(a, "--name")) && i + strlen(a) + 1 < n)
			return vm_name_qemu_arg(a + strlen(a) + 1, buf, len);
		if (!strncmp(a, "-name=", 6))
			return vm_name_qemu_arg(a + 6, buf, len);
	}
	return false;
}

static bool from_libvirt(uint32_t pid, const char *root, char *buf, size_t len)
{
	char dir[512], path[1024];
	struct dirent *d;
	bool found = false;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/run/libvirt/qemu", root);
	dp = opendir(dir);
	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		size_t l = strlen(d->d_name);
		unsigned int p = 0;
		FILE *f;

		if (l < 5 || strcmp(d->d_name + l - 4, ".pid"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%u", &p) == 1 && p == pid) {
			snprintf(buf, len, "%.*s", (int)(l - 4), d->d_name);
			found = true;
		}
		fclose(f);
	}
	closedir(dp);
	return found;
}

bool vm_name_of(uint32_t pid, enum vm_name_from from, const char *root, char *buf, size_t len)
{
	if (from == VM_NAME_NONE)
		return false;
	/* libvirt also passes the domain name to QEMU as -name guest=NAME. */
	if (from == VM_NAME_LIBVIRT && from_libvirt(pid, root, buf, len))
		return true;
	return from_cmdline(pid, root, buf, len);
}

bool vm_alive(uint32_t pid, const char *root)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/proc/%u", root, pid);
	return access(path, F_OK) == 0;
}
