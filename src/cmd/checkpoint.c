/* SPDX-License-Identifier: Apache-2.0 */
/* skiff checkpoint: runc's flags -> sk_container_checkpoint (CRIU dump of the container). */
#include "config.h"
#include "cmd.h"
#include "criu-flags.h"

static const struct sk_opt checkpoint_opts[] = {
    {"image-path", 0, true, CRIU_OPT_IMAGE_PATH},
    {"work-path", 0, true, CRIU_OPT_WORK_PATH},
    {"parent-path", 0, true, CRIU_OPT_PARENT_PATH},
    {"leave-running", 0, false, CRIU_OPT_LEAVE_RUNNING},
    {"tcp-established", 0, false, CRIU_OPT_TCP},
    {"ext-unix-sk", 0, false, CRIU_OPT_EXT_UNIX_SK},
    {"shell-job", 0, false, CRIU_OPT_SHELL_JOB},
    {"file-locks", 0, false, CRIU_OPT_FILE_LOCKS},
    {"pre-dump", 0, false, CRIU_OPT_PRE_DUMP},
    {"manage-cgroups-mode", 0, true, CRIU_OPT_MANAGE_CGROUPS},
    {"page-server", 0, true, CRIU_OPT_PAGE_SERVER},
    {"auto-dedup", 0, false, CRIU_OPT_AUTO_DEDUP},
    /* runc flags skiff accepts without acting on them */
    {"status-fd", 0, true, CRIU_OPT_IGNORED_VALUE},
    {"empty-ns", 0, true, CRIU_OPT_IGNORED_VALUE},
    {"lazy-pages", 0, false, CRIU_OPT_IGNORED_BOOL},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_checkpoint(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_criu_opts o = {0};
	const char *id = NULL;
	bool help;

	if (cmd_criu_parse(&sk_cmd_checkpoint, checkpoint_opts, argc, argv, &o, &id, &help, err) <
	    0)
		return -1;
	if (help)
		return cmd_usage(&sk_cmd_checkpoint);
	return sk_container_checkpoint(g, id, &o, err);
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
