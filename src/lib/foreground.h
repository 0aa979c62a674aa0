/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The foreground side of `run` (and `exec`): signals sent to skiff are forwarded to the
 * container's process, a terminal is relayed between skiff's stdio and the pty master, and
 * the process's exit becomes skiff's exit status (128+signal when killed).
 */
#pragma once
#include <signal.h>
#include <sys/types.h>
#include "error.h"

struct sk_fg {
	sigset_t old_mask;
	int sigfd;
};

/* Blocks the forwardable signals (they queue on a signalfd) and makes us a subreaper, so the
 * process is ours to wait for even when it was forked by an intermediate. Call before spawning. */
int sk_fg_begin(struct sk_fg *fg, struct sk_err *err);
/* Forwards signals to pid and relays pty_master (if >= 0) until pid exits. */
int sk_fg_wait(struct sk_fg *fg, pid_t pid, int pty_master, int *ret_status, struct sk_err *err);
void sk_fg_end(struct sk_fg *fg);
