/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Root filesystem setup, in order: the host's mounts become slaves (nothing we do leaks back),
 * the rootfs is bound onto itself (pivot_root needs a mount point), config mounts go on in
 * order, then /dev, sysctl, masking, and the pivot. Writes into /proc go through the
 * container's own procfs after checking it is one (CVE-2019-19921).
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cleanup.h"
#include "devices.h"
#include "fs.h"
#include "mount.h"
#include "rootfs.h"

static bool dev_is_bind(const struct sk_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (!strcmp(spec->mounts[i].destination, "/dev") && spec->mounts[i].bind)
			return true;
	return false;
}

/* Namespaced sysctls only; net.* needs the container's own network namespace. */
static int sysctl_allowed(const struct sk_rootfs *r, const char *key, struct sk_err *err)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};
	const struct sk_linux *l = &r->spec->linux_;

	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (!strcmp(key, ipc[i]) && l->ns[SK_NS_IPC].present)
			return 0;
	if (!strncmp(key, "fs.mqueue.", 10) && l->ns[SK_NS_IPC].present)
		return 0;
	if (!strncmp(key, "net.", 4) && r->netns)
		return 0;
	/* .hostname owns the name: a sysctl would silently override it (runc refuses it too). */
	if (!strcmp(key, "kernel.hostname"))
		return sk_fail(err, EPERM,
			       "sysctl kernel.hostname conflicts with .hostname: set it there");
	if (!strcmp(key, "kernel.domainname") && l->ns[SK_NS_UTS].present)
		return 0;
	return sk_fail(err, EPERM,
		       "sysctl %s is not namespaced or the container does not have "
		       "its own namespace for it",
		       key);
}

#define PROC_ROOT_INO 1 /* the inode number of every procfs root */

/* Opens /proc/sys/<key> beneath the root of the container's procfs without crossing a mount:
 * a bind mount over the file, even of another procfs file such as a global sysctl, is refused
 * (CVE-2025-52881); checking the filesystem type alone would let such a redirect through. */
static int open_sysctl(int root_fd, const char *path, struct sk_err *err)
{
	struct open_how how = {.flags = O_WRONLY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS};
	struct stat st;
	_cleanup_close_ int proc = sk_open_in_root(root_fd, "/proc", O_PATH | O_DIRECTORY, 0, err);
	if (proc < 0)
		return -1;
	if (fstat(proc, &st) < 0 || st.st_ino != PROC_ROOT_INO)
		return sk_fail(err, EXDEV, "/proc is not the root of a procfs");
	int fd = (int)syscall(SYS_openat2, proc, path + strlen("/proc/"), &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) /* before 5.6: no mount check beyond the type */
		return sk_open_in_root(root_fd, path, O_WRONLY | O_NOFOLLOW, 0, err);
	if (fd < 0)
		return sk_fail(err, errno, "open %s beneath the container's procfs", path);
	return fd;
}

static int apply_sysctl(const struct sk_rootfs *r, struct sk_err *err)
{
	const struct sk_linux *l = &r->spec->linux_;

	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *key = l->sysctl[i].key, *val = l->sysctl[i].value;
		struct statfs sfs;
		if (sysctl_allowed(r, key, err) < 0)
			return -1;
		/* Two different names for one thing: refuse rather than let the order decide. */
		if (!strcmp(key, "kernel.domainname") && r->spec->domainname &&
		    strcmp(val, r->spec->domainname))
			return sk_fail(err, EINVAL,
				       "sysctl kernel.domainname=%s conflicts with .domainname %s",
				       val, r->spec->domainname);
		_cleanup_free_ char *path = NULL;
		if (asprintf(&path, "/proc/sys/%s", key) < 0)
			return sk_fail(err, ENOMEM, "sysctl %s", key);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (strstr(path, "/../") || strstr(path, "//"))
			return sk_fail(err, EINVAL, "invalid sysctl key %s", key);
		_cleanup_close_ int fd = open_sysctl(r->root_fd, path, err);
		if (fd < 0)
			return sk_wrap(err, "sysctl %s", key);
		if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
			return sk_fail(err, EXDEV, "sysctl %s: %s is not on procfs", key, path);
		if (write(fd, val, strlen(val)) < 0)
			return sk_fail(err, errno, "write %s to sysctl %s", val, key);
	}
	return 0;
}

/* pivot_root refuses a new root whose parent mount is shared: with a shared rootfsPropagation
 * the mount holding the rootfs is made private (only in our mount namespace). */
