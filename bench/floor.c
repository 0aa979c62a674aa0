// SPDX-License-Identifier: Apache-2.0
/*
 * bench/floor.c: the syscall floor. Does the kernel work any runtime must do for a bundle's
 * config.json -- cgroup placement (v1 hierarchies, device rules, memory limit), clone3 with
 * the namespaces, mounts, device nodes, pivot_root, masked and read-only paths, hostname,
 * rlimits, capability drop, no_new_privs, seccomp (compiled once, then cached like skiff
 * does), exec, wait, cgroup removal -- and nothing
 * else: no state directory, no lock, no hooks, no validation beyond what it needs, no
 * re-exec. `floor run BUNDLE ID` runs the container in the foreground; `floor exec PID BUNDLE
 * ARGS...` runs ARGS in the namespaces and cgroups of process PID. Errors: message, exit 125.
 * Not part of skiff; the parity probe (probe.c) checks that it does what the runtimes do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define MAX_HIER 32

struct hier {
	char *dir;  /* /sys/fs/cgroup/memory/<own path>/<id> */
	char *opts; /* "memory", "name=systemd": the mount data inside the container */
	char *base; /* "memory", "systemd": the directory name under /sys/fs/cgroup */
};

struct floor {
	yajl_val cfg;
	const char *id;
	struct hier h[MAX_HIER];
	size_t nh;
	bool cgroupns;
	struct sock_fprog bpf; /* linux.seccomp compiled (or cached) before the clone */
};

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fputs("floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	_exit(125);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	return s;
}

static yajl_val get(yajl_val v, const char *a, const char *b, const char *c)
{
	const char *path[] = {a, b, c, NULL};
	return v ? yajl_tree_get(v, path, yajl_t_any) : NULL;
}

static const char *str(yajl_val v)
{
	return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static size_t alen(yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? YAJL_GET_ARRAY(v)->len : 0;
}

static yajl_val aget(yajl_val v, size_t i)
{
	return YAJL_GET_ARRAY(v)->values[i];
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s", path);
	if (write(fd, text, strlen(text)) < 0)
		die("write %s to %s", text, path);
	close(fd);
}

static char *read_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	ssize_t n;

	if (fd < 0 || !buf)
		die("open %s", path);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap && !(buf = realloc(buf, cap *= 2)))
			die("read %s", path);
	}
	if (n < 0)
		die("read %s", path);
	buf[len] = '\0';
	close(fd);
	return buf;
}

/* ---- cgroups (v1 hierarchies: what a hybrid host with an emptied unified mount has) ---- */

/* Finds the mount point of the v1 hierarchy with these controllers in mountinfo. */
static char *hier_mountpoint(const char *mountinfo, const char *ctrls)
{
	const char *line = mountinfo;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char mnt[512], fstype[64], super[512];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash, " - %63s %*s %511s", fstype, super) != 2 ||
		    strcmp(fstype, "cgroup"))
			continue;
		for (char *save = NULL, *w = strtok_r(super, ",", &save); w;
		     w = strtok_r(NULL, ",", &save))
			if (!strcmp(w, ctrls) || (strchr(ctrls, ',') && strstr(super, ctrls)))
				return strdup(mnt);
	}
	return NULL;
}

/* Reads /proc/<pid>/cgroup; for each v1 hierarchy fills h[] with its directory: <mount>/<path>
 * plus "/<id>" when id is set (the new container's cgroup next to our own, as runc does for
 * a relative cgroupsPath). */
static size_t cgroups_find(const char *pid, const char *id, struct hier *h)
{
	char *path = xasprintf("/proc/%s/cgroup", pid);
	char *text = read_all(path), *mountinfo = read_all("/proc/self/mountinfo");
	size_t n = 0;

	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < MAX_HIER;
	     l = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(l, ':'), *own, *mnt;

		if (!ctrls || !(own = strchr(++ctrls, ':')) || own == ctrls)
			continue;
		*own++ = '\0';
		mnt = hier_mountpoint(mountinfo, ctrls);
		if (!mnt)
			continue; /* a hierarchy not mounted here: runtimes skip it too */
		h[n].dir = id ? xasprintf("%s%s/%s", mnt, strcmp(own, "/") ? own : "", id)
			      : xasprintf("%s%s", mnt, own);
		h[n].opts = strdup(ctrls);
		h[n].base = strdup(strrchr(mnt, '/') + 1);
		n++;
		free(mnt);
	}
	free(path);
	free(text);
	free(mountinfo);
	return n;
}

