/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe: a static helper placed in the test rootfs as /probe. Each verb prints what it sees
 * inside the container as `key=value` lines so bats tests can assert effects, e.g.
 * `/probe ids caps` or `/probe stat /dev/null write /proc/sys/kernel/hostname`. Several verbs
 * may follow each other in one invocation. No NSS: ids are printed as numbers only.
 * Built by helpers.bash with `cc -static -O2`; it is not part of the skiff build.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
	exit(2);
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "EUNKNOWN";
}

/* Print the lines of a /proc file whose key (text before ':') is in keys, as key=value. */
static void print_status_keys(const char *path, const char *const *keys)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t n = 0;

	if (!f)
		die(path);
	while (getline(&line, &n, f) > 0) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		for (const char *const *k = keys; *k; k++) {
			if (strcmp(line, *k) != 0)
				continue;
			char *v = colon + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			printf("%s=%s\n", line, v);
		}
	}
	free(line);
	fclose(f);
}

/* Prints each line of a small file as key=line (or key=ERRNO when it cannot be read). */
static void print_file(const char *key, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t n = 0;
	int lines = 0;

	if (!f) {
		printf("%s=%s\n", key, errname(errno));
		return;
	}
	errno = 0;
	while (getline(&line, &n, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		printf("%s=%s\n", key, line);
		lines++;
	}
	if (ferror(f))
		printf("%s=%s\n", key, errname(errno));
	else if (!lines)
		printf("%s=\n", key);
	free(line);
	fclose(f);
}

static void do_caps(void)
{
	static const char *const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL};

	print_status_keys("/proc/self/status", keys);
}

static void do_nnp(void)
{
	static const char *const keys[] = {"NoNewPrivs", "Seccomp", NULL};

	print_status_keys("/proc/self/status", keys);
}

static void do_ids(void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	if (n < 0)
		die("getgroups");
	printf("uid=%u\ngid=%u\neuid=%u\negid=%u\ngroups=", getuid(), getgid(), geteuid(),
	       getegid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	printf("\n");
}

static void do_cwd(void)
{
	char *cwd = getcwd(NULL, 0);

	if (!cwd)
		die("getcwd");
	printf("cwd=%s\n", cwd);
	free(cwd);
}

static void print_limit(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("unlimited");
	else
		printf("%llu", (unsigned long long)v);
}

static void do_rlimits(void)
{
	static const struct {
		const char *name;
		int res;
	} lim[] = {
	    {"RLIMIT_AS", RLIMIT_AS},
	    {"RLIMIT_CORE", RLIMIT_CORE},
	    {"RLIMIT_CPU", RLIMIT_CPU},
	    {"RLIMIT_DATA", RLIMIT_DATA},
	    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
	    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
	    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
	    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
	    {"RLIMIT_NICE", RLIMIT_NICE},
	    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
	    {"RLIMIT_NPROC", RLIMIT_NPROC},
	    {"RLIMIT_RSS", RLIMIT_RSS},
	    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
	    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
	    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	    {"RLIMIT_STACK", RLIMIT_STACK},
	};

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct rlimit rl;

		if (getrlimit(lim[i].res, &rl) < 0)
			die("getrlimit");
		printf("%s=", lim[i].name);
		print_limit(rl.rlim_cur);
		printf(":");
		print_limit(rl.rlim_max);
		printf("\n");
	}
}

static void do_hostname(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		die("uname");
	printf("hostname=%s\ndomainname=%s\n", u.nodename, u.domainname);
}

static void do_uname(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		die("uname");
	printf("machine=%s\nrelease=%s\n", u.machine, u.release);
}

/*
 * One line per mount, in mountinfo order:
 *   mount=<dest> <fstype> <per-mount options> <super options> <optional fields or ->
 * and `probe mount DEST` prints the topmost mount at DEST as separate keys.
 */
struct mnt {
	char *dest, *opts, *optional, *fstype, *source, *super;
};

