/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root filesystem, in the container's mount namespace: propagation, the root
 * bind mount, config mounts, /dev, sysctl, masking, and the switch with pivot_root (or
 * MS_MOVE + chroot for --no-pivot).
 */
#pragma once
#include <stdbool.h>
#include "error.h"
#include "spec.h"

struct sk_rootfs {
	const struct sk_spec *spec;
	const char *path; /* absolute rootfs path */
	bool userns;
	bool cgroupns;
	bool netns;	     /* the container has its own network namespace (for net.* sysctls) */
	int root_fd;	     /* O_PATH of the root mount, set by sk_rootfs_prepare */
	const int *tree_fds; /* per mount: an idmapped tree from the parent, or -1 (may be NULL) */
};

/* Propagation of /, the root bind mount, every config mount, /dev nodes and links, sysctl. */
int sk_rootfs_prepare(struct sk_rootfs *r, struct sk_err *err);
/* maskedPaths and readonlyPaths: after the createContainer hooks, before pivot_root. */
int sk_rootfs_protect(struct sk_rootfs *r, struct sk_err *err);
/* pivot_root (or move + chroot), then root.readonly and rootfsPropagation. */
int sk_rootfs_pivot(struct sk_rootfs *r, bool no_pivot, struct sk_err *err);
