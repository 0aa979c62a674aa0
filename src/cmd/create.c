/* SPDX-License-Identifier: Apache-2.0 */
/* skiff create: flags -> sk_container_create. The create flags are shared with run. */
#include "config.h"
#include <string.h>
#include "cmd.h"

enum {
	OPT_BUNDLE = 1,
	OPT_CONFIG,
	OPT_CONSOLE_SOCKET,
	OPT_PID_FILE,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_PRESERVE_FDS,
	OPT_DETACH,
	OPT_KEEP,
	OPT_NO_SUBREAPER
};

static const struct sk_opt create_opts[] = {
    {"bundle", 'b', true, OPT_BUNDLE},
    {"config", 'f', true, OPT_CONFIG},
    {"console-socket", 0, true, OPT_CONSOLE_SOCKET},
    {"pid-file", 0, true, OPT_PID_FILE},
    {"no-pivot", 0, false, OPT_NO_PIVOT},
    {"no-new-keyring", 0, false, OPT_NO_NEW_KEYRING},
    {"preserve-fds", 0, true, OPT_PRESERVE_FDS},
    {"detach", 'd', false, OPT_DETACH},
    {"keep", 0, false, OPT_KEEP},
    {"no-subreaper", 0, false, OPT_NO_SUBREAPER},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

/* Parses create's flags (and run's -d/--keep when run is true) into o. */
int cmd_parse_create(const struct sk_cmd *c, int argc, char **argv, bool run,
		     struct sk_create_opts *o, bool *detach, bool *keep, bool *help,
		     struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = create_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	int id, ret = -1;
	long n;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		switch (id) {
		case OPT_BUNDLE:
			o->bundle = arg;
			break;
		case OPT_CONFIG:
			o->config = arg;
			break;
		case OPT_CONSOLE_SOCKET:
			o->console_socket = arg;
			break;
		case OPT_PID_FILE:
			o->pid_file = arg;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = cmd_bool(arg);
			break;
		case OPT_NO_NEW_KEYRING:
			o->no_new_keyring = cmd_bool(arg);
			break;
		case OPT_PRESERVE_FDS:
			if (sk_opt_int("--preserve-fds", arg, 0, 65536, &n, err) < 0)
				goto out;
			o->preserve_fds = (int)n;
			break;
		case OPT_NO_SUBREAPER:
			break; /* skiff never needs to be a subreaper for create */
		case OPT_DETACH:
		case OPT_KEEP:
			if (!run) {
				sk_fail(err, 0, "flag provided but not defined: %s",
					argv[p.index - 1]);
				goto out;
			}
			*(id == OPT_DETACH ? detach : keep) = cmd_bool(arg);
			break;
		case SK_OPT_HELP:
			*help = true;
			ret = 0;
			goto out;
		}
	}
	if (id < 0 || cmd_expect_args(c, &p, 1, 1, err) < 0)
		goto out;
	o->id = p.positional[0];
	ret = 0;
out:
	sk_opt_parser_free(&p);
	return ret;
}

static int run_create(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_create_opts o = {0};
	bool help = false;

	if (cmd_parse_create(&sk_cmd_create, argc, argv, false, &o, NULL, NULL, &help, err) < 0)
		return -1;
	if (help)
		return cmd_usage(&sk_cmd_create);
	return sk_container_create(g, &o, err) < 0 ? -1 : 0;
}

const struct sk_cmd sk_cmd_create = {
    .name = "create",
    .summary = "create a container (it waits for `start`)",
    .usage = "usage: skiff create [options] <container-id>\n\n"
	     "   --bundle, -b DIR        bundle directory (default: current directory)\n"
	     "   --config, -f FILE       config file, relative to the bundle (default: "
	     "config.json)\n"
	     "   --console-socket PATH   unix socket that receives the pty master\n"
	     "   --pid-file PATH         write the container's pid to PATH\n"
	     "   --no-pivot              use MS_MOVE + chroot instead of pivot_root\n"
	     "   --no-new-keyring        keep the caller's session keyring\n"
	     "   --preserve-fds N        pass N more fds (from fd 3) to the container\n",
    .run = run_create,
};
