/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of hooks.c with real processes (/bin/sh): state on stdin, exact env, output in the
 * error, exit status, signals, timeouts, hooks that ignore stdin, fd leaks, reaping.
 */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cleanup.h"
#include "hooks.h"

/* A hook running `sh -c script`; the compound literals live in the enclosing block. */
#define SH_HOOK(script)                                                                            \
	((struct sk_hook){.path = (char *)"/bin/sh",                                               \
			  .args = (char *[]){(char *)"sh", (char *)"-c", (char *)(script), NULL}})

static int run(struct sk_hook *hooks, size_t n, const char *state, struct sk_err *err)
{
	struct sk_hook_list list = {.hooks = hooks, .n = n};

	return sk_hooks_run(&list, SK_HOOK_PRESTART, state, err);
}

static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_state_on_stdin(void **state)
{
	char path[] = "/tmp/test-hooks.XXXXXX", script[128], *data = NULL;
	const char *json = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\"}";
	struct sk_err err = {0};
	struct sk_hook h;
	FILE *f;
	size_t cap = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(script, sizeof(script), "cat > %s", path);
	h = SH_HOOK(script);
	assert_int_equal(run(&h, 1, json, &err), 0);
	f = fopen(path, "re");
	assert_non_null(f);
	assert_true(getdelim(&data, &cap, '\0', f) > 0);
	assert_string_equal(data, json);
	fclose(f);
	free(data);
	unlink(path);
	assert_no_children();
}

