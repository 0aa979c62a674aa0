/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command-line flags the way runc's callers send them: "--flag value", "--flag=value",
 * "-flag value" (single-dash long flags), "-f value", "-fvalue", and "--" ending flags.
 * Flags and positional arguments may be interleaved, as urfave/cli allows.
 */
#pragma once
#include <stdbool.h>
#include "error.h"

struct sk_opt {
	const char *name; /* long name without dashes */
	char short_name;  /* 0: none */
	bool has_arg;
	int id; /* returned to the caller */
};

struct sk_opt_parser {
	const struct sk_opt *opts; /* terminated by an entry with name NULL */
	int argc;
	char **argv;
	int index;		 /* next argv index to look at */
	bool stop_at_positional; /* global flags: stop at the first non-flag (the verb) */
	char **positional;	 /* collected non-flag arguments, in order */
	int n_positional;
};

/* Returns the next flag's id (with *ret_arg set for flags with an argument), 0 at the end, or
 * -1 with err set for an unknown flag or a missing argument. */
int sk_opt_next(struct sk_opt_parser *p, const char **ret_arg, struct sk_err *err);
void sk_opt_parser_free(struct sk_opt_parser *p);
/* Parses a flag value as an int in [min, max]; the error names the flag. */
int sk_opt_int(const char *flag, const char *s, long min, long max, long *ret, struct sk_err *err);
