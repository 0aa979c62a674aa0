/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One config.json mount into the container root. Every target is resolved inside the root
 * (fs.h) and mounted through its fd (/proc/self/fd/N of the runtime's procfs), so a hostile
 * rootfs cannot redirect a mount onto the host (CVE-2021-30465).
 */
#pragma once
#include <stdbool.h>
#include "error.h"
#include "spec.h"

struct sk_mount_ctx {
	int root_fd;		 /* O_PATH fd of the container's root mount */
	bool userns;		 /* a new user namespace: no mknod, locked mount flags */
	bool cgroupns;		 /* the container has its own cgroup namespace */
	const char *mount_label; /* linux.mountLabel: context= for the mounts that take it */
};

int sk_mount_apply(const struct sk_mount_ctx *ctx, const struct sk_mount *m, struct sk_err *err);
/* A cgroup or cgroup2 mount: the container's own cgroups, read-only unless "rw" is asked. */
int sk_mount_cgroup(const struct sk_mount_ctx *ctx, const struct sk_mount *m, struct sk_err *err);
/* Attaches a detached mount tree (an idmapped bind made by the parent) at m->destination,
 * then applies m's flags, propagation and attributes. */
int sk_mount_attach_tree(const struct sk_mount_ctx *ctx, const struct sk_mount *m, int tree_fd,
			 struct sk_err *err);
/* Parent side: clones m->source (relative to bundle_fd) as a detached tree idmapped to
 * userns_fd. Returns the tree fd. */
int sk_mount_make_idmapped(int bundle_fd, const struct sk_mount *m, int userns_fd,
			   struct sk_err *err);
/* mount(2) with the target given as an fd; source may be an fd path too. */
int sk_mount_fd(const char *source, int target_fd, const char *type, unsigned long flags,
		const char *data, const char *what, struct sk_err *err);
/* Bind-remounts the mount at target_fd with flags (plus the locked flags it already has). */
int sk_mount_remount_bind(int target_fd, unsigned long flags, const char *what, struct sk_err *err);
/* Changes propagation of the mount at target_fd. */
int sk_mount_propagation(int target_fd, unsigned long propagation, const char *what,
			 struct sk_err *err);