static void write_in(const char *dir, const char *file, const char *text)
{
	char *p = xasprintf("%s/%s", dir, file);
	write_file(p, text);
	free(p);
}

/* A new v1 cpuset is empty and refuses tasks: copy the parent's cpus and mems. */
static void cpuset_inherit(const char *dir)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	for (size_t i = 0; i < 2; i++) {
		char *parent = xasprintf("%s/../%s", dir, files[i]);
		char *v = read_all(parent);
		if (v[0] != '\n')
			write_in(dir, files[i], v);
		free(v);
		free(parent);
	}
}

/* The devices allow list every runtime installs after "deny all" (runc 1.1's defaults). */
static const char *const default_devices[] = {
    "c *:* m",	 "b *:* m",   "c 1:3 rwm", "c 1:5 rwm",	  "c 1:7 rwm",	  "c 5:0 rwm",
    "c 1:8 rwm", "c 1:9 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm", NULL,
};

static void cgroups_create(struct floor *f)
{
	yajl_val mem = get(f->cfg, "linux", "resources", "memory");
	yajl_val limit = mem ? get(mem, "limit", NULL, NULL) : NULL;

	f->nh = cgroups_find("self", f->id, f->h);
	for (size_t i = 0; i < f->nh; i++) {
		if (mkdir(f->h[i].dir, 0755) < 0)
			die("mkdir %s", f->h[i].dir);
		if (!strcmp(f->h[i].opts, "cpuset"))
			cpuset_inherit(f->h[i].dir);
		if (!strcmp(f->h[i].opts, "devices")) {
			write_in(f->h[i].dir, "devices.deny", "a");
			for (size_t d = 0; default_devices[d]; d++)
				write_in(f->h[i].dir, "devices.allow", default_devices[d]);
		}
		if (!strcmp(f->h[i].opts, "memory") && YAJL_IS_INTEGER(limit)) {
			char *v = xasprintf("%lld", YAJL_GET_INTEGER(limit));
			write_in(f->h[i].dir, "memory.limit_in_bytes", v);
			free(v);
		}
	}
}

/* The calling (single-threaded) process moves itself: "0" into each v1 `tasks` file does not
 * take the kernel's threadgroup lock, whose write side waits for an RCU grace period (a pid
 * written into cgroup.procs does). skiff enters the same way. */
static void cgroups_enter_self(struct hier *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		write_in(h[i].dir, "tasks", "0");
}

static void cgroups_remove(struct floor *f)
{
	for (size_t i = 0; i < f->nh; i++)
		if (rmdir(f->h[i].dir) < 0 && errno != ENOENT)
			die("rmdir %s", f->h[i].dir);
}

