/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff ps: the processes of a container. --format json prints a bare JSON array of host pids
 * (containerd parses it); table (the default) runs the host's ps with the given options (-ef
 * when none) and keeps its header and the rows of the container's pids, as runc does.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "../lib/cleanup.h"
#include "../lib/ops.h"

enum { OPT_FORMAT = 1 };
static const struct sk_opt ps_opts[] = {
    {"format", 'f', true, OPT_FORMAT},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int run_ps(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	/* flags stop at the id: what follows it are ps options (runc ps ID -o pid,comm) */
	struct sk_opt_parser p = {
	    .opts = ps_opts, .argc = argc, .argv = argv, .index = 1, .stop_at_positional = true};
	const char *arg, *format = "table";
	_cleanup_free_ char **ps_args = NULL;
	char **rest;
	const char *cid;
	int n_rest;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			sk_opt_parser_free(&p);
			return cmd_usage(&sk_cmd_ps);
		}
		format = arg;
	}
	if (id < 0)
		goto out;
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		sk_fail(err, 0, "invalid format option \"%s\" (table or json)", format);
		goto out;
	}
	/* "--" moved everything into positional; otherwise the id is argv[p.index] */
	if (p.n_positional > 0) {
		cid = p.positional[0];
		rest = p.positional + 1;
		n_rest = p.n_positional - 1;
	} else if (p.index < argc) {
		cid = argv[p.index];
		rest = argv + p.index + 1;
		n_rest = argc - p.index - 1;
	} else {
		cmd_expect_args(&sk_cmd_ps, &p, 1, -1, err);
		goto out;
	}
	if (!(ps_args = calloc((size_t)n_rest + 1, sizeof(*ps_args)))) {
		sk_fail(err, ENOMEM, "ps");
		goto out;
	}
	memcpy(ps_args, rest, (size_t)n_rest * sizeof(*ps_args));
	if (strcmp(format, "json") == 0 && ps_args[0]) {
		sk_fail(err, 0, "ps options cannot be used with --format json");
		goto out;
	}
	ret = sk_container_ps(g, cid, strcmp(format, "json") == 0, ps_args, err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_ps = {
    .name = "ps",
    .summary = "display the processes running inside a container",
    .usage = "usage: skiff ps [--format|-f table|json] <container-id> [ps options]\n\n"
	     "   --format, -f table|json   table (default): the host's ps output (ps -ef when\n"
	     "                             no ps options are given) for the container's\n"
	     "                             processes; json: a JSON array of their host pids\n",
    .run = run_ps,
};
