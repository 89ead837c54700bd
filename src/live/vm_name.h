/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name of a VM from its host process: QEMU's `-name` option (what
 * libvirt sets to the domain name), or libvirt's pid files
 * (/run/libvirt/qemu/DOMAIN.pid). Names label the series of `exitstat serve`.
 */
#ifndef EXITSTAT_VM_NAME_H
#define EXITSTAT_VM_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vm_name_from { VM_NAME_CMDLINE, VM_NAME_LIBVIRT, VM_NAME_NONE };

int vm_name_from_parse(const char *s, enum vm_name_from *from);	/* 0 or -1 */

/*
 * The guest name in a QEMU `-name` value: `guest=NAME,...` or `NAME,...`
 * (`,,` is a literal comma). Writes it into buf; false when there is none.
 */
bool vm_name_qemu_arg(const char *value, char *buf, size_t len);

/*
 * The name of the VM whose host process is pid, found the way `from` says
 * (libvirt falls back to the command line), under root ("" for /; tests
 * give a directory laid out like /proc and /run). False when it has none.
 */
bool vm_name_of(uint32_t pid, enum vm_name_from from, const char *root, char *buf, size_t len);

/* Is the process still there (under root's /proc)? */
bool vm_alive(uint32_t pid, const char *root);

#endif
