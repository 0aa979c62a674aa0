/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp: compiled to BPF in the runtime (before clone, so config errors come out
 * before anything exists, and a cache can skip the compile), loaded by the container process
 * with seccomp(2) as its last step before READY: the child does no libseccomp work.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>
#include "error.h"

struct sk_seccomp; /* opaque: the compiled program, its load flags and listener */

/* Where sk_seccomp_prepare() keeps compiled programs (root only; others compile each time). */
#define SK_SECCOMP_CACHE_DIR "/run/skiff/.seccomp-cache"

/* Compiles the linux.seccomp object (NULL: *ret = NULL), with the default cache. Errors name
 * the JSON path ("config.json: .linux.seccomp.syscalls[3].action: ..."). */
int sk_seccomp_prepare(yajl_val seccomp, struct sk_seccomp **ret, struct sk_err *err);
/* The same with an explicit cache directory (created 0700 if missing; NULL: no cache). A cache
 * that cannot be used is ignored, never an error. *ret_cached (may be NULL) says whether the
 * program came from the cache. */
int sk_seccomp_compile(yajl_val seccomp, const char *cache_dir, struct sk_seccomp **ret,
		       bool *ret_cached, struct sk_err *err);
/* Loads the filter into the calling process. *ret_notify_fd is the listener fd when the
 * profile uses SCMP_ACT_NOTIFY, else -1. Async-signal-safe apart from the error text. */
int sk_seccomp_load(const struct sk_seccomp *s, int *ret_notify_fd, struct sk_err *err);
/* listenerPath of the profile, or NULL. */
const char *sk_seccomp_listener_path(const struct sk_seccomp *s);
/* listenerMetadata of the profile, or NULL. */
const char *sk_seccomp_listener_metadata(const struct sk_seccomp *s);
/* The seccomp(2) flags the filter is loaded with (SECCOMP_FILTER_FLAG_*). */
unsigned int sk_seccomp_flags(const struct sk_seccomp *s);
/* The compiled program: *ret_len instructions of 8 bytes (struct sock_filter). */
const void *sk_seccomp_program(const struct sk_seccomp *s, size_t *ret_len);
/* Sends the notify fd to listenerPath with the container process state, as the runtime-spec
 * says: SCM_RIGHTS plus {"ociVersion","fds":["seccompFd"],"pid","metadata","state"}. */
int sk_seccomp_send_listener(const struct sk_seccomp *s, int notify_fd, const char *state_json,
			     struct sk_err *err);
/* The listener payload for state_json (exposed for tests). */
int sk_seccomp_listener_payload(const struct sk_seccomp *s, const char *state_json, char **ret,
				struct sk_err *err);
/* True when the running kernel accepts these SECCOMP_FILTER_FLAG_* bits. */
bool sk_seccomp_kernel_has_flags(unsigned long flags);
void sk_seccomp_free(struct sk_seccomp *s);
static inline void sk_seccomp_freep(struct sk_seccomp **p)
{
	sk_seccomp_free(*p);
}
