/* SPDX-License-Identifier: Apache-2.0 */
/* skiff delete: remove a stopped (or, with --force, any) container and all it owned. */
#include "config.h"
#include "cmd.h"

enum { OPT_FORCE = 1 };
static const struct sk_opt delete_opts[] = {
    {"force", 'f', false, OPT_FORCE},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_delete(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = delete_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	bool force = false;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			sk_opt_parser_free(&p);
			return cmd_usage(&sk_cmd_delete);
		}
		force = cmd_bool(arg);
	}
	if (id == 0 && cmd_expect_args(&sk_cmd_delete, &p, 1, 1, err) == 0)
		ret = sk_container_delete(g, p.positional[0], force, err);
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_delete = {
    .name = "delete",
    .summary = "delete a container and everything it owned",
    .usage = "usage: skiff delete [--force|-f] <container-id>\n\n"
	     "   --force, -f   kill a running container first\n",
    .run = run_delete,
};
