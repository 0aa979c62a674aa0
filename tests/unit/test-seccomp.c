/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of seccomp.c and lsm.c: config errors with their JSON paths, every action and
 * operator enforced by the kernel on a forked child that loads the exported program, the
 * notify fd, the cache (hit, corrupt entry, unsafe directory), the listener payload and
 * hand-off, and the LSM host check, mount label data and procfs handle checks.
 */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cleanup.h"
#include "lsm.h"
#include "seccomp.h"

static struct sk_seccomp *compile_cached(const char *json, const char *dir, bool *cached,
					 struct sk_err *err)
{
	char ebuf[256];
	yajl_val v = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	struct sk_seccomp *s = NULL;

	if (!v)
		fail_msg("bad test JSON: %s: %s", ebuf, json);
	if (sk_seccomp_compile(v, dir, &s, cached, err) < 0)
		s = NULL;
	yajl_tree_free(v);
	return s;
}

static struct sk_seccomp *compile(const char *json, struct sk_err *err)
{
	return compile_cached(json, NULL, NULL, err);
}

/* The config must fail with exactly this message. */
static void expect_error(const char *json, const char *msg)
{
	struct sk_err err = {0};
	struct sk_seccomp *s = compile(json, &err);
	if (s)
		fail_msg("compiled, want error \"%s\": %s", msg, json);
	assert_non_null(err.msg);
	if (strcmp(err.msg, msg))
		fail_msg("error \"%s\", want \"%s\"", err.msg, msg);
	sk_err_clear(&err);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_error("[]", "config.json: .linux.seccomp: must be an object");
	expect_error("{}", "config.json: .linux.seccomp.defaultAction: required");
	expect_error("{\"defaultAction\":\"SCMP_ACT_FOO\"}",
		     "config.json: .linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{},{},{},"
		     "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_FOO\"}]}",
		     "config.json: .linux.seccomp.syscalls[0].names: required");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	    "{\"names\":[],\"action\":\"SCMP_ACT_LOG\"},{\"names\":[],\"action\":\"SCMP_ACT_LOG\"},"
	    "{\"names\":[],\"action\":\"SCMP_ACT_LOG\"},"
	    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_FOO\"}]}",
	    "config.json: .linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_"
	    "XX\"}]}]}",
	    "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\"");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_"
	    "EQ\"}]}]}",
	    "config.json: .linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0..5)");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_"
	    "EQ\"}]}]}",
	    "config.json: .linux.seccomp.syscalls[0].args[0].value: must be an unsigned integer");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
	    "\"SCMP_ARCH_VAX\"]}",
	    "config.json: .linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}",
	    "config.json: .linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\"");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
		     "\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":5}]}",
		     "config.json: .linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO and "
		     "SCMP_ACT_TRACE take a return value");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000}",
	    "config.json: .linux.seccomp.defaultErrnoRet: 70000 is out of range (0..65535)");
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}",
	    "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
		     "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		     "config.json: .linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"syscalls\":"
		     "[{\"names\":[\"getppid\",\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		     "config.json: .linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for "
		     "sendmsg (the runtime needs it to pass on the notify fd)");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}",
		     "config.json: .linux.seccomp.syscalls: must be an array");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[3],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     "config.json: .linux.seccomp.syscalls[0].names[0]: must be a string");
}

static void test_absent_is_null(void **state)
{
	struct sk_err err = {0};
	struct sk_seccomp *s = (struct sk_seccomp *)1;
	(void)state;
	assert_int_equal(sk_seccomp_prepare(NULL, &s, &err), 0);
	assert_null(s);
	int fd = 7;
	assert_int_equal(sk_seccomp_load(NULL, &fd, &err), 0);
	assert_int_equal(fd, -1);
}

/* Unknown names are skipped: the program is the one without them. */
static void test_unknown_syscall_skipped(void **state)
{
	struct sk_err err = {0};
	(void)state;
	struct sk_seccomp *a = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
				       "[{\"names\":[\"getppid\",\"no_such_syscall_42\"],"
				       "\"action\":\"SCMP_ACT_ERRNO\"}]}",
				       &err);
	struct sk_seccomp *b = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
				       "[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
				       &err);
	assert_non_null(a);
	assert_non_null(b);
	size_t la, lb;
	const void *pa = sk_seccomp_program(a, &la), *pb = sk_seccomp_program(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la * 8);
	sk_seccomp_free(a);
	sk_seccomp_free(b);
}

