// SPDX-License-Identifier: GPL-2.0
/* A vCPU's exit statistics through KVM_GET_STATS_FD (see kvmstats.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kvmstats.h"

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	return n == (ssize_t)len ? 0 : -1;
}

int kvm_exit_stats_open(int vcpu_fd, struct kvm_exit_stats *ks, char *err, size_t errlen)
{
	struct kvm_stats_header h;
	size_t dsize;
	char *descs = NULL;
	int found = 0;

	*ks = (struct kvm_exit_stats){ .fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL) };
	if (ks->fd < 0) {
		snprintf(err, errlen, "KVM_GET_STATS_FD on the vCPU: %s", strerror(errno));
		return -1;
	}
	if (pread_all(ks->fd, &h, sizeof(h), 0)) {
		snprintf(err, errlen, "reading the vCPU's stats header: %s", strerror(errno));
		goto fail;
	}
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc, dsize);
	if (!descs || pread_all(ks->fd, descs, dsize * h.num_desc, h.desc_offset)) {
		snprintf(err, errlen, "reading the vCPU's %u stats descriptors: %s", h.num_desc,
			 descs ? strerror(errno) : "out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < h.num_desc; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + i * dsize);
		bool exits = !strncmp(d->name, "exit_reason_exits", h.name_size);
		bool cycles = !strncmp(d->name, "exit_reason_cycles", h.name_size);

		if (!exits && !cycles)
			continue;
		if (ks->n && ks->n != d->size) {
			snprintf(err, errlen, "vCPU stats %s has %u elements, the other array %u",
				 d->name, d->size, ks->n);
			goto fail;
		}
		ks->n = d->size;
		if (exits)
			ks->exits_off = h.data_offset + d->offset;
		else
			ks->cycles_off = h.data_offset + d->offset;
		found |= exits ? 1 : 2;
	}
	free(descs);
	if (found != 3) {
		snprintf(err, errlen, "the vCPU's binary stats (KVM_GET_STATS_FD) have no %s: "
			 "not a KVM with exitstat's exit-statistics patch (kernel/patches/)",
			 found & 1 ? "exit_reason_cycles" : "exit_reason_exits");
		close(ks->fd);
		ks->fd = -1;
		return -1;
	}
	return 0;
fail:
	free(descs);
	close(ks->fd);
	ks->fd = -1;
	return -1;
}

int kvm_exit_stats_sample(const struct kvm_exit_stats *ks, struct kvm_exit_sample *s,
			  char *err, size_t errlen)
{
	size_t len = ks->n * sizeof(uint64_t);

	free(s->exits);
	free(s->cycles);
	*s = (struct kvm_exit_sample){ .n = ks->n, .exits = malloc(len), .cycles = malloc(len) };
	if (!s->exits || !s->cycles) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pread_all(ks->fd, s->exits, len, ks->exits_off) ||
	    pread_all(ks->fd, s->cycles, len, ks->cycles_off)) {
		snprintf(err, errlen, "reading the vCPU's exit_reason_* stats: %s",
			 errno ? strerror(errno) : "short read");
		return -1;
	}
	s->taken = true;
	return 0;
}
