/* SPDX-License-Identifier: Apache-2.0 */
/* skiff restore: runc's flags -> sk_container_restore (a container from CRIU images). */
#include "config.h"
#include "cmd.h"
#include "criu-flags.h"

static const struct sk_opt restore_opts[] = {
    {"image-path", 0, true, CRIU_OPT_IMAGE_PATH},
    {"work-path", 0, true, CRIU_OPT_WORK_PATH},
    {"tcp-established", 0, false, CRIU_OPT_TCP},
    {"ext-unix-sk", 0, false, CRIU_OPT_EXT_UNIX_SK},
    {"shell-job", 0, false, CRIU_OPT_SHELL_JOB},
    {"file-locks", 0, false, CRIU_OPT_FILE_LOCKS},
    {"manage-cgroups-mode", 0, true, CRIU_OPT_MANAGE_CGROUPS},
    {"bundle", 'b', true, CRIU_OPT_BUNDLE},
    {"detach", 'd', false, CRIU_OPT_DETACH},
    {"pid-file", 0, true, CRIU_OPT_PID_FILE},
    {"no-subreaper", 0, false, CRIU_OPT_NO_SUBREAPER},
    {"no-pivot", 0, false, CRIU_OPT_NO_PIVOT},
    {"console-socket", 0, true, CRIU_OPT_CONSOLE_SOCKET},
    {"auto-dedup", 0, false, CRIU_OPT_AUTO_DEDUP},
    /* runc flags skiff accepts without acting on them */
    {"empty-ns", 0, true, CRIU_OPT_IGNORED_VALUE},
    {"lsm-profile", 0, true, CRIU_OPT_IGNORED_VALUE},
    {"lsm-mount-context", 0, true, CRIU_OPT_IGNORED_VALUE},
    {"lazy-pages", 0, false, CRIU_OPT_IGNORED_BOOL},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_restore(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_criu_opts o = {0};
	const char *id = NULL;
	int status = 0;
	bool help;

	if (cmd_criu_parse(&sk_cmd_restore, restore_opts, argc, argv, &o, &id, &help, err) < 0)
		return -1;
	if (help)
		return cmd_usage(&sk_cmd_restore);
	if (sk_container_restore(g, id, &o, &status, err) < 0)
		return -1;
	return status;
}

const struct sk_cmd sk_cmd_restore = {
    .name = "restore",
    .summary = "restore a container from a CRIU checkpoint",
    .usage = "usage: skiff restore [options] <container-id>\n\n"
	     "   --image-path DIR             the checkpoint's images (default ./checkpoint)\n"
	     "   --work-path DIR              CRIU's logs and work files (default: image path)\n"
	     "   --bundle, -b DIR             bundle of the container (default: current dir)\n"
	     "   --detach, -d                 return once the container runs\n"
	     "   --pid-file PATH              write the restored init's pid to PATH\n"
	     "   --tcp-established            restore open TCP connections\n"
	     "   --ext-unix-sk                allow external unix sockets\n"
	     "   --shell-job                  allow a shell job\n"
	     "   --file-locks                 restore file locks\n"
	     "   --manage-cgroups-mode MODE   soft, full, strict or ignore\n"
	     "   --no-subreaper, --no-pivot   accepted for runc compatibility\n",
    .run = run_restore,
};
