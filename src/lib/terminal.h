/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminals: a pty from the container's devpts (peer via TIOCGPTPEER, never by path:
 * CVE-2025-52565), making it the controlling terminal and stdio, and handing the master to
 * the --console-socket listener with SCM_RIGHTS as runc does.
 */
#pragma once
#include <stdbool.h>
#include "error.h"

/* Allocates a new pty. ptmx_fd is a ptmx device node (checked: char device 5:2), typically the
 * container's /dev/pts/ptmx opened with sk_open_in_root():
 *   -1           open the host's "/dev/ptmx";
 *   O_PATH fd    reopened O_RDWR through /proc/self/fd/N: a new pty of that devpts instance;
 *   O_RDWR fd    it is already a new master (opening ptmx allocates one): it is duplicated.
 * ptmx_fd is never consumed; the caller closes it. The peer comes from TIOCGPTPEER on the master,
 * never from a path. Returns the master in *ret_master and the peer in *ret_peer, both
 * O_CLOEXEC, unlocked, window size applied if has_size (rows, cols <= 65535). */
int sk_pty_open(int ptmx_fd, bool has_size, unsigned rows, unsigned cols, int *ret_master,
		int *ret_peer, struct sk_err *err);
/* Clears ONLCR on a pty (master or peer): what the container writes reaches our stdout with
 * "\n" as written, not "\r\n". Used when skiff itself relays the terminal to its own stdio
 * (run or exec in the foreground, no --console-socket), as runc does. */
int sk_pty_clear_onlcr(int fd, struct sk_err *err);
/* setsid (unless already a session leader), TIOCSCTTY, dup2 onto 0, 1, 2 without O_CLOEXEC.
 * On success peer_fd is closed when > 2; on failure it is left to the caller. */
int sk_pty_make_controlling(int peer_fd, struct sk_err *err);
/* Connects to the unix socket at path (any length: long paths go through /proc/self/fd) and
 * sends master_fd with SCM_RIGHTS, the payload being the pty's name "/dev/pts/N" (receivers use it
 * as the file name only). */
int sk_console_socket_send(const char *path, int master_fd, struct sk_err *err);
/* Generic fd passing over a connected unix socket (used by the sync protocol too).
 * sk_send_fd: sends len >= 1 bytes of data, with fd attached (fd = -1: data only); short writes
 * are completed. sk_recv_fd: one recvmsg of up to len >= 1 bytes; returns the number of bytes
 * received (0 at EOF; a stream socket may return fewer than were sent) and *ret_fd = the
 * received fd, O_CLOEXEC, or -1 if none. A message with more than one fd, or truncated control
 * data, is an error and every received fd is closed. */
int sk_send_fd(int sock, int fd, const void *data, size_t len, struct sk_err *err);
int sk_recv_fd(int sock, int *ret_fd, void *data, size_t len, struct sk_err *err);
