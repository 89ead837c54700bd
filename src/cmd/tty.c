// SPDX-License-Identifier: GPL-2.0
/* The live view's terminal: size and keys. See tty.h. */
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/tty.h"

static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_raw;

static const int fatal_signals[] = { SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };

static unsigned int env_size(const char *name)
{
	const char *v = getenv(name);
	uint64_t n;

	return v && cli_parse_u64(v, &n) && n < 10000 ? (unsigned int)n : 0;
}

void tty_size(int fd, unsigned int *cols, unsigned int *rows)
{
	struct winsize ws;

	*cols = *rows = 0;
	if (!ioctl(fd, TIOCGWINSZ, &ws)) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
	if (!*cols)
		*cols = env_size("COLUMNS");
	if (!*rows)
		*rows = env_size("LINES");
}

/* Async-signal-safe: only tcsetattr. */
static void restore(void)
{
	if (tty_raw)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	tty_raw = 0;
}

static int set_keys(void)
{
	struct termios t = tty_saved;

	/* Not in the foreground (e.g. `exitstat &`): setting the mode would stop us (SIGTTOU). */
	if (tcgetpgrp(tty_fd) != getpgrp())
		return -1;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(tty_fd, TCSANOW, &t))
		return -1;
	tty_raw = 1;
	return 0;
}

static void on_fatal(int sig)
{
	/* SA_RESETHAND | SA_NODEFER: raise() takes the default action now. */
	restore();
	raise(sig);
}

static void on_tstp(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, self = { .sa_handler = on_tstp };
	sigset_t set;
	bool was = tty_raw;

	restore();
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* Continued: keys again, if still ours. */
	sigemptyset(&self.sa_mask);
	sigaction(SIGTSTP, &self, NULL);
	if (was)
		set_keys();
}

bool tty_keys_on(int fd)
{
	static bool at_exit;
	struct sigaction fatal = { .sa_handler = on_fatal, .sa_flags = SA_RESETHAND | SA_NODEFER };
	struct sigaction tstp = { .sa_handler = on_tstp };

	if (tty_raw || !isatty(fd) || tcgetattr(fd, &tty_saved))
		return tty_raw;
	tty_fd = fd;
	sigemptyset(&fatal.sa_mask);
	sigemptyset(&tstp.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &fatal, NULL);
	sigaction(SIGTSTP, &tstp, NULL);
	if (!at_exit)
		at_exit = !atexit(tty_keys_off);
	return !set_keys();
}

void tty_keys_off(void)
{
	restore();
}

int tty_key(void)
{
	unsigned char ch;

	if (!tty_raw || read(tty_fd, &ch, 1) != 1)
		return -1;
	return ch;
}
