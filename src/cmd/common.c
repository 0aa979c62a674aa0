/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the command files: usage text and argument count checks. */
#include "config.h"
#include <stdio.h>
#include "cmd.h"

int cmd_usage(const struct sk_cmd *c)
{
	printf("skiff %s - %s\n\n%s", c->name, c->summary, c->usage);
	return 0;
}

int cmd_expect_args(const struct sk_cmd *c, const struct sk_opt_parser *p, int min, int max,
		    struct sk_err *err)
{
	if (p->n_positional < min || (max >= 0 && p->n_positional > max)) {
		const char *what = p->n_positional < min ? "too few" : "too many";
		return sk_fail(err, 0, "%s: %s arguments (see 'skiff %s --help')", c->name, what,
			       c->name);
	}
	return 0;
}
