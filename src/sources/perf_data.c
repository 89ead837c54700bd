// SPDX-License-Identifier: GPL-2.0
/* perf.data through `perf script` as a child, streamed. See perf_data.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sources/perf_data.h"

/* The child's standard descriptors, by number (they are the child's, not ours). */
enum { CHILD_IN = 0, CHILD_OUT = 1, CHILD_ERR = 2 };

#define PERF_MSG_MAX 4096

/* What perf said on its stderr (kept in errfd), at most PERF_MSG_MAX bytes of its end, in buf. */
static void perf_said(int errfd, char *buf, size_t size)
{
	off_t len = lseek(errfd, 0, SEEK_END);
	off_t from = len > (off_t)size - 1 ? len - (off_t)size + 1 : 0;
	ssize_t n = len > 0 ? pread(errfd, buf, size - 1, from) : 0;

	buf[n > 0 ? n : 0] = '\0';
	for (n = (ssize_t)strlen(buf); n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '); n--)
		buf[n - 1] = '\0';
}

/* perf's warnings of a run that succeeded, one notice per line. */
static void pass_warnings(const char *said, const char *name, const struct trace_opts *opts)
{
	const char *s = said;

	if (!opts)
		return;
	while (*s) {
		size_t n = strcspn(s, "\n");

		if (n)
			es_diag_say(&opts->diag, "%s: perf script: %.*s", name, (int)n, s);
		s += n + (s[n] == '\n');
	}
}

/* The last line of perf's message (what it failed on), in place. */
static const char *last_line(const char *said)
{
	const char *nl = strrchr(said, '\n');

	return nl ? nl + 1 : said;
}

int perf_data_read(const char *path, const char *name, const struct trace_opts *opts,
		   trace_event_fn fn, void *ctx, struct trace_result *res, struct es_error *err)
{
	char *argv[] = { "perf", "script", "-i", (char *)path, PERF_DATA_SCRIPT_ARGS, NULL };
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 }, errfd, status, rc, spawn_err;
	char said[PERF_MSG_MAX], text_name[600];
	pid_t pid;
	FILE *in;

	memset(res, 0, sizeof(*res));
	errfd = memfd_create("perf-script-stderr", MFD_CLOEXEC);
	if (errfd < 0 || pipe2(pfd, O_CLOEXEC)) {
		rc = es_error_set(err, "%s: cannot set up `perf script`: %s", name, strerror(errno));
		goto out_fds;
	}
	if (posix_spawn_file_actions_init(&fa)) {
		rc = es_error_set(err, "%s: out of memory", name);
		goto out_fds;
	}
	posix_spawn_file_actions_addopen(&fa, CHILD_IN, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], CHILD_OUT);
	posix_spawn_file_actions_adddup2(&fa, errfd, CHILD_ERR);
	spawn_err = posix_spawnp(&pid, "perf", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	pfd[1] = -1;
	if (spawn_err == ENOENT) {
		rc = es_error_set(err, "%s: a perf.data recording; reading it needs `perf`, which is "
				  "not installed (Debian package linux-perf)", name);
		goto out_fds;
	}
	if (spawn_err) {
		rc = es_error_set(err, "%s: cannot run `perf script`: %s", name, strerror(spawn_err));
		goto out_fds;
	}

	in = fdopen(pfd[0], "r");
	if (!in) {
		rc = es_error_set(err, "%s: out of memory", name);
		kill(pid, SIGTERM);
	} else {
		pfd[0] = -1;
		snprintf(text_name, sizeof(text_name), "%s (perf script)", name);
		rc = trace_read(in, text_name, opts, fn, ctx, res, err);
		fclose(in);	/* a perf still writing (we stopped early) gets SIGPIPE */
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	perf_said(errfd, said, sizeof(said));
	if (rc)
		goto out_fds;	/* our own stop: perf's end does not matter */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		pass_warnings(said, name, opts);
	} else if (WIFEXITED(status)) {
		rc = es_error_set(err, "%s: `perf script -i %s` failed (exit %d): %s", name, path,
				  WEXITSTATUS(status), *said ? last_line(said) : "(it said nothing)");
	} else {
		rc = es_error_set(err, "%s: `perf script -i %s` was killed by signal %d%s%s", name,
				  path, WTERMSIG(status), *said ? ": " : "",
				  *said ? last_line(said) : "");
	}
out_fds:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (errfd >= 0)
		close(errfd);
	return rc;
}
