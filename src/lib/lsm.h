/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux security modules: the AppArmor profile and SELinux label a process gets at execve,
 * written through a verified procfs handle, and the mount label for the container's mounts.
 */
#pragma once
#include <stdbool.h>
#include "error.h"
#include "spec.h"

/* Which LSMs the host runs. */
struct sk_lsm_host {
	bool apparmor; /* /sys/module/apparmor/parameters/enabled is "Y" */
	bool selinux;  /* selinuxfs is mounted */
};

void sk_lsm_host_detect(struct sk_lsm_host *ret);
/* A non-empty profile or label for an LSM the host does not run is an error (p may be NULL). */
int sk_lsm_validate(const struct sk_lsm_host *h, const struct sk_process *p,
		    const char *mount_label, struct sk_err *err);
/* sk_lsm_host_detect + sk_lsm_validate for a config, in the runtime before anything exists. */
int sk_lsm_check(const struct sk_spec *spec, struct sk_err *err);

/* Sets the exec-time AppArmor profile / SELinux label of the calling process (p may carry
 * neither: then nothing). proc_fd: the runtime's procfs, checked to be procfs. A profile on
 * a host without that LSM is an error. */
int sk_lsm_apply_exec(int proc_fd, const struct sk_process *p, struct sk_err *err);
/* Adds the SELinux context option for linux.mountLabel to mount data (tmpfs, devpts, mqueue
 * ...). *ret is a new string or NULL when nothing applies. */
int sk_lsm_mount_data(const char *mount_label, const char *fstype, const char *data, char **ret,
		      struct sk_err *err);
