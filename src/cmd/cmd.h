/* SPDX-License-Identifier: Apache-2.0 */
/* The command table entries: one struct sk_cmd per src/cmd/<verb>.c, listed in main.c. */
#pragma once
#include <stdio.h>
#include "../lib/container.h"
#include "../lib/error.h"
#include "../lib/opts.h"

struct sk_cmd {
	const char *name;
	const char *summary; /* one line for `skiff help` */
	const char *usage;   /* the full help of the command */
	/* argv[0] is the verb. Returns the exit status, or -1 with err set. */
	int (*run)(const struct sk_global *g, int argc, char **argv, struct sk_err *err);
};

#define SK_OPT_HELP 1000
#define SK_OPT_HELP_ENTRY                                                                          \
	{                                                                                          \
		"help", 'h', false, SK_OPT_HELP                                                    \
	}

/* Prints the command's usage to stdout; returns 0. */
int cmd_usage(const struct sk_cmd *c);
/* Checks the positional argument count; the error shows the usage line. */
int cmd_expect_args(const struct sk_cmd *c, const struct sk_opt_parser *p, int min, int max,
		    struct sk_err *err);
/* create and run share their flags (create.c). */
int cmd_parse_create(const struct sk_cmd *c, int argc, char **argv, bool run,
		     struct sk_create_opts *o, bool *detach, bool *keep, bool *help,
		     struct sk_err *err);
/* True when a boolean flag's inline value is not "false" (--detach=false). */
static inline int cmd_bool(const char *arg)
{
	return !arg || arg[0] != 'f';
}

extern const struct sk_cmd sk_cmd_create, sk_cmd_start, sk_cmd_run, sk_cmd_state, sk_cmd_kill,
    sk_cmd_delete, sk_cmd_list, sk_cmd_spec, sk_cmd_features, sk_cmd_exec, sk_cmd_checkpoint,
    sk_cmd_restore;
extern const struct sk_cmd sk_cmd_update, sk_cmd_pause, sk_cmd_resume, sk_cmd_ps, sk_cmd_events;
