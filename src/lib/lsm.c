/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the LSM module lands: a requested profile or label is refused. */
#include "config.h"
#include <errno.h>
#include <stddef.h>
#include "lsm.h"

int sk_lsm_apply_exec(int proc_fd, const struct sk_process *p, struct sk_err *err)
{
	if ((p->apparmor_profile && *p->apparmor_profile) || (p->selinux_label && *p->selinux_label))
		return sk_fail(err, ENOTSUP, "config.json: .process: LSM labels are not supported yet");
	return 0;
}
int sk_lsm_mount_data(const char *mount_label, const char *fstype, const char *data, char **ret,
		      struct sk_err *err)
{
	*ret = NULL;
	return 0;
}
