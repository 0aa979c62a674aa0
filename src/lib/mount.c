/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounting config.json entries: bind and rbind (with ro remounts and recursive attributes via
 * mount_setattr), regular filesystems, and cgroup/cgroup2 (a view of the container's own
 * cgroups, read-only unless asked rw: CVE-2023-25809). Targets are always fds inside the root.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cleanup.h"
#include "fs.h"
#include "lsm.h"
#include "mount.h"

int sk_mount_fd(const char *source, int target_fd, const char *type, unsigned long flags,
		const char *data, const char *what, struct sk_err *err)
{
	char buf[32];
	if (mount(source, sk_fd_path(target_fd, buf), type, flags, data) == 0)
		return 0;
	if (flags & MS_REMOUNT)
		return sk_fail(err, errno, "remount %s", what);
	if (flags & MS_BIND)
		return sk_fail(err, errno, "bind mount %s on %s", source, what);
	if (type)
		return sk_fail(err, errno, "mount %s on %s", type, what);
	return sk_fail(err, errno, "set propagation of %s", what);
}

static unsigned long locked_flags(int fd)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (fstatvfs(fd, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	return f;
}

int sk_mount_remount_bind(int target_fd, unsigned long flags, const char *what, struct sk_err *err)
{
	/* Flags the mount already carries must be repeated, or an unprivileged (userns) remount
	 * fails with EPERM for clearing a locked flag. */
	flags |= locked_flags(target_fd) & ~MS_RDONLY;
	return sk_mount_fd(NULL, target_fd, NULL, MS_BIND | MS_REMOUNT | flags, NULL, what, err);
}

int sk_mount_propagation(int target_fd, unsigned long propagation, const char *what,
			 struct sk_err *err)
{
	if (!propagation)
		return 0;
	return sk_mount_fd(NULL, target_fd, NULL, propagation, NULL, what, err);
}

static int setattr(int fd, uint64_t set, uint64_t clr, const char *what, struct sk_err *err)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
	if (!set && !clr)
		return 0;
	/* MOUNT_ATTR_RELATIME is 0: clearing the atime bits is how it is chosen. */
	if ((set & MOUNT_ATTR__ATIME) || (clr & MOUNT_ATTR__ATIME))
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) <
	    0)
		return sk_fail(err, errno, "set recursive attributes of %s", what);
	return 0;
}

/* Creates the destination as a directory, or as a file when a bind mount's source is not a
 * directory. /proc and /sys must be real directories (CVE-2019-16884): no symlink on the way. */
static int prepare_target(const struct sk_mount_ctx *ctx, const struct sk_mount *m,
			  struct sk_err *err)
{
	struct stat st;
	bool dir = true;

	if (m->bind) {
		if (stat(m->source, &st) < 0)
			return sk_fail(err, errno, "bind mount source %s", m->source);
		dir = S_ISDIR(st.st_mode);
	}
	int fd = dir ? sk_mkdir_in_root(ctx->root_fd, m->destination, 0755, err)
		     : sk_mkfile_in_root(ctx->root_fd, m->destination, 0644, err);
	if (fd < 0)
		return -1;
	if (m->type && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs"))) {
		struct stat real;
		if (fstat(fd, &real) < 0 || !S_ISDIR(real.st_mode)) {
			close(fd);
			return sk_fail(err, ENOTDIR, "mount %s on %s", m->type, m->destination);
		}
		/* Refuse if any component of the destination is a symlink, even an inner one. */
		int chk = -1;
		_cleanup_free_ char *rel = strdup(m->destination + strspn(m->destination, "/"));
		if (rel && *rel)
			chk = openat(ctx->root_fd, rel,
				     O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		struct stat cs;
		if (rel && *rel &&
		    (chk < 0 || fstat(chk, &cs) < 0 || cs.st_ino != real.st_ino ||
		     cs.st_dev != real.st_dev)) {
			closep(&chk);
			close(fd);
			return sk_fail(err, ELOOP,
				       "mount %s on %s: destination goes through a symlink",
				       m->type, m->destination);
		}
		closep(&chk);
	}
	return fd;
}

static int reopen(const struct sk_mount_ctx *ctx, const char *dest, struct sk_err *err)
{
	return sk_open_in_root(ctx->root_fd, dest, O_PATH, 0, err);
}

/* After a bind (or an attached tree): ro and other flags by remount, then propagation and
 * recursive attributes, each on a fresh fd of the new mount. */
static int bind_finish(const struct sk_mount_ctx *ctx, const struct sk_mount *m, struct sk_err *err)
{
	unsigned long extra = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	if (!extra && !m->propagation && !m->attr_set && !m->attr_clr)
		return 0;
	_cleanup_close_ int fd = reopen(ctx, m->destination, err);
	if (fd < 0)
		return -1;
	if (extra && sk_mount_remount_bind(fd, extra, m->destination, err) < 0)
		return -1;
	if (sk_mount_propagation(fd, m->propagation, m->destination, err) < 0)
		return -1;
	return setattr(fd, m->attr_set, m->attr_clr, m->destination, err);
}

static int mount_bind(const struct sk_mount_ctx *ctx, const struct sk_mount *m, int target,
		      struct sk_err *err)
{
	if (sk_mount_fd(m->source, target, NULL, MS_BIND | (m->recursive_bind ? MS_REC : 0), NULL,
			m->destination, err) < 0)
		return -1;
	return bind_finish(ctx, m, err);
}

int sk_mount_attach_tree(const struct sk_mount_ctx *ctx, const struct sk_mount *m, int tree_fd,
			 struct sk_err *err)
{
	_cleanup_close_ int target = prepare_target(ctx, m, err);

