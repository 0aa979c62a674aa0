/* SPDX-License-Identifier: Apache-2.0 */
/*
 * recvtty: a --console-socket receiver for the integration tests. Listens on a unix socket,
 * accepts one connection, receives the pty master (SCM_RIGHTS), then relays its stdin to the
 * master and the master to its stdout until the terminal's last peer closes.
 *   recvtty [--no-stdin] [--name-file FILE] SOCKET_PATH
 * The socket appears at SOCKET_PATH only once it is listening (bound under a temporary name,
 * then renamed), so a test may wait for the path to exist. Standalone: no libskiff.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_once(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char tmp[sizeof(sa.sun_path)];
	int s, conn;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die(path);
	}
	memcpy(sa.sun_path, tmp, strlen(tmp) + 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	unlink(tmp);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		die(tmp);
	if (rename(tmp, path) < 0)
		die(path);
	conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	close(s);
	unlink(path);
	return conn;
}

/* One message: the pty's name as data, the master as SCM_RIGHTS. */
static int recv_master(int conn, char *name, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = len - 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg");
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (n == 0 || !c || c->cmsg_type != SCM_RIGHTS || (msg.msg_flags & MSG_CTRUNC) ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		fprintf(stderr, "recvtty: expected one fd with a name, got %zd bytes\n", n);
		exit(1);
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Returns when the master reports EOF or EIO (no peer left). stdin EOF only stops its side. */
static void relay(int master, int use_stdin)
{
	char buf[8192];

	for (;;) {
		struct pollfd p[2] = {{.fd = master, .events = POLLIN},
				      {.fd = use_stdin ? 0 : -1, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents) {
			n = read(master, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return;
			if (write_all(1, buf, (size_t)n) < 0)
				die("write stdout");
		}
		if (p[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				use_stdin = 0;
			else if (write_all(master, buf, (size_t)n) < 0)
				die("write pty");
		}
	}
}

int main(int argc, char **argv)
{
	const char *path = NULL, *name_file = NULL;
	char name[4096];
	int use_stdin = 1, conn, master;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-stdin") == 0)
			use_stdin = 0;
		else if (strcmp(argv[i], "--name-file") == 0 && i + 1 < argc)
			name_file = argv[++i];
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path) {
		fprintf(stderr, "usage: recvtty [--no-stdin] [--name-file FILE] SOCKET_PATH\n");
		return 2;
	}
	conn = listen_once(path);
	master = recv_master(conn, name, sizeof(name));
	close(conn);
	if (name_file) {
		FILE *f = fopen(name_file, "we");
		if (!f || fprintf(f, "%s\n", name) < 0 || fclose(f) != 0)
			die(name_file);
	}
	relay(master, use_stdin);
	return 0;
}
