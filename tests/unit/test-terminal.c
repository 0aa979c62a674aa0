/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of terminal.c: pty allocation from the different kinds of ptmx fds, controlling
 * terminal setup (in a forked child), fd passing edge cases, and the console socket handoff.
 */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "cleanup.h"
#include "terminal.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void assert_cloexec(int fd)
{
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* The peer is the terminal of this master: data written to one is read from the other. */
static void assert_pair(int master, int peer)
{
	char buf[16] = {0};
	unsigned n;
	struct stat st;

	assert_int_equal(ioctl(master, TIOCGPTN, &n), 0);
	assert_int_equal(fstat(peer, &st), 0);
	assert_true(isatty(peer));
	assert_int_equal(minor(st.st_rdev), n);
	assert_int_equal(write(master, "ping\n", 5), 5);
	assert_true(read(peer, buf, sizeof(buf)) >= 4);
	assert_memory_equal(buf, "ping", 4);
}

static void test_pty_open_default(void **state)
{
	struct sk_err err = {0};
	struct winsize ws;
	int master, peer;

	(void)state;
	assert_int_equal(sk_pty_open(-1, true, 24, 80, &master, &peer, &err), 0);
	assert_cloexec(master);
	assert_cloexec(peer);
	assert_int_equal(ioctl(peer, TIOCGWINSZ, &ws), 0);
	assert_int_equal(ws.ws_row, 24);
	assert_int_equal(ws.ws_col, 80);
	assert_pair(master, peer);
	close(master);
	close(peer);
}

static void test_pty_open_from_fd(void **state)
{
	struct sk_err err = {0};
	int path_fd = open("/dev/ptmx", O_PATH | O_CLOEXEC);
	int rw_fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	unsigned a, b;
	int master, peer;

	(void)state;
	assert_true(path_fd >= 0 && rw_fd >= 0);
	/* O_PATH: reopened, a new pty each time. */
	assert_int_equal(sk_pty_open(path_fd, false, 0, 0, &master, &peer, &err), 0);
	assert_pair(master, peer);
	close(master);
	close(peer);
	/* O_RDWR: it is the master. */
	assert_int_equal(sk_pty_open(rw_fd, false, 0, 0, &master, &peer, &err), 0);
	assert_int_not_equal(master, rw_fd);
	assert_int_equal(ioctl(master, TIOCGPTN, &a), 0);
	assert_int_equal(ioctl(rw_fd, TIOCGPTN, &b), 0);
	assert_int_equal(a, b);
	assert_pair(master, peer);
	close(master);
	close(peer);
	close(path_fd);
	close(rw_fd);
}

static void test_pty_open_errors(void **state)
{
	struct sk_err err = {0};
	int null_fd = open("/dev/null", O_PATH | O_CLOEXEC);
	int master = 7, peer = 7, before = count_fds();

	(void)state;
	assert_int_equal(sk_pty_open(null_fd, false, 0, 0, &master, &peer, &err), -1);
	assert_int_equal(err.errnum, ENODEV);
	assert_int_equal(master, -1);
	assert_int_equal(peer, -1);
	sk_err_clear(&err);
	assert_int_equal(sk_pty_open(-1, true, 70000, 80, &master, &peer, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	sk_err_clear(&err);
	close(null_fd);
	assert_int_equal(count_fds(), before - 1);
}

/* In a child: make the peer (at fd `at`, or wherever it is) the controlling terminal. */
static int controlling_child(int at)
{
	struct sk_err err = {0};
	int master, peer;

	if (sk_pty_open(-1, false, 0, 0, &master, &peer, &err) < 0)
		return 10;
	if (at >= 0) {
		if (dup3(peer, at, O_CLOEXEC) < 0)
			return 11;
		close(peer);
		peer = at;
	}
	if (sk_pty_make_controlling(peer, &err) < 0)
		return 12;
	for (int fd = 0; fd <= 2; fd++)
		if (!isatty(fd) || fcntl(fd, F_GETFD) != 0)
			return 13;
	if (tcgetsid(0) != getpid() || getsid(0) != getpid())
		return 14;
	if (peer > 2 && fcntl(peer, F_GETFD) >= 0)
		return 15;
	return 0;
}

static void test_make_controlling(void **state)
{
	int at[] = {-1, 0, 2};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(at); i++) {
		int status;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(controlling_child(at[i]));
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

static void test_send_recv_fd(void **state)
{
	struct sk_err err = {0};
	int sv[2], p[2], fd;
	char buf[32] = {0};

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sk_send_fd(sv[0], p[1], "hello", 5, &err), 0);
	assert_int_equal(sk_recv_fd(sv[1], &fd, buf, sizeof(buf), &err), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_true(fd >= 0);
	assert_cloexec(fd);
	assert_int_equal(write(fd, "x", 1), 1);
	assert_int_equal(read(p[0], buf, 1), 1);
	assert_int_equal(buf[0], 'x');
	close(fd);

	/* Data only. */
	assert_int_equal(sk_send_fd(sv[0], -1, "abc", 3, &err), 0);
	fd = 99;
	assert_int_equal(sk_recv_fd(sv[1], &fd, buf, sizeof(buf), &err), 3);
	assert_int_equal(fd, -1);
	/* Empty messages are refused. */
	assert_int_equal(sk_send_fd(sv[0], p[1], "", 0, &err), -1);
	sk_err_clear(&err);
	/* EOF. */
	close(sv[0]);
	assert_int_equal(sk_recv_fd(sv[1], &fd, buf, sizeof(buf), &err), 0);
	assert_int_equal(fd, -1);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

/* Sends n copies of fd in one SCM_RIGHTS message. */
static void send_many(int sock, int fd, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 64)];
	struct iovec iov = {.iov_base = (void *)"m", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n)};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	for (int i = 0; i < n; i++)
		memcpy(CMSG_DATA(c) + (size_t)i * sizeof(int), &fd, sizeof(int));
	assert_int_equal(sendmsg(sock, &msg, 0), 1);
}

static void test_recv_unexpected_fds(void **state)
{
	struct sk_err err = {0};
	int sv[2], fd = 5, before;
	char buf[8];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	before = count_fds();
	send_many(sv[0], 1, 2);
	assert_int_equal(sk_recv_fd(sv[1], &fd, buf, sizeof(buf), &err), -1);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "more than one fd"));
	sk_err_clear(&err);
	assert_int_equal(count_fds(), before);
	/* More than fit in the control buffer: truncated, none leaks. */
	send_many(sv[0], 1, 40);
	assert_int_equal(sk_recv_fd(sv[1], &fd, buf, sizeof(buf), &err), -1);
	assert_int_equal(fd, -1);
	sk_err_clear(&err);
	assert_int_equal(count_fds(), before);
	close(sv[0]);
	close(sv[1]);
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[32];
	int dir_fd = -1, s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		char *dir = strdup(path);

		*strrchr(dir, '/') = '\0';
		dir_fd = open(dir, O_PATH | O_CLOEXEC);
		assert_true(dir_fd >= 0);
		snprintf(buf, sizeof(buf), "/proc/self/fd/%d/s", dir_fd);
		path = buf;
		free(dir);
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 1), 0);
	if (dir_fd >= 0)
		close(dir_fd);
	return s;
}

