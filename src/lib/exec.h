/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: a new process in a running (or created) container. It joins the container's
 * namespaces and cgroup, and gets its process setup from process.c, like the container's own
 * process. The process comes from the container's config.json with the CLI overrides, or
 * whole from a --process JSON file.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "container.h"

struct sk_exec_opts {
	const char *id;
	const char
	    *process_path; /* --process: a runtime-spec process object (flags below ignored) */
	char **args;	   /* the command, when no --process */
	size_t n_args;
	const char *console_socket;
	const char *pid_file;
	bool tty;
	bool detach;
	bool ignore_paused;
	bool no_new_privs;
	const char *cwd;
	const char *user; /* UID[:GID] or names from the container's /etc/passwd, /etc/group */
	const char *apparmor;
	const char *process_label;
	const char *cgroup; /* --cgroup [CONTROLLER[,CONTROLLER]:]SUBPATH */
	char **env;	    /* K=V, added to (or replacing in) the config's */
	size_t n_env;
	char **caps; /* CAP_X added to the bounding, effective, permitted and ambient sets */
	size_t n_caps;
	gid_t *gids; /* --additional-gids */
	size_t n_gids;
	int preserve_fds;
};

/* Starts the process. In the foreground (no detach) waits for it, forwarding signals and
 * relaying its terminal, and returns its exit status in *ret_status (128+signal when killed);
 * detached, returns once the program has been executed (*ret_status 0). On error no process
 * of this exec is left. */
int sk_container_exec(const struct sk_global *g, const struct sk_exec_opts *o, int *ret_status,
		      struct sk_err *err);
