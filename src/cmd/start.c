/* SPDX-License-Identifier: Apache-2.0 */
/* skiff start: release a created container's process. */
#include "config.h"
#include "cmd.h"

static const struct sk_opt start_opts[] = {SK_OPT_HELP_ENTRY, {NULL, 0, false, 0}};

static int run_start(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = start_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0)
		if (id == SK_OPT_HELP) {
			sk_opt_parser_free(&p);
			return cmd_usage(&sk_cmd_start);
		}
	if (id == 0 && cmd_expect_args(&sk_cmd_start, &p, 1, 1, err) == 0)
		ret = sk_container_start(g, p.positional[0], err);
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_start = {
    .name = "start",
    .summary = "start a created container",
    .usage = "usage: skiff start <container-id>\n",
    .run = run_start,
};