	if (target < 0)
		return -1;
	if (syscall(SYS_move_mount, tree_fd, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sk_fail(err, errno, "attach idmapped mount of %s on %s", m->source,
			       m->destination);
	return bind_finish(ctx, m, err);
}

int sk_mount_make_idmapped(int bundle_fd, const struct sk_mount *m, int userns_fd,
			   struct sk_err *err)
{
	bool rec = m->ridmap || m->recursive_bind;
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	int fd = (int)syscall(SYS_open_tree, bundle_fd, m->source,
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));

	if (fd < 0)
		return sk_fail(err, errno, "clone mount tree of %s", m->source);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (m->ridmap ? AT_RECURSIVE : 0),
		    &attr, sizeof(attr)) < 0) {
		sk_fail(err, errno, "idmap mount of %s", m->source);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A tmpfs over a directory that exists in the rootfs takes that directory's mode, set-id and
 * sticky bits included, unless the options give mode= (as runc does: an image's 1777 /tmp
 * stays 1777). The mode goes into the mount data, so a read-only tmpfs gets it too.
 * *ret_data is NULL when m->data is to be used as it is.
 */
static int tmpfs_data(const struct sk_mount_ctx *ctx, const struct sk_mount *m, char **ret_data,
		      struct sk_err *err)
{
	_cleanup_close_ int fd = -1;
	struct sk_err ignored = {0};
	struct stat st;
	int n;

	*ret_data = NULL;
	if (m->data && (!strncmp(m->data, "mode=", 5) || strstr(m->data, ",mode=")))
		return 0;
	fd = sk_open_in_root(ctx->root_fd, m->destination, O_PATH, 0, &ignored);
	sk_err_clear(&ignored);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (m->data && *m->data)
		n = asprintf(ret_data, "%s,mode=%04o", m->data, (unsigned)(st.st_mode & 07777));
	else
		n = asprintf(ret_data, "mode=%04o", (unsigned)(st.st_mode & 07777));
	if (n < 0) {
		*ret_data = NULL;
		return sk_fail(err, ENOMEM, "tmpfs options for %s", m->destination);
	}
	return 0;
}

int sk_mount_apply(const struct sk_mount_ctx *ctx, const struct sk_mount *m, struct sk_err *err)
{
	_cleanup_close_ int target = -1;
	_cleanup_free_ char *labeled = NULL, *tmpfs = NULL;
	const char *type = m->type ? m->type : "";

	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
		return sk_mount_cgroup(ctx, m, err);
	if (!m->bind && !strcmp(type, "tmpfs") && tmpfs_data(ctx, m, &tmpfs, err) < 0)
		return -1;
	target = prepare_target(ctx, m, err);
	if (target < 0)
		return -1;
	if (m->bind)
		return mount_bind(ctx, m, target, err);
	if (sk_lsm_mount_data(ctx->mount_label, type, tmpfs ? tmpfs : m->data, &labeled, err) < 0)
		return -1;
	if (sk_mount_fd(m->source ? m->source : type, target, type, m->flags & ~MS_REMOUNT,
			labeled ? labeled : (tmpfs ? tmpfs : m->data), m->destination, err) < 0)
		return -1;
	if (!m->propagation && !m->attr_set && !m->attr_clr)
		return 0;
	_cleanup_close_ int fd = reopen(ctx, m->destination, err);
	if (fd < 0)
		return -1;
	if (sk_mount_propagation(fd, m->propagation, m->destination, err) < 0)
		return -1;
	return setattr(fd, m->attr_set, m->attr_clr, m->destination, err);
}

/* One cgroup hierarchy of the runtime's mount namespace, from /proc/self/mountinfo. */
struct hier {
	char *mountpoint; /* /sys/fs/cgroup/memory */
	char *options;	  /* "memory" or "name=systemd"; NULL for cgroup2 */
	bool v2;
};

static void hiers_free(struct hier *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].mountpoint);
		free(h[i].options);
	}
	free(h);
}

/* Keeps the controller words of a v1 super-options field ("rw,cpu,cpuacct" -> "cpu,cpuacct"). */
static char *controllers_of(const char *superopts)
{
	char *out = calloc(1, strlen(superopts) + 1);
	_cleanup_free_ char *copy = strdup(superopts);
	char *save = NULL;
	if (!out || !copy) {
		free(out);
		return NULL;
	}
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "rw") || !strcmp(w, "ro") || !strncmp(w, "release_agent=", 14) ||
		    !strcmp(w, "clone_children") || !strcmp(w, "noprefix") || !strcmp(w, "xattr") ||
		    !strcmp(w, "cpuset_v2_mode"))
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, w);
	}
	return out;
}

