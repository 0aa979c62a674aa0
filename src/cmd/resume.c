/* SPDX-License-Identifier: Apache-2.0 */
/* skiff resume: thaw a paused container (its state becomes "running" again). */
#include "config.h"
#include "cmd.h"
#include "../lib/ops.h"

static const struct sk_opt resume_opts[] = {
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_resume(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = resume_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		sk_opt_parser_free(&p);
		return cmd_usage(&sk_cmd_resume);
	}
	if (id == 0 && cmd_expect_args(&sk_cmd_resume, &p, 1, 1, err) == 0)
		ret = sk_container_resume(g, p.positional[0], err);
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_resume = {
    .name = "resume",
    .summary = "resume all processes of a paused container",
    .usage = "usage: skiff resume <container-id>\n\n"
	     "   thaws the container's cgroup\n",
    .run = run_resume,
};
