/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal of the live view: its size, and single keys without Enter
 * (canonical mode and echo off, signals kept: Ctrl-C still ends a run with
 * its final table). The terminal's mode is restored on every way out:
 * tty_keys_off, exit(), and the signals that end or stop the process
 * (SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL; SIGTSTP
 * restores, stops, and sets the keys again at SIGCONT).
 */
#ifndef EXITSTAT_TTY_H
#define EXITSTAT_TTY_H

#include <stdbool.h>

/*
 * The size of the terminal on fd: TIOCGWINSZ, else $COLUMNS and $LINES,
 * else 0 (unknown) for each.
 */
void tty_size(int fd, unsigned int *cols, unsigned int *rows);

/*
 * Keys from fd, one at a time, if fd is a terminal whose foreground this
 * process is (not `exitstat &`). Returns whether keys are on.
 */
bool tty_keys_on(int fd);

/* The terminal's mode as it was (idempotent; also at exit and on the signals above). */
void tty_keys_off(void);

/* The next key pressed, or -1 when none is waiting (never blocks). */
int tty_key(void);

#endif