static int read_hierarchies(struct hier **ret, size_t *ret_n, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	struct hier *h = NULL;
	size_t n = 0;
	char *save = NULL;

	if (sk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL, err) < 0)
		return -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[4096], fstype[64], superopts[1024];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, superopts) != 2)
			continue;
		bool v2 = !strcmp(fstype, "cgroup2");
		if ((!v2 && strcmp(fstype, "cgroup")) || strncmp(mp, "/sys/fs/cgroup", 14))
			continue;
		struct hier *nh = realloc(h, sizeof(*h) * (n + 1));
		if (!nh)
			goto nomem;
		h = nh;
		h[n].mountpoint = strdup(mp);
		h[n].options = v2 ? NULL : controllers_of(superopts);
		h[n].v2 = v2;
		n++;
		if (!h[n - 1].mountpoint || (!v2 && !h[n - 1].options))
			goto nomem;
	}
	*ret = h;
	*ret_n = n;
	return 0;
nomem:
	hiers_free(h, n);
	return sk_fail(err, ENOMEM, "read cgroup mounts");
}

/* The calling process's path in the hierarchy with these controllers (NULL: the v2 one). */
static char *own_cgroup(const char *controllers, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (sk_read_file_at(AT_FDCWD, "/proc/self/cgroup", &text, NULL, err) < 0)
		return NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		if (controllers ? !strcmp(c1 + 1, controllers) : !strcmp(line, "0"))
			return strdup(c2 + 1);
	}
	sk_fail(err, ENOENT, "cgroup of hierarchy %s in /proc/self/cgroup",
		controllers ? controllers : "unified");
	return NULL;
}

static int mount_hierarchy(const struct sk_mount_ctx *ctx, const struct hier *h, int target,
			   unsigned long flags, const char *dest, struct sk_err *err)
{
	if (ctx->cgroupns) {
		if (sk_mount_fd("cgroup", target, h->v2 ? "cgroup2" : "cgroup", flags, h->options,
				dest, err) == 0)
			return 0;
		/* v1 hierarchies cannot be mounted inside a user namespace: bind instead. */
		if (!ctx->userns || h->v2)
			return -1;
		sk_err_clear(err);
	}
	_cleanup_free_ char *own = own_cgroup(h->options, err);
	_cleanup_free_ char *src = own ? sk_path_join(h->mountpoint, own) : NULL;
	if (!src)
		return own ? sk_fail(err, ENOMEM, "cgroup mount") : -1;
	if (sk_mount_fd(src, target, NULL, MS_BIND | MS_REC, NULL, dest, err) < 0)
		return -1;
	_cleanup_close_ int fd = sk_open_in_root(ctx->root_fd, dest, O_PATH, 0, err);
	if (fd < 0)
		return -1;
	return sk_mount_remount_bind(fd, flags, dest, err);
}

int sk_mount_cgroup(const struct sk_mount_ctx *ctx, const struct sk_mount *m, struct sk_err *err)
{
	struct hier *h = NULL;
	size_t n = 0;
	int ret = -1;
	bool rw = false;
	unsigned long flags = (m->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~MS_REMOUNT;

	for (char **o = m->options; o && *o; o++)
		rw |= !strcmp(*o, "rw");
	if (!rw) /* read-only unless the config asks rw (CVE-2023-25809) */
		flags |= MS_RDONLY;
	if (read_hierarchies(&h, &n, err) < 0)
		return -1;
	_cleanup_close_ int target = sk_mkdir_in_root(ctx->root_fd, m->destination, 0755, err);
	if (target < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (h[i].v2 && !strcmp(h[i].mountpoint, "/sys/fs/cgroup")) {
			/* Unified host: one cgroup2 mount. */
			ret = mount_hierarchy(ctx, &h[i], target, flags, m->destination, err);
			goto out;
		}
	if (sk_mount_fd("tmpfs", target, "tmpfs", (flags & ~MS_RDONLY), "mode=755", m->destination,
			err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *name = strrchr(h[i].mountpoint, '/') + 1;
		_cleanup_free_ char *dest = sk_path_join(m->destination, name);
		if (!dest) {
			sk_fail(err, ENOMEM, "cgroup mount");
			goto out;
		}
		_cleanup_close_ int sub = sk_mkdir_in_root(ctx->root_fd, dest, 0755, err);
		if (sub < 0 || mount_hierarchy(ctx, &h[i], sub, flags, dest, err) < 0)
			goto out;
	}
	if (flags & MS_RDONLY) {
		_cleanup_close_ int fd =
		    sk_open_in_root(ctx->root_fd, m->destination, O_PATH, 0, err);
		if (fd < 0 ||
		    sk_mount_fd(NULL, fd, NULL, MS_REMOUNT | MS_RDONLY | (flags & ~MS_RDONLY),
				"mode=755", m->destination, err) < 0)
			goto out;
	}
	ret = 0;
out:
	hiers_free(h, n);
	return ret;
}
