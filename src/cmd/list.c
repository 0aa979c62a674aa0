/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `skiff list [--format table|json] [--quiet]`: the containers under --root, in runc's
 * table or JSON shape. The listing itself is sk_container_list (src/lib/list.c).
 */
#include "config.h"
#include <string.h>
#include "cmd.h"

enum { OPT_FORMAT = 1, OPT_QUIET };

static const struct sk_opt list_opts[] = {
    {"format", 'f', true, OPT_FORMAT},
    {"quiet", 'q', false, OPT_QUIET},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int list_run(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = list_opts, .argc = argc, .argv = argv, .index = 1};
	bool json = false, quiet = false;
	const char *arg;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		switch (id) {
		case OPT_FORMAT:
			if (strcmp(arg, "json") == 0) {
				json = true;
			} else if (strcmp(arg, "table") == 0) {
				json = false;
			} else {
				sk_fail(err, 0, "invalid format option \"%s\" (table or json)",
					arg);
				goto out;
			}
			break;
		case OPT_QUIET:
			quiet = cmd_bool(arg);
			break;
		case SK_OPT_HELP:
			ret = cmd_usage(&sk_cmd_list);
			goto out;
		}
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_list, &p, 0, 0, err) < 0)
		goto out;
	ret = sk_container_list(g, json, quiet, err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_list = {
    .name = "list",
    .summary = "list the containers",
    .usage = "usage: skiff list [options]\n\n"
	     "Lists the containers under --root with their pid, status, bundle, creation\n"
	     "time and owner.\n\n"
	     "options:\n"
	     "   --format, -f table|json   output format (default table)\n"
	     "   --quiet, -q               print only the container ids\n"
	     "   --help, -h                show this help\n",
    .run = list_run,
};
