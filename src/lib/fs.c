/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File helpers: whole-file I/O, atomic replacement, mkdir -p, and resolution confined to a
 * root directory. Confinement uses openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS); kernels
 * without openat2 get a component-by-component walk that resolves symlinks itself and never
 * lets ".." or an absolute link leave the root (CVE-2021-30465, CVE-2024-45310).
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cleanup.h"
#include "fs.h"

#define READ_MAX (64u << 20) /* refuse to slurp more than 64 MiB */

int sk_read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len, struct sk_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	if (fd < 0)
		return sk_fail(err, errno, "open %s", path);
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if (cap > READ_MAX)
				return sk_fail(err, EFBIG, "read %s", path);
			char *n = realloc(buf, cap + 1);
			if (!n)
				return sk_fail(err, ENOMEM, "read %s", path);
			buf = n;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return sk_fail(err, errno, "read %s", path);
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (!buf && !(buf = malloc(1)))
		return sk_fail(err, ENOMEM, "read %s", path);
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sk_write_file_at(int dirfd, const char *path, const char *data, size_t len, struct sk_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return sk_fail(err, errno, "open %s", path);
	if (write_all(fd, data, len) < 0)
		return sk_fail(err, errno, "write %.*s to %s", (int)(len > 64 ? 64 : len), data,
			       path);
	return 0;
}

int sk_write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
			 struct sk_err *err)
{
	_cleanup_free_ char *tmp = NULL;
	int fd;

	if (asprintf(&tmp, ".%s.tmp%d", name, (int)getpid()) < 0)
		return sk_fail(err, ENOMEM, "write %s", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return sk_fail(err, errno, "create %s", tmp);
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0) {
		sk_fail(err, errno, "write %s", tmp);
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		sk_fail(err, errno, "rename %s to %s", tmp, name);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

int sk_mkdir_p(const char *path, mode_t mode, struct sk_err *err)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return sk_fail(err, ENOMEM, "mkdir %s", path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return sk_fail(err, errno, "mkdir %s", p);
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

const char *sk_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

char *sk_path_join(const char *a, const char *b)
{
	char *r = NULL;
	size_t la = strlen(a);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (asprintf(&r, "%.*s%s%s", (int)la, a, (la == 1 && a[0] == '/') ? "" : "/", b) < 0)
		return NULL;
	return r;
}

/*
 * Fallback for kernels without openat2 (< 5.6): walk the path one component at a time with
 * O_NOFOLLOW, keep a stack of directory fds so ".." never climbs above the root, and expand
 * symlinks by hand (absolute ones restart at the root).
 */
static int walk_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
	_cleanup_free_ char *rest = strdup(path);
	int stack[256];
	int depth = 0, links = 0, fd = -1;
	char *cur;

	if (!rest)
		return -ENOMEM;
	stack[0] = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (stack[0] < 0)
		return -errno;
	cur = rest;
	for (;;) {
		while (*cur == '/')
			cur++;
		if (*cur == '\0') {
			/* The path named a directory we already hold. */
			fd = openat(stack[depth], ".", flags | O_CLOEXEC, mode);
			if (fd < 0)
				fd = -errno;
			break;
		}
		char *slash = strchr(cur, '/');
		bool last = true;
		if (slash) {
			*slash = '\0';
			last = slash[1 + strspn(slash + 1, "/")] == '\0';
		}
		if (strcmp(cur, ".") == 0 || strcmp(cur, "..") == 0) {
			if (cur[1] == '.' && depth > 0)
				close(stack[depth--]);
		} else {
			struct stat st;
			int next = openat(stack[depth], cur, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0 && errno == ENOENT && last && (flags & O_CREAT))
				next = openat(stack[depth], cur,
					      (flags & ~O_PATH) | O_NOFOLLOW | O_CLOEXEC, mode);
			if (next < 0 || fstat(next, &st) < 0) {
				fd = -errno;
				break;
			}
			if (S_ISLNK(st.st_mode)) {
				char target[4096];
				ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);
				close(next);
				if (n < 0 || ++links > 40) {
					fd = n < 0 ? -errno : -ELOOP;
					break;
				}
				target[n] = '\0';
				char *joined = NULL;
				if (asprintf(&joined, "%s/%s", target, slash ? slash + 1 : "") <
				    0) {
					fd = -ENOMEM;
					break;
				}
				if (target[0] == '/')
					while (depth > 0)
						close(stack[depth--]);
				free(rest);
				rest = cur = joined;
				continue;
			}
			if (last) {
				fd =
				    openat(stack[depth], cur, flags | O_NOFOLLOW | O_CLOEXEC, mode);
				if (fd < 0)
					fd = -errno;
				close(next);
				break;
			}
			if (depth + 1 >= (int)ARRAY_SIZE(stack)) {
				close(next);
				fd = -ENAMETOOLONG;
				break;
			}
			stack[++depth] = next;
		}
		if (!slash) {
			fd = openat(stack[depth], ".", flags | O_CLOEXEC, mode);
			if (fd < 0)
				fd = -errno;
			break;
		}
		cur = slash + 1;
	}
	while (depth >= 0)
		close(stack[depth--]);
	return fd;
}

static int open_in_root_raw(int root_fd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (unsigned)(flags | O_CLOEXEC),
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno == EAGAIN) /* a rename raced the lookup: retry once */
		fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno != ENOSYS)
		return -errno;
	return walk_in_root(root_fd, path, flags, mode);
}

