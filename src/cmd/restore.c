/* SPDX-License-Identifier: Apache-2.0 */
/* skiff restore: runc's flags -> sk_container_restore (a container from CRIU images). */
#include "config.h"
#include "cmd.h"
#include "../lib/criu.h"

enum {
	OPT_IMAGE_PATH = 1,
	OPT_WORK_PATH,
	OPT_TCP,
	OPT_EXT_UNIX_SK,
	OPT_SHELL_JOB,
	OPT_FILE_LOCKS,
	OPT_MANAGE_CGROUPS,
	OPT_BUNDLE,
	OPT_DETACH,
	OPT_PID_FILE,
	OPT_NO_SUBREAPER,
	OPT_NO_PIVOT,
	OPT_CONSOLE_SOCKET,
	OPT_AUTO_DEDUP,
	OPT_IGNORED_VALUE,
	OPT_IGNORED_BOOL,
};

static const struct sk_opt restore_opts[] = {
    {"image-path", 0, true, OPT_IMAGE_PATH},
    {"work-path", 0, true, OPT_WORK_PATH},
    {"tcp-established", 0, false, OPT_TCP},
    {"ext-unix-sk", 0, false, OPT_EXT_UNIX_SK},
    {"shell-job", 0, false, OPT_SHELL_JOB},
    {"file-locks", 0, false, OPT_FILE_LOCKS},
    {"manage-cgroups-mode", 0, true, OPT_MANAGE_CGROUPS},
    {"bundle", 'b', true, OPT_BUNDLE},
    {"detach", 'd', false, OPT_DETACH},
    {"pid-file", 0, true, OPT_PID_FILE},
    {"no-subreaper", 0, false, OPT_NO_SUBREAPER},
    {"no-pivot", 0, false, OPT_NO_PIVOT},
    {"console-socket", 0, true, OPT_CONSOLE_SOCKET},
    {"auto-dedup", 0, false, OPT_AUTO_DEDUP},
    /* runc flags skiff accepts without acting on them */
    {"empty-ns", 0, true, OPT_IGNORED_VALUE},
    {"lsm-profile", 0, true, OPT_IGNORED_VALUE},
    {"lsm-mount-context", 0, true, OPT_IGNORED_VALUE},
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
	case OPT_MANAGE_CGROUPS:
		o->manage_cgroups_mode = arg;
		break;
	case OPT_BUNDLE:
		o->bundle = arg;
		break;
	case OPT_DETACH:
		o->detach = cmd_bool(arg);
		break;
	case OPT_PID_FILE:
		o->pid_file = arg;
		break;
	case OPT_NO_SUBREAPER:
		o->no_subreaper = cmd_bool(arg);
		break;
	case OPT_NO_PIVOT:
		o->no_pivot = cmd_bool(arg);
		break;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		break;
	case OPT_AUTO_DEDUP:
		o->auto_dedup = cmd_bool(arg);
		break;
	}
}

static int run_restore(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = restore_opts, .argc = argc, .argv = argv, .index = 1};
	struct sk_criu_opts o = {0};
	const char *arg;
	int id, ret = -1, status = 0;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			ret = cmd_usage(&sk_cmd_restore);
			goto out;
		}
		set_flag(&o, id, arg);
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_restore, &p, 1, 1, err) < 0)
		goto out;
	if (sk_container_restore(g, p.positional[0], &o, &status, err) == 0)
		ret = status;
out:
	sk_opt_parser_free(&p);
	return ret;
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
