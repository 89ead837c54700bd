/* SPDX-License-Identifier: GPL-2.0 */
/* The vCPU run loop: runs one vCPU's program and checks every exit. */
#ifndef EXITGEN_VCPU_H
#define EXITGEN_VCPU_H

#include "vm.h"

/* pthread entry; arg is a struct vcpu. */
void *vcpu_thread(void *arg);

/* Stops every vCPU thread soon: sets the stop flag and kicks them out of KVM_RUN. */
void vcpus_stop(struct run_shared *shared);

/* Initialises the lock and condition wait_vcpus uses. */
void run_shared_init(struct run_shared *shared);

/*
 * Waits until every vCPU thread has returned. With timeout_s, stops them
 * after that many seconds and returns 1 (0 when they finished in time).
 */
int wait_vcpus(struct run_shared *shared, unsigned long long timeout_s);

/* Installs the no-op SIGUSR1 handler vcpus_stop relies on. */
void vcpu_signals_init(void);

/* "KVM_EXIT_IO"; unknown reasons as "KVM_EXIT_<n>" in buf. */
const char *exit_reason_name(unsigned int reason, char *buf, size_t len);

#endif
