/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reader for the patched kernel's VM-exit table in debugfs
 * (kernel/patches/: /sys/kernel/debug/kvm/exit_stats). Its format:
 *
 *   # isa code count cycles name
 *   svm 0x07b 1000 123456 io
 *   svm 0x040 0 0 DE excp
 *   # unmapped 0 0
 *   # total 1000 123456
 *
 * One row per exit reason the SDM/APM defines: isa ("vmx" or "svm"), the exit
 * code in hex (VMX basic exit reason or SVM exit code truncated to 32 bits),
 * the exits and the TSC cycles KVM spent handling them, summed over all CPUs
 * since kvm loaded, then the kernel's name for the reason (may contain
 * spaces, "-" if it has none). Lines starting with '#' are comments; the
 * "# unmapped" and "# total" ones are read when present.
 */
#ifndef EXITSTAT_KERNEL_STATS_H
#define EXITSTAT_KERNEL_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/reasons.h"

#define KERNEL_STATS_PATH "/sys/kernel/debug/kvm/exit_stats"
/* The kvm module's parameters; exit_stats there is Y while the kernel counts. */
#define KERNEL_STATS_PARAMS "/sys/module/kvm/parameters"

struct kernel_stat {
	enum exit_isa isa;
	uint32_t code;
	uint64_t count;
	uint64_t cycles;
};

struct kernel_stats {
	struct kernel_stat *rows;	/* in file order */
	size_t n;
	bool has_total;			/* the "# total" line was there */
	uint64_t total_count, total_cycles;
	bool has_unmapped;		/* the "# unmapped" line was there */
	uint64_t unmapped_count, unmapped_cycles;
};

/*
 * Parse the table at `path` into `out` (which the caller frees with
 * kernel_stats_free, also after an error). Returns 0, or -1 with a message
 * "PATH:LINE: what is wrong" (or "PATH: <strerror>") in err (core/error.h).
 */
int kernel_stats_read(const char *path, struct kernel_stats *out,
		      struct es_error *err);

/* The same from an open stream; `name` stands for the path in messages. */
int kernel_stats_parse(FILE *f, const char *name, struct kernel_stats *out,
		       struct es_error *err);

void kernel_stats_free(struct kernel_stats *ks);

/*
 * One vCPU's own table: debugfs kvm/<pid>-<fd>/vcpu<N>/exit_stats, the
 * vCPU's exit_reason_exits/_cycles binary stats since its VM started.
 */
struct kernel_vcpu_stats {
	int pid;		/* the VMM's process (the directory's <pid>) */
	int fd;			/* its VM file descriptor (<fd>) */
	int vcpu;		/* <N> */
	struct kernel_stats ks;
};

struct kernel_vm_stats {
	struct kernel_vcpu_stats *v;	/* by pid, fd, vcpu */
	size_t n;
	size_t vms;			/* <pid>-<fd> directories read */
};

/*
 * Read every running VM's per-vCPU tables under `dir` (the debugfs kvm
 * directory: the one holding the host-wide exit_stats). Returns 0 (no VM is
 * not an error: vms 0), or -1 with "PATH: what is wrong" in err; out is freed
 * with kernel_vm_stats_free, also after an error.
 */
int kernel_vm_stats_read(const char *dir, struct kernel_vm_stats *out, struct es_error *err);
void kernel_vm_stats_free(struct kernel_vm_stats *vs);

/*
 * Whether the kernel counts: PARAMS_DIR/exit_stats says Y (1) or N (0).
 * -1 with err "PATH: why" when it cannot be read.
 */
int kernel_stats_counting(const char *params_dir, struct es_error *err);

/* The row for (isa, code), or NULL. */
const struct kernel_stat *kernel_stats_find(const struct kernel_stats *ks,
					    enum exit_isa isa, uint32_t code);

#endif