static int parse_mountinfo_line(char *line, struct mnt *m)
{
	char *f[6];
	char *save = NULL, *tok;
	int i = 0;
	char *sep = strstr(line, " - ");

	if (!sep)
		return -1;
	*sep = '\0';
	line[strcspn(line, "\n")] = '\0';
	sep += 3;
	sep[strcspn(sep, "\n")] = '\0';
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		f[i++] = tok;
		if (i == 6)
			break;
	}
	if (i < 6)
		return -1;
	m->dest = f[4];
	m->opts = f[5];
	/* The optional fields (shared:N master:N ...) are what is left before " - ". */
	m->optional = save && *save ? save : (char *)"-";
	save = NULL;
	m->fstype = strtok_r(sep, " ", &save);
	m->source = strtok_r(NULL, " ", &save);
	m->super = strtok_r(NULL, " ", &save);
	if (!m->fstype || !m->source || !m->super)
		return -1;
	return 0;
}

static void do_mounts(const char *only)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *last = NULL;
	size_t n = 0;
	struct mnt m;

	if (!f)
		die("/proc/self/mountinfo");
	while (getline(&line, &n, f) > 0) {
		if (only) {
			char *copy = strdup(line);

			if (!copy)
				die("strdup");
			if (parse_mountinfo_line(copy, &m) == 0 && strcmp(m.dest, only) == 0) {
				free(last);
				last = strdup(line);
			}
			free(copy);
			continue;
		}
		if (parse_mountinfo_line(line, &m) == 0)
			printf("mount=%s %s %s %s %s\n", m.dest, m.fstype, m.opts, m.super,
			       m.optional);
	}
	if (only) {
		if (last && parse_mountinfo_line(last, &m) == 0)
			printf("dest=%s\nfstype=%s\nsource=%s\nopts=%s\nsuper=%s\npropagation=%s\n",
			       m.dest, m.fstype, m.source, m.opts, m.super, m.optional);
		else
			printf("dest=none\n");
	}
	free(last);
	free(line);
	fclose(f);
}

static void do_ns(void)
{
	static const char *const ns[] = {"cgroup", "ipc",  "mnt", "net", "pid",
					 "time",   "user", "uts", NULL};

	for (const char *const *p = ns; *p; p++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", *p);
		if (stat(path, &st) < 0)
			printf("%s=%s\n", *p, errname(errno));
		else
			printf("%s=%lu\n", *p, (unsigned long)st.st_ino);
	}
}

static void do_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self;

	if (!d)
		die("/proc/self/fd");
	self = dirfd(d);
	while ((de = readdir(d))) {
		char target[PATH_MAX];
		ssize_t r;

		if (de->d_name[0] == '.' || atoi(de->d_name) == self)
			continue;
		r = readlinkat(self, de->d_name, target, sizeof(target) - 1);
		if (r < 0)
			continue;
		target[r] = '\0';
		printf("fd.%s=%s\n", de->d_name, target);
	}
	closedir(d);
}

static void do_env(void)
{
	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
}

static void do_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	printf("umask=%04o\n", (unsigned)m);
}

static void do_personality(void)
{
	int p = personality(0xffffffff);

	if (p < 0)
		die("personality");
	printf("personality=0x%x\n", (unsigned)p);
	do_uname();
}

static const char *file_type(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "char";
	case S_IFBLK:
		return "block";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

static void do_stat(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		printf("type=%s\n", errname(errno));
		return;
	}
	printf("type=%s\nmode=%04o\nrdev=%u:%u\nuid=%u\ngid=%u\n", file_type(st.st_mode),
	       (unsigned)(st.st_mode & 07777), major(st.st_rdev), minor(st.st_rdev), st.st_uid,
	       st.st_gid);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t r = readlink(path, target, sizeof(target) - 1);

		if (r >= 0) {
			target[r] = '\0';
			printf("target=%s\n", target);
		}
	}
}

static void do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		printf("write=%s\n", errname(errno));
		return;
	}
	close(fd);
	printf("write=ok\n");
}

/* create PATH: create a new file (O_CREAT|O_EXCL) and print ok or the errno name. */
static void do_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0) {
		printf("create=%s\n", errname(errno));
		return;
	}
	close(fd);
	printf("create=ok\n");
}

