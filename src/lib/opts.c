/* SPDX-License-Identifier: Apache-2.0 */
/* The flag parser: urfave/cli-compatible spellings, used by main.c and every src/cmd/ file. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "opts.h"

static const struct sk_opt *find_long(const struct sk_opt *opts, const char *name, size_t len)
{
	for (const struct sk_opt *o = opts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct sk_opt *find_short(const struct sk_opt *opts, char c)
{
	for (const struct sk_opt *o = opts; o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

static int add_positional(struct sk_opt_parser *p, char *arg, struct sk_err *err)
{
	char **v = realloc(p->positional, sizeof(char *) * (p->n_positional + 1));
	if (!v)
		return sk_fail(err, ENOMEM, "parse arguments");
	p->positional = v;
	p->positional[p->n_positional++] = arg;
	return 0;
}

static int take_arg(struct sk_opt_parser *p, const struct sk_opt *o, const char *inline_val,
		    const char **ret_arg, struct sk_err *err)
{
	if (!o->has_arg) {
		if (inline_val) {
			/* Boolean flags accept "=true"/"=false" like urfave/cli. */
			if (strcmp(inline_val, "true") && strcmp(inline_val, "false"))
				return sk_fail(err, 0, "flag --%s takes no value", o->name);
			*ret_arg = inline_val;
		} else {
			*ret_arg = NULL;
		}
		return o->id;
	}
	if (inline_val) {
		*ret_arg = inline_val;
		return o->id;
	}
	if (p->index >= p->argc)
		return sk_fail(err, 0, "flag --%s needs a value", o->name);
	*ret_arg = p->argv[p->index++];
	return o->id;
}

int sk_opt_next(struct sk_opt_parser *p, const char **ret_arg, struct sk_err *err)
{
	*ret_arg = NULL;
	while (p->index < p->argc) {
		char *a = p->argv[p->index];
		if (strcmp(a, "--") == 0) {
			p->index++;
			while (p->index < p->argc)
				if (add_positional(p, p->argv[p->index++], err) < 0)
					return -1;
			return 0;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (p->stop_at_positional)
				return 0;
			p->index++;
			if (add_positional(p, a, err) < 0)
				return -1;
			continue;
		}
		p->index++;
		const char *name = a + 1 + (a[1] == '-');
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct sk_opt *o = find_long(p->opts, name, len);
		if (o)
			return take_arg(p, o, eq ? eq + 1 : NULL, ret_arg, err);
		if (a[1] != '-') {
			/* -x, -xVALUE, or a group of boolean short flags is not supported: -x only.
			 */
			o = find_short(p->opts, name[0]);
			if (o && (name[1] == '\0' || o->has_arg))
				return take_arg(
				    p, o, name[1] ? (name[1] == '=' ? name + 2 : name + 1) : NULL,
				    ret_arg, err);
		}
		/* The name only: --log-level=debug reports --log-level, as runc does. */
		return sk_fail(err, 0, "flag provided but not defined: %.*s", (int)(name - a + len),
			       a);
	}
	return 0;
}

void sk_opt_parser_free(struct sk_opt_parser *p)
{
	free(p->positional);
	p->positional = NULL;
	p->n_positional = 0;
}

int sk_opt_int(const char *flag, const char *s, long min, long max, long *ret, struct sk_err *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return sk_fail(err, 0, "invalid value \"%s\" for flag %s", s, flag);
	*ret = v;
	return 0;
}
