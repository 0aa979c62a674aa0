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
int sk_signals_reset(struct sk_err *err)
{
	struct sigaction sa;
	sigset_t none;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return sk_fail(err, errno, "unblock signals");
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* glibc refuses 32 and 33, its own: EINVAL, and they are never ignored. */
		if (sigaction(sig, NULL, &sa) < 0) {
			if (errno == EINVAL)
				continue;
			return sk_fail(err, errno, "get the action of signal %d", sig);
		}
		if (sa.sa_handler != SIG_IGN)
			continue;
		sa.sa_handler = SIG_DFL;
		if (sigaction(sig, &sa, NULL) < 0)
			return sk_fail(err, errno, "reset the action of signal %d", sig);
	}
	return 0;
}
