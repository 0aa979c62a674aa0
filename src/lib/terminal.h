/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminals: a pty from the container's devpts (peer via TIOCGPTPEER, never by path:
 * CVE-2025-52565), making it the controlling terminal and stdio, and handing the master to
 * the --console-socket listener with SCM_RIGHTS as runc does.
 */
#pragma once
#include <stdbool.h>
#include "error.h"

/* ptmx_fd: an open /dev/pts/ptmx of the container's devpts (or -1: open "/dev/ptmx"). Returns
 * the master in *ret_master and the peer in *ret_peer, both O_CLOEXEC, size applied if given. */
int sk_pty_open(int ptmx_fd, bool has_size, unsigned rows, unsigned cols, int *ret_master,
		int *ret_peer, struct sk_err *err);
/* setsid, TIOCSCTTY, dup2 onto 0, 1, 2. */
int sk_pty_make_controlling(int peer_fd, struct sk_err *err);
/* Connects to the unix socket at path and sends master_fd with SCM_RIGHTS. */
int sk_console_socket_send(const char *path, int master_fd, struct sk_err *err);
/* Generic fd passing over a connected unix socket (used by the sync protocol too). */
int sk_send_fd(int sock, int fd, const void *data, size_t len, struct sk_err *err);
int sk_recv_fd(int sock, int *ret_fd, void *data, size_t len, struct sk_err *err);
