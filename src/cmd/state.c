/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `skiff state ID`: prints the container's state as runc does (ociVersion, id, pid, status,
 * bundle, rootfs, created, owner, annotations), indented JSON. The work is in container.c.
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "cmd.h"
#include "cleanup.h"

static const struct sk_opt state_opts[] = {
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int state_run(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = state_opts, .argc = argc, .argv = argv, .index = 1};
	_cleanup_free_ char *json = NULL;
	const char *arg;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			ret = cmd_usage(&sk_cmd_state);
			goto out;
		}
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_state, &p, 1, 1, err) < 0)
		goto out;
	if (sk_container_state(g, p.positional[0], &json, err) < 0)
		goto out;
	if (printf("%s\n", json) < 0 || fflush(stdout) != 0) {
		sk_fail(err, errno, "write state to stdout");
		goto out;
	}
	ret = 0;
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_state = {
    .name = "state",
    .summary = "output the state of a container",
    .usage = "usage: skiff state <container-id>\n\n"
	     "Prints the state of the container as JSON: ociVersion, id, pid, status,\n"
	     "bundle, rootfs, created, owner and annotations.\n\n"
	     "options:\n"
	     "   --help, -h   show this help\n",
    .run = state_run,
};
