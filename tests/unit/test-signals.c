/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for signals.c: every spelling `kill` accepts, and the errors for the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "signals.h"

static int parse_ok(const char *s)
{
	struct sk_err err = {0};
	int sig = -1;
	if (sk_signal_parse(s, &sig, &err) < 0)
		fail_msg("\"%s\" refused: %s", s, err.msg);
	assert_null(err.msg);
	return sig;
}

static void assert_bad(const char *s, const char *want)
{
	struct sk_err err = {0};
	int sig = -12345;
	assert_int_equal(sk_signal_parse(s, &sig, &err), -1);
	assert_int_equal(sig, -12345);
	assert_non_null(err.msg);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err.msg, want);
	sk_err_clear(&err);
}

static void test_spellings(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("KILL"), SIGKILL);
	assert_int_equal(parse_ok("0"), 0);
	assert_int_equal(parse_ok("SIGKILL"), SIGKILL);
	assert_int_equal(parse_ok("kill"), SIGKILL);
	assert_int_equal(parse_ok("sigkill"), SIGKILL);
	assert_int_equal(parse_ok("SigKill"), SIGKILL);
	assert_int_equal(parse_ok("9"), SIGKILL);
	assert_int_equal(parse_ok("15"), SIGTERM);
	assert_int_equal(parse_ok("TERM"), SIGTERM);
	assert_int_equal(parse_ok("sigterm"), SIGTERM);
}

static void test_all_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int num;
	} all[] = {
	    {"HUP", 1},	  {"INT", 2},	{"QUIT", 3},  {"ILL", 4},     {"TRAP", 5},    {"ABRT", 6},
	    {"IOT", 6},	  {"BUS", 7},	{"FPE", 8},   {"KILL", 9},    {"USR1", 10},   {"SEGV", 11},
	    {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14}, {"TERM", 15},   {"STKFLT", 16}, {"CHLD", 17},
	    {"CLD", 17},  {"CONT", 18}, {"STOP", 19}, {"TSTP", 20},   {"TTIN", 21},   {"TTOU", 22},
	    {"URG", 23},  {"XCPU", 24}, {"XFSZ", 25}, {"VTALRM", 26}, {"PROF", 27},   {"WINCH", 28},
	    {"IO", 29},	  {"POLL", 29}, {"PWR", 30},  {"SYS", 31},
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char buf[32];
		assert_int_equal(parse_ok(all[i].name), all[i].num);
		snprintf(buf, sizeof(buf), "SIG%s", all[i].name);
		assert_int_equal(parse_ok(buf), all[i].num);
		snprintf(buf, sizeof(buf), "%d", all[i].num);
		assert_int_equal(parse_ok(buf), all[i].num);
	}
}

static void test_realtime(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("RTMIN"), SIGRTMIN);
	assert_int_equal(parse_ok("SIGRTMIN"), SIGRTMIN);
	assert_int_equal(parse_ok("rtmin"), SIGRTMIN);
	assert_int_equal(parse_ok("RTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(parse_ok("sigrtmin+3"), SIGRTMIN + 3);
	assert_int_equal(parse_ok("RTMAX"), SIGRTMAX);
	assert_int_equal(parse_ok("SIGRTMAX-2"), SIGRTMAX - 2);
	assert_int_equal(parse_ok("RTMIN+0"), SIGRTMIN);
	char buf[32];
	snprintf(buf, sizeof(buf), "RTMIN+%d", SIGRTMAX - SIGRTMIN);
	assert_int_equal(parse_ok(buf), SIGRTMAX);
	snprintf(buf, sizeof(buf), "RTMAX-%d", SIGRTMAX - SIGRTMIN);
	assert_int_equal(parse_ok(buf), SIGRTMIN);
	snprintf(buf, sizeof(buf), "%d", SIGRTMAX);
	assert_int_equal(parse_ok(buf), SIGRTMAX);
}

static void test_bad(void **state)
{
	(void)state;
	assert_bad("FOO", "invalid signal \"FOO\"");
	assert_bad("", "invalid signal \"\"");
	assert_bad("SIG", "invalid signal \"SIG\"");
	assert_bad("65", "invalid signal \"65\"");
	assert_bad("-9", "invalid signal \"-9\"");
	assert_bad("+9", "invalid signal \"+9\"");
	assert_bad("9x", "invalid signal \"9x\"");
	assert_bad("99999999999999999999", "invalid signal");
	assert_bad("KILLL", "invalid signal \"KILLL\"");
	assert_bad("SIGSIGKILL", "invalid signal");
	assert_bad("RTMIN-1", "invalid signal \"RTMIN-1\"");
	assert_bad("RTMAX+1", "invalid signal \"RTMAX+1\"");
	assert_bad("RTMIN+", "invalid signal");
	assert_bad("RTMIN+31", "invalid signal");
	assert_bad("RTMIN+-1", "invalid signal");
	assert_bad("RTMIN3", "invalid signal");
	assert_bad(" KILL", "invalid signal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spellings),
	    cmocka_unit_test(test_all_names),
	    cmocka_unit_test(test_realtime),
	    cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