struct call {
	long nr;
	uint64_t a[6];
};

/* Forks, loads s (with no_new_privs, as an unprivileged caller must), makes the call: the exit
 * status carries the errno (0: success); a signal death comes back as the wait status. */
static int run_call(const struct sk_seccomp *s, struct call c)
{
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd;
		struct sk_err err = {0};
		/* cmocka catches SIGSYS: a trapped call must kill the child, not resume a test. */
		signal(SIGSYS, SIG_DFL);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sk_seccomp_load(s, &fd, &err) < 0)
			_exit(255);
		long r = syscall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5]);
		_exit(r < 0 ? (errno & 0xff) : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static int call_errno(const struct sk_seccomp *s, struct call c)
{
	int st = run_call(s, c);
	if (!WIFEXITED(st))
		fail_msg("child died with signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

#define CALL(n, ...) ((struct call){.nr = (n), .a = {__VA_ARGS__}})

static void test_actions(void **state)
{
	struct sk_err err = {0};
	(void)state;
	struct sk_seccomp *s =
	    compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		    "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33},"
		    "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		    "{\"names\":[\"getpgrp\"],\"action\":\"SCMP_ACT_KILL\"},"
		    "{\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
		    "{\"names\":[\"sched_yield\"],\"action\":\"SCMP_ACT_TRAP\"},"
		    "{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":1},"
		    "{\"names\":[\"sync\"],\"action\":\"SCMP_ACT_LOG\"}]}",
		    &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_int_equal(call_errno(s, CALL(SYS_getpriority, 0, 0)), 33);
	assert_int_equal(call_errno(s, CALL(SYS_getppid)), EPERM);
	int st = run_call(s, CALL(SYS_getpgrp));
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = run_call(s, CALL(SYS_getsid, 0));
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = run_call(s, CALL(SYS_sched_yield));
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	/* TRACE without a tracer: the syscall fails with ENOSYS. */
	assert_int_equal(call_errno(s, CALL(SYS_getpgid, 0)), ENOSYS);
	assert_int_equal(call_errno(s, CALL(SYS_sync)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getuid)), 0);
	assert_int_equal(sk_seccomp_flags(s), 0);
	sk_seccomp_free(s);
}

/* With a default ERRNO profile, only what the allow list names works (it also has what a
 * sanitizer runtime needs at exit); the default errno is defaultErrnoRet. */
static void test_default_errno(void **state)
{
	struct sk_err err = {0};
	(void)state;
	struct sk_seccomp *s = compile(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
	    "{\"names\":[\"exit\",\"exit_group\",\"getppid\",\"getpid\",\"gettid\",\"write\","
	    "\"read\",\"mmap\",\"munmap\",\"mprotect\",\"madvise\",\"futex\",\"prctl\","
	    "\"rt_sigprocmask\",\"rt_sigaction\",\"sigaltstack\",\"close\",\"openat\","
	    "\"readlink\",\"clock_gettime\",\"sched_yield\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_int_equal(call_errno(s, CALL(SYS_getppid)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getuid)), ENOSYS);
	sk_seccomp_free(s);
}

static void test_operators(void **state)
{
	struct sk_err err = {0};
	(void)state;
	struct sk_seccomp *s = compile(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	    "{\"names\":[\"sched_yield\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":10,"
	    " \"args\":[{\"index\":0,\"value\":100,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":11,"
	    " \"args\":[{\"index\":2,\"value\":0,\"op\":\"SCMP_CMP_NE\"}]},"
	    "{\"names\":[\"getpgrp\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":12,"
	    " \"args\":[{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_LT\"}]},"
	    "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
	    " \"args\":[{\"index\":0,\"value\":10,\"op\":\"SCMP_CMP_LE\"}]},"
	    "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":14,"
	    " \"args\":[{\"index\":0,\"value\":50,\"op\":\"SCMP_CMP_GE\"}]},"
	    "{\"names\":[\"geteuid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":15,"
	    " \"args\":[{\"index\":5,\"value\":50,\"op\":\"SCMP_CMP_GT\"}]},"
	    "{\"names\":[\"getegid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":16,"
	    " \"args\":[{\"index\":1,\"value\":65280,\"valueTwo\":4608,\"op\":\"SCMP_CMP_MASKED_"
	    "EQ\"}]},"
	    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":17,"
	    " \"args\":[{\"index\":0,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,"
	    " \"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
	    "           {\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":19,"
	    " \"args\":[{\"index\":0,\"value\":3,\"op\":\"SCMP_CMP_EQ\"},"
	    "           {\"index\":0,\"value\":4,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	    &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_int_equal(call_errno(s, CALL(SYS_sched_yield, 100)), 10);
	assert_int_equal(call_errno(s, CALL(SYS_sched_yield, 101)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getppid, 0, 0, 5)), 11);
	assert_int_equal(call_errno(s, CALL(SYS_getppid, 5, 5, 0)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getpgrp, 9)), 12);
	assert_int_equal(call_errno(s, CALL(SYS_getpgrp, 10)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getuid, 10)), 13);
	assert_int_equal(call_errno(s, CALL(SYS_getuid, 11)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getgid, 50)), 14);
	assert_int_equal(call_errno(s, CALL(SYS_getgid, 49)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_geteuid, 0, 0, 0, 0, 0, 51)), 15);
	assert_int_equal(call_errno(s, CALL(SYS_geteuid, 0, 0, 0, 0, 0, 50)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_getegid, 0, 0x12ab)), 16);
	assert_int_equal(call_errno(s, CALL(SYS_getegid, 0, 0x13ab)), 0);
	/* All 64 bits are compared. */
	assert_int_equal(call_errno(s, CALL(SYS_getpid, UINT64_MAX)), 17);
	assert_int_equal(call_errno(s, CALL(SYS_getpid, 0xffffffffULL)), 0);
	/* Conditions on different arguments: all must hold. */
	assert_int_equal(call_errno(s, CALL(SYS_gettid, 1, 7)), 18);
	assert_int_equal(call_errno(s, CALL(SYS_gettid, 1, 8)), 0);
	assert_int_equal(call_errno(s, CALL(SYS_gettid, 2, 7)), 0);
	/* Several conditions on one argument: any of them (runc's semantics). */
	assert_int_equal(call_errno(s, CALL(SYS_getpgid, 3)), 19);
	assert_int_equal(call_errno(s, CALL(SYS_getpgid, 4)), 19);
	assert_int_equal(call_errno(s, CALL(SYS_getpgid, 0)), 0);
	sk_seccomp_free(s);
}

