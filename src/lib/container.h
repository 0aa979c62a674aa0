/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verbs of skiff: what each command does to a container, called by src/cmd/<verb>.c with
 * parsed flags. Each function takes the global context and sets err on failure.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include "cgroup.h"
#include "error.h"
#include "log.h"

struct sk_global {
	const char *root; /* --root, default /run/skiff */
	struct sk_log log;
	enum sk_cgroup_manager cgroup_manager;
	bool debug;
};

struct sk_create_opts {
	const char *id;
	const char *bundle; /* default: cwd */
	const char *config; /* crun's --config: relative to the bundle; default config.json */
	const char *console_socket;
	const char *pid_file;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool foreground; /* run without -d: keep the container's stdio as the caller's */
};

int sk_container_create(const struct sk_global *g, const struct sk_create_opts *o,
			struct sk_err *err);
int sk_container_start(const struct sk_global *g, const char *id, struct sk_err *err);
/* create + start; in the foreground (detach false) forwards signals, waits, deletes unless keep,
 * and returns the exit status in *ret_status (128+signal when killed). */
int sk_container_run(const struct sk_global *g, const struct sk_create_opts *o, bool detach,
		     bool keep, int *ret_status, struct sk_err *err);
int sk_container_state(const struct sk_global *g, const char *id, char **ret_json,
		       struct sk_err *err);
int sk_container_kill(const struct sk_global *g, const char *id, int sig, bool all,
		      struct sk_err *err);
int sk_container_delete(const struct sk_global *g, const char *id, bool force, struct sk_err *err);
/* Writes the list as a table or JSON array (runc's fields) to stdout. */
int sk_container_list(const struct sk_global *g, bool json, bool quiet, struct sk_err *err);

/* Writes a decimal pid, no newline, atomically (temp + rename). */
int sk_pid_file_write(const char *path, pid_t pid, struct sk_err *err);
