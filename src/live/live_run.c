// SPDX-License-Identifier: GPL-2.0
/* The command under measurement, signals and option parsing shared by live and record. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live/live_run.h"

volatile sig_atomic_t live_stop_requested;

static void on_stop_signal(int sig)
{
	live_stop_requested = sig;
}

/* Nothing to do: the signal itself ends a poll's sleep (nanosleep, poll, epoll_wait). */
static void on_child_signal(int sig)
{
	(void)sig;
}

void live_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

double live_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int live_child_start(struct live_child *c, char **argv, struct es_error *err)
{
	int fds[2], efds[2];

	memset(c, 0, sizeof(*c));
	c->go_fd = c->exec_fd = -1;
	c->name = argv[0];
	if (pipe2(fds, O_CLOEXEC))
		return es_error_set(err, "starting %s: pipe2 failed: %s", argv[0], strerror(errno));
	if (pipe2(efds, O_CLOEXEC)) {
		es_error_set(err, "starting %s: pipe2 failed: %s", argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		es_error_set(err, "starting %s: fork failed: %s", argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		close(efds[0]);
		close(efds[1]);
		return -1;
	}
	if (c->pid == 0) {
		char go;
		int e;

		close(fds[1]);
		close(efds[0]);
		/* Wait until the parent has attached with our pid as the filter. */
		if (read(fds[0], &go, 1) != 1)
			_exit(127);
		/* Ctrl-C is for exitstat; it stops the command itself. */
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], argv);
		/* The parent says it (live_child_release); efds[1] closes on a good exec. */
		e = errno;
		if (write(efds[1], &e, sizeof(e)) != sizeof(e))
			_exit(127);
		_exit(127);
	}
	close(fds[0]);
	close(efds[1]);
	c->go_fd = fds[1];
	c->exec_fd = efds[0];
	/*
	 * The command's end wakes the collector from its poll at once, however
	 * long it sleeps (sleeps end on a handled signal even with SA_RESTART,
	 * which keeps every other call as it was).
	 */
	{
		struct sigaction sa = { .sa_handler = on_child_signal,
					.sa_flags = SA_RESTART | SA_NOCLDSTOP };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGCHLD, &sa, NULL);
	}
	return 0;
}

int live_child_release(struct live_child *c, struct es_error *err)
{
	char go = 1;
	int e = 0, ret = 0;
	ssize_t n;

	if (c->go_fd >= 0 && write(c->go_fd, &go, 1) != 1)
		ret = es_error_set(err, "cannot release %s: %s", c->name, strerror(errno));
	if (c->go_fd >= 0)
		close(c->go_fd);
	c->go_fd = -1;
	if (!ret && c->exec_fd >= 0) {
		/* EOF: the exec closed the pipe; an errno: it failed. */
		do
			n = read(c->exec_fd, &e, sizeof(e));
		while (n < 0 && errno == EINTR);
		if (n == sizeof(e))
			ret = es_error_set(err, "cannot run %s: %s", c->name, strerror(e));
	}
	if (c->exec_fd >= 0)
		close(c->exec_fd);
	c->exec_fd = -1;
	return ret;
}

bool live_child_done(struct live_child *c)
{
	if (!c->exited && c->pid > 0 && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = true;
	return c->exited;
}

void live_child_stop(struct live_child *c, int sig)
{
	if (c->pid <= 0)
		return;
	if (c->go_fd >= 0) {
		close(c->go_fd);	/* a held child reads EOF and exits */
		c->go_fd = -1;
	}
	if (c->exec_fd >= 0) {
		close(c->exec_fd);
		c->exec_fd = -1;
	}
	if (!live_child_done(c)) {
		if (sig)
			kill(c->pid, sig);
		while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
			;
		c->exited = true;
	}
}

int live_child_exit_code(const struct live_child *c)
{
	if (!c->exited)
		return 0;
	if (WIFEXITED(c->status))
		return WEXITSTATUS(c->status);
	if (WIFSIGNALED(c->status))
		return 128 + WTERMSIG(c->status);
	return 1;
}
