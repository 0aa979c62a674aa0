// SPDX-License-Identifier: Apache-2.0
/*
 * bench/probe.c: the parity probe. Run as the container process by every benchmark
 * participant (skiff, runc, crun, the floor); prints what the runtime set up, one `key value`
 * line each, so run.sh can refuse to report numbers when the participants did different work:
 * mounts, namespaces, capabilities, cgroups, device nodes, hostname, ids and rlimits.
 * Static (cc -static), no NSS, no allocation worth mentioning; it is not part of skiff.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Prints each line of path with a prefix; filter, when set, picks lines starting with it. */
static void print_file(const char *prefix, const char *path, const char *filter)
{
	FILE *f = fopen(path, "re");
	char line[4096];

	if (!f) {
		printf("%s %s unreadable(%s)\n", prefix, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (filter && strncmp(line, filter, strlen(filter)) != 0)
			continue;
		fputs(prefix, stdout);
		putchar(' ');
		fputs(line, stdout);
		if (!strchr(line, '\n'))
			putchar('\n');
	}
	fclose(f);
}

/* mountinfo fields: id parent dev root mnt opts [optional...] - fstype source superopts.
 * Prints `mount <mnt> <fstype> <per-mount opts>`; ids, devices and sources differ between
 * runtimes for the same result and are left out. */
static void print_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f) {
		printf("mount unreadable(%s)\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[6], *save = NULL, *p = line, *dash, *fstype;
		int n = 0;

		dash = strstr(line, " - ");
		if (!dash)
			continue;
		*dash = '\0';
		fstype = strtok_r(dash + 3, " ", &save);
		save = NULL;
		for (char *t = strtok_r(p, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
			field[n++] = t;
		if (n < 6 || !fstype)
			continue;
		printf("mount %s %s %s\n", field[4], fstype, field[5]);
	}
	fclose(f);
}

static void print_ns(void)
{
	static const char *const names[] = {"cgroup", "ipc",  "mnt", "net", "pid",
					    "time",   "user", "uts", NULL};
	for (size_t i = 0; names[i]; i++) {
		char path[64], target[128];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			printf("ns %s unreadable\n", names[i]);
			continue;
		}
		target[n] = '\0';
		printf("ns %s %s\n", names[i], target);
	}
}

static void print_dev(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;

	if (!d) {
		printf("dev unreadable(%s)\n", strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;
		char link[256];
		ssize_t n;

		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
			link[n < 0 ? 0 : n] = '\0';
			printf("dev %s -> %s\n", e->d_name, link);
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			printf("dev %s %c %u:%u %04o %u:%u\n", e->d_name,
			       S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev),
			       minor(st.st_rdev), st.st_mode & 07777, st.st_uid, st.st_gid);
		} else {
			printf("dev %s %s\n", e->d_name, S_ISDIR(st.st_mode) ? "dir" : "other");
		}
	}
	closedir(d);
}

/* A masked path must read as empty: a file bound to /dev/null or an empty directory. */
static void print_masked(const char *path)
{
	struct stat st;
	char c;
	int fd;

	if (stat(path, &st) < 0) {
		printf("masked %s absent\n", path);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		int n = 0;

		while (d && (e = readdir(d)))
			n += e->d_name[0] != '.';
		if (d)
			closedir(d);
		printf("masked %s %s\n", path, d && n == 0 ? "empty" : "visible");
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	printf("masked %s %s\n", path, fd >= 0 && read(fd, &c, 1) == 0 ? "empty" : "visible");
	if (fd >= 0)
		close(fd);
}

/* Arguments: the masked paths of config.json, checked for effect. */
int main(int argc, char **argv)
{
	struct rlimit rl;
	char host[256] = "";

	for (int i = 1; i < argc; i++)
		print_masked(argv[i]);
	print_ns();
	print_mounts();
	print_file("status", "/proc/self/status", "Cap");
	print_file("status", "/proc/self/status", "NoNewPrivs");
	print_file("status", "/proc/self/status", "Seccomp:");
	print_file("cgroup", "/proc/self/cgroup", NULL);
	print_file("devices", "/sys/fs/cgroup/devices/devices.list", NULL);
	print_file("memlimit", "/sys/fs/cgroup/memory/memory.limit_in_bytes", NULL);
	print_dev();
	gethostname(host, sizeof(host) - 1);
	printf("hostname %s\n", host);
	printf("ids %u %u %u %u\n", getuid(), geteuid(), getgid(), getegid());
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		printf("rlimit nofile %llu %llu\n", (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
	printf("pid %d\n", getpid());
	printf("umask %04o\n", umask(022));
	printf("dumpable %d\n", prctl(PR_GET_DUMPABLE));
	return fflush(stdout) == 0 ? 0 : 1;
}