static void test_console_socket(void **state)
{
	char dir[] = "/tmp/test-terminal.XXXXXX", longdir[256], path[300], expect[32];
	char name[64] = {0};
	struct sk_err err = {0};
	int master, peer, conn, got, lsock;
	unsigned n, m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(longdir, sizeof(longdir), "%s/%0150d", dir, 0);
	assert_int_equal(mkdir(longdir, 0700), 0);
	assert_int_equal(sk_pty_open(-1, false, 0, 0, &master, &peer, &err), 0);
	assert_int_equal(ioctl(master, TIOCGPTN, &n), 0);
	snprintf(expect, sizeof(expect), "/dev/pts/%u", n);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/s", i ? longdir : dir);
		lsock = listen_at(path);
		assert_int_equal(sk_console_socket_send(path, master, &err), 0);
		conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
		assert_true(conn >= 0);
		memset(name, 0, sizeof(name));
		assert_int_equal(sk_recv_fd(conn, &got, name, sizeof(name) - 1, &err),
				 (int)strlen(expect));
		assert_string_equal(name, expect);
		assert_int_equal(ioctl(got, TIOCGPTN, &m), 0);
		assert_int_equal(m, n);
		close(got);
		close(conn);
		close(lsock);
		unlink(path);
	}
	assert_int_equal(sk_console_socket_send(path, master, &err), -1);
	assert_non_null(strstr(err.msg, "connect to console socket"));
	sk_err_clear(&err);
	close(master);
	close(peer);
	rmdir(longdir);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pty_open_default), cmocka_unit_test(test_pty_open_from_fd),
	    cmocka_unit_test(test_pty_open_errors),  cmocka_unit_test(test_make_controlling),
	    cmocka_unit_test(test_send_recv_fd),     cmocka_unit_test(test_recv_unexpected_fds),
	    cmocka_unit_test(test_console_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
