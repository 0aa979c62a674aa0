/* SPDX-License-Identifier: Apache-2.0 */
/* checkpoint and restore: shared flag ids and parsing (criu-flags.c). */
#pragma once
#include <stdbool.h>
#include "../lib/criu.h"
#include "../lib/error.h"
#include "../lib/opts.h"

struct sk_cmd;

enum {
	CRIU_OPT_IMAGE_PATH = 1,
	CRIU_OPT_WORK_PATH,
	CRIU_OPT_PARENT_PATH,
	CRIU_OPT_LEAVE_RUNNING,
	CRIU_OPT_TCP,
	CRIU_OPT_EXT_UNIX_SK,
	CRIU_OPT_SHELL_JOB,
	CRIU_OPT_FILE_LOCKS,
	CRIU_OPT_PRE_DUMP,
	CRIU_OPT_MANAGE_CGROUPS,
	CRIU_OPT_PAGE_SERVER,
	CRIU_OPT_AUTO_DEDUP,
	CRIU_OPT_BUNDLE,
	CRIU_OPT_DETACH,
	CRIU_OPT_PID_FILE,
	CRIU_OPT_NO_SUBREAPER,
	CRIU_OPT_NO_PIVOT,
	CRIU_OPT_CONSOLE_SOCKET,
	CRIU_OPT_IGNORED_VALUE, /* runc flags accepted without effect */
	CRIU_OPT_IGNORED_BOOL,
};

/* Parses argv with the command's table into o; the one positional argument (the container id)
 * in *ret_id. --help sets *help and returns 0. */
int cmd_criu_parse(const struct sk_cmd *c, const struct sk_opt *opts, int argc, char **argv,
		   struct sk_criu_opts *o, const char **ret_id, bool *help, struct sk_err *err);
