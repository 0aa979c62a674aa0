/* SPDX-License-Identifier: Apache-2.0 */
/* The flags checkpoint and restore share (runc's spellings) and their parsing: each command
 * lists the flags it accepts in its own table with the ids below; one switch fills
 * struct sk_criu_opts for both. */
#include "config.h"
#include "cmd.h"
#include "criu-flags.h"

static void set_flag(struct sk_criu_opts *o, int id, const char *arg)
{
	switch (id) {
	case CRIU_OPT_IMAGE_PATH:
		o->image_path = arg;
		break;
	case CRIU_OPT_WORK_PATH:
		o->work_path = arg;
		break;
	case CRIU_OPT_PARENT_PATH:
		o->parent_path = arg;
		break;
	case CRIU_OPT_LEAVE_RUNNING:
		o->leave_running = cmd_bool(arg);
		break;
	case CRIU_OPT_TCP:
		o->tcp_established = cmd_bool(arg);
		break;
	case CRIU_OPT_EXT_UNIX_SK:
		o->ext_unix_sk = cmd_bool(arg);
		break;
	case CRIU_OPT_SHELL_JOB:
		o->shell_job = cmd_bool(arg);
		break;
	case CRIU_OPT_FILE_LOCKS:
		o->file_locks = cmd_bool(arg);
		break;
	case CRIU_OPT_PRE_DUMP:
		o->pre_dump = cmd_bool(arg);
		break;
	case CRIU_OPT_MANAGE_CGROUPS:
		o->manage_cgroups_mode = arg;
		break;
	case CRIU_OPT_PAGE_SERVER:
		o->page_server = arg;
		break;
	case CRIU_OPT_AUTO_DEDUP:
		o->auto_dedup = cmd_bool(arg);
		break;
	case CRIU_OPT_BUNDLE:
		o->bundle = arg;
		break;
	case CRIU_OPT_DETACH:
		o->detach = cmd_bool(arg);
		break;
	case CRIU_OPT_PID_FILE:
		o->pid_file = arg;
		break;
	case CRIU_OPT_NO_SUBREAPER:
		o->no_subreaper = cmd_bool(arg);
		break;
	case CRIU_OPT_NO_PIVOT:
		o->no_pivot = cmd_bool(arg);
		break;
	case CRIU_OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		break;
	}
}

int cmd_criu_parse(const struct sk_cmd *c, const struct sk_opt *opts, int argc, char **argv,
		   struct sk_criu_opts *o, const char **ret_id, bool *help, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	int id, ret = -1;

	*help = false;
	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			*help = true;
			ret = 0;
			goto out;
		}
		set_flag(o, id, arg);
	}
	if (id < 0 || cmd_expect_args(c, &p, 1, 1, err) < 0)
		goto out;
	*ret_id = p.positional[0];
	ret = 0;
out:
	sk_opt_parser_free(&p);
	return ret;
}
