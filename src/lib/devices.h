/* SPDX-License-Identifier: Apache-2.0 */
/* /dev of the container: default nodes, linux.devices, the standard symlinks, masked paths. */
#pragma once
#include <stdbool.h>
#include "error.h"
#include "spec.h"

/* Default devices (when /dev is not bind-mounted from the host) plus linux.devices. In a user
 * namespace nodes are bind-mounted from the host instead of created with mknod. */
int sk_devices_create(int root_fd, const struct sk_spec *spec, bool userns, bool defaults,
		      struct sk_err *err);
/* /dev/fd, /dev/std{in,out,err}, /dev/ptmx -> pts/ptmx, /dev/core. */
int sk_devices_symlinks(int root_fd, struct sk_err *err);
/* Opens the host's /dev/null and checks it is the 1:3 character device (CVE-2025-31133). */
int sk_devnull_open_verified(struct sk_err *err);
/* maskedPaths: files get the verified /dev/null bound over them, directories an empty
 * read-only tmpfs. Missing paths are skipped. */
int sk_mask_paths(int root_fd, char *const *paths, size_t n, int devnull_fd, struct sk_err *err);
/* readonlyPaths: bind each onto itself and remount read-only. Missing paths are skipped. */
int sk_readonly_paths(int root_fd, char *const *paths, size_t n, struct sk_err *err);
