/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device nodes and path masking inside the container root, before pivot_root. Every path is
 * resolved inside the root; masking uses a /dev/null whose identity was checked with fstat, so
 * a rootfs cannot swap it for a link to a procfs file (CVE-2025-31133).
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cleanup.h"
#include "devices.h"
#include "fs.h"
#include "mount.h"

static const struct sk_device default_devices[] = {
    {"/dev/null", 'c', 1, 3, true, 0666, false, false, 0, 0},
    {"/dev/zero", 'c', 1, 5, true, 0666, false, false, 0, 0},
    {"/dev/full", 'c', 1, 7, true, 0666, false, false, 0, 0},
    {"/dev/random", 'c', 1, 8, true, 0666, false, false, 0, 0},
    {"/dev/urandom", 'c', 1, 9, true, 0666, false, false, 0, 0},
    {"/dev/tty", 'c', 5, 0, true, 0666, false, false, 0, 0},
};

static int parent_and_name(int root_fd, const char *path, const char **ret_name, struct sk_err *err)
{
	_cleanup_free_ char *dir = strdup(path);
	if (!dir)
		return sk_fail(err, ENOMEM, "device %s", path);
	char *slash = strrchr(dir, '/');
	*ret_name = strrchr(path, '/') + 1;
	*slash = '\0';
	return sk_mkdir_in_root(root_fd, dir[0] ? dir : "/", 0755, err);
}

/* In a user namespace mknod is not allowed: bind the host's node over an empty file. */
static int bind_device(int root_fd, const struct sk_device *d, struct sk_err *err)
{
	_cleanup_close_ int target = sk_mkfile_in_root(root_fd, d->path, 0600, err);
	if (target < 0)
		return -1;
	return sk_mount_fd(d->path, target, NULL, MS_BIND, NULL, d->path, err);
}

static int make_device(int root_fd, const struct sk_device *d, struct sk_err *err)
{
	const char *name = NULL;
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	mode_t perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
	_cleanup_close_ int dir = parent_and_name(root_fd, d->path, &name, err);

	if (dir < 0)
		return -1;
	int r = mknodat(dir, name, type | perm, makedev(d->major, d->minor));
	if (r < 0 && errno == EEXIST) {
		/* Whatever the image had there (a file, a node, a link) gives way. */
		if (unlinkat(dir, name, 0) < 0)
			return sk_fail(err, errno, "remove %s before mknod", d->path);
		r = mknodat(dir, name, type | perm, makedev(d->major, d->minor));
	}
	if (r < 0)
		return sk_fail(err, errno, "mknod %s", d->path);
	if (fchmodat(dir, name, perm, AT_SYMLINK_NOFOLLOW) < 0 && errno != EOPNOTSUPP &&
	    fchmodat(dir, name, perm, 0) < 0)
		return sk_fail(err, errno, "chmod %s", d->path);
	if ((d->has_uid || d->has_gid) &&
	    fchownat(dir, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return sk_fail(err, errno, "chown %s", d->path);
	return 0;
}

static bool in_config(const struct sk_spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if (!strcmp(spec->linux_.devices[i].path, path))
			return true;
	return false;
}

int sk_devices_create(int root_fd, const struct sk_spec *spec, bool userns, bool defaults,
		      struct sk_err *err)
{
	int (*create)(int, const struct sk_device *, struct sk_err *) =
	    userns ? bind_device : make_device;

	for (size_t i = 0; defaults && i < ARRAY_SIZE(default_devices); i++)
		if (!in_config(spec, default_devices[i].path) &&
		    create(root_fd, &default_devices[i], err) < 0)
			return -1;
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if (create(root_fd, &spec->linux_.devices[i], err) < 0)
			return -1;
	return 0;
}

int sk_devices_symlinks(int root_fd, struct sk_err *err)
{
	static const char *const links[][2] = {
	    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"},
	    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	    {"pts/ptmx", "ptmx"},
	};
	_cleanup_close_ int dev = sk_mkdir_in_root(root_fd, "/dev", 0755, err);

	if (dev < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		/* ptmx may exist as a node in an image's /dev: the link must win. */
		if (!strcmp(links[i][1], "ptmx"))
			unlinkat(dev, "ptmx", 0);
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return sk_fail(err, errno, "symlink /dev/%s", links[i][1]);
	}
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
	    errno != EEXIST)
		return sk_fail(err, errno, "symlink /dev/core");
	return 0;
}

int sk_devnull_open_verified(struct sk_err *err)
{
	struct stat st;
	int fd = open("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return sk_fail(err, errno, "open /dev/null");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 ||
	    minor(st.st_rdev) != 3) {
		close(fd);
		return sk_fail(err, EINVAL, "/dev/null is not the 1:3 character device");
	}
	return fd;
}

int sk_mask_paths(int root_fd, char *const *paths, size_t n, int devnull_fd, struct sk_err *err)
{
	char src[32];

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		_cleanup_close_ int fd = sk_open_in_root(root_fd, paths[i], O_PATH, 0, err);
		if (fd < 0) {
			if (err->errnum != ENOENT)
				return -1;
			sk_err_clear(err);
			continue;
		}
		if (fstat(fd, &st) < 0)
			return sk_fail(err, errno, "stat masked path %s", paths[i]);
		if (S_ISDIR(st.st_mode)) {
			if (sk_mount_fd("tmpfs", fd, "tmpfs",
					MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
					"size=0,mode=755", paths[i], err) < 0)
				return sk_wrap(err, "mask %s", paths[i]);
		} else if (sk_mount_fd(sk_fd_path(devnull_fd, src), fd, NULL, MS_BIND, NULL,
				       paths[i], err) < 0) {
			return sk_wrap(err, "mask %s", paths[i]);
		}
	}
	return 0;
}

int sk_readonly_paths(int root_fd, char *const *paths, size_t n, struct sk_err *err)
{
	char src[32];

	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int fd = sk_open_in_root(root_fd, paths[i], O_PATH, 0, err);
		if (fd < 0) {
			if (err->errnum != ENOENT)
				return -1;
			sk_err_clear(err);
			continue;
		}
		if (sk_mount_fd(sk_fd_path(fd, src), fd, NULL, MS_BIND | MS_REC, NULL, paths[i],
				err) < 0)
			return -1;
		_cleanup_close_ int again = sk_open_in_root(root_fd, paths[i], O_PATH, 0, err);
		if (again < 0 || sk_mount_remount_bind(again, MS_RDONLY, paths[i], err) < 0)
			return -1;
	}
	return 0;
}