static void test_exit_status_and_output(void **state)
{
	struct sk_hook h[2] = {SH_HOOK("true")};
	struct sk_err err = {0};

	(void)state;
	h[1] = SH_HOOK("echo '  to stdout'; echo 'to stderr  ' >&2; exit 3");
	assert_int_equal(run(h, 2, "{}", &err), -1);
	assert_string_equal(err.msg,
			    "prestart hook #1 (/bin/sh): exit status 3: to stdout\nto stderr");
	sk_err_clear(&err);
	h[0] = SH_HOOK("exit 1");
	assert_int_equal(run(h, 1, "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #0 (/bin/sh): exit status 1");
	sk_err_clear(&err);
	assert_no_children();
}

static void test_killed(void **state)
{
	struct sk_hook h = SH_HOOK("echo dying; kill -9 $$");
	struct sk_err err = {0};

	(void)state;
	assert_int_equal(run(&h, 1, "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #0 (/bin/sh): killed by signal 9: dying");
	sk_err_clear(&err);
	assert_no_children();
}

static void test_timeout(void **state)
{
	struct sk_hook h = SH_HOOK("exec sleep 10");
	struct sk_err err = {0};
	time_t start = time(NULL);

	(void)state;
	h.has_timeout = true;
	h.timeout = 1;
	assert_int_equal(run(&h, 1, "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #0 (/bin/sh): timed out after 1s");
	assert_true(time(NULL) - start < 4);
	sk_err_clear(&err);
	assert_no_children();

	/* Within its timeout, a hook succeeds. */
	h = SH_HOOK("sleep 0.1");
	h.has_timeout = true;
	h.timeout = 5;
	assert_int_equal(run(&h, 1, "{}", &err), 0);
}

/* A hook that never reads stdin, with a state far bigger than a pipe buffer. */
static void test_stdin_not_read(void **state)
{
	size_t n = 4 << 20;
	char *big = malloc(n + 1);
	struct sk_hook h = SH_HOOK("exec 0<&-; sleep 0.2; exit 0");
	struct sk_err err = {0};

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	assert_int_equal(run(&h, 1, big, &err), 0);
	h = SH_HOOK("exit 0");
	assert_int_equal(run(&h, 1, big, &err), 0);
	free(big);
	assert_no_children();
}

/* A background child keeps the output pipe open: we wait for the hook, not for EOF. */
static void test_grandchild_keeps_pipe(void **state)
{
	struct sk_hook h = SH_HOOK("sleep 3 & echo started; exit 2");
	struct sk_err err = {0};
	time_t start = time(NULL);

	(void)state;
	assert_int_equal(run(&h, 1, "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #0 (/bin/sh): exit status 2: started");
	assert_true(time(NULL) - start < 2);
	sk_err_clear(&err);
}

static void test_env_args_and_fds(void **state)
{
	char *env[] = {(char *)"FOO=bar baz", NULL};
	struct sk_hook h =
	    SH_HOOK("echo \"$FOO|${HOME-unset}|$0\"; ls /proc/self/fd | tr '\\n' ' '; "
		    "exit 1");
	struct sk_err err = {0};
	int leak = dup(1); /* without O_CLOEXEC: must not reach the hook */

	(void)state;
	assert_true(leak > 2);
	h.env = env;
	assert_int_equal(run(&h, 1, "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #0 (/bin/sh): exit status 1: bar baz|unset|sh\n"
				     "0 1 2 3");
	sk_err_clear(&err);
	close(leak);
}

static void test_no_args_and_exec_error(void **state)
{
	char dir[] = "/tmp/test-hooks.XXXXXX", path[128];
	struct sk_hook h = {.path = path};
	struct sk_err err = {0};
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hook", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	dprintf(fd, "#!/bin/sh\necho \"argv0=$0 argc=$#\"\nexit 4\n");
	close(fd);
	/* No args: argv is [path]. */
	assert_int_equal(run(&h, 1, "{}", &err), -1);
	assert_non_null(strstr(err.msg, "exit status 4: argv0="));
	assert_non_null(strstr(err.msg, "/hook argc=0"));
	sk_err_clear(&err);
	unlink(path);
	assert_int_equal(run(&h, 1, "{}", &err), -1);
	assert_non_null(strstr(err.msg, "(/tmp/test-hooks."));
	assert_non_null(strstr(err.msg, "/hook): exec: No such file or directory"));
	sk_err_clear(&err);
	rmdir(dir);
	assert_no_children();
}

/* Hooks run in order and the first failure stops the rest. */
static void test_order_and_stop(void **state)
{
	char dir[] = "/tmp/test-hooks.XXXXXX", s0[128], s2[128], p[160];
	struct sk_hook h[3];
	struct sk_err err = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(s0, sizeof(s0), "touch %s/zero", dir);
	snprintf(s2, sizeof(s2), "touch %s/two", dir);
	h[0] = SH_HOOK(s0);
	h[1] = SH_HOOK("exit 7");
	h[2] = SH_HOOK(s2);
	assert_int_equal(run(h, 3, "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #1 (/bin/sh): exit status 7");
	sk_err_clear(&err);
	snprintf(p, sizeof(p), "%s/zero", dir);
	assert_int_equal(access(p, F_OK), 0);
	unlink(p);
	snprintf(p, sizeof(p), "%s/two", dir);
	assert_int_equal(access(p, F_OK), -1);
	rmdir(dir);
	/* An empty list is fine. */
	assert_int_equal(run(NULL, 0, "{}", &err), 0);
}

/* sk_hooks_run_all: every hook runs despite failures, and the error names each failed one. */
static void test_run_all_keeps_going(void **state)
{
	char dir[] = "/tmp/test-hooks.XXXXXX", s0[128], s2[128], p[160];
	struct sk_hook h[4];
	struct sk_hook_list list = {.hooks = h, .n = 4};
	struct sk_err err = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(s0, sizeof(s0), "touch %s/zero; exit 2", dir);
	snprintf(s2, sizeof(s2), "touch %s/two", dir);
	h[0] = SH_HOOK(s0);
	h[1] = SH_HOOK("exit 7");
	h[2] = SH_HOOK(s2);
	h[3] = SH_HOOK("true");
	assert_int_equal(sk_hooks_run_all(&list, SK_HOOK_POSTSTOP, "{}", &err), -1);
	assert_string_equal(err.msg, "poststop hook #0 (/bin/sh): exit status 2; "
				     "poststop hook #1 (/bin/sh): exit status 7");
	sk_err_clear(&err);
	snprintf(p, sizeof(p), "%s/zero", dir);
	assert_int_equal(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/two", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(rmdir(dir), 0);
	/* All succeeding, or none at all, is success with no error set. */
	list.hooks = &h[3];
	list.n = 1;
	assert_int_equal(sk_hooks_run_all(&list, SK_HOOK_POSTSTART, "{}", &err), 0);
	assert_null(err.msg);
	assert_int_equal(sk_hooks_run_all(NULL, SK_HOOK_POSTSTART, "{}", &err), 0);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_on_stdin),   cmocka_unit_test(test_exit_status_and_output),
	    cmocka_unit_test(test_killed),	     cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_stdin_not_read),   cmocka_unit_test(test_grandchild_keeps_pipe),
	    cmocka_unit_test(test_env_args_and_fds), cmocka_unit_test(test_no_args_and_exec_error),
	    cmocka_unit_test(test_order_and_stop),   cmocka_unit_test(test_run_all_keeps_going),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