static void do_signal_wait(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die("sigprocmask");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			die("sigwait");
		printf("signal=SIG%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		fflush(stdout);
		if (sig == SIGTERM)
			exit(0);
	}
}

static void do_tty(void)
{
	for (int fd = 0; fd < 3; fd++) {
		char link[32], target[PATH_MAX];
		ssize_t r;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		r = readlink(link, target, sizeof(target) - 1);
		target[r < 0 ? 0 : r] = '\0';
		printf("isatty%d=%d\ntty%d=%s\n", fd, isatty(fd), fd, target);
	}
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		printf("rows=%u\ncols=%u\n", ws.ws_row, ws.ws_col);
	printf("sid=%d\npgid=%d\ntpgid=%d\n", getsid(0), getpgrp(), tcgetpgrp(0));
}

static void do_listen(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");

	printf("LISTEN_FDS=%s\nLISTEN_PID=%s\npid_matches=%d\n", fds ? fds : "", pid ? pid : "",
	       pid && atoi(pid) == getpid());
}

static void do_sysctl(const char *key)
{
	char *path, *p;

	if (asprintf(&path, "/proc/sys/%s", key) < 0)
		die("asprintf");
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	print_file(key, path);
	free(path);
}

static void do_pid(void)
{
	printf("pid=%d\nppid=%d\n", getpid(), getppid());
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: probe VERB [ARG] [VERB [ARG]...]\n"
	    "verbs: caps ids cwd rlimits hostname uname mounts mount DEST ns fds env umask nnp\n"
	    "       oom personality stat PATH write PATH create PATH read PATH sysctl KEY\n"
	    "       tty listen pid cgroup uptime sleep N exit N signal-wait\n");
	exit(2);
}

/* Runs one verb; returns the number of arguments it consumed. */
static int run_verb(const char *verb, char **args)
{
	if (!strcmp(verb, "caps"))
		do_caps();
	else if (!strcmp(verb, "nnp"))
		do_nnp();
	else if (!strcmp(verb, "ids"))
		do_ids();
	else if (!strcmp(verb, "cwd"))
		do_cwd();
	else if (!strcmp(verb, "rlimits"))
		do_rlimits();
	else if (!strcmp(verb, "hostname"))
		do_hostname();
	else if (!strcmp(verb, "uname"))
		do_uname();
	else if (!strcmp(verb, "mounts"))
		do_mounts(NULL);
	else if (!strcmp(verb, "ns"))
		do_ns();
	else if (!strcmp(verb, "fds"))
		do_fds();
	else if (!strcmp(verb, "env"))
		do_env();
	else if (!strcmp(verb, "umask"))
		do_umask();
	else if (!strcmp(verb, "oom"))
		print_file("oom_score_adj", "/proc/self/oom_score_adj");
	else if (!strcmp(verb, "personality"))
		do_personality();
	else if (!strcmp(verb, "tty"))
		do_tty();
	else if (!strcmp(verb, "listen"))
		do_listen();
	else if (!strcmp(verb, "pid"))
		do_pid();
	else if (!strcmp(verb, "cgroup"))
		print_file("cgroup", "/proc/self/cgroup");
	else if (!strcmp(verb, "uptime"))
		print_file("uptime", "/proc/uptime");
	else if (!strcmp(verb, "signal-wait"))
		do_signal_wait();
	else {
		const char *arg = args[0];

		if (!arg)
			usage();
		if (!strcmp(verb, "mount"))
			do_mounts(arg);
		else if (!strcmp(verb, "stat"))
			do_stat(arg);
		else if (!strcmp(verb, "write"))
			do_write(arg);
		else if (!strcmp(verb, "create"))
			do_create(arg);
		else if (!strcmp(verb, "read"))
			print_file("read", arg);
		else if (!strcmp(verb, "sysctl"))
			do_sysctl(arg);
		else if (!strcmp(verb, "sleep"))
			sleep((unsigned)atoi(arg));
		else if (!strcmp(verb, "exit")) {
			fflush(stdout);
			exit(atoi(arg));
		} else
			usage();
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	for (int i = 1; i < argc; i++) {
		i += run_verb(argv[i], argv + i + 1);
		fflush(stdout);
	}
	return 0;
}
