/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parent side of container creation: clone3 straight into the cgroup with the new
 * namespaces, then the sync loop (id maps, cgroup entry, console, hooks) until READY.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include "cgroup.h"
#include "container.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"

struct sk_spawn {
	const struct sk_global *g;
	const struct sk_create_opts *o;
	const struct sk_spec *spec;
	struct sk_state *st; /* id, bundle, rootfs, annotations; pid is filled in */
	int state_dirfd;
	struct sk_cgroup *cg;
	const struct sk_seccomp *seccomp; /* compiled linux.seccomp or NULL */
	int pty_master; /* out: the terminal master when there is no console socket, else -1 */
};

/* On success the container process waits for `start` and sp->st->pid is its host pid. On error
 * the process is gone (killed and reaped). */
int sk_spawn_container(struct sk_spawn *sp, struct sk_err *err);
