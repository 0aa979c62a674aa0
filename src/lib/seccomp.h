/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp: compiled to BPF in the runtime (before clone, so config errors come out
 * before anything exists, and a cache can skip the compile), loaded by the container process
 * as its last step before READY.
 */
#pragma once
#include <stdbool.h>
#include <yajl/yajl_tree.h>
#include "error.h"

struct sk_seccomp; /* opaque: the compiled program and its flags */

/* Compiles the linux.seccomp object (NULL: *ret = NULL). Errors name the JSON path. */
int sk_seccomp_prepare(yajl_val seccomp, struct sk_seccomp **ret, struct sk_err *err);
/* Loads the filter into the calling process. *ret_notify_fd is the listener fd when the
 * profile uses SCMP_ACT_NOTIFY, else -1. */
int sk_seccomp_load(const struct sk_seccomp *s, int *ret_notify_fd, struct sk_err *err);
/* listenerPath of the profile, or NULL. */
const char *sk_seccomp_listener_path(const struct sk_seccomp *s);
/* listenerMetadata of the profile, or NULL. */
const char *sk_seccomp_listener_metadata(const struct sk_seccomp *s);
/* Sends the notify fd to listenerPath with the container state, as the runtime-spec says. */
int sk_seccomp_send_listener(const struct sk_seccomp *s, int notify_fd, const char *state_json,
			     struct sk_err *err);
void sk_seccomp_free(struct sk_seccomp *s);
static inline void sk_seccomp_freep(struct sk_seccomp **p)
{
	sk_seccomp_free(*p);
}
