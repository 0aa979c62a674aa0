/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `skiff spec [--bundle DIR] [--rootless]`: writes a starting config.json into the bundle: an
 * interactive sh in a read-only rootfs with a small capability set and the usual /proc, /dev,
 * /sys mounts. --rootless adds a user namespace mapping the caller to root and drops what an
 * unprivileged user cannot set up (network namespace, device rules, uid=/gid= mount options).
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cleanup.h"
#include "cmd.h"
#include "spec.h"

enum { OPT_BUNDLE = 1, OPT_ROOTLESS };

static const struct sk_opt spec_opts[] = {
    {"bundle", 'b', true, OPT_BUNDLE},
    {"rootless", 0, false, OPT_ROOTLESS},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

struct mount_def {
	const char *destination, *type, *source;
	const char *const *options;
};

static const struct mount_def default_mounts[] = {
    {"/proc", "proc", "proc", NULL},
    {"/dev", "tmpfs", "tmpfs", LIST("nosuid", "strictatime", "mode=755", "size=65536k")},
    {"/dev/pts", "devpts", "devpts",
     LIST("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
    {"/dev/shm", "tmpfs", "shm", LIST("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
    {"/dev/mqueue", "mqueue", "mqueue", LIST("nosuid", "noexec", "nodev")},
    {"/sys", "sysfs", "sysfs", LIST("nosuid", "noexec", "nodev", "ro")},
    {"/sys/fs/cgroup", "cgroup", "cgroup", LIST("nosuid", "noexec", "nodev", "relatime", "ro")},
};

/* A user namespace may not mount a fresh sysfs without a network namespace of its own. */
static const struct mount_def rootless_sys = {"/sys", "none", "/sys",
					      LIST("rbind", "nosuid", "noexec", "nodev", "ro")};

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};

/* A tiny DSL over yajl_gen with a sticky error: after a failure every step is a no-op. */
struct gen {
	yajl_gen g;
	bool bad;
};
#define Y(call)	      ((void)(G->bad = G->bad || (call) != yajl_gen_status_ok))
#define STR(s)	      Y(yajl_gen_string(G->g, (const unsigned char *)(s), strlen(s)))
#define OBJ	      Y(yajl_gen_map_open(G->g))
#define MAP(key)      (STR(key), OBJ)
#define ARR(key)      (STR(key), Y(yajl_gen_array_open(G->g)))
#define END_MAP	      Y(yajl_gen_map_close(G->g))
#define END_ARR	      Y(yajl_gen_array_close(G->g))
#define KV_STR(k, v)  (STR(k), STR(v))
#define KV_INT(k, v)  (STR(k), Y(yajl_gen_integer(G->g, (v))))
#define KV_BOOL(k, v) (STR(k), Y(yajl_gen_bool(G->g, (v))))

/* "key": [ strings ]; rootless drops uid= and gid= mount options, which name host ids. */
static void kv_strs(struct gen *G, const char *key, const char *const *v, bool rootless)
{
	ARR(key);
	for (; v && *v; v++)
		if (!rootless || (strncmp(*v, "uid=", 4) != 0 && strncmp(*v, "gid=", 4) != 0))
			STR(*v);
	END_ARR;
}

static void gen_process(struct gen *G)
{
	MAP("process");
	KV_BOOL("terminal", true);
	MAP("user"), KV_INT("uid", 0), KV_INT("gid", 0), END_MAP;
	kv_strs(G, "args", LIST("sh"), false);
	kv_strs(
	    G, "env",
	    LIST("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
	    false);
	KV_STR("cwd", "/");
	MAP("capabilities");
	kv_strs(G, "bounding", default_caps, false);
	kv_strs(G, "effective", default_caps, false);
	kv_strs(G, "permitted", default_caps, false);
	END_MAP;
	ARR("rlimits"), OBJ, KV_STR("type", "RLIMIT_NOFILE");
	KV_INT("hard", 1024), KV_INT("soft", 1024), END_MAP, END_ARR;
	KV_BOOL("noNewPrivileges", true);
	END_MAP;
}

static void gen_mounts(struct gen *G, bool rootless)
{
	ARR("mounts");
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct mount_def *m = &default_mounts[i];
		if (rootless && strcmp(m->destination, "/sys") == 0)
			m = &rootless_sys;
		OBJ;
		KV_STR("destination", m->destination);
		KV_STR("type", m->type);
		KV_STR("source", m->source);
		if (m->options)
			kv_strs(G, "options", m->options, rootless);
		END_MAP;
	}
	END_ARR;
}

static void gen_linux(struct gen *G, bool rootless)
{
	static const char *const ns_root[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
	static const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", "cgroup", "user"};
	const char *const *ns = rootless ? ns_rootless : ns_root;

	MAP("linux");
	/* Container root is the calling user: the only mapping an unprivileged user may write. */
	for (int i = 0; rootless && i < 2; i++) {
		ARR(i == 0 ? "uidMappings" : "gidMappings"), OBJ, KV_INT("containerID", 0);
		KV_INT("hostID", i == 0 ? geteuid() : getegid()), KV_INT("size", 1), END_MAP,
		    END_ARR;
	}
	if (!rootless) {
		/* No device access beyond the default devices. */
		MAP("resources"), ARR("devices");
		OBJ, KV_BOOL("allow", false), KV_STR("access", "rwm"), END_MAP;
		END_ARR, END_MAP;
	}
	ARR("namespaces");
	for (size_t i = 0; i < ARRAY_SIZE(ns_root); i++) {
		OBJ, KV_STR("type", ns[i]), END_MAP;
	}
	END_ARR;
	/* Paths of /proc and /sys that leak host information or allow host-wide changes. */
	kv_strs(G, "maskedPaths",
		LIST("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		     "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
		     "/sys/devices/virtual/powercap"),
		false);
	kv_strs(G, "readonlyPaths",
		LIST("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
		false);
	END_MAP;
}

static int write_config(const char *bundle, const unsigned char *buf, size_t len,
			struct sk_err *err)
{
	_cleanup_close_ int dir_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (dir_fd < 0)
		return sk_fail(err, errno, "open bundle %s", bundle);
	/* O_EXCL: never replace a config someone wrote, even one created just now. */
	fd = openat(dir_fd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0666);
	if (fd < 0 && errno == EEXIST)
		return sk_fail(err, 0, "File config.json exists. Remove it first");
	if (fd < 0)
		return sk_fail(err, errno, "create %s/config.json", bundle);
	/* A regular file takes a write of a few kilobytes whole. */
	while (len > 0 && (n = write(fd, buf, len)) > 0) {
		buf += n;
		len -= (size_t)n;
	}
	if (len > 0 || close(TAKE_FD(fd)) < 0)
		return sk_fail(err, errno, "write %s/config.json", bundle);
	return 0;
}

static int spec_generate(const char *bundle, bool rootless, struct sk_err *err)
{
	struct gen gen = {.g = yajl_gen_alloc(NULL)}, *G = &gen;
	const unsigned char *buf;
	size_t len;
	int ret;

	if (!G->g)
		return sk_fail(err, ENOMEM, "generate config.json");
	yajl_gen_config(G->g, yajl_gen_beautify, 1);
	yajl_gen_config(G->g, yajl_gen_indent_string, "\t");
	OBJ;
	KV_STR("ociVersion", SK_OCI_VERSION);
	gen_process(G);
	MAP("root"), KV_STR("path", "rootfs"), KV_BOOL("readonly", true), END_MAP;
	KV_STR("hostname", "skiff");
	gen_mounts(G, rootless);
	gen_linux(G, rootless);
	END_MAP;
	if (G->bad || yajl_gen_get_buf(G->g, &buf, &len) != yajl_gen_status_ok)
		ret = sk_fail(err, 0, "generate config.json: JSON generator failed");
	else
		ret = write_config(bundle, buf, len, err);
	yajl_gen_free(G->g);
	return ret;
}

static int spec_run(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = spec_opts, .argc = argc, .argv = argv, .index = 1};
	const char *bundle = ".", *arg;
	bool rootless = false;
	int id, ret = -1;

	(void)g;
	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == OPT_BUNDLE) {
			bundle = arg;
		} else if (id == OPT_ROOTLESS) {
			rootless = cmd_bool(arg);
		} else if (id == SK_OPT_HELP) {
			ret = cmd_usage(&sk_cmd_spec);
			goto out;
		}
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_spec, &p, 0, 0, err) < 0)
		goto out;
	ret = spec_generate(bundle, rootless, err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_spec = {
    .name = "spec",
    .summary = "create a new specification file (config.json)",
    .usage = "usage: skiff spec [options]\n\n"
	     "Writes a default config.json into the bundle: sh with a terminal in ./rootfs.\n\n"
	     "options:\n"
	     "   --bundle, -b DIR   the bundle directory (default: the current directory)\n"
	     "   --rootless         a config for running as an unprivileged user\n"
	     "   --help, -h         show this help\n",
    .run = spec_run,
};
