/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff events: runc's JSON event lines for a container: a stats event every --interval (a Go
 * duration, default 5s) and an oom event when it hits its memory limit, until it stops; with
 * --stats one stats event and exit.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "../lib/ops.h"

enum { OPT_STATS = 1, OPT_INTERVAL };
static const struct sk_opt events_opts[] = {
    {"stats", 0, false, OPT_STATS},
    {"interval", 0, true, OPT_INTERVAL},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

/* A Go duration ("5s", "500ms", "1m30s", "1.5s") in milliseconds, at least 1. */
static int parse_duration(const char *s, long *ret_ms, struct sk_err *err)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1},
		     {"s", 1e3},   {"m", 6e4},	 {"h", 3.6e6}};
	double total = 0;
	const char *p = s;

	if (!*p)
		goto bad;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		size_t best = 0, best_len = 0;
		if (end == p || v < 0 || *p == '-' || *p == '+')
			goto bad;
		p = end;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, l) == 0 && l > best_len) {
				best = i;
				best_len = l;
			}
		}
		if (best_len == 0)
			goto bad;
		total += v * units[best].ms;
		p += best_len;
	}
	if (!(total <= 1e12)) /* also NaN ("nans"), which strtod accepts */
		goto bad;
	*ret_ms = total < 1 ? 1 : (long)total;
	return 0;
bad:
	return sk_fail(err, 0, "invalid interval \"%s\" (a duration like 5s, 500ms, 1m)", s);
}

static int run_events(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = events_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	bool stats = false;
	long interval_ms = 5000;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			sk_opt_parser_free(&p);
			return cmd_usage(&sk_cmd_events);
		}
		if (id == OPT_STATS)
			stats = cmd_bool(arg);
		else if (parse_duration(arg, &interval_ms, err) < 0)
			goto out;
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_events, &p, 1, 1, err) < 0)
		goto out;
	ret = sk_container_events(g, p.positional[0], stats, interval_ms, err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_events = {
    .name = "events",
    .summary = "display container events such as OOM notifications and usage statistics",
    .usage = "usage: skiff events [--stats] [--interval D] <container-id>\n\n"
	     "   --stats        print one stats event and exit\n"
	     "   --interval D   time between stats events, a duration like 5s or 500ms\n"
	     "                  (default 5s)\n",
    .run = run_events,
};
