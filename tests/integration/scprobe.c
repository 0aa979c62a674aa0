// SPDX-License-Identifier: Apache-2.0
/*
 * scprobe: a static test program for the seccomp and LSM tests, copied into the container's
 * rootfs. It makes raw system calls with the arguments given and prints what came back, so a
 * test can see which filter rule (if any) answered.
 *
 *   scprobe call NAME [ARG...]   ARG: a number (0x.. ok, 64 bits) or s:TEXT (a string pointer)
 *                                prints "NAME ret=R errno=ENAME" (errno=0 on success)
 *   scprobe trap NAME [ARG...]   the same with a SIGSYS handler: prints "SIGSYS nr=N code=C"
 *   scprobe status               the Seccomp lines of /proc/self/status
 *   scprobe attr FILE            /proc/self/attr/FILE (LSM labels)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} calls[] = {
    {"unshare", SYS_unshare},
    {"mount", SYS_mount},
    {"umount2", SYS_umount2},
    {"kexec_load", SYS_kexec_load},
    {"keyctl", SYS_keyctl},
    {"add_key", SYS_add_key},
    {"bpf", SYS_bpf},
    {"setns", SYS_setns},
    {"pivot_root", SYS_pivot_root},
    {"reboot", SYS_reboot},
    {"uname", SYS_uname},
    {"getcwd", SYS_getcwd},
    {"mkdir", SYS_mkdir},
    {"chmod", SYS_chmod},
    {"getpid", SYS_getpid},
    {"sched_yield", SYS_sched_yield},
    {"getppid", SYS_getppid},
    {"getpgrp", SYS_getpgrp},
    {"sync", SYS_sync},
    {"getpgid", SYS_getpgid},
    {"getsid", SYS_getsid},
    {"getpriority", SYS_getpriority},
    {"getrusage", SYS_getrusage},
    {"personality", SYS_personality},
    {"clone3", SYS_clone3},
    {"syslog", SYS_syslog},
    {"perf_event_open", SYS_perf_event_open},
};

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "SIGSYS nr=%d code=%d\n", si->si_syscall, si->si_code);
	(void)sig;
	(void)uc;
	if (write(1, buf, (size_t)n) < 0)
		_exit(2);
}

static long call(int argc, char **argv)
{
	long nr = -1;
	uint64_t a[6] = {0};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(argv[0], calls[i].name))
			nr = calls[i].nr;
	if (nr < 0) {
		fprintf(stderr, "scprobe: unknown syscall %s\n", argv[0]);
		exit(2);
	}
	for (int i = 1; i < argc && i <= 6; i++)
		a[i - 1] = !strncmp(argv[i], "s:", 2) ? (uint64_t)(uintptr_t)(argv[i] + 2)
						      : strtoull(argv[i], NULL, 0);
	errno = 0;
	return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int print_call(int argc, char **argv)
{
	long r = call(argc, argv);
	int e = errno;
	printf("%s ret=%ld errno=%s\n", argv[0], r, r < 0 ? strerrorname_np(e) : "0");
	return 0;
}

static int status(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp", 7) || !strncmp(line, "NoNewPrivs", 10))
			fputs(line, stdout);
	fclose(f);
	return 0;
}

static int attr(const char *file)
{
	char path[128], buf[512];
	snprintf(path, sizeof(path), "/proc/self/attr/%s", file);
	FILE *f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		printf("attr %s: %s\n", file, strerror(errno));
		return 1;
	}
	printf("attr %s=%s", file, buf);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "call"))
		return print_call(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "trap")) {
		struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
		sigaction(SIGSYS, &sa, NULL);
		return print_call(argc - 2, argv + 2);
	}
	if (argc == 2 && !strcmp(argv[1], "status"))
		return status();
	if (argc == 3 && !strcmp(argv[1], "attr"))
		return attr(argv[2]);
	fprintf(stderr, "usage: scprobe call|trap NAME [ARG...] | status | attr FILE\n");
	return 2;
}
