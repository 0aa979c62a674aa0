/* SPDX-License-Identifier: Apache-2.0 */
/* skiff kill: send a signal (default SIGTERM) to the container, or to all its processes. */
#include "config.h"
#include <signal.h>
#include "cmd.h"
#include "../lib/signals.h"

enum { OPT_ALL = 1 };
static const struct sk_opt kill_opts[] = {
    {"all", 'a', false, OPT_ALL},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_kill(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = kill_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	bool all = false;
	int id, sig = SIGTERM, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			sk_opt_parser_free(&p);
			return cmd_usage(&sk_cmd_kill);
		}
		all = cmd_bool(arg);
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_kill, &p, 1, 2, err) < 0)
		goto out;
	if (p.n_positional == 2 && sk_signal_parse(p.positional[1], &sig, err) < 0)
		goto out;
	ret = sk_container_kill(g, p.positional[0], sig, all, err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_kill = {
    .name = "kill",
    .summary = "send a signal to a container",
    .usage = "usage: skiff kill [--all|-a] <container-id> [signal]\n\n"
	     "   signal: a name (KILL, SIGKILL, kill) or a number; default SIGTERM\n"
	     "   --all, -a   signal every process in the container's cgroup\n",
    .run = run_kill,
};
