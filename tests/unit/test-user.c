/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of user.c: the passwd and group line parsers, and sk_user_resolve /
 * sk_user_home against a temporary root with fixture files, including a hostile /etc symlink.
 */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cleanup.h"
#include "user.h"

static const char fixture_passwd[] = "# comment line\n"
				     "root:x:0:0:root:/root:/bin/sh\n"
				     "\n"
				     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				     "broken line without colons\n"
				     "alice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\n"
				     "bob:x:1001:1001::/home/bob:/bin/sh\n"
				     "nohome:x:1002:1002\n"
				     "huge:x:4294967295:1:::\n"
				     "123:x:2000:2000::/home/digits:/bin/sh\n"
				     "alice:x:1999:1999::/home/alice2:/bin/sh\n";

static const char fixture_group[] = "# groups\n"
				    "root:x:0:\n"
				    "wheel:x:10:alice,bob\n"
				    "alice:x:1000:\n"
				    "audio:x:29:bob,,alice\n"
				    "bad:x:notanumber:alice\n"
				    "video:x:44:carol\n"
				    "staff:x:50:alice\n"
				    "wheel2:x:10:alice\n";

struct root {
	char dir[64];
	int fd;
};

static void write_file(const char *dir, const char *name, const char *data)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* Removes a test tree without following symlinks. */
static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int root_setup(void **state)
{
	struct root *r = calloc(1, sizeof(*r));
	char etc[128];

	assert_non_null(r);
	snprintf(r->dir, sizeof(r->dir), "/tmp/test-user.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(etc, sizeof(etc), "%s/etc", r->dir);
	assert_int_equal(mkdir(etc, 0755), 0);
	write_file(etc, "passwd", fixture_passwd);
	write_file(etc, "group", fixture_group);
	r->fd = open(r->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(r->fd >= 0);
	*state = r;
	return 0;
}

static int root_teardown(void **state)
{
	struct root *r = *state;

	close(r->fd);
	rm_rf(r->dir);
	free(r);
	return 0;
}

static void test_passwd_parse_valid(void **state)
{
	struct sk_pwent p;

	(void)state;
	assert_int_equal(sk_passwd_parse_line("alice:x:1000:100:A,,,:/home/alice:/bin/sh\n", &p),
			 0);
	assert_string_equal(p.name, "alice");
	assert_int_equal(p.uid, 1000);
	assert_int_equal(p.gid, 100);
	assert_string_equal(p.home, "/home/alice");
	sk_pwent_clear(&p);
	assert_null(p.name);

	/* Only name, password, uid and gid are required; no home means NULL. */
	assert_int_equal(sk_passwd_parse_line("x:*:0:0", &p), 0);
	assert_int_equal(p.uid, 0);
	assert_null(p.home);
	sk_pwent_clear(&p);
	assert_int_equal(sk_passwd_parse_line("x:*:5:6:gecos::/bin/sh\r\n", &p), 0);
	assert_null(p.home);
	sk_pwent_clear(&p);
	/* Largest valid id: UINT32_MAX - 1. */
	assert_int_equal(sk_passwd_parse_line("n:x:4294967294:4294967294:::", &p), 0);
	assert_int_equal(p.uid, 4294967294u);
	sk_pwent_clear(&p);
}

static void test_passwd_parse_malformed(void **state)
{
	static const char *bad[] = {
	    "",
	    "\n",
	    "   \n",
	    "# root:x:0:0:root:/root:/bin/sh",
	    "  #indented comment",
	    "root",
	    "root:x",
	    "root:x:0",
	    ":x:0:0:root:/root:/bin/sh",
	    "root:x::0:root:/root:/bin/sh",
	    "root:x:0::root:/root:/bin/sh",
	    "root:x:-1:0:::",
	    "root:x:+1:0:::",
	    "root:x: 1:0:::",
	    "root:x:1a:0:::",
	    "root:x:0:0x10:::",
	    "root:x:4294967295:0:::",
	    "root:x:0:4294967296:::",
	    "root:x:99999999999999999999:0:::",
	};
	struct sk_pwent p;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(sk_passwd_parse_line(bad[i], &p), -1);
		assert_null(p.name);
	}
}

static void test_group_parse(void **state)
{
	struct sk_grent g;

	(void)state;
	assert_int_equal(sk_group_parse_line("wheel:x:10:alice,bob\n", &g), 0);
	assert_string_equal(g.name, "wheel");
	assert_int_equal(g.gid, 10);
	assert_string_equal(g.members[0], "alice");
	assert_string_equal(g.members[1], "bob");
	assert_null(g.members[2]);
	sk_grent_clear(&g);

	/* Empty member list, missing member field, empty entries in the list. */
	assert_int_equal(sk_group_parse_line("root:x:0:", &g), 0);
	assert_null(g.members[0]);
	sk_grent_clear(&g);
	assert_int_equal(sk_group_parse_line("root:x:0", &g), 0);
	assert_null(g.members[0]);
	sk_grent_clear(&g);
	assert_int_equal(sk_group_parse_line("a:x:1:,b,,c,", &g), 0);
	assert_string_equal(g.members[0], "b");
	assert_string_equal(g.members[1], "c");
	assert_null(g.members[2]);
	sk_grent_clear(&g);

	assert_int_equal(sk_group_parse_line("# a:x:1:", &g), -1);
	assert_int_equal(sk_group_parse_line("", &g), -1);
	assert_int_equal(sk_group_parse_line("a:x", &g), -1);
	assert_int_equal(sk_group_parse_line(":x:1:", &g), -1);
	assert_int_equal(sk_group_parse_line("a:x:one:", &g), -1);
	assert_int_equal(sk_group_parse_line("a:x:4294967295:", &g), -1);
	assert_null(g.name);
}

static void test_parse_long_line(void **state)
{
	size_t n = 1 << 20;
	char *line = malloc(n + 64);
	struct sk_grent g;
	size_t len;

	(void)state;
	assert_non_null(line);
	len = (size_t)snprintf(line, 64, "big:x:7:");
	for (size_t i = 0; i < n / 2; i++) {
		line[len++] = 'm';
		line[len++] = ',';
	}
	memcpy(line + len, "last", 5);
	assert_int_equal(sk_group_parse_line(line, &g), 0);
	assert_string_equal(g.members[n / 2], "last");
	sk_grent_clear(&g);
	free(line);
}

static void test_resolve_name(void **state)
{
	struct root *r = *state;
	struct sk_resolved_user u;
	struct sk_err err = {0};

	assert_int_equal(sk_user_resolve(r->fd, "alice", &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_string_equal(u.home, "/home/alice");
	/* wheel, audio, staff; the duplicate gid 10 of wheel2 once; carol's video not. */
	assert_int_equal(u.n_groups, 3);
	assert_int_equal(u.groups[0], 10);
	assert_int_equal(u.groups[1], 29);
	assert_int_equal(u.groups[2], 50);
	sk_resolved_user_clear(&u);

	assert_int_equal(sk_user_resolve(r->fd, "root", &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_string_equal(u.home, "/root");
	assert_int_equal(u.n_groups, 0);
	sk_resolved_user_clear(&u);

	/* Entry without a home field. */
	assert_int_equal(sk_user_resolve(r->fd, "nohome", &u, &err), 0);
	assert_int_equal(u.uid, 1002);
	assert_string_equal(u.home, "/");
	sk_resolved_user_clear(&u);
}

static void test_resolve_numeric(void **state)
{
	struct root *r = *state;
	struct sk_resolved_user u;
	struct sk_err err = {0};

	/* A uid with an entry takes its gid, home and groups. */
	assert_int_equal(sk_user_resolve(r->fd, "1001", &u, &err), 0);
	assert_int_equal(u.uid, 1001);
	assert_int_equal(u.gid, 1001);
	assert_string_equal(u.home, "/home/bob");
	assert_int_equal(u.n_groups, 2);
	sk_resolved_user_clear(&u);

	/* A uid without an entry is fine: gid 0, home "/". */
	assert_int_equal(sk_user_resolve(r->fd, "4242", &u, &err), 0);
	assert_int_equal(u.uid, 4242);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.home, "/");
	assert_int_equal(u.n_groups, 0);
	sk_resolved_user_clear(&u);

	/* A user named "123" matches by name first (file order, as runc). */
	assert_int_equal(sk_user_resolve(r->fd, "123", &u, &err), 0);
	assert_int_equal(u.uid, 2000);
	sk_resolved_user_clear(&u);

	/* Empty spec: root. */
	assert_int_equal(sk_user_resolve(r->fd, "", &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_string_equal(u.home, "/root");
	sk_resolved_user_clear(&u);

	assert_int_equal(sk_user_resolve(r->fd, "4294967295", &u, &err), -1);
	assert_non_null(strstr(err.msg, "invalid uid 4294967295"));
	sk_err_clear(&err);
}

static void test_resolve_group(void **state)
{
	struct root *r = *state;
	struct sk_resolved_user u;
	struct sk_err err = {0};

	/* An explicit group replaces the gid and drops supplementary groups. */
	assert_int_equal(sk_user_resolve(r->fd, "alice:wheel", &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 10);
	assert_int_equal(u.n_groups, 0);
	sk_resolved_user_clear(&u);

	assert_int_equal(sk_user_resolve(r->fd, "1000:777", &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 777);
	sk_resolved_user_clear(&u);

	assert_int_equal(sk_user_resolve(r->fd, "5:audio", &u, &err), 0);
	assert_int_equal(u.uid, 5);
	assert_int_equal(u.gid, 29);
	sk_resolved_user_clear(&u);

	assert_int_equal(sk_user_resolve(r->fd, "bob:50", &u, &err), 0);
	assert_int_equal(u.gid, 50);
	sk_resolved_user_clear(&u);

	/* "user:" is the implicit form. */
	assert_int_equal(sk_user_resolve(r->fd, "bob:", &u, &err), 0);
	assert_int_equal(u.gid, 1001);
	assert_int_equal(u.n_groups, 2);
	sk_resolved_user_clear(&u);
}

static void test_resolve_errors(void **state)
{
	struct root *r = *state;
	struct sk_resolved_user u;
	struct sk_err err = {0};

	assert_int_equal(sk_user_resolve(r->fd, "nosuch", &u, &err), -1);
	assert_string_equal(err.msg,
			    "unable to find user nosuch: no matching entries in passwd file");
	sk_err_clear(&err);
	assert_int_equal(sk_user_resolve(r->fd, "nosuch:wheel", &u, &err), -1);
	assert_string_equal(err.msg,
			    "unable to find user nosuch: no matching entries in passwd file");
	sk_err_clear(&err);
	assert_int_equal(sk_user_resolve(r->fd, "alice:nogroup", &u, &err), -1);
	assert_string_equal(err.msg,
			    "unable to find group nogroup: no matching entries in group file");
	sk_err_clear(&err);
	assert_null(u.home);
}

static void test_resolve_no_files(void **state)
{
	struct root *r = *state;
	struct sk_resolved_user u;
	struct sk_err err = {0};
	char *home = NULL;
	char path[128];

	snprintf(path, sizeof(path), "%s/etc/passwd", r->dir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/etc/group", r->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sk_user_resolve(r->fd, "1000:1000", &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_string_equal(u.home, "/");
	sk_resolved_user_clear(&u);
	assert_int_equal(sk_user_resolve(r->fd, "alice", &u, &err), -1);
	assert_non_null(strstr(err.msg, "unable to find user alice"));
	sk_err_clear(&err);
	assert_int_equal(sk_user_home(r->fd, 0, &home, &err), 0);
	assert_string_equal(home, "/");
	free(home);

	/* A FIFO in place of /etc/passwd must not block and is refused. */
	snprintf(path, sizeof(path), "%s/etc/passwd", r->dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(sk_user_resolve(r->fd, "alice", &u, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
	sk_err_clear(&err);
}

static void test_user_home(void **state)
{
	struct root *r = *state;
	struct sk_err err = {0};
	char *home = NULL;

	assert_int_equal(sk_user_home(r->fd, 1000, &home, &err), 0);
	assert_string_equal(home, "/home/alice");
	free(home);
	assert_int_equal(sk_user_home(r->fd, 1, &home, &err), 0);
	assert_string_equal(home, "/usr/sbin");
	free(home);
	assert_int_equal(sk_user_home(r->fd, 31337, &home, &err), 0);
	assert_string_equal(home, "/");
	free(home);
	/* The name "123" is not uid 123. */
	assert_int_equal(sk_user_home(r->fd, 123, &home, &err), 0);
	assert_string_equal(home, "/");
	free(home);
}

/* The container's /etc is a symlink to a host directory holding a passwd with "hostuser":
 * resolution stays in the root, so the host file must not be read. */
static void test_resolve_hostile_symlink(void **state)
{
	struct root *r = *state;
	struct sk_resolved_user u;
	struct sk_err err = {0};
	char outside[64], etc[128], target[256];
	const char *links[2];

	snprintf(outside, sizeof(outside), "/tmp/test-user-host.XXXXXX");
	assert_non_null(mkdtemp(outside));
	write_file(outside, "passwd", "hostuser:x:4321:4321::/host:/bin/sh\n");
	write_file(outside, "group", "hostgrp:x:4321:alice\n");
	snprintf(target, sizeof(target), "../../../../../../../..%s", outside);
	links[0] = outside; /* absolute */
	links[1] = target;  /* relative, climbing out */
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(etc, sizeof(etc), "%s/etc", r->dir);
		rm_rf(etc);
		assert_int_equal(symlink(links[i], etc), 0);
		assert_int_equal(sk_user_resolve(r->fd, "hostuser", &u, &err), -1);
		assert_non_null(strstr(err.msg, "unable to find user hostuser"));
		sk_err_clear(&err);
		assert_int_equal(sk_user_resolve(r->fd, "1000:hostgrp", &u, &err), -1);
		assert_non_null(strstr(err.msg, "unable to find group hostgrp"));
		sk_err_clear(&err);
	}
	rm_rf(outside);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_passwd_parse_valid),
	    cmocka_unit_test(test_passwd_parse_malformed),
	    cmocka_unit_test(test_group_parse),
	    cmocka_unit_test(test_parse_long_line),
	    cmocka_unit_test_setup_teardown(test_resolve_name, root_setup, root_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_numeric, root_setup, root_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_group, root_setup, root_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_errors, root_setup, root_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_no_files, root_setup, root_teardown),
	    cmocka_unit_test_setup_teardown(test_user_home, root_setup, root_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_hostile_symlink, root_setup,
					    root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
