/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-container state directory <root>/<id>/: creation, the lock that serialises commands
 * on one id, atomic writes of state.json, and the status of the container's process. What the
 * state means for the lifecycle (which command may run when) is container.c's business.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include "error.h"
#include "spec.h"

enum sk_status {
	SK_STATUS_CREATING,
	SK_STATUS_CREATED,
	SK_STATUS_RUNNING,
	SK_STATUS_PAUSED,
	SK_STATUS_STOPPED,
};

struct sk_state {
	char *id;
	pid_t pid;		      /* host pid of the container's init, 0 while creating */
	unsigned long long pid_start; /* field 22 of /proc/<pid>/stat: guards against pid reuse */
	char *bundle;		      /* absolute */
	char *rootfs;		      /* absolute */
	char *created;		      /* RFC 3339, UTC, nanoseconds */
	uid_t owner;
	struct sk_kv *annotations;
	size_t n_annotations;
	char *cgroup; /* opaque text of the cgroup module (sk_cgroup_save) */
	bool started; /* `start` released the process */
	bool paused;  /* frozen by `pause` */
	bool systemd_cgroup;
};

const char *sk_status_name(enum sk_status s); /* "created", ... */

/* Directory of the container: mkdir <root> (0700, parents) and <root>/<id> (0700, must not
 * exist: "container with id X already exists"), open it and take the lock. */
int sk_state_dir_create(const char *root, const char *id, int *ret_dirfd, struct sk_err *err);
/* Opens <root>/<id> and takes the lock; a missing one is "container X does not exist". */
int sk_state_dir_open(const char *root, const char *id, int *ret_dirfd, struct sk_err *err);
/* Removes <root>/<id> and everything in it (state.json may be missing or corrupt); a missing
 * directory is not an error. */
int sk_state_dir_remove(const char *root, const char *id, struct sk_err *err);

int sk_state_write(int dirfd, const struct sk_state *st, struct sk_err *err);
int sk_state_read(int dirfd, struct sk_state **ret, struct sk_err *err);
/* Parses state.json text; used by sk_state_read and the fuzzer. */
int sk_state_parse(const char *json, size_t len, struct sk_state **ret, struct sk_err *err);
void sk_state_free(struct sk_state *st);
static inline void sk_state_freep(struct sk_state **p)
{
	sk_state_free(*p);
}

/* The status now: stopped when the process is gone, a zombie, or a different process with the
 * same pid; created until started; paused when frozen; else running. */
enum sk_status sk_state_status(const struct sk_state *st);
/* Field 22 of /proc/<pid>/stat; 0 when the process does not exist. */
unsigned long long sk_proc_start_time(pid_t pid);

/* The OCI state JSON ({"ociVersion", "id", "status", "pid", "bundle", "annotations"}), as hooks
 * receive it on stdin. */
int sk_state_oci_json(const struct sk_state *st, enum sk_status status, char **ret,
		      struct sk_err *err);
/* The JSON `skiff state` prints: runc's fields (ociVersion, id, pid, status, bundle, rootfs,
 * created, owner, annotations), indented with two spaces. */
int sk_state_cli_json(const struct sk_state *st, enum sk_status status, char **ret,
		      struct sk_err *err);
/* Adds that object to g (for `list --format json`); owner as `list` shows it (a user name),
 * "" for `state`. Returns a yajl_gen_status. */
yajl_gen_status sk_state_gen_cli(yajl_gen g, const struct sk_state *st, enum sk_status status,
				 const char *owner);

/* The time now as RFC 3339 in UTC with nanoseconds ("2026-11-21T23:30:10.123456789Z"), for
 * state->created; NULL on ENOMEM. */
char *sk_rfc3339_now(void);