/* Rules with the default's action are dropped (libseccomp refuses them); architectures and
 * flags are accepted; WAIT_KILLABLE_RECV only means something with a listener. The default is
 * ALLOW: with SECCOMP_FILTER_FLAG_LOG, a default ERRNO would audit every call a sanitizer
 * runtime retries at exit, and the audit backlog then stalls the child. */
static void test_arches_flags(void **state)
{
	struct sk_err err = {0};
	(void)state;
	struct sk_seccomp *s =
	    compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		    "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\",\"SCMP_ARCH_AARCH64\"],"
		    "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
		    "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\",\"SECCOMP_FILTER_FLAG_TSYNC\"],"
		    "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		    "{\"names\":[\"exit_group\",\"exit\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		    &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_int_equal(sk_seccomp_flags(s),
			 SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	assert_int_equal(call_errno(s, CALL(SYS_getppid)), EPERM);
	sk_seccomp_free(s);
}

/* The child loads a NOTIFY filter, passes the fd over a socketpair, and the parent answers. */
static void test_notify(void **state)
{
	struct sk_err err = {0};
	int sp[2], status;
	(void)state;
	struct sk_seccomp *s = compile(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent\","
	    "\"listenerMetadata\":\"m\",\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
	    "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	    &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_string_equal(sk_seccomp_listener_path(s), "/nonexistent");
	assert_string_equal(sk_seccomp_listener_metadata(s), "m");
	assert_true(sk_seccomp_flags(s) & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	assert_true(sk_seccomp_flags(s) & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = -1;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    sk_seccomp_load(s, &fd, &err) < 0 || fd < 0)
			_exit(254);
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr a;
		} cm = {0};
		struct iovec iov = {(char *)"x", 1};
		struct msghdr m = {.msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = cm.b,
				   .msg_controllen = sizeof(cm.b)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		if (sendmsg(sp[1], &m, 0) != 1)
			_exit(253);
		close(fd);
		long r = syscall(SYS_getppid);
		_exit(r < 0 ? errno : 0);
	}
	close(sp[1]);
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr a;
	} cm;
	char x;
	struct iovec iov = {&x, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b)};
	assert_int_equal(recvmsg(sp[0], &m, MSG_CMSG_CLOEXEC), 1);
	int nfd;
	memcpy(&nfd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req));
	assert_int_equal(ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
	assert_int_equal(req.data.nr, SYS_getppid);
	assert_int_equal(req.pid, pid);
	struct seccomp_notif_resp resp = {.id = req.id, .error = -EXDEV};
	assert_int_equal(ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), EXDEV);
	close(nfd);
	close(sp[0]);
	sk_seccomp_free(s);
}

