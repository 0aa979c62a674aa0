/* SPDX-License-Identifier: Apache-2.0 */
/* skiff run: create + start; in the foreground, waits and exits with the container's status. */
#include "config.h"
#include "cmd.h"

static int run_run(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_create_opts o = {0};
	bool detach = false, keep = false, help = false;
	int status = 0;

	if (cmd_parse_create(&sk_cmd_run, argc, argv, true, &o, &detach, &keep, &help, err) < 0)
		return -1;
	if (help)
		return cmd_usage(&sk_cmd_run);
	if (sk_container_run(g, &o, detach, keep, &status, err) < 0)
		return -1;
	return status;
}

const struct sk_cmd sk_cmd_run = {
    .name = "run",
    .summary = "create and start a container, and wait for it unless detached",
    .usage = "usage: skiff run [options] <container-id>\n\n"
	     "   --bundle, -b DIR        bundle directory (default: current directory)\n"
	     "   --config, -f FILE       config file, relative to the bundle (default: "
	     "config.json)\n"
	     "   --console-socket PATH   unix socket that receives the pty master\n"
	     "   --pid-file PATH         write the container's pid to PATH\n"
	     "   --detach, -d            return once the container runs\n"
	     "   --keep                  do not delete the container after it exits\n"
	     "   --no-pivot              use MS_MOVE + chroot instead of pivot_root\n"
	     "   --no-new-keyring        keep the caller's session keyring\n"
	     "   --preserve-fds N        pass N more fds (from fd 3) to the container\n",
    .run = run_run,
};
