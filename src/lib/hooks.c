/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks: runs one kind's hooks in order in the caller's namespaces, each with the state
 * JSON on stdin, the env of the spec (the runtime's own when the hook has no "env", as runc and
 * crun do; an empty array is an empty env), a bounded capture of stdout+stderr for the error
 * message, and the optional timeout (SIGKILL). When hooks run (which kinds, in which process)
 * is spawn.c's and container.c's business.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cleanup.h"
#include "hooks.h"

/* Output kept for the error message; the rest is read and dropped so the hook never blocks. */
#define HOOK_OUTPUT_MAX (64u << 10)
/* Poll period when pidfds are not available (kernels before 5.3). */
#define HOOK_POLL_FALLBACK_MS 10

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct hook_run {
	pid_t pid;
	int pidfd;  /* -1: fall back to waitpid(WNOHANG) polling */
	int in_fd;  /* write end of the hook's stdin; -1 once all is written or it went away */
	int out_fd; /* read end of the hook's stdout+stderr; -1 at EOF */
	const char *state;
	size_t state_len, state_off;
	char *out;
	size_t out_len;
};

/* In the child between fork and exec: only async-signal-safe calls. fds[0] is the stdin pipe,
 * fds[1] the output pipe, fds[2] the exec-error pipe (O_CLOEXEC: EOF in the parent means the
 * exec succeeded). */
static _Noreturn void hook_child(const char *path, char **argv, char **envp, const int fds[3])
{
	sigset_t none;
	int in, out, e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Lift both pipes above 2 first: a caller with closed stdio may have got them as 0..2. */
	in = fcntl(fds[0], F_DUPFD_CLOEXEC, 3);
	out = fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		goto fail;
	/* Everything of ours is O_CLOEXEC already; this also covers fds a library leaked. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3; fd < 65536; fd++)
			if (fd != fds[2])
				close(fd);
	}
	execve(path, argv, envp);
fail:
	e = errno;
	if (write(fds[2], &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int64_t hook_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes to the hook's stdin without dying of SIGPIPE when the hook closed it: SIGPIPE is
 * blocked around the write, and a SIGPIPE the write raised is consumed before unblocking. */
static ssize_t hook_write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = {0};
	bool was_pending;
	ssize_t n;
	int saved;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE) == 1;
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, buf, len);
	saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

static void hook_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Feeds more of the state to stdin. A hook that does not read it is not an error. */
static void hook_feed(struct hook_run *r, short revents)
{
	ssize_t n;

	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		hook_close(&r->in_fd);
		return;
	}
	n = hook_write_nosigpipe(r->in_fd, r->state + r->state_off, r->state_len - r->state_off);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		r->state_off += (size_t)n;
	if (n < 0 || r->state_off == r->state_len)
		hook_close(&r->in_fd);
}

/* Reads what is available from the output pipe. Returns the bytes read (0 at EOF or nothing
 * more right now). */
static size_t hook_drain(struct hook_run *r)
{
	char scratch[4096];
	size_t total = 0;

	/* Bounded, so that a writer as fast as we are cannot keep us here. */
	for (int i = 0; i < 64 && r->out_fd >= 0; i++) {
		size_t room = HOOK_OUTPUT_MAX - r->out_len;
		char *dst = room ? r->out + r->out_len : scratch;
		ssize_t n = read(r->out_fd, dst, room ? room : sizeof(scratch));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			hook_close(&r->out_fd);
			break;
		}
		if (room)
			r->out_len += (size_t)n;
		total += (size_t)n;
	}
	return total;
}

static int hook_reap(pid_t pid, int *ret_status, struct sk_err *err)
{
	while (waitpid(pid, ret_status, 0) < 0) {
		if (errno != EINTR)
			return sk_fail(err, errno, "waitpid %d", (int)pid);
	}
	return 0;
}

/* Has the hook exited? Reaps it if so (with a pidfd, its readability says it exited). */
static int hook_exited(struct hook_run *r, const struct pollfd *pid_poll, int *ret_status,
		       struct sk_err *err)
{
	pid_t p;

	if (r->pidfd >= 0) {
		if (!(pid_poll->revents & POLLIN))
			return 0;
		return hook_reap(r->pid, ret_status, err) < 0 ? -1 : 1;
	}
	p = waitpid(r->pid, ret_status, WNOHANG);
	if (p < 0 && errno != EINTR)
		return sk_fail(err, errno, "waitpid %d", (int)r->pid);
	return p == r->pid;
}

