/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File helpers: whole-file reads and writes, atomic replacement, mkdir -p, and path resolution
 * confined to a root directory (openat2 RESOLVE_IN_ROOT with a careful fallback).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
void sk_mountinfo_unescape(char *s);
int sk_read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len, struct sk_err *err);
/* open(O_WRONLY|O_CLOEXEC|O_TRUNC?) + write all: for /proc, /sys and cgroup files. */
int sk_write_file_at(int dirfd, const char *path, const char *data, size_t len, struct sk_err *err);
/* temp file + fsync-free write + rename in dirfd; mode of the new file. */
int sk_write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
			 struct sk_err *err);
int sk_mkdir_p(const char *path, mode_t mode, struct sk_err *err);

/* Opens path inside root_fd as if root_fd were "/": ".." and absolute symlinks stay inside,
 * magic links are refused. flags as for openat (O_CLOEXEC is added). */
int sk_open_in_root(int root_fd, const char *path, int flags, mode_t mode, struct sk_err *err);
/* mkdir -p inside root_fd with the same confinement; returns an O_PATH|O_DIRECTORY fd of the
 * last component. */
int sk_mkdir_in_root(int root_fd, const char *path, mode_t mode, struct sk_err *err);
/* Creates (if missing) a regular file at path inside root_fd, parents as directories, and
 * returns an O_PATH fd of it. */
int sk_mkfile_in_root(int root_fd, const char *path, mode_t mode, struct sk_err *err);
/* Opens the procfs at /proc of the current root (O_PATH), checked to be the root of a procfs.
 * The container's own procfs is used for the process's /proc writes, never the host's: an fd
 * of the host's /proc held by the container process would lead to the host (/proc/1/root). */
int sk_procfs_open(struct sk_err *err);
/* Opens rel ("<pid>/oom_score_adj") beneath a procfs root without crossing a mount or
 * following a symlink, so a bind mount over a proc file cannot redirect the write
 * (CVE-2019-19921, CVE-2025-52881). */
int sk_procfs_openat(int proc_fd, const char *rel, int flags, struct sk_err *err);
/* "/proc/self/fd/N" into buf (at least 32 bytes). */
const char *sk_fd_path(int fd, char buf[static 32]);
/* Joins a and b with one '/'; NULL on ENOMEM. */
char *sk_path_join(const char *a, const char *b);