static const char *cache_profile =
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";

/* The one entry in dir (there is exactly one in these tests). */
static char *cache_entry(const char *dir)
{
	char *cmd = NULL, line[512] = "";
	if (asprintf(&cmd, "ls -1 %s", dir) < 0)
		return NULL;
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return NULL;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	char *path = NULL;
	if (!*line || asprintf(&path, "%s/%s", dir, line) < 0)
		return NULL;
	return path;
}

static void test_cache(void **state)
{
	char tmpl[] = "/tmp/test-seccomp.XXXXXX";
	struct sk_err err = {0};
	bool cached = true;
	size_t l1, l2;
	(void)state;
	char *base = mkdtemp(tmpl);
	assert_non_null(base);
	_cleanup_free_ char *dir = NULL;
	assert_true(asprintf(&dir, "%s/cache", base) > 0);

	struct sk_seccomp *a = compile_cached(cache_profile, dir, &cached, &err);
	assert_non_null(a);
	assert_false(cached);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	struct sk_seccomp *b = compile_cached(cache_profile, dir, &cached, &err);
	assert_non_null(b);
	assert_true(cached);
	const void *pa = sk_seccomp_program(a, &l1), *pb = sk_seccomp_program(b, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(pa, pb, l1 * 8);
	/* ... and the cached program works. */
	assert_int_equal(call_errno(b, CALL(SYS_getppid)), 42);
	sk_seccomp_free(b);

	/* A corrupt entry (one flipped byte near the end) is ignored and rewritten. */
	_cleanup_free_ char *entry = cache_entry(dir);
	assert_non_null(entry);
	int fd = open(entry, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	off_t size = lseek(fd, 0, SEEK_END);
	unsigned char byte;
	assert_int_equal(pread(fd, &byte, 1, size - 12), 1);
	byte ^= 0x40;
	assert_int_equal(pwrite(fd, &byte, 1, size - 12), 1);
	close(fd);
	b = compile_cached(cache_profile, dir, &cached, &err);
	assert_non_null(b);
	assert_false(cached);
	pb = sk_seccomp_program(b, &l2);
	assert_memory_equal(pa, pb, l1 * 8);
	sk_seccomp_free(b);
	/* A truncated entry too. */
	assert_int_equal(truncate(entry, 20), 0);
	b = compile_cached(cache_profile, dir, &cached, &err);
	assert_false(cached);
	sk_seccomp_free(b);
	b = compile_cached(cache_profile, dir, &cached, &err);
	assert_true(cached);
	sk_seccomp_free(b);

	/* A different section is a different entry. */
	b = compile_cached("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", dir, &cached, &err);
	assert_non_null(b);
	assert_false(cached);
	sk_seccomp_free(b);

	/* A directory others can write to is not used. */
	assert_int_equal(chmod(dir, 0777), 0);
	b = compile_cached(cache_profile, dir, &cached, &err);
	assert_non_null(b);
	assert_false(cached);
	sk_seccomp_free(b);
	sk_seccomp_free(a);

	_cleanup_free_ char *cmd = NULL;
	assert_true(asprintf(&cmd, "rm -rf %s", base) > 0);
	assert_int_equal(system(cmd), 0);
}

static void test_payload(void **state)
{
	struct sk_err err = {0};
	char *p = NULL, ebuf[128];
	(void)state;
	struct sk_seccomp *s =
	    compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/x.sock\","
		    "\"listenerMetadata\":\"a \\\"q\\\" \\\\ b\\n\","
		    "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		    &err);
	if (!s)
		fail_msg("%s", err.msg);
	const char *state_json = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
				 "\"pid\":4422,\"bundle\":\"/b\"}\n";
	assert_int_equal(sk_seccomp_listener_payload(s, state_json, &p, &err), 0);
	yajl_val v = yajl_tree_parse(p, ebuf, sizeof(ebuf));
	if (!v)
		fail_msg("payload is not JSON: %s: %s", ebuf, p);
	const char *k_fds[] = {"fds", NULL}, *k_pid[] = {"pid", NULL}, *k_md[] = {"metadata", NULL},
		   *k_id[] = {"state", "id", NULL}, *k_ver[] = {"ociVersion", NULL},
		   *k_st[] = {"state", "status", NULL};
	yajl_val fds = yajl_tree_get(v, k_fds, yajl_t_array);
	assert_non_null(fds);
	assert_int_equal(fds->u.array.len, 1);
	assert_string_equal(YAJL_GET_STRING(fds->u.array.values[0]), "seccompFd");
	assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(v, k_pid, yajl_t_number)), 4422);
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, k_md, yajl_t_string)),
			    "a \"q\" \\ b\n");
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, k_id, yajl_t_string)), "c1");
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, k_st, yajl_t_string)), "creating");
	assert_non_null(yajl_tree_get(v, k_ver, yajl_t_string));
	yajl_tree_free(v);
	free(p);
	/* A state without a pid is refused. */
	assert_int_equal(sk_seccomp_listener_payload(s, "{\"id\":\"c\"}", &p, &err), -1);
	sk_err_clear(&err);
	sk_seccomp_free(s);
}