/* Milliseconds to poll for: until the deadline (-1: none), short periods without a pidfd. */
static int hook_poll_timeout(const struct hook_run *r, int64_t deadline)
{
	int64_t left = deadline < 0 ? -1 : deadline - hook_now_ms();

	if (deadline >= 0 && left < 0)
		left = 0;
	if (r->pidfd < 0 && (left < 0 || left > HOOK_POLL_FALLBACK_MS))
		left = HOOK_POLL_FALLBACK_MS;
	if (left > INT32_MAX)
		left = INT32_MAX;
	return (int)left;
}

/* Serves stdin and output until the hook exits or the deadline passes (then it is killed).
 * Always reaps the hook. */
static int hook_wait(struct hook_run *r, int64_t deadline, int *ret_status, bool *ret_timed_out,
		     struct sk_err *err)
{
	*ret_timed_out = false;
	for (;;) {
		struct pollfd p[3] = {{.fd = r->pidfd, .events = POLLIN},
				      {.fd = r->in_fd, .events = POLLOUT},
				      {.fd = r->out_fd, .events = POLLIN}};
		int timeout = hook_poll_timeout(r, deadline), n, done;

		if (deadline >= 0 && timeout == 0 && hook_now_ms() >= deadline) {
			*ret_timed_out = true;
			if (kill(r->pid, SIGKILL) < 0)
				return sk_fail(err, errno, "kill hook %d", (int)r->pid);
			return hook_reap(r->pid, ret_status, err);
		}
		/* Negative fds are ignored by poll. */
		n = poll(p, ARRAY_SIZE(p), timeout);
		if (n < 0 && errno != EINTR)
			return sk_fail(err, errno, "poll hook %d", (int)r->pid);
		if (n <= 0)
			p[0].revents = p[1].revents = p[2].revents = 0;
		if (r->in_fd >= 0 && p[1].revents)
			hook_feed(r, p[1].revents);
		if (r->out_fd >= 0 && p[2].revents)
			hook_drain(r);
		done = hook_exited(r, &p[0], ret_status, err);
		if (done < 0)
			return -1;
		if (done) {
			/* What the hook wrote before exiting; a leftover grandchild may keep the
			 * pipe open, so stop at the first empty read or a full buffer. */
			while (r->out_fd >= 0 && r->out_len < HOOK_OUTPUT_MAX && hook_drain(r) > 0)
				;
			return 0;
		}
	}
}

/* The hook's argv: its args, or just its path when args are empty (as runc). */
static char **hook_argv(const struct sk_hook *h, char *fallback[2])
{
	if (h->args && h->args[0])
		return h->args;
	fallback[0] = h->path;
	fallback[1] = NULL;
	return fallback;
}

/* Forks and execs the hook with its pipes; returns with r->pid, pidfd and the parent ends set.
 * An exec failure is reported here, after reaping the child. */