/* ---- mounts (run in the child, cwd = the rootfs) ---- */

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} mount_flags[] = {
    {"ro", false, MS_RDONLY},		{"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},	{"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},		{"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},	{"exec", true, MS_NOEXEC},
    {"relatime", false, MS_RELATIME},	{"strictatime", false, MS_STRICTATIME},
    {"noatime", false, MS_NOATIME},	{"nodiratime", false, MS_NODIRATIME},
    {"sync", false, MS_SYNCHRONOUS},	{"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
};

/* Splits a mount's options into flags and the data string. */
static unsigned long mount_options(yajl_val opts, char **ret_data)
{
	unsigned long flags = 0;
	size_t used = 0, cap = 1;
	char *data = calloc(1, 1);

	for (size_t i = 0; data && i < alen(opts); i++) {
		const char *o = str(aget(opts, i));
		size_t k, n = sizeof(mount_flags) / sizeof(mount_flags[0]);

		for (k = 0; o && k < n && strcmp(o, mount_flags[k].name); k++)
			;
		if (!o || strstr(o, "private") || strstr(o, "shared") || strstr(o, "slave"))
			continue;
		if (k < n) {
			flags = mount_flags[k].clear ? flags & ~mount_flags[k].flag
						     : flags | mount_flags[k].flag;
			continue;
		}
		cap += strlen(o) + 1;
		data = realloc(data, cap);
		if (data)
			used +=
			    (size_t)snprintf(data + used, cap - used, "%s%s", used ? "," : "", o);
	}
	if (!data)
		die("mount options");
	*ret_data = data;
	return flags;
}

static void mkdir_p(const char *path, mode_t mode)
{
	char *p = strdup(path);

	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			die("mkdir %s", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		die("mkdir %s", p);
	free(p);
}

/* type "cgroup" with a cgroup namespace: a tmpfs holding one fresh mount per hierarchy, each
 * showing the container's own cgroup as its root. */
static void mount_cgroup(const struct floor *f, const char *dst, unsigned long flags)
{
	if (!f->cgroupns) {
		errno = ENOTSUP;
		die("cgroup mount %s without a cgroup namespace", dst);
	}
	if (mount("tmpfs", dst, "tmpfs", (flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=755") < 0)
		die("mount tmpfs on %s", dst);
	for (size_t i = 0; i < f->nh; i++) {
		char *p = xasprintf("%s/%s", dst, f->h[i].base);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			die("mkdir %s", p);
		if (mount("cgroup", p, "cgroup", flags, f->h[i].opts) < 0)
			die("mount cgroup %s on %s", f->h[i].opts, p);
		free(p);
	}
}

static void mount_one(const struct floor *f, yajl_val m)
{
	const char *type = str(get(m, "type", NULL, NULL));
	const char *src = str(get(m, "source", NULL, NULL));
	const char *dst = str(get(m, "destination", NULL, NULL));
	char *data, *rel;
	unsigned long flags = mount_options(get(m, "options", NULL, NULL), &data);

	if (!dst || dst[0] != '/') {
		errno = EINVAL;
		die("mount destination %s", dst ? dst : "(none)");
	}
	rel = xasprintf(".%s", dst);
	if (type && !strcmp(type, "cgroup")) {
		mkdir_p(rel, 0755);
		mount_cgroup(f, rel, flags);
	} else if (flags & MS_BIND) {
		struct stat st;
		if (stat(src, &st) < 0)
			die("stat %s", src);
		if (S_ISDIR(st.st_mode))
			mkdir_p(rel, 0755);
		else {
			int fd = open(rel, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0)
				die("create %s", rel);
			close(fd);
		}
		if (mount(src, rel, NULL, flags & (MS_BIND | MS_REC), NULL) < 0)
			die("bind %s on %s", src, rel);
		if ((flags & ~(MS_BIND | MS_REC)) &&
		    mount(NULL, rel, NULL, flags | MS_REMOUNT, NULL) < 0)
			die("remount %s", rel);
	} else {
		mkdir_p(rel, 0755);
		if (mount(src, rel, type, flags, data) < 0)
			die("mount %s on %s", type, rel);
	}
	free(rel);
	free(data);
}

static const struct {
	const char *name;
	unsigned maj, min;
} default_nodes[] = {
    {"null", 1, 3},   {"zero", 1, 5},	 {"full", 1, 7},
    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static const char *const default_links[][2] = {
    {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
    {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
    {"pts/ptmx", "dev/ptmx"},
};

static void make_devices(void)
{
	for (size_t i = 0; i < sizeof(default_nodes) / sizeof(default_nodes[0]); i++) {
		char *p = xasprintf("dev/%s", default_nodes[i].name);
		if (mknod(p, S_IFCHR | 0666, makedev(default_nodes[i].maj, default_nodes[i].min)) <
		    0)
			die("mknod %s", p);
		free(p);
	}
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++)
		if (symlink(default_links[i][0], default_links[i][1]) < 0)
			die("symlink %s", default_links[i][1]);
}

/* After pivot_root: maskedPaths and readonlyPaths, then the read-only root. */
static void protect_paths(const struct floor *f)
{
	yajl_val masked = get(f->cfg, "linux", "maskedPaths", NULL);
	yajl_val ro = get(f->cfg, "linux", "readonlyPaths", NULL);

	for (size_t i = 0; i < alen(masked); i++) {
		const char *p = str(aget(masked, i));
		struct stat st;
		if (!p || stat(p, &st) < 0)
			continue; /* absent paths need no mask */
		if (S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) < 0
					: mount("/dev/null", p, NULL, MS_BIND, NULL) < 0)
			die("mask %s", p);
	}
	for (size_t i = 0; i < alen(ro); i++) {
		const char *p = str(aget(ro, i));
		if (!p || access(p, F_OK) < 0)
			continue;
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
			die("read-only %s", p);
	}
	if (YAJL_IS_TRUE(get(f->cfg, "root", "readonly", NULL)) &&
	    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		die("remount / read-only");
}

static void setup_rootfs(const struct floor *f)
{
	const char *root = str(get(f->cfg, "root", "path", NULL));
	yajl_val mounts = get(f->cfg, "mounts", NULL, NULL);

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (!root || mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind rootfs %s", root ? root : "(none)");
	if (chdir(root) < 0)
		die("chdir %s", root);
	for (size_t i = 0; i < alen(mounts); i++)
		mount_one(f, aget(mounts, i));
	make_devices();
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	if (chdir("/") < 0)
		die("chdir /");
	protect_paths(f);
}

/* ---- the process: rlimits, capabilities, no_new_privs, seccomp, exec ---- */

static const char *const rlimit_names[] = {
    [RLIMIT_CPU] = "RLIMIT_CPU",	   [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
    [RLIMIT_DATA] = "RLIMIT_DATA",	   [RLIMIT_STACK] = "RLIMIT_STACK",
    [RLIMIT_CORE] = "RLIMIT_CORE",	   [RLIMIT_RSS] = "RLIMIT_RSS",
    [RLIMIT_NPROC] = "RLIMIT_NPROC",	   [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
    [RLIMIT_LOCKS] = "RLIMIT_LOCKS",	   [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
    [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",	   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

static void set_rlimits(yajl_val list)
{
	for (size_t i = 0; i < alen(list); i++) {
		yajl_val r = aget(list, i);
		const char *type = str(get(r, "type", NULL, NULL));
		yajl_val soft = get(r, "soft", NULL, NULL), hard = get(r, "hard", NULL, NULL);
		struct rlimit rl;
		int res;

		for (res = 0; res < RLIMIT_NLIMITS && (!type || strcmp(rlimit_names[res], type));
		     res++)
			;
		if (res == RLIMIT_NLIMITS || !YAJL_IS_INTEGER(soft) || !YAJL_IS_INTEGER(hard)) {
			errno = EINVAL;
			die("rlimit %s", type ? type : "(none)");
		}
		rl.rlim_cur = (rlim_t)YAJL_GET_INTEGER(soft);
		rl.rlim_max = (rlim_t)YAJL_GET_INTEGER(hard);
		if (setrlimit(res, &rl) < 0)
			die("setrlimit %s", type);
	}
}

static uint64_t cap_mask(yajl_val list)
{
	uint64_t m = 0;

	for (size_t i = 0; i < alen(list); i++) {
		cap_value_t c;
		if (str(aget(list, i)) && cap_from_name(str(aget(list, i)), &c) == 0)
			m |= 1ULL << c;
	}
	return m;
}

static void set_caps(yajl_val caps)
{
	uint64_t bnd = cap_mask(get(caps, "bounding", NULL, NULL));
	uint64_t eff = cap_mask(get(caps, "effective", NULL, NULL));
	uint64_t prm = cap_mask(get(caps, "permitted", NULL, NULL));
	uint64_t inh = cap_mask(get(caps, "inheritable", NULL, NULL));
	uint64_t amb = cap_mask(get(caps, "ambient", NULL, NULL));
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {
	    {(uint32_t)eff, (uint32_t)prm, (uint32_t)inh},
	    {(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32)},
	};

	for (int c = 0; c < 64; c++)
		if (!(bnd & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			die("drop capability %d from the bounding set", c);
	if (syscall(SYS_capset, &hdr, data) < 0)
		die("capset");
	for (int c = 0; c < 64; c++)
		if ((amb & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			die("raise ambient capability %d", c);
}

static uint32_t seccomp_action(yajl_val v, uint32_t errno_ret)
{
	const char *a = str(v);

	if (!a || !strcmp(a, "SCMP_ACT_KILL") || !strcmp(a, "SCMP_ACT_KILL_THREAD"))
		return SCMP_ACT_KILL;
	if (!strcmp(a, "SCMP_ACT_KILL_PROCESS"))
		return SCMP_ACT_KILL_PROCESS;
	if (!strcmp(a, "SCMP_ACT_ALLOW"))
		return SCMP_ACT_ALLOW;
	if (!strcmp(a, "SCMP_ACT_ERRNO"))
		return SCMP_ACT_ERRNO(errno_ret);
	if (!strcmp(a, "SCMP_ACT_TRAP"))
		return SCMP_ACT_TRAP;
	if (!strcmp(a, "SCMP_ACT_LOG"))
		return SCMP_ACT_LOG;
	return SCMP_ACT_TRACE(errno_ret);
}

static enum scmp_compare seccomp_op(const char *op)
{
	static const char *const ops[] = {"",
					  "SCMP_CMP_NE",
					  "SCMP_CMP_LT",
					  "SCMP_CMP_LE",
					  "SCMP_CMP_EQ",
					  "SCMP_CMP_GE",
					  "SCMP_CMP_GT",
					  "SCMP_CMP_MASKED_EQ"};
	for (int i = 1; i < 8; i++)
		if (op && !strcmp(op, ops[i]))
			return (enum scmp_compare)i;
	return SCMP_CMP_EQ;
}

static void seccomp_rule(scmp_filter_ctx ctx, yajl_val s, uint32_t def_errno)
{
	yajl_val names = get(s, "names", NULL, NULL), args = get(s, "args", NULL, NULL);
	yajl_val eret = get(s, "errnoRet", NULL, NULL);
	uint32_t act =
	    seccomp_action(get(s, "action", NULL, NULL),
			   YAJL_IS_INTEGER(eret) ? (uint32_t)YAJL_GET_INTEGER(eret) : def_errno);
	struct scmp_arg_cmp cmp[6];
	unsigned n = 0;

	for (size_t i = 0; i < alen(args) && n < 6; i++, n++) {
		yajl_val a = aget(args, i), v2 = get(a, "valueTwo", NULL, NULL);
		cmp[n].arg = (unsigned)YAJL_GET_INTEGER(get(a, "index", NULL, NULL));
		cmp[n].op = seccomp_op(str(get(a, "op", NULL, NULL)));
		cmp[n].datum_a = (scmp_datum_t)YAJL_GET_INTEGER(get(a, "value", NULL, NULL));
		cmp[n].datum_b = YAJL_IS_INTEGER(v2) ? (scmp_datum_t)YAJL_GET_INTEGER(v2) : 0;
	}
	for (size_t i = 0; i < alen(names); i++) {
		int nr = seccomp_syscall_resolve_name(str(aget(names, i)));
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown on this architecture: runtimes skip it as well */
		int r = seccomp_rule_add_array(ctx, act, nr, n, cmp);
		if (r < 0 && r != -EEXIST) {
			errno = -r;
			die("seccomp rule for %s", str(aget(names, i)));
		}
	}
}

/* Compiles linux.seccomp to BPF with libseccomp into cache (a file next to config.json);
 * runtimes that cache compiled programs skip this too, and it is not kernel work. */
static void compile_seccomp(yajl_val sc, const char *cache)
{
	yajl_val eret = get(sc, "defaultErrnoRet", NULL, NULL);
	uint32_t def_errno = YAJL_IS_INTEGER(eret) ? (uint32_t)YAJL_GET_INTEGER(eret) : EPERM;
	yajl_val archs = get(sc, "architectures", NULL, NULL),
		 calls = get(sc, "syscalls", NULL, NULL);
	scmp_filter_ctx ctx =
	    seccomp_init(seccomp_action(get(sc, "defaultAction", NULL, NULL), def_errno));
	char *tmp = xasprintf("%s.%d", cache, getpid());
	int r, fd;

	if (!ctx)
		die("seccomp_init");
	/* a binary tree of syscall numbers: a shorter program for the kernel to check and to
	 * emulate for its per-syscall action cache when loading it */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		errno = -r;
		die("seccomp optimize attribute");
	}
	for (size_t i = 0; i < alen(archs); i++) {
		const char *a = str(aget(archs, i));
		uint32_t token =
		    a && !strncmp(a, "SCMP_ARCH_", 10) ? seccomp_arch_resolve_name(a + 10) : 0;
		for (char *l = a ? strdup(a + 10) : NULL; l && !token; free(l), l = NULL) {
			for (char *c = l; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			token = seccomp_arch_resolve_name(l);
		}
		if (token && (r = seccomp_arch_add(ctx, token)) < 0 && r != -EEXIST) {
			errno = -r;
			die("seccomp arch %s", a);
		}
	}
	for (size_t i = 0; i < alen(calls); i++)
		seccomp_rule(ctx, aget(calls, i), def_errno);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("create %s", tmp);
	if ((r = seccomp_export_bpf(ctx, fd)) < 0) {
		errno = -r;
		die("export the seccomp program");
	}
	if (close(fd) < 0 || rename(tmp, cache) < 0)
		die("write %s", cache);
	seccomp_release(ctx);
	free(tmp);
}

static void prepare_seccomp(struct floor *f)
{
	yajl_val sc = get(f->cfg, "linux", "seccomp", NULL);
	const char *cache = "floor-seccomp.bpf";
	struct stat cs, ss;
	size_t len = 0;
	char *prog;

	if (!sc)
		return;
	if (stat("config.json", &cs) < 0)
		die("stat config.json");
	if (stat(cache, &ss) < 0 || ss.st_mtim.tv_sec < cs.st_mtim.tv_sec ||
	    (ss.st_mtim.tv_sec == cs.st_mtim.tv_sec && ss.st_mtim.tv_nsec < cs.st_mtim.tv_nsec))
		compile_seccomp(sc, cache);
	prog = read_all(cache);
	if (stat(cache, &ss) < 0)
		die("stat %s", cache);
	len = (size_t)ss.st_size;
	f->bpf.len = (unsigned short)(len / sizeof(struct sock_filter));
	f->bpf.filter = (struct sock_filter *)prog;
}

static char **strv(yajl_val list)
{
	char **v = calloc(alen(list) + 1, sizeof(*v));

	for (size_t i = 0; v && i < alen(list); i++)
		v[i] = (char *)str(aget(list, i));
	if (!v)
		die("out of memory");
	return v;
}

static void __attribute__((noreturn)) exec_process(const struct floor *f, char **argv)
{
	yajl_val proc = get(f->cfg, "process", NULL, NULL);
	const char *cwd = str(get(proc, "cwd", NULL, NULL));
	char **env = strv(get(proc, "env", NULL, NULL));

	set_rlimits(get(proc, "rlimits", NULL, NULL));
	if (cwd && chdir(cwd) < 0)
		die("chdir %s", cwd);
	set_caps(get(proc, "capabilities", NULL, NULL));
	if (YAJL_IS_TRUE(get(proc, "noNewPrivileges", NULL, NULL)) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	if (f->bpf.len && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->bpf) < 0)
		die("load the seccomp program");
	umask(022);
	execve(argv[0], argv, env);
	die("execve %s", argv[0]);
}

/* ---- run and exec ---- */

static const struct {
	const char *type;
	int flag;
} ns_flags[] = {
    {"pid", CLONE_NEWPID},   {"network", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},   {"mount", CLONE_NEWNS},	{"cgroup", CLONE_NEWCGROUP},
    {"user", CLONE_NEWUSER}, {"time", CLONE_NEWTIME},
};

static uint64_t ns_clone_flags(const struct floor *f)
{
	yajl_val list = get(f->cfg, "linux", "namespaces", NULL);
	uint64_t flags = 0;

	for (size_t i = 0; i < alen(list); i++) {
		const char *t = str(get(aget(list, i), "type", NULL, NULL));
		for (size_t k = 0; t && k < sizeof(ns_flags) / sizeof(ns_flags[0]); k++)
			if (!strcmp(t, ns_flags[k].type))
				flags |= (uint64_t)ns_flags[k].flag;
	}
	return flags;
}

static int wait_exit(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("wait for %d", pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The child enters its cgroups first, so that the cgroup namespace it creates is rooted
 * there. */
static void __attribute__((noreturn)) run_child(struct floor *f)
{
	const char *host = str(get(f->cfg, "hostname", NULL, NULL));

	cgroups_enter_self(f->h, f->nh);
	if (f->cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		die("unshare the cgroup namespace");
	umask(0);
	setup_rootfs(f);
	if (host && sethostname(host, strlen(host)) < 0)
		die("sethostname %s", host);
	exec_process(f, strv(get(f->cfg, "process", "args", NULL)));
}

static int floor_run(struct floor *f)
{
	uint64_t flags = ns_clone_flags(f);
	struct clone_args args = {.flags = flags & ~(uint64_t)CLONE_NEWCGROUP,
				  .exit_signal = SIGCHLD};
	int code;
	pid_t pid;

	f->cgroupns = flags & CLONE_NEWCGROUP;
	prepare_seccomp(f);
	cgroups_create(f);
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		die("clone3");
	if (pid == 0)
		run_child(f);
	code = wait_exit(pid);
	cgroups_remove(f);
	return code;
}

/* exec: join the namespaces and cgroups of pid, then the process setup of config.json. */
static int floor_exec(struct floor *f, const char *target, char **argv)
{
	static const char *const order[] = {"cgroup", "ipc", "uts", "net", "pid", "mnt"};
	int fds[6];
	struct hier h[MAX_HIER];
	size_t nh = cgroups_find(target, NULL, h);
	pid_t pid;

	prepare_seccomp(f);
	for (size_t i = 0; i < 6; i++) {
		char *p = xasprintf("/proc/%s/ns/%s", target, order[i]);
		if ((fds[i] = open(p, O_RDONLY | O_CLOEXEC)) < 0)
			die("open %s", p);
		free(p);
	}
	if (setns(fds[4], CLONE_NEWPID) < 0) /* for our children only */
		die("join the pid namespace of %s", target);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		cgroups_enter_self(h, nh);
		for (size_t i = 0; i < 6; i++)
			if (i != 4 && setns(fds[i], 0) < 0)
				die("join the %s namespace of %s", order[i], target);
		exec_process(f, argv);
	}
	return wait_exit(pid);
}

static yajl_val load_config(const char *bundle)
{
	char err[256] = "";
	char *text;
	yajl_val cfg;

	if (chdir(bundle) < 0)
		die("chdir %s", bundle);
	text = read_all("config.json");
	cfg = yajl_tree_parse(text, err, sizeof(err));
	free(text);
	if (!cfg) {
		errno = EINVAL;
		die("parse %s/config.json: %s", bundle, err);
	}
	return cfg;
}

int main(int argc, char **argv)
{
	struct floor f = {0};

	if (argc == 4 && !strcmp(argv[1], "run")) {
		f.cfg = load_config(argv[2]);
		f.id = argv[3];
		return floor_run(&f);
	}
	if (argc >= 5 && !strcmp(argv[1], "exec")) {
		f.cfg = load_config(argv[3]);
		return floor_exec(&f, argv[2], argv + 4);
	}
	fprintf(stderr, "usage: floor run BUNDLE ID | floor exec PID BUNDLE ARGS...\n");
	return 125;
}
