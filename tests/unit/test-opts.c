/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for opts.c: every flag spelling runc's callers use, and the parse errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "opts.h"

enum { O_BUNDLE = 1, O_DETACH, O_PID_FILE, O_FORMAT };

static const struct sk_opt opts[] = {
    {"bundle", 'b', true, O_BUNDLE},
    {"detach", 'd', false, O_DETACH},
    {"pid-file", 0, true, O_PID_FILE},
    {"format", 'f', true, O_FORMAT},
    {NULL, 0, false, 0},
};

struct result {
	const char *bundle, *pid_file, *format, *detach_arg;
	int detach; /* times --detach was seen */
	int rc;
	struct sk_err err;
	struct sk_opt_parser p;
};

/* Parses argv (NULL-terminated, argv[0] is the verb) to the end or the first error. */
static void parse(struct result *r, bool stop, char **argv)
{
	int argc = 0, id;
	const char *arg;

	while (argv[argc])
		argc++;
	memset(r, 0, sizeof(*r));
	r->p = (struct sk_opt_parser){
	    .opts = opts, .argc = argc, .argv = argv, .index = 1, .stop_at_positional = stop};
	while ((id = sk_opt_next(&r->p, &arg, &r->err)) > 0) {
		switch (id) {
		case O_BUNDLE:
			r->bundle = arg;
			break;
		case O_PID_FILE:
			r->pid_file = arg;
			break;
		case O_FORMAT:
			r->format = arg;
			break;
		case O_DETACH:
			r->detach++;
			r->detach_arg = arg;
			break;
		default:
			fail_msg("unexpected id %d", id);
		}
	}
	r->rc = id;
}

static void done(struct result *r)
{
	sk_opt_parser_free(&r->p);
	sk_err_clear(&r->err);
}

#define ARGV(...) ((char *[]){"verb", __VA_ARGS__, NULL})

static void check_bundle(char **argv, const char *want)
{
	struct result r;
	parse(&r, false, argv);
	assert_int_equal(r.rc, 0);
	assert_non_null(r.bundle);
	assert_string_equal(r.bundle, want);
	assert_int_equal(r.p.n_positional, 1);
	assert_string_equal(r.p.positional[0], "ctr");
	done(&r);
}

static void test_value_spellings(void **state)
{
	(void)state;
	check_bundle(ARGV("--bundle", "/b1", "ctr"), "/b1");
	check_bundle(ARGV("--bundle=/b2", "ctr"), "/b2");
	check_bundle(ARGV("-bundle", "/b3", "ctr"), "/b3");
	check_bundle(ARGV("-bundle=/b4", "ctr"), "/b4");
	check_bundle(ARGV("-b", "/b5", "ctr"), "/b5");
	check_bundle(ARGV("-b/b6", "ctr"), "/b6");
	check_bundle(ARGV("-b=/b7", "ctr"), "/b7");
	/* A value may itself look like a flag or contain '='. */
	check_bundle(ARGV("--bundle", "--detach", "ctr"), "--detach");
	check_bundle(ARGV("--bundle=a=b", "ctr"), "a=b");
	check_bundle(ARGV("--bundle=", "ctr"), "");
	/* The last occurrence wins, as with urfave/cli. */
	check_bundle(ARGV("-b", "/first", "--bundle", "/last", "ctr"), "/last");
}

static void test_hyphenated_long(void **state)
{
	(void)state;
	struct result r;
	parse(&r, false, ARGV("-pid-file", "/p", "--pid-file=/q", "x"));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.pid_file, "/q");
	done(&r);
}

