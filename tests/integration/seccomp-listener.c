// SPDX-License-Identifier: Apache-2.0
/*
 * seccomp-listener: the test side of linux.seccomp.listenerPath. It accepts one connection on a
 * unix socket, takes the notify fd (SCM_RIGHTS) and the container process state (payload) the
 * runtime sends, saves the payload, then answers every notification until the container's
 * filter is gone: with -ERRNO, or (ERRNO 0) by letting the syscall continue.
 *
 *   seccomp-listener SOCKET PAYLOAD_FILE LOG_FILE ERRNO
 * LOG_FILE gets one line per notification: "nr=N arg0=A".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "seccomp-listener: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int receive(int conn, char *buf, size_t cap, size_t *ret_len)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = {buf, cap};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b)};
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	int fd;
	size_t len;

	if (!c || c->cmsg_type != SCM_RIGHTS)
		die("recvmsg: no fd");
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	/* The rest of a long payload arrives without the fd. */
	for (len = (size_t)n; len < cap && (n = read(conn, buf + len, cap - len)) > 0;)
		len += (size_t)n;
	*ret_len = len;
	return fd;
}

static void serve(int fd, FILE *log, int err)
{
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, 30000);
		if (r <= 0 || (p.revents & (POLLHUP | POLLERR)))
			return;
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			die("SECCOMP_IOCTL_NOTIF_RECV");
		}
		fprintf(log, "nr=%d arg0=%llu\n", req.data.nr,
			(unsigned long long)req.data.args[0]);
		fflush(log);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (err)
			resp.error = -err;
		else
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		/* ENOENT: the task went away meanwhile. */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static char payload[1 << 20];
	size_t len = 0;
	int ls, conn, fd;
	FILE *f, *log;

	if (argc != 5 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: seccomp-listener SOCKET PAYLOAD_FILE LOG_FILE ERRNO\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0)
		die("listen");
	conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	fd = receive(conn, payload, sizeof(payload) - 1, &len);
	close(conn);
	log = fopen(argv[3], "we");
	/* Temp file + rename: a test polling for the payload never sees half of it. */
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp", argv[2]) < 0 || !(f = fopen(tmp, "we")) || !log)
		die("open the payload file");
	if (fwrite(payload, 1, len, f) != len || fclose(f) != 0 || rename(tmp, argv[2]) < 0)
		die("write the payload");
	free(tmp);
	serve(fd, log, atoi(argv[4]));
	fclose(log);
	return 0;
}
