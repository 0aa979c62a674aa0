/* SPDX-License-Identifier: Apache-2.0 */
/* skiff checkpoint: runc's flags -> sk_container_checkpoint (CRIU dump of the container). */
#include "config.h"
#include "cmd.h"
#include "../lib/criu.h"

enum {
	OPT_IMAGE_PATH = 1,
	OPT_WORK_PATH,
	OPT_PARENT_PATH,
	OPT_LEAVE_RUNNING,
	OPT_TCP,
	OPT_EXT_UNIX_SK,
	OPT_SHELL_JOB,
	OPT_FILE_LOCKS,
	OPT_PRE_DUMP,
	OPT_MANAGE_CGROUPS,
	OPT_PAGE_SERVER,
	OPT_AUTO_DEDUP,
	OPT_IGNORED_VALUE,
	OPT_IGNORED_BOOL,
};

static const struct sk_opt checkpoint_opts[] = {
    {"image-path", 0, true, OPT_IMAGE_PATH},
    {"work-path", 0, true, OPT_WORK_PATH},
    {"parent-path", 0, true, OPT_PARENT_PATH},
    {"leave-running", 0, false, OPT_LEAVE_RUNNING},
    {"tcp-established", 0, false, OPT_TCP},
    {"ext-unix-sk", 0, false, OPT_EXT_UNIX_SK},
    {"shell-job", 0, false, OPT_SHELL_JOB},
    {"file-locks", 0, false, OPT_FILE_LOCKS},
    {"pre-dump", 0, false, OPT_PRE_DUMP},
    {"manage-cgroups-mode", 0, true, OPT_MANAGE_CGROUPS},
    {"page-server", 0, true, OPT_PAGE_SERVER},
    {"auto-dedup", 0, false, OPT_AUTO_DEDUP},
    /* runc flags skiff accepts without acting on them */
    {"status-fd", 0, true, OPT_IGNORED_VALUE},
    {"empty-ns", 0, true, OPT_IGNORED_VALUE},
    {"lazy-pages", 0, false, OPT_IGNORED_BOOL},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static void set_flag(struct sk_criu_opts *o, int id, const char *arg)
{
	switch (id) {
	case OPT_IMAGE_PATH:
		o->image_path = arg;
		break;
	case OPT_WORK_PATH:
		o->work_path = arg;
		break;
	case OPT_PARENT_PATH:
		o->parent_path = arg;
		break;
	case OPT_LEAVE_RUNNING:
		o->leave_running = cmd_bool(arg);
		break;
	case OPT_TCP:
		o->tcp_established = cmd_bool(arg);
		break;
	case OPT_EXT_UNIX_SK:
		o->ext_unix_sk = cmd_bool(arg);
		break;
	case OPT_SHELL_JOB:
		o->shell_job = cmd_bool(arg);
		break;
	case OPT_FILE_LOCKS:
		o->file_locks = cmd_bool(arg);
		break;
	case OPT_PRE_DUMP:
		o->pre_dump = cmd_bool(arg);
		break;
	case OPT_MANAGE_CGROUPS:
		o->manage_cgroups_mode = arg;
		break;
	case OPT_PAGE_SERVER:
		o->page_server = arg;
		break;
	case OPT_AUTO_DEDUP:
		o->auto_dedup = cmd_bool(arg);
		break;
	}
}

static int run_checkpoint(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = checkpoint_opts, .argc = argc, .argv = argv, .index = 1};
	struct sk_criu_opts o = {0};
	const char *arg;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			ret = cmd_usage(&sk_cmd_checkpoint);
			goto out;
		}
		set_flag(&o, id, arg);
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_checkpoint, &p, 1, 1, err) < 0)
		goto out;
	ret = sk_container_checkpoint(g, p.positional[0], &o, err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_checkpoint = {
    .name = "checkpoint",
    .summary = "checkpoint a running container with CRIU",
    .usage = "usage: skiff checkpoint [options] <container-id>\n\n"
	     "   --image-path DIR             where CRIU writes the images (default ./checkpoint)\n"
	     "   --work-path DIR              CRIU's logs and work files (default: image path)\n"
	     "   --parent-path DIR            images of a previous pre-dump\n"
	     "   --leave-running              keep the container running after the checkpoint\n"
	     "   --pre-dump                   dump memory only (iterative migration)\n"
	     "   --tcp-established            allow open TCP connections\n"
	     "   --ext-unix-sk                allow external unix sockets\n"
	     "   --shell-job                  allow a shell job (a terminal of the host)\n"
	     "   --file-locks                 dump file locks\n"
	     "   --manage-cgroups-mode MODE   soft, full, strict or ignore\n"
	     "   --page-server ADDRESS:PORT   send memory pages to a CRIU page server\n"
	     "   --auto-dedup                 deduplicate images against the parent\n",
    .run = run_checkpoint,
};