int sk_open_in_root(int root_fd, const char *path, int flags, mode_t mode, struct sk_err *err)
{
	int fd = open_in_root_raw(root_fd, path, flags, mode);
	if (fd < 0)
		return sk_fail(err, -fd, "open %s in the container root", path);
	return fd;
}

/* One step of sk_mkdir_in_root: the directory `name` under parent (created if missing). A
 * plain child is opened beneath parent (no symlinks, one syscall); a symlink or ".." is
 * resolved again from the root with the whole prefix, so it cannot lead out of the root. */
static int mkdir_step(int root_fd, int parent, const char *prefix, const char *name, mode_t mode)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve =
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, parent, name, &how, sizeof(how));

	if (fd >= 0)
		return fd;
	if (errno == ENOENT) {
		if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
			return -errno;
		/* Just made: O_NOFOLLOW refuses a symlink swapped in since. */
		fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 || errno != ELOOP)
			return fd >= 0 ? fd : -errno;
	}
	/* A symlink (ELOOP), ".." or no openat2 (ENOSYS): resolve the prefix inside the root. */
	return open_in_root_raw(root_fd, prefix, O_PATH | O_DIRECTORY, 0);
}

int sk_mkdir_in_root(int root_fd, const char *path, mode_t mode, struct sk_err *err)
{
	_cleanup_free_ char *p = strdup(path);
	_cleanup_close_ int parent = -1;
	int fd;

	if (!p)
		return sk_fail(err, ENOMEM, "mkdir %s", path);
	fd = open_in_root_raw(root_fd, p, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0)
		return fd;
	if (fd != -ENOENT)
		return sk_fail(err, -fd, "mkdir %s in the container root", path);
	/* Create one missing level at a time, each below the one before. */
	parent = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (parent < 0)
		return sk_fail(err, errno, "dup root fd");
	for (char *s = p;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		char *name = strrchr(p, '/');
		name = name ? name + 1 : p;
		if (*name && strcmp(name, ".")) {
			int next = mkdir_step(root_fd, parent, p, name, mode);
			if (next < 0)
				return sk_fail(err, -next, "mkdir %s in the container root", p);
			close(parent);
			parent = next;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	return TAKE_FD(parent);
}

int sk_mkfile_in_root(int root_fd, const char *path, mode_t mode, struct sk_err *err)
{
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int parent = -1;
	char *slash;
	int fd;

	fd = open_in_root_raw(root_fd, path, O_PATH, 0);
	if (fd >= 0)
		return fd;
	if (fd != -ENOENT)
		return sk_fail(err, -fd, "open %s in the container root", path);
	if (!dir)
		return sk_fail(err, ENOMEM, "create %s", path);
	slash = strrchr(dir, '/');
	const char *name = slash ? slash + 1 : dir;
	if (slash) {
		*slash = '\0';
		parent = sk_mkdir_in_root(root_fd, dir[0] ? dir : "/", 0755, err);
	} else {
		parent = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	}
	if (parent < 0)
		return sk_wrap(err, "create %s", path);
	fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno != EEXIST)
		return sk_fail(err, errno, "create %s in the container root", path);
	if (fd >= 0)
		close(fd);
	fd = open_in_root_raw(root_fd, path, O_PATH, 0);
	if (fd < 0)
		return sk_fail(err, -fd, "open %s in the container root", path);
	return fd;
}

#define PROC_ROOT_INO 1 /* the inode number of every procfs root */

int sk_procfs_open(struct sk_err *err)
{
	struct statfs sf;
	struct stat st;
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return sk_fail(err, errno, "open /proc");
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC || fstat(fd, &st) < 0 ||
	    st.st_ino != PROC_ROOT_INO) {
		close(fd);
		return sk_fail(err, EXDEV, "/proc is not the root of a procfs");
	}
	return fd;
}

int sk_procfs_openat(int proc_fd, const char *rel, int flags, struct sk_err *err)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS |
					  RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, proc_fd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS) {
		/* Before 5.6: no mount check; at least the file must be on procfs. */
		struct statfs sf;
		fd = openat(proc_fd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 && (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)) {
			close(fd);
			fd = -1;
			errno = EXDEV;
		}
	}
	if (fd < 0)
		return sk_fail(err, errno, "open /proc/%s", rel);
	return fd;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
void sk_mountinfo_unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}
