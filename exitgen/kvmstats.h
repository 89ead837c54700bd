/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's VM-exit statistics from KVM's binary stats (KVM_GET_STATS_FD), as
 * the exitstat kernel patch (kernel/patches/) keeps them: the array stats
 * exit_reason_exits and exit_reason_cycles, one element per slot (VMX: the
 * basic exit reason; SVM: the exit code, with 0x400-0x403 packed after
 * 0x0a6; see kernel/README.md).
 */
#ifndef EXITGEN_KVMSTATS_H
#define EXITGEN_KVMSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_exit_stats {
	int fd;			/* the vCPU's stats fd */
	uint32_t n;		/* elements of each array */
	uint64_t exits_off, cycles_off;	/* file offsets of the arrays */
};

/* One read of both arrays (n elements each, malloc'd). */
struct kvm_exit_sample {
	bool taken;
	uint32_t n;
	uint64_t *exits, *cycles;
};

/*
 * Open the stats fd of vcpu_fd and find the two arrays. Returns 0, or -1 with
 * a message naming what is missing in err.
 */
int kvm_exit_stats_open(int vcpu_fd, struct kvm_exit_stats *ks, char *err, size_t errlen);

/* Read both arrays now. Returns 0, or -1 with a message in err. */
int kvm_exit_stats_sample(const struct kvm_exit_stats *ks, struct kvm_exit_sample *s,
			  char *err, size_t errlen);

#endif
