// SPDX-License-Identifier: GPL-2.0
/* Option values shared by every subcommand. See cli.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#include "cmd/cli.h"

bool cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	int base = 10;

	/* strtoull takes signs and spaces; option values do not. */
	if (!s || *s < '0' || *s > '9')
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && end != s && !*end;
}

bool cli_parse_double(const char *s, double min, double max, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*v) && *v >= min && *v <= max;
}

bool cli_parse_pid(const char *s, uint32_t *pid)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || !v || v > UINT32_MAX)
		return false;
	*pid = (uint32_t)v;
	return true;
}

bool cli_parse_vcpu(const char *s, uint32_t *vcpu)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || v >= UINT32_MAX)
		return false;
	*vcpu = (uint32_t)v;
	return true;
}

bool cli_parse_ringbuf_mib(const char *s, size_t *bytes)
{
	uint64_t v;

	if (!cli_parse_u64(s, &v) || !v || v > 4096 || (v & (v - 1)))
		return false;
	*bytes = (size_t)v << 20;
	return true;
}

void cli_bad_value(const char *cmd, const struct option *opts, int c, const char *arg)
{
	for (const struct option *o = opts; o && o->name; o++) {
		if (o->val == c && !o->flag) {
			fprintf(stderr, "exitstat %s: bad value '%s' for --%s (see --help)\n", cmd,
				arg ? arg : "", o->name);
			return;
		}
	}
	fprintf(stderr, "exitstat %s: bad value '%s' for -%c (see --help)\n", cmd, arg ? arg : "",
		c);
}
