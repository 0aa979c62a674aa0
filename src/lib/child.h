/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's process, from clone to execve: namespaces -> rootfs -> pivot -> process
 * attributes -> security -> READY -> wait for `start` -> execve. It talks to the parent only
 * through the sync socket (sync.h); errors travel there and are printed by the parent.
 */
#pragma once
#include <stdbool.h>
#include "seccomp.h"
#include "spec.h"

struct sk_child_ctx {
	const struct sk_spec *spec;
	const char *id;
	const char *bundle;
	const char *rootfs;
	int sync_fd;
	int start_sock;	       /* listening socket that `start` connects to */
	int tramp_fd;	       /* sealed memfd of the exec trampoline (trampoline.h) */
	int ns_fds[SK_NS_MAX]; /* namespaces to join, -1 for none */
	bool stage;	       /* join/unshare and maybe fork here (not done by clone3) */
	int unshare_flags;     /* stage: the new namespaces */
	bool cgroupns_unshare; /* fast path: a new cgroup ns, unshared after entering cgroups */
	bool no_pivot;
	bool no_new_keyring;
	int n_keep_fds;	 /* fds 3 .. 3+n-1 are the container's (--preserve-fds, LISTEN_FDS) */
	int listen_fds;	 /* LISTEN_FDS to pass on (0: none) */
	bool send_pty;	 /* terminal: send the pty master to the parent */
	bool foreground; /* run without -d: the container's stdio is the caller's */
	bool hooks; /* the parent runs prestart/createRuntime, or there are in-container hooks */
	const struct sk_seccomp *seccomp; /* compiled linux.seccomp, or NULL */
};

_Noreturn void sk_child_main(struct sk_child_ctx *c);
