/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminals: allocating a pty from a given ptmx (the peer only ever through TIOCGPTPEER on the
 * master, never by a /dev/pts/N path the container could swap: CVE-2025-52565), making the peer
 * the controlling terminal and stdio, handing the master to the --console-socket listener, and
 * generic one-fd passing over unix sockets. Where the pty is mounted (/dev/console) is rootfs.c's.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include "cleanup.h"
#include "fs.h"
#include "terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The ptmx device, /dev/ptmx and every devpts instance's ptmx node alike (TTYAUX_MAJOR, 2). */
#define PTMX_MAJOR 5
#define PTMX_MINOR 2
/* Control space for this many fds in sk_recv_fd: one is expected, the others are closed. */
#define RECV_MAX_FDS 16

static int pty_check_ptmx(int fd, struct sk_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return sk_fail(err, errno, "stat ptmx");
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != PTMX_MAJOR ||
	    minor(st.st_rdev) != PTMX_MINOR)
		return sk_fail(err, ENODEV, "ptmx is not the ptmx device");
	return 0;
}

/* A new master: see terminal.h for the meaning of ptmx_fd. */
static int pty_open_master(int ptmx_fd, struct sk_err *err)
{
	_cleanup_close_ int fd = -1;
	char buf[32];
	int flags;

	if (ptmx_fd < 0) {
		fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return sk_fail(err, errno, "open /dev/ptmx");
	} else {
		flags = fcntl(ptmx_fd, F_GETFL);
		if (flags < 0)
			return sk_fail(err, errno, "ptmx fd %d", ptmx_fd);
		/* Check before reopening: opening some other device may have side effects. */
		if (pty_check_ptmx(ptmx_fd, err) < 0)
			return -1;
		if (flags & O_PATH)
			fd = open(sk_fd_path(ptmx_fd, buf), O_RDWR | O_NOCTTY | O_CLOEXEC);
		else
			fd = fcntl(ptmx_fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return sk_fail(err, errno, "open ptmx (fd %d)", ptmx_fd);
	}
	if (pty_check_ptmx(fd, err) < 0)
		return -1;
	return TAKE_FD(fd);
}

int sk_pty_open(int ptmx_fd, bool has_size, unsigned rows, unsigned cols, int *ret_master,
		int *ret_peer, struct sk_err *err)
{
	_cleanup_close_ int master = -1, peer = -1;
	int unlock = 0;

	*ret_master = *ret_peer = -1;
	if (has_size && (rows > USHRT_MAX || cols > USHRT_MAX))
		return sk_fail(err, EINVAL, "console size %ux%u", cols, rows);
	master = pty_open_master(ptmx_fd, err);
	if (master < 0)
		return -1;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return sk_fail(err, errno, "unlock pty");
	/* The peer of exactly this master, whatever is mounted at /dev/pts now (Linux 4.13+). */
	peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (peer < 0)
		return sk_fail(err, errno, "open pty peer (TIOCGPTPEER)");
	if (has_size) {
		struct winsize ws = {.ws_row = (unsigned short)rows,
				     .ws_col = (unsigned short)cols};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return sk_fail(err, errno, "set console size %ux%u", cols, rows);
	}
	*ret_master = TAKE_FD(master);
	*ret_peer = TAKE_FD(peer);
	return 0;
}

int sk_pty_clear_onlcr(int fd, struct sk_err *err)
{
	struct termios t;

	/* On a master, the termios ioctls act on its peer: one call covers both ends. */
	if (tcgetattr(fd, &t) < 0)
		return sk_fail(err, errno, "get terminal attributes");
	t.c_oflag &= ~(tcflag_t)ONLCR;
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return sk_fail(err, errno, "clear ONLCR on the terminal");
	return 0;
}

int sk_pty_make_controlling(int peer_fd, struct sk_err *err)
{
	/* Already a session leader (EPERM) is fine: it just must not have another terminal. */
	if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
		return sk_fail(err, errno, "setsid");
	if (ioctl(peer_fd, TIOCSCTTY, 0) < 0)
		return sk_fail(err, errno, "set controlling terminal");
	for (int fd = 0; fd <= 2; fd++) {
		/* dup2 clears O_CLOEXEC on the copy; dup2(fd, fd) would leave it set. */
		if (fd == peer_fd) {
			if (fcntl(fd, F_SETFD, 0) < 0)
				return sk_fail(err, errno, "clear close-on-exec of fd %d", fd);
		} else if (dup2(peer_fd, fd) < 0) {
			return sk_fail(err, errno, "dup2 terminal onto fd %d", fd);
		}
	}
	if (peer_fd > 2)
		close(peer_fd);
	return 0;
}

/* Connects to a unix socket path. Paths longer than sun_path go through the parent directory's
 * /proc/self/fd entry. */
static int console_connect(const char *path, struct sk_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int sock = -1, dir_fd = -1;
	_cleanup_free_ char *dir = NULL, *via = NULL;
	const char *target = path, *slash = strrchr(path, '/');

	if (strlen(path) >= sizeof(sa.sun_path)) {
		if (!slash)
			return sk_fail(err, ENAMETOOLONG, "console socket %s", path);
		dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
		if (!dir)
			return sk_fail(err, ENOMEM, "console socket %s", path);
		dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir_fd < 0)
			return sk_fail(err, errno, "open %s", dir);
		if (asprintf(&via, "/proc/self/fd/%d/%s", dir_fd, slash + 1) < 0)
			return sk_fail(err, ENOMEM, "console socket %s", path);
		if (strlen(via) >= sizeof(sa.sun_path))
			return sk_fail(err, ENAMETOOLONG, "console socket %s", path);
		target = via;
	}
	memcpy(sa.sun_path, target, strlen(target) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return sk_fail(err, errno, "socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return sk_fail(err, errno, "connect to console socket %s", path);
	return TAKE_FD(sock);
}

int sk_console_socket_send(const char *path, int master_fd, struct sk_err *err)
{
	_cleanup_close_ int sock = -1;
	_cleanup_free_ char *name = NULL;
	unsigned n;

	if (ioctl(master_fd, TIOCGPTN, &n) < 0)
		return sk_fail(err, errno, "pty number");
	/* The payload is the pty's name; receivers (runc's recvtty, go-runc) only use it as the
	 * name of the received file. */
	if (asprintf(&name, "/dev/pts/%u", n) < 0)
		return sk_fail(err, ENOMEM, "pty name");
	sock = console_connect(path, err);
	if (sock < 0)
		return -1;
	if (sk_send_fd(sock, master_fd, name, strlen(name), err) < 0)
		return sk_wrap(err, "console socket %s", path);
	return 0;
}

int sk_send_fd(int sock, int fd, const void *data, size_t len, struct sk_err *err)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	size_t sent;
	ssize_t n;

	/* A stream socket carries no control data without at least one byte of data. */
	if (len == 0)
		return sk_fail(err, EINVAL, "send fd: empty message");
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sk_fail(err, errno, "send fd");
	/* The fd went with the first byte; the rest of a partial send follows as plain data. */
	for (sent = (size_t)n; sent < len; sent += (size_t)n) {
		n = send(sock, (const char *)data + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n < 0)
			return sk_fail(err, errno, "send fd");
	}
	return 0;
}

/* Takes the fds out of the control messages: the first into *ret_fd, the others are closed.
 * Returns the number of fds found. */
static size_t recv_take_fds(struct msghdr *msg, int *ret_fd)
{
	size_t count = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++, count++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count == 0)
				*ret_fd = fd;
			else
				close(fd);
		}
	}
	return count;
}

int sk_recv_fd(int sock, int *ret_fd, void *data, size_t len, struct sk_err *err)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * RECV_MAX_FDS)];
	} cm;
	struct iovec iov = {.iov_base = data, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cm.buf,
			     .msg_controllen = sizeof(cm.buf)};
	_cleanup_close_ int fd = -1;
	ssize_t n;

	*ret_fd = -1;
	if (len == 0)
		return sk_fail(err, EINVAL, "receive fd: empty buffer");
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sk_fail(err, errno, "receive fd");
	if (recv_take_fds(&msg, &fd) > 1)
		return sk_fail(err, EBADMSG, "receive fd: more than one fd in the message");
	/* Fds that did not fit were dropped by the kernel: the message is not what was sent. */
	if (msg.msg_flags & MSG_CTRUNC)
		return sk_fail(err, EBADMSG, "receive fd: control data truncated");
	*ret_fd = TAKE_FD(fd);
	return (int)n;
}
