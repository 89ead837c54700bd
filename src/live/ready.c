// SPDX-License-Identifier: GPL-2.0
/* --ready-file: telling a test (or a script) that collection is attached. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "live/ready.h"

int ready_file_write(const char *path, struct es_error *err)
{
	char line[32];
	int fd, n, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return es_error_set(err, "--ready-file %s: %s", path, strerror(errno));
	n = snprintf(line, sizeof(line), "ready %d\n", (int)getpid());
	ok = write(fd, line, n) == n;
	if (!ok)
		es_error_set(err, "--ready-file %s: write: %s", path, strerror(errno));
	close(fd);
	return ok ? 0 : -1;
}