static int rootfs_parent_private(const char *rootfs, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL, *best = NULL;
	bool shared = false;
	size_t best_len = 0;
	char *save = NULL;

	if (sk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL, err) < 0)
		return -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		size_t n = strlen(mp);
		bool parent = !strcmp(mp, "/") ||
			      (!strncmp(rootfs, mp, n) && (rootfs[n] == '/' || rootfs[n] == '\0'));
		if (!parent || n < best_len)
			continue;
		free(best);
		best = strdup(mp);
		if (!best)
			return sk_fail(err, ENOMEM, "mountinfo");
		best_len = n;
		char *dash = strstr(line, " - ");
		char *opt = strstr(line, " shared:");
		shared = opt && dash && opt < dash;
	}
	if (best && shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
		return sk_fail(err, errno, "make %s private for pivot_root", best);
	return 0;
}

int sk_rootfs_prepare(struct sk_rootfs *r, struct sk_err *err)
{
	const struct sk_spec *spec = r->spec;
	unsigned long prop = spec->linux_.rootfs_propagation;
	struct sk_mount_ctx mctx;
	bool has_dev = false;

	/* Slave (or what rootfsPropagation asks) recursively, so our mounts never reach the host.
	 * An unbindable tree would refuse the rootfs bind below (and every bind mount source):
	 * it stays private until sk_rootfs_pivot gives the new root its unbindable propagation. */
	if (prop & MS_UNBINDABLE)
		prop = MS_PRIVATE | MS_REC;
	if (mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
		return sk_fail(err, errno,
			       "set propagation of / in the container's mount namespace");
	if ((prop & MS_SHARED) && rootfs_parent_private(r->path, err) < 0)
		return -1;
	if (mount(r->path, r->path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sk_fail(err, errno, "bind mount rootfs %s on itself", r->path);
	r->root_fd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->root_fd < 0)
		return sk_fail(err, errno, "open rootfs %s", r->path);
	mctx = (struct sk_mount_ctx){r->root_fd, r->userns, r->cgroupns, spec->linux_.mount_label};
	for (size_t i = 0; i < spec->n_mounts; i++) {
		int tree = r->tree_fds ? r->tree_fds[i] : -1;
		if ((tree >= 0 ? sk_mount_attach_tree(&mctx, &spec->mounts[i], tree, err)
			       : sk_mount_apply(&mctx, &spec->mounts[i], err)) < 0)
			return sk_wrap(err, "mounts[%zu]", i);
		has_dev |= !strcmp(spec->mounts[i].destination, "/dev");
	}
	if (sk_devices_create(r->root_fd, spec, r->userns, has_dev && !dev_is_bind(spec), err) < 0)
		return -1;
	if (has_dev && !dev_is_bind(spec) && sk_devices_symlinks(r->root_fd, err) < 0)
		return -1;
	return apply_sysctl(r, err);
}

int sk_rootfs_protect(struct sk_rootfs *r, struct sk_err *err)
{
	const struct sk_linux *l = &r->spec->linux_;

	if (l->n_masked_paths) {
		_cleanup_close_ int devnull = sk_devnull_open_verified(err);
		if (devnull < 0 ||
		    sk_mask_paths(r->root_fd, l->masked_paths, l->n_masked_paths, devnull, err) < 0)
			return -1;
	}
	return sk_readonly_paths(r->root_fd, l->readonly_paths, l->n_readonly_paths, err);
}

static int remount_root_readonly(struct sk_err *err)
{
	struct statvfs sv;
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;

	if (statvfs("/", &sv) < 0)
		return sk_fail(err, errno, "statvfs /");
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (mount(NULL, "/", NULL, flags, NULL) < 0)
		return sk_fail(err, errno, "remount / read-only");
	return 0;
}

/* Whether path is root or below it. */
static bool path_under(const char *path, const char *root)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The mount points of the procfs and sysfs mounts outside the rootfs, from mountinfo (the
 * strings point into *text). */
static int host_proc_sys(const struct sk_rootfs *r, int proc_fd, char **text, char ***ret,
			 size_t *ret_n, struct sk_err *err)
{
	_cleanup_free_ char **mps = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL;

	free(*text);
	*text = NULL;
	if (sk_read_file_at(proc_fd, "self/mountinfo", text, NULL, err) < 0)
		return -1;
	for (char *line = strtok_r(*text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = {0}, *sep = strstr(line, " - "), *p = line;
		for (int i = 0; i < 5 && p; i++)
			f[i] = strsep(&p, " ");
		if (!sep || !f[4] ||
		    (strncmp(sep + 3, "proc ", 5) && strncmp(sep + 3, "sysfs ", 6)))
			continue;
		sk_mountinfo_unescape(f[4]);
		if (path_under(f[4], r->path))
			continue;
		if (n == cap) {
			char **nm = realloc(mps, (cap = cap ? cap * 2 : 8) * sizeof(*mps));
			if (!nm)
				return sk_fail(err, ENOMEM, "host mounts");
			mps = nm;
		}
		mps[n++] = f[4];
	}
	*ret = TAKE_PTR(mps);
	*ret_n = n;
	return 0;
}

/* Detaches the topmost mount on mp, or else on the nearest of its parent directories that
 * does not hold the rootfs (a mount over a parent hides mp: detaching it uncovers mp). */
static void detach_at_or_above(const struct sk_rootfs *r, char *mp)
{
	for (;;) {
		char *slash;
		if (strcmp(mp, "/") == 0 || path_under(r->path, mp))
			return;
		if (umount2(mp, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			return;
		slash = strrchr(mp, '/');
		if (!slash)
			return;
		*slash = '\0';
		if (slash == mp)
			return;
	}
}

/* --no-pivot: the host's mounts stay in the namespace under the chroot. A procfs or sysfs
 * mount of the host there is "fully visible", so the kernel would let the container mount a
 * fresh, unmasked proc or sysfs (in a user namespace of its own). Detach every such mount
 * outside the rootfs, deepest first, uncovering ones hidden under other mounts, and check that
 * none is left. Our mounts are slaves here (the move below refuses a shared parent), so the
 * host keeps its own. */
static int hide_host_proc_sys(const struct sk_rootfs *r, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	/* held open: it still reads our mountinfo once /proc itself is detached */
	_cleanup_close_ int proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (proc_fd < 0)
		return sk_fail(err, errno, "--no-pivot: open /proc");
	for (int round = 0;; round++) {
		_cleanup_free_ char **mps = NULL;
		size_t n = 0;
		if (host_proc_sys(r, proc_fd, &text, &mps, &n, err) < 0)
			return sk_wrap(err, "--no-pivot: hide the host's procfs and sysfs");
		if (n == 0)
			return 0;
		if (round == 16)
			return sk_fail(err, EBUSY, "--no-pivot: the host's %s cannot be detached",
				       mps[0]);
		while (n-- > 0)
			detach_at_or_above(r, mps[n]);
	}
}

/* A missing process.cwd is created (as runc and crun do): on a read-only root that has to happen
 * before the remount, so here rather than in the process setup. */
static int precreate_cwd(const struct sk_rootfs *r, struct sk_err *err)
{
	const char *cwd = r->spec->process ? r->spec->process->cwd : NULL;

	if (!cwd)
		return 0;
	/* mkdir -p confined to the root: an existing cwd is only opened. */
	_cleanup_close_ int dir = sk_mkdir_in_root(r->root_fd, cwd, 0755, err);
	return dir < 0 ? sk_wrap(err, "create cwd") : 0;
}

int sk_rootfs_pivot(struct sk_rootfs *r, bool no_pivot, struct sk_err *err)
{
	unsigned long prop = r->spec->linux_.rootfs_propagation;

	if (fchdir(r->root_fd) < 0)
		return sk_fail(err, errno, "chdir to rootfs %s", r->path);
	if (no_pivot) {
		if (!(prop & MS_SHARED) && hide_host_proc_sys(r, err) < 0)
			return -1;
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return sk_fail(err, errno, "move rootfs %s to /", r->path);
		if (chroot(".") < 0)
			return sk_fail(err, errno, "chroot to rootfs %s", r->path);
	} else {
		/* pivot_root(".", ".") stacks the old root on the new one; detaching it after
		 * making it a slave leaves the host's mounts untouched. "." must name the old
		 * root, not the new one (whose mounts keep the propagation the config asked):
		 * hence the fchdir to an fd of the old root. */
		_cleanup_close_ int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (old_root < 0)
			return sk_fail(err, errno, "open the old root");
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return sk_fail(err, errno, "pivot_root to rootfs %s", r->path);
		if (fchdir(old_root) < 0)
			return sk_fail(err, errno, "chdir to the old root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return sk_fail(err, errno, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return sk_fail(err, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return sk_fail(err, errno, "chdir /");
	if (r->spec->root.readonly && precreate_cwd(r, err) < 0)
		return -1;
	closep(&r->root_fd);
	r->root_fd = -1;
	if (r->spec->root.readonly && remount_root_readonly(err) < 0)
		return -1;
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return sk_fail(err, errno, "set rootfs propagation");
	return 0;
}
