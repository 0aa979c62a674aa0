/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Foreground waiting: one poll loop over a signalfd, the pty master and stdin. SIGCHLD reaps;
 * SIGWINCH resizes the pty; every other signal goes to the container's process.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "cleanup.h"
#include "foreground.h"

int sk_fg_begin(struct sk_fg *fg, struct sk_err *err)
{
	sigset_t all;

	sigfillset(&all);
	/* Faults must stay deliverable; SIGKILL and SIGSTOP cannot be blocked anyway. */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGTRAP);
	if (sigprocmask(SIG_BLOCK, &all, &fg->old_mask) < 0)
		return sk_fail(err, errno, "block signals");
	fg->sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fg->sigfd < 0) {
		sigprocmask(SIG_SETMASK, &fg->old_mask, NULL);
		return sk_fail(err, errno, "signalfd");
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		sk_fg_end(fg);
		return sk_fail(err, errno, "prctl PR_SET_CHILD_SUBREAPER");
	}
	return 0;
}

void sk_fg_end(struct sk_fg *fg)
{
	if (fg->sigfd >= 0) {
		close(fg->sigfd);
		fg->sigfd = -1;
		sigprocmask(SIG_SETMASK, &fg->old_mask, NULL);
	}
}

/* One read and its full write: > 0 bytes copied, 0 at end of input, -1 on error or EAGAIN. */
static ssize_t copy_once(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n == 0)
		errno = 0;
	if (n <= 0)
		return n;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		off += w;
	}
	return n;
}

static void resize(int pty_master)
{
	struct winsize ws;
	if (pty_master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(pty_master, TIOCSWINSZ, &ws);
}

/* Reaps every exited child; returns true when pid was among them. */
static bool reap(pid_t pid, int *ret_status)
{
	int st;
	pid_t r;
	bool found = false;
	while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
		if (r != pid)
			continue;
		found = true;
		*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return found;
}

int sk_fg_wait(struct sk_fg *fg, pid_t pid, int pty_master, int *ret_status, struct sk_err *err)
{
	struct termios saved;
	bool raw = pty_master >= 0 && tcgetattr(STDIN_FILENO, &saved) == 0;
	bool in_open = pty_master >= 0;

	if (pty_master >= 0)
		fcntl(pty_master, F_SETFL, fcntl(pty_master, F_GETFL) | O_NONBLOCK);
	if (raw) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		resize(pty_master);
	}
	for (;;) {
		struct pollfd p[3] = {{fg->sigfd, POLLIN, 0},
				      {pty_master, POLLIN, 0},
				      {in_open ? STDIN_FILENO : -1, POLLIN, 0}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			sk_fail(err, errno, "poll");
			break;
		}
		if ((p[1].revents & (POLLIN | POLLHUP)) &&
		    copy_once(pty_master, STDOUT_FILENO) <= 0 && errno != EAGAIN && errno != EINTR)
			pty_master = -1; /* EIO: every holder of the peer closed it */
		if ((p[2].revents & (POLLIN | POLLHUP)) &&
		    copy_once(STDIN_FILENO, pty_master) <= 0 && errno != EAGAIN && errno != EINTR)
			in_open = false;
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		while (read(fg->sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD) {
				if (reap(pid, ret_status)) {
					/* Drain what the process wrote before it exited. */
					while (pty_master >= 0 &&
					       copy_once(pty_master, STDOUT_FILENO) > 0)
						;
					if (raw)
						tcsetattr(STDIN_FILENO, TCSANOW, &saved);
					return 0;
				}
			} else if (si.ssi_signo == SIGWINCH) {
				resize(pty_master);
			} else {
				kill(pid, (int)si.ssi_signo);
			}
		}
	}
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return -1;
}
