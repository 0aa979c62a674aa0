/* SPDX-License-Identifier: Apache-2.0 */
/*
 * checkpoint / restore with CRIU: skiff runs the `criu` binary (dump, pre-dump, restore) with
 * the container's init, its bind mounts as external mounts and runc's flags. When CRIU cannot
 * work on the running kernel (`criu check` fails), the commands say so with CRIU's own error.
 */
#pragma once
#include <stdbool.h>
#include "container.h"

struct sk_criu_opts {
	const char *image_path; /* default: ./checkpoint */
	const char *work_path;	/* default: the image path */
	const char *parent_path;
	const char *manage_cgroups_mode; /* soft, full, strict or ignore; NULL: CRIU's default */
	const char *page_server;	 /* ADDRESS:PORT */
	bool leave_running;
	bool tcp_established;
	bool ext_unix_sk;
	bool shell_job;
	bool file_locks;
	bool pre_dump;
	bool auto_dedup;
	/* restore */
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	bool detach;
	bool no_pivot;
	bool no_subreaper;
};

/* `criu check`: 0 when CRIU can work here, else err says why, with CRIU's first error. */
int sk_criu_check(struct sk_err *err);
int sk_container_checkpoint(const struct sk_global *g, const char *id, const struct sk_criu_opts *o,
			    struct sk_err *err);
/* Restores the container ID from the images. In the foreground (no detach) waits for it and
 * returns its exit status in *ret_status, then deletes it. */
int sk_container_restore(const struct sk_global *g, const char *id, const struct sk_criu_opts *o,
			 int *ret_status, struct sk_err *err);
