/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the seccomp module lands: profiles are refused, never ignored. */
#include "config.h"
#include <errno.h>
#include <stddef.h>
#include "seccomp.h"

int sk_seccomp_prepare(yajl_val seccomp, struct sk_seccomp **ret, struct sk_err *err)
{
	*ret = NULL;
	if (seccomp)
		return sk_fail(err, ENOTSUP, "config.json: .linux.seccomp: not supported yet");
	return 0;
}
int sk_seccomp_load(const struct sk_seccomp *s, int *ret_notify_fd, struct sk_err *err)
{
	*ret_notify_fd = -1;
	return 0;
}
int sk_seccomp_send_listener(const struct sk_seccomp *s, int notify_fd, const char *state_json,
			     struct sk_err *err)
{
	return 0;
}
void sk_seccomp_free(struct sk_seccomp *s)
{
}
