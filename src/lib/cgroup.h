/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup interface the rest of skiff uses. cgroup.c detects the host's mode (legacy v1,
 * hybrid, unified v2) and dispatches to cgroup-v1.c / cgroup-v2.c / cgroup-systemd.c. The
 * container's cgroups are created and their resources applied before its process runs.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>
#include "error.h"

enum sk_cgroup_mode { SK_CGROUP_LEGACY, SK_CGROUP_HYBRID, SK_CGROUP_UNIFIED };
enum sk_cgroup_manager { SK_CGM_CGROUPFS, SK_CGM_SYSTEMD, SK_CGM_DISABLED };

struct sk_cgroup; /* opaque */

int sk_cgroup_mode_detect(enum sk_cgroup_mode *ret, struct sk_err *err);

/* Creates the container's cgroup(s) for linux.cgroupsPath (NULL: a default path with the id)
 * and applies linux.resources (may be NULL). Nothing is left behind on error. */
int sk_cgroup_create(enum sk_cgroup_manager mgr, const char *id, const char *cgroups_path,
		     yajl_val resources, struct sk_cgroup **ret, struct sk_err *err);
/* An O_DIRECTORY fd of the container's cgroup v2 directory for CLONE_INTO_CGROUP, or -1.
 * The fd belongs to cg (do not close it); it stays valid until sk_cgroup_free(). */
int sk_cgroup_v2_fd(const struct sk_cgroup *cg);
/* Moves pid into every hierarchy of the container. */
int sk_cgroup_enter(struct sk_cgroup *cg, pid_t pid, struct sk_err *err);

/* Entering without the kernel's global lock. A pid written into cgroup.procs makes the kernel
 * take its threadgroup rwsem for writing, which waits for an RCU grace period: 7-25 ms on this
 * host for every create and exec, and again when the pid is already there. A single-threaded
 * process that writes "0" into a v1 hierarchy's `tasks` file moves itself without that lock.
 * So: sk_cgroup_self_open opens those files in the runtime (cgroupfs driver, v1 hierarchies
 * only); the new process, still single-threaded, root and in the runtime's cgroup namespace,
 * calls sk_cgroup_self_enter before anything else; then the runtime calls sk_cgroup_enter_rest
 * for what is left: the cgroup2 hierarchy unless CLONE_INTO_CGROUP placed it (v2_placed). */
struct sk_cgroup_self {
	int *fds;	   /* per hierarchy of the cgroup; -1 where the runtime enters */
	const char **dirs; /* the directories, for error messages */
	size_t n;
};
int sk_cgroup_self_open(const struct sk_cgroup *cg, struct sk_cgroup_self *ret, struct sk_err *err);
int sk_cgroup_self_enter(const struct sk_cgroup_self *self, struct sk_err *err);
void sk_cgroup_self_close(struct sk_cgroup_self *self);
int sk_cgroup_enter_rest(struct sk_cgroup *cg, pid_t pid, const struct sk_cgroup_self *self,
			 bool v2_placed, struct sk_err *err);
/* Serialises the cgroup for state.json and loads it back for later commands. */
int sk_cgroup_save(const struct sk_cgroup *cg, char **ret, struct sk_err *err);
int sk_cgroup_load(const char *saved, struct sk_cgroup **ret, struct sk_err *err);
/* True for --cgroup-manager disabled: nothing to signal, freeze or list. */
bool sk_cgroup_disabled(const struct sk_cgroup *cg);
/* Signals every process in the container's cgroup (kill --all). */
int sk_cgroup_kill(struct sk_cgroup *cg, int sig, struct sk_err *err);
/* Kills what is left, waits for the cgroup to empty, removes the directories (systemd: stops
 * the unit). Missing directories are not an error. */
int sk_cgroup_destroy(struct sk_cgroup *cg, struct sk_err *err);
/* Pids in the container's cgroup (host pid namespace). */
int sk_cgroup_pids(struct sk_cgroup *cg, pid_t **ret, size_t *ret_n, struct sk_err *err);
/* Freezes/thaws the container (freezer v1, cgroup.freeze v2). */
int sk_cgroup_freeze(struct sk_cgroup *cg, bool frozen, struct sk_err *err);
int sk_cgroup_is_frozen(struct sk_cgroup *cg, bool *ret, struct sk_err *err);
/* Applies a linux.resources object to an existing cgroup (update). */
int sk_cgroup_update(struct sk_cgroup *cg, yajl_val resources, struct sk_err *err);
/* The path inside the hierarchy (for cgroupns, /proc/<pid>/cgroup checks and exec --cgroup):
 * the cgroup2 one in unified mode, else the name=systemd (or first v1) one; "" if disabled. */
const char *sk_cgroup_path(const struct sk_cgroup *cg);
/* The container's directory in the hierarchy of a v1 controller ("memory", "name=systemd") or,
 * for "" / NULL, the cgroup2 one (unified mount, or /sys/fs/cgroup/unified on hybrid hosts).
 * NULL when that hierarchy is not used. */
const char *sk_cgroup_dir(const struct sk_cgroup *cg, const char *controller);
enum sk_cgroup_mode sk_cgroup_get_mode(const struct sk_cgroup *cg);
void sk_cgroup_free(struct sk_cgroup *cg);
static inline void sk_cgroup_freep(struct sk_cgroup **p)
{
	sk_cgroup_free(*p);
}
