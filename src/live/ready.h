/* SPDX-License-Identifier: GPL-2.0 */
/* --ready-file: telling a test (or a script) that collection is attached. */
#ifndef EXITSTAT_READY_H
#define EXITSTAT_READY_H

#include "core/error.h"

/*
 * Writes "ready PID\n" to path: a regular file (created) or a FIFO (blocks
 * until a reader opens it). 0, or -1 with err "--ready-file PATH: why".
 */
int ready_file_write(const char *path, struct es_error *err);

#endif