/* The hand-off over a real socket whose path is longer than sun_path. */
static void test_send_listener(void **state)
{
	char tmpl[] = "/tmp/test-seccomp.XXXXXX", json[512], buf[4096];
	struct sk_err err = {0};
	int pipefd[2];
	(void)state;
	char *base = mkdtemp(tmpl);
	assert_non_null(base);
	_cleanup_free_ char *dir = NULL, *sock = NULL;
	assert_true(asprintf(&dir, "%s/%0120d", base, 0) > 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true(asprintf(&sock, "%s/l.sock", dir) > 0);
	assert_true(strlen(sock) > sizeof(((struct sockaddr_un *)0)->sun_path));
	snprintf(json, sizeof(json),
		 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\",\"syscalls\":"
		 "[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		 sock);
	struct sk_seccomp *s = compile(json, &err);
	assert_non_null(s);

	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(ls >= 0);
	assert_int_equal(chdir(dir), 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "l.sock"};
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	if (sk_seccomp_send_listener(s, pipefd[1], "{\"id\":\"c\",\"pid\":9}", &err) < 0)
		fail_msg("%s", err.msg);
	int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr a;
	} cm;
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b, .msg_controllen = sizeof(cm.b)};
	ssize_t n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"fds\":[\"seccompFd\"]"));
	assert_non_null(strstr(buf, "\"pid\":9"));
	int got;
	assert_non_null(CMSG_FIRSTHDR(&m));
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	/* The fd received is the pipe's write end. */
	assert_int_equal(write(got, "z", 1), 1);
	assert_int_equal(read(pipefd[0], buf, 1), 1);
	assert_int_equal(buf[0], 'z');
	close(got);
	close(conn);
	close(ls);
	close(pipefd[0]);
	close(pipefd[1]);
	/* Nobody listening: a clear error naming the path. */
	unlink(sock);
	assert_int_equal(sk_seccomp_send_listener(s, 0, "{\"pid\":1}", &err), -1);
	assert_non_null(strstr(err.msg, sock));
	sk_err_clear(&err);
	sk_seccomp_free(s);
	_cleanup_free_ char *cmd = NULL;
	assert_true(asprintf(&cmd, "rm -rf %s", base) > 0);
	assert_int_equal(system(cmd), 0);
}

/* ---- lsm.c ---- */