static void test_bool(void **state)
{
	(void)state;
	struct result r;

	parse(&r, false, ARGV("-d", "--detach", "-detach", "ctr"));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.detach, 3);
	assert_null(r.detach_arg);
	assert_int_equal(r.p.n_positional, 1);
	done(&r);

	/* A boolean flag does not swallow the next argument. */
	parse(&r, false, ARGV("--detach", "false"));
	assert_int_equal(r.rc, 0);
	assert_null(r.detach_arg);
	assert_int_equal(r.p.n_positional, 1);
	assert_string_equal(r.p.positional[0], "false");
	done(&r);

	parse(&r, false, ARGV("--detach=false"));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.detach_arg, "false");
	done(&r);
	parse(&r, false, ARGV("-detach=true"));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.detach_arg, "true");
	done(&r);

	parse(&r, false, ARGV("--detach=maybe"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag --detach takes no value");
	done(&r);
}

static void test_unknown_flag(void **state)
{
	(void)state;
	struct result r;

	parse(&r, false, ARGV("ctr", "--nope"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag provided but not defined: --nope");
	done(&r);
	parse(&r, false, ARGV("-x"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag provided but not defined: -x");
	done(&r);
	/* Short boolean flags cannot be grouped. */
	parse(&r, false, ARGV("-dd"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag provided but not defined: -dd");
	done(&r);
	parse(&r, false, ARGV("--bundlex=1"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag provided but not defined: --bundlex");
	done(&r);
}

static void test_missing_value(void **state)
{
	(void)state;
	struct result r;

	parse(&r, false, ARGV("ctr", "--bundle"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag --bundle needs a value");
	done(&r);
	parse(&r, false, ARGV("-f"));
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "flag --format needs a value");
	done(&r);
}

static void test_double_dash(void **state)
{
	(void)state;
	struct result r;

	parse(&r, false, ARGV("-d", "ctr", "--", "--bundle", "-d", "--"));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.detach, 1);
	assert_null(r.bundle);
	assert_int_equal(r.p.n_positional, 4);
	assert_string_equal(r.p.positional[0], "ctr");
	assert_string_equal(r.p.positional[1], "--bundle");
	assert_string_equal(r.p.positional[2], "-d");
	assert_string_equal(r.p.positional[3], "--");
	done(&r);
}

static void test_interleaved(void **state)
{
	(void)state;
	struct result r;

	parse(&r, false, ARGV("one", "-b", "/b", "two", "--detach", "-", "three", "-f", "json"));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.bundle, "/b");
	assert_string_equal(r.format, "json");
	assert_int_equal(r.detach, 1);
	assert_int_equal(r.p.n_positional, 4);
	assert_string_equal(r.p.positional[0], "one");
	assert_string_equal(r.p.positional[1], "two");
	assert_string_equal(r.p.positional[2], "-"); /* a lone dash is an argument */
	assert_string_equal(r.p.positional[3], "three");
	done(&r);
}

static void test_stop_at_positional(void **state)
{
	(void)state;
	struct result r;
	char **argv = ARGV("--bundle", "/b", "-d", "create", "--format", "x", "ctr");

	parse(&r, true, argv);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.bundle, "/b");
	assert_int_equal(r.detach, 1);
	assert_null(r.format);
	assert_int_equal(r.p.n_positional, 0);
	assert_int_equal(r.p.index, 4);
	assert_string_equal(argv[r.p.index], "create");
	done(&r);

	parse(&r, true, ARGV("-d"));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p.index, 2);
	done(&r);
}

static void test_opt_int(void **state)
{
	(void)state;
	struct sk_err err = {0};
	long v = -1;

	assert_int_equal(sk_opt_int("--preserve-fds", "3", 0, 100, &v, &err), 0);
	assert_int_equal(v, 3);
	assert_int_equal(sk_opt_int("--preserve-fds", "-1", -5, 100, &v, &err), 0);
	assert_int_equal(v, -1);
	v = 42;
	assert_int_equal(sk_opt_int("--preserve-fds", "101", 0, 100, &v, &err), -1);
	assert_string_equal(err.msg, "invalid value \"101\" for flag --preserve-fds");
	assert_int_equal(v, 42);
	assert_int_equal(sk_opt_int("--preserve-fds", "3x", 0, 100, &v, &err), -1);
	assert_int_equal(sk_opt_int("--preserve-fds", "", 0, 100, &v, &err), -1);
	assert_int_equal(sk_opt_int("--preserve-fds", "99999999999999999999", 0, 100, &v, &err),
			 -1);
	sk_err_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value_spellings),
	    cmocka_unit_test(test_hyphenated_long),
	    cmocka_unit_test(test_bool),
	    cmocka_unit_test(test_unknown_flag),
	    cmocka_unit_test(test_missing_value),
	    cmocka_unit_test(test_double_dash),
	    cmocka_unit_test(test_interleaved),
	    cmocka_unit_test(test_stop_at_positional),
	    cmocka_unit_test(test_opt_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
