/* SPDX-License-Identifier: Apache-2.0 */
/* skiff pause: freeze every process of a running container (its state becomes "paused"). */
#include "config.h"
#include "cmd.h"
#include "../lib/ops.h"

static const struct sk_opt pause_opts[] = {
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_pause(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = pause_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		sk_opt_parser_free(&p);
		return cmd_usage(&sk_cmd_pause);
	}
	if (id == 0 && cmd_expect_args(&sk_cmd_pause, &p, 1, 1, err) == 0)
		ret = sk_container_pause(g, p.positional[0], err);
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_pause = {
    .name = "pause",
    .summary = "suspend all processes in a container",
    .usage = "usage: skiff pause <container-id>\n\n"
	     "   freezes the container's cgroup (freezer v1, cgroup.freeze v2)\n",
    .run = run_pause,
};