static int hook_spawn(const struct sk_hook *h, struct hook_run *r, struct sk_err *err)
{
	_cleanup_close_ int in_r = -1, out_w = -1, exec_r = -1, exec_w = -1;
	int in_p[2], out_p[2], exec_p[2], child_fds[3], e = 0, status;
	char *fallback[2];
	char **argv = hook_argv(h, fallback);
	ssize_t n;

	if (pipe2(in_p, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe");
	in_r = in_p[0];
	r->in_fd = in_p[1];
	if (pipe2(out_p, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe");
	r->out_fd = out_p[0];
	out_w = out_p[1];
	if (pipe2(exec_p, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe");
	exec_r = exec_p[0];
	exec_w = exec_p[1];
	child_fds[0] = in_r;
	child_fds[1] = out_w;
	child_fds[2] = exec_w;
	r->pid = fork();
	if (r->pid < 0)
		return sk_fail(err, errno, "fork");
	if (r->pid == 0)
		hook_child(h->path, argv, h->env ? h->env : environ, child_fds);
	closep(&exec_w);
	exec_w = -1;
	do
		n = read(exec_r, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		hook_reap(r->pid, &status, NULL);
		r->pid = -1;
		return sk_fail(err, e, "exec");
	}
	/* Before 5.3 there are no pidfds: hook_wait polls with waitpid(WNOHANG) then. */
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (fcntl(r->in_fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(r->out_fd, F_SETFL, O_NONBLOCK) < 0)
		return sk_fail(err, errno, "set hook pipes non-blocking");
	return 0;
}

static void hook_trim(char *s, size_t *len)
{
	size_t start = 0;

	while (*len > 0 && strchr(" \t\r\n", s[*len - 1]))
		(*len)--;
	while (start < *len && strchr(" \t\r\n", s[start]))
		start++;
	memmove(s, s + start, *len - start);
	*len -= start;
	s[*len] = '\0';
}

/* The error of a failed hook: what happened, then its trimmed output if any. */
static int hook_fail(struct sk_err *err, const char *prefix, int status, bool timed_out,
		     const struct sk_hook *h, struct hook_run *r)
{
	_cleanup_free_ char *what = NULL;
	int n;

	hook_trim(r->out, &r->out_len);
	if (timed_out)
		n = asprintf(&what, "timed out after %ds", h->timeout);
	else if (WIFSIGNALED(status))
		n = asprintf(&what, "killed by signal %d", WTERMSIG(status));
	else
		n = asprintf(&what, "exit status %d", WEXITSTATUS(status));
	if (n < 0)
		return sk_fail(err, ENOMEM, "%s", prefix);
	return sk_fail(err, 0, "%s: %s%s%s", prefix, what, r->out_len ? ": " : "", r->out);
}

static int hook_run_one(const struct sk_hook *h, const char *prefix, const char *state_json,
			struct sk_err *err)
{
	struct hook_run r = {.pid = -1, .pidfd = -1, .in_fd = -1, .out_fd = -1};
	int64_t deadline = h->has_timeout ? hook_now_ms() + (int64_t)h->timeout * 1000 : -1;
	bool timed_out = false;
	int status = 0, ret = -1;

	r.state = state_json ? state_json : "";
	r.state_len = strlen(r.state);
	r.out = malloc(HOOK_OUTPUT_MAX + 1);
	if (!r.out) {
		sk_fail(err, ENOMEM, "%s", prefix);
		goto out;
	}
	if (hook_spawn(h, &r, err) < 0 || hook_wait(&r, deadline, &status, &timed_out, err) < 0) {
		sk_wrap(err, "%s", prefix);
		goto out;
	}
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		hook_fail(err, prefix, status, timed_out, h, &r);
	else
		ret = 0;
out:
	/* hook_wait reaps on every path but its own syscall errors: never leave a zombie. */
	if (ret < 0 && r.pid > 0 && waitpid(r.pid, &status, WNOHANG) == 0) {
		kill(r.pid, SIGKILL);
		hook_reap(r.pid, &status, NULL);
	}
	hook_close(&r.pidfd);
	hook_close(&r.in_fd);
	hook_close(&r.out_fd);
	free(r.out);
	return ret;
}

int sk_hooks_run(const struct sk_hook_list *list, enum sk_hook_kind kind, const char *state_json,
		 struct sk_err *err)
{
	for (size_t i = 0; list && i < list->n; i++) {
		const struct sk_hook *h = &list->hooks[i];
		_cleanup_free_ char *prefix = NULL;

		if (asprintf(&prefix, "%s hook #%zu (%s)", sk_hook_kind_name(kind), i, h->path) < 0)
			return sk_fail(err, ENOMEM, "run hooks");
		if (hook_run_one(h, prefix, state_json, err) < 0)
			return -1;
	}
	return 0;
}

int sk_hooks_run_all(const struct sk_hook_list *list, enum sk_hook_kind kind,
		     const char *state_json, struct sk_err *err)
{
	_cleanup_free_ char *msgs = NULL;
	int errnum = 0;

	for (size_t i = 0; list && i < list->n; i++) {
		const struct sk_hook *h = &list->hooks[i];
		_cleanup_free_ char *prefix = NULL;
		struct sk_err one = {0};
		char *joined = NULL;

		if (asprintf(&prefix, "%s hook #%zu (%s)", sk_hook_kind_name(kind), i, h->path) < 0)
			return sk_fail(err, ENOMEM, "run hooks");
		if (hook_run_one(h, prefix, state_json, &one) == 0)
			continue;
		/* Keep going: the spec lets no failed poststart/poststop hook skip the next one. */
		if (asprintf(&joined, "%s%s%s", msgs ? msgs : "", msgs ? "; " : "",
			     one.msg ? one.msg : "failed") < 0)
			joined = NULL;
		if (!errnum)
			errnum = one.errnum;
		sk_err_clear(&one);
		if (!joined)
			return sk_fail(err, ENOMEM, "run hooks");
		free(msgs);
		msgs = joined;
	}
	if (!msgs)
		return 0;
	sk_fail(err, 0, "%s", msgs);
	err->errnum = errnum;
	return -1;
}
