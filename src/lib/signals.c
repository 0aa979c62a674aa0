/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signal names as `kill` accepts them: a number, or a name with or without "SIG" in any case,
 * including the real-time forms RTMIN, RTMIN+n, RTMAX-n. RTMIN is the C library's SIGRTMIN
 * (34 with glibc, which keeps 32 and 33 for itself), as runc and kill(1) use it.
 * 0 is accepted as kill(2) takes it: no signal is sent, only the process's existence checked
 * (`runc kill ID 0` is how callers probe a container).
 * Also the signal mask and dispositions a container process starts with.
 */
#include "config.h"
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "signals.h"

static const struct {
	const char *name;
	int num;
} signal_table[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},	{"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT},	{"IOT", SIGIOT},   {"BUS", SIGBUS},
    {"FPE", SIGFPE},	   {"KILL", SIGKILL},	{"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},	   {"PIPE", SIGPIPE},	{"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},	{"CLD", SIGCHLD},  {"CONT", SIGCONT},
    {"STOP", SIGSTOP},	   {"TSTP", SIGTSTP},	{"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
    {"URG", SIGURG},	   {"XCPU", SIGXCPU},	{"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},	   {"WINCH", SIGWINCH}, {"IO", SIGIO},	   {"POLL", SIGPOLL},
    {"PWR", SIGPWR},	   {"SYS", SIGSYS},
};

/* A decimal number of 1..3 digits with no sign or leading junk; -1 if s is not one. */
static int small_number(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 3 || s[n] != '\0')
		return -1;
	return atoi(s);
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (name without SIG); -1 when not one of these. */
static int rt_signal(const char *name)
{
	int base, off = 0, sign;

	if (strncasecmp(name, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		sign = '+';
	} else if (strncasecmp(name, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		sign = '-';
	} else {
		return -1;
	}
	name += 5;
	if (name[0] != '\0') {
		if (name[0] != sign || (off = small_number(name + 1)) < 0)
			return -1;
	}
	if (off > SIGRTMAX - SIGRTMIN)
		return -1;
	return sign == '+' ? base + off : base - off;
}

int sk_signal_parse(const char *s, int *ret, struct sk_err *err)
{
	const char *name = s;
	int n;

	if (!s)
		return sk_fail(err, 0, "invalid signal \"\"");
	n = small_number(s);
	if (n >= 0) {
		if (n > SIGRTMAX)
			return sk_fail(err, 0, "invalid signal \"%s\": out of range 0..%d", s,
				       SIGRTMAX);
		*ret = n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signal_table) / sizeof(signal_table[0]); i++) {
		if (strcasecmp(name, signal_table[i].name) == 0) {
			*ret = signal_table[i].num;
			return 0;
		}
	}
	n = rt_signal(name);
	if (n > 0) {
		*ret = n;
		return 0;
	}
	return sk_fail(err, 0, "invalid signal \"%.64s\"", s);
}

/* execve resets handled signals to their default but keeps ignored ones ignored: conmon ignores
 * SIGPIPE, and `yes | head -1` in a podman container then printed "Broken pipe" errors. runc's
 * container processes start with every action at its default whatever the caller ignored
 * (nohup too); so do skiff's. */
/* The kernel's struct sigaction, for rt_sigaction(2) itself: glibc refuses signals 32 and 33
 * (its own), yet a caller may have left them ignored (CI harnesses do), and execve keeps that. */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

int sk_signals_reset(struct sk_err *err)
{
	sigset_t none;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return sk_fail(err, errno, "unblock signals");
	for (int sig = 1; sig <= 64; sig++) {
		struct kernel_sigaction old = {0}, dfl = {.handler = SIG_DFL};
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof(old.mask)) < 0) {
			if (errno == EINVAL)
				continue;
			return sk_fail(err, errno, "get the action of signal %d", sig);
		}
		if (old.handler != SIG_IGN)
			continue;
		if (syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask)) < 0)
			return sk_fail(err, errno, "reset the action of signal %d", sig);
	}
	return 0;
}