static void test_lsm_validate(void **state)
{
	struct sk_err err = {0};
	struct sk_process p = {0};
	struct sk_lsm_host none = {false, false}, aa = {true, false}, se = {false, true};
	(void)state;
	assert_int_equal(sk_lsm_validate(&none, &p, NULL, &err), 0);
	p.apparmor_profile = (char *)"";
	p.selinux_label = (char *)"";
	assert_int_equal(sk_lsm_validate(&none, &p, "", &err), 0);
	p.apparmor_profile = (char *)"docker-default";
	assert_int_equal(sk_lsm_validate(&none, &p, NULL, &err), -1);
	assert_string_equal(err.msg, "config.json: .process.apparmorProfile: \"docker-default\" "
				     "requested, but AppArmor is not enabled on this host");
	sk_err_clear(&err);
	assert_int_equal(sk_lsm_validate(&aa, &p, NULL, &err), 0);
	assert_int_equal(sk_lsm_validate(&se, &p, NULL, &err), -1);
	sk_err_clear(&err);
	p.apparmor_profile = NULL;
	p.selinux_label = (char *)"system_u:system_r:container_t:s0";
	assert_int_equal(sk_lsm_validate(&aa, &p, NULL, &err), -1);
	assert_non_null(strstr(err.msg, ".process.selinuxLabel"));
	assert_non_null(strstr(err.msg, "SELinux is not enabled"));
	sk_err_clear(&err);
	assert_int_equal(sk_lsm_validate(&se, &p, "system_u:object_r:container_file_t:s0", &err),
			 0);
	assert_int_equal(sk_lsm_validate(&aa, NULL, "system_u:object_r:container_file_t:s0", &err),
			 -1);
	assert_non_null(strstr(err.msg, ".linux.mountLabel"));
	sk_err_clear(&err);
	assert_int_equal(sk_lsm_validate(&se, NULL, "a\"b", &err), -1);
	sk_err_clear(&err);
}

static void expect_data(const char *label, const char *type, const char *data, const char *want)
{
	struct sk_err err = {0};
	char *got = (char *)1;
	assert_int_equal(sk_lsm_mount_data(label, type, data, &got, &err), 0);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void test_lsm_mount_data(void **state)
{
	const char *l = "system_u:object_r:container_file_t:s0:c1,c2";
	(void)state;
	expect_data(l, "tmpfs", "mode=755,size=65536k",
		    "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
	expect_data(l, "devpts", NULL, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
	expect_data(l, "mqueue", "", "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
	expect_data(l, "proc", NULL, NULL);
	expect_data(l, "sysfs", "ro", NULL);
	expect_data(l, "cgroup2", NULL, NULL);
	expect_data(l, "bind", NULL, NULL);
	expect_data(l, "tmpfs", "context=\"x:y:z:s0\"", NULL);
	expect_data(l, "tmpfs", "mode=1777,rootcontext=x:y:z:s0", NULL);
	/* "context=" inside a quoted value is not an option of its own. */
	expect_data("a:b:c:s0", "tmpfs", "uid=0,foo=\"x,context=y\"",
		    "uid=0,foo=\"x,context=y\",context=\"a:b:c:s0\"");
	expect_data(NULL, "tmpfs", "mode=755", NULL);
	expect_data("", "tmpfs", "mode=755", NULL);
	struct sk_err err = {0};
	char *got = NULL;
	assert_int_equal(sk_lsm_mount_data("a\"b", "tmpfs", NULL, &got, &err), -1);
	assert_null(got);
	sk_err_clear(&err);
}

static void test_lsm_apply_exec(void **state)
{
	struct sk_err err = {0};
	struct sk_process p = {0};
	struct sk_lsm_host h;
	(void)state;
	/* Nothing asked: nothing done, whatever the fd. */
	assert_int_equal(sk_lsm_apply_exec(-1, &p, &err), 0);
	/* A handle that is not procfs is refused before any write. */
	p.apparmor_profile = (char *)"skiff-test";
	int tmp = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(tmp >= 0);
	assert_int_equal(sk_lsm_apply_exec(tmp, &p, &err), -1);
	assert_int_equal(err.errnum, EXDEV);
	assert_non_null(strstr(err.msg, "not procfs"));
	sk_err_clear(&err);
	close(tmp);
	sk_lsm_host_detect(&h);
	if (h.apparmor)
		return; /* would really set an exec profile on this test process */
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(proc >= 0);
	assert_int_equal(sk_lsm_apply_exec(proc, &p, &err), -1);
	assert_non_null(strstr(err.msg, "AppArmor"));
	assert_non_null(strstr(err.msg, "skiff-test"));
	sk_err_clear(&err);
	close(proc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_absent_is_null),
	    cmocka_unit_test(test_unknown_syscall_skipped),
	    cmocka_unit_test(test_actions),
	    cmocka_unit_test(test_default_errno),
	    cmocka_unit_test(test_operators),
	    cmocka_unit_test(test_arches_flags),
	    cmocka_unit_test(test_notify),
	    cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_payload),
	    cmocka_unit_test(test_send_listener),
	    cmocka_unit_test(test_lsm_validate),
	    cmocka_unit_test(test_lsm_mount_data),
	    cmocka_unit_test(test_lsm_apply_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
