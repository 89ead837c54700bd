/* SPDX-License-Identifier: GPL-2.0 */
/* Option values shared by every subcommand: one parser for each kind of number. */
#ifndef EXITSTAT_CLI_H
#define EXITSTAT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A whole string of digits, decimal or 0x-hex, no sign. */
bool cli_parse_u64(const char *s, uint64_t *v);

/* A whole finite number in [min, max]. */
bool cli_parse_double(const char *s, double min, double max, double *v);

/* A VM's pid (1 .. 2^32-1) and a vCPU index (0 .. 2^32-2). */
bool cli_parse_pid(const char *s, uint32_t *pid);
bool cli_parse_vcpu(const char *s, uint32_t *vcpu);

/* A ring buffer size in MiB, a power of two 1 .. 4096; *bytes gets it in bytes. */
bool cli_parse_ringbuf_mib(const char *s, size_t *bytes);

struct option;

/*
 * Say that option c (as getopt_long returned it; opts is its table) got a bad
 * value: `exitstat CMD: bad value 'ARG' for --NAME (see --help)`.
 */
void cli_bad_value(const char *cmd, const struct option *opts, int c, const char *arg);

#endif
