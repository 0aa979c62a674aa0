/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mntopt.c: every option word of the table on its own and after its opposite, propagation,
 * recursive mount_setattr attributes and the atime modes, bind handling, leftover data, the
 * exported name list and sk_propagation_parse().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "cleanup.h"
#include "mntopt.h"

/* Parses a NULL-terminated list of option words into a fresh mount (type may be NULL). */
static void parse(struct sk_mount *m, const char *type, const char *const *words)
{
	struct sk_err err = {0};

	memset(m, 0, sizeof(*m));
	m->type = (char *)type;
	m->options = (char **)words;
	if (sk_mount_options_parse(m, &err) < 0)
		fail_msg("%s", err.msg);
}

static void done(struct sk_mount *m)
{
	free(m->data);
	m->data = NULL;
}

#define PARSE(m, type, ...) parse(m, type, (const char *const[]){__VA_ARGS__, NULL})

struct flag_case {
	const char *set, *clear;
	unsigned long flag;
};

static const struct flag_case flag_cases[] = {
    {"ro", "rw", MS_RDONLY},
    {"nosuid", "suid", MS_NOSUID},
    {"nodev", "dev", MS_NODEV},
    {"noexec", "exec", MS_NOEXEC},
    {"sync", "async", MS_SYNCHRONOUS},
    {"dirsync", NULL, MS_DIRSYNC},
    {"remount", NULL, MS_REMOUNT},
    {"mand", "nomand", MS_MANDLOCK},
    {"noatime", "atime", MS_NOATIME},
    {"nodiratime", "diratime", MS_NODIRATIME},
    {"relatime", "norelatime", MS_RELATIME},
    {"strictatime", "nostrictatime", MS_STRICTATIME},
    {"lazytime", "nolazytime", MS_LAZYTIME},
    {"silent", "loud", MS_SILENT},
    {"iversion", "noiversion", MS_I_VERSION},
    {"nosymfollow", "symfollow", MS_NOSYMFOLLOW},
    {"acl", "noacl", MS_POSIXACL},
};

static void assert_plain(const struct sk_mount *m)
{
	assert_int_equal(m->propagation, 0);
	assert_int_equal(m->attr_set, 0);
	assert_int_equal(m->attr_clr, 0);
	assert_false(m->bind || m->recursive_bind || m->readonly_bind);
	assert_false(m->idmap || m->ridmap || m->copy_symlink);
	assert_null(m->data);
}

static void test_flags(void **state)
{
	(void)state;
	struct sk_mount m;

	for (size_t i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		const struct flag_case *c = &flag_cases[i];
		PARSE(&m, NULL, c->set);
		assert_int_equal(m.flags, c->flag);
		assert_plain(&m);
		/* The set word sticks next to an unrelated flag. */
		PARSE(&m, NULL, "nodev", c->set);
		assert_int_equal(m.flags, c->flag | MS_NODEV);
		if (!c->clear)
			continue;
		PARSE(&m, NULL, c->clear);
		assert_int_equal(m.flags, 0);
		assert_plain(&m);
		/* Later words win. */
		PARSE(&m, NULL, c->set, c->clear);
		assert_int_equal(m.flags, 0);
		PARSE(&m, NULL, c->clear, c->set);
		assert_int_equal(m.flags, c->flag);
	}
	PARSE(&m, NULL, "ro", "nosuid", "nodev", "noexec", "relatime");
	assert_int_equal(m.flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	assert_plain(&m);
}

static const struct {
	const char *word;
	unsigned long value;
} prop_cases[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static void test_propagation_options(void **state)
{
	(void)state;
	struct sk_mount m;

	for (size_t i = 0; i < ARRAY_SIZE(prop_cases); i++) {
		PARSE(&m, NULL, prop_cases[i].word);
		assert_int_equal(m.propagation, prop_cases[i].value);
		assert_int_equal(m.flags, 0);
		assert_null(m.data);
	}
	PARSE(&m, NULL, "rshared", "private");
	assert_int_equal(m.propagation, MS_PRIVATE);
	PARSE(&m, NULL, "rbind", "rslave", "ro");
	assert_int_equal(m.propagation, MS_SLAVE | MS_REC);
	assert_int_equal(m.flags, MS_BIND | MS_REC | MS_RDONLY);
}

static void test_propagation_parse(void **state)
{
	(void)state;
	struct sk_err err = {0};
	unsigned long v = 99;

	for (size_t i = 0; i < ARRAY_SIZE(prop_cases); i++) {
		assert_int_equal(sk_propagation_parse(prop_cases[i].word, &v, &err), 0);
		assert_int_equal(v, prop_cases[i].value);
	}
	assert_int_equal(sk_propagation_parse("", &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sk_propagation_parse("foo", &v, &err), -1);
	assert_string_equal(err.msg, "unknown propagation \"foo\"");
	assert_int_equal(sk_propagation_parse("ro", &v, &err), -1);
	assert_string_equal(err.msg, "unknown propagation \"ro\"");
	assert_int_equal(sk_propagation_parse("rbind", &v, &err), -1);
	assert_string_equal(err.msg, "unknown propagation \"rbind\"");
	sk_err_clear(&err);
}

static const struct {
	const char *set, *clear;
	uint64_t attr;
} attr_cases[] = {
    {"rro", "rrw", MOUNT_ATTR_RDONLY},
    {"rnosuid", "rsuid", MOUNT_ATTR_NOSUID},
    {"rnodev", "rdev", MOUNT_ATTR_NODEV},
    {"rnoexec", "rexec", MOUNT_ATTR_NOEXEC},
    {"rnodiratime", "rdiratime", MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", "rsymfollow", MOUNT_ATTR_NOSYMFOLLOW},
};

static void test_recursive_attrs(void **state)
{
	(void)state;
	struct sk_mount m;

	for (size_t i = 0; i < ARRAY_SIZE(attr_cases); i++) {
		PARSE(&m, NULL, attr_cases[i].set);
		assert_int_equal(m.attr_set, attr_cases[i].attr);
		assert_int_equal(m.attr_clr, 0);
		assert_int_equal(m.flags, 0);
		PARSE(&m, NULL, attr_cases[i].clear);
		assert_int_equal(m.attr_set, 0);
		assert_int_equal(m.attr_clr, attr_cases[i].attr);
		/* The later of a pair wins, and is not both set and cleared. */
		PARSE(&m, NULL, attr_cases[i].set, attr_cases[i].clear);
		assert_int_equal(m.attr_set, 0);
		assert_int_equal(m.attr_clr, attr_cases[i].attr);
		PARSE(&m, NULL, attr_cases[i].clear, attr_cases[i].set);
		assert_int_equal(m.attr_set, attr_cases[i].attr);
		assert_int_equal(m.attr_clr, 0);
	}
	PARSE(&m, NULL, "rro", "rnosuid", "rdev", "rnoexec");
	assert_int_equal(m.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	assert_int_equal(m.attr_clr, MOUNT_ATTR_NODEV);
}

static void test_recursive_atime(void **state)
{
	(void)state;
	static const struct {
		const char *word;
		uint64_t mode;
	} cases[] = {
	    {"rrelatime", MOUNT_ATTR_RELATIME},	      {"rnorelatime", MOUNT_ATTR_STRICTATIME},
	    {"ratime", MOUNT_ATTR_RELATIME},	      {"rnoatime", MOUNT_ATTR_NOATIME},
	    {"rstrictatime", MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", MOUNT_ATTR_RELATIME},
	};
	struct sk_mount m;

	/* The kernel wants all of MOUNT_ATTR__ATIME in attr_clr and one mode in attr_set. */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		PARSE(&m, NULL, cases[i].word);
		assert_int_equal(m.attr_clr, MOUNT_ATTR__ATIME);
		assert_int_equal(m.attr_set, cases[i].mode);
		assert_int_equal(m.flags, 0);
	}
	PARSE(&m, NULL, "rnoatime", "rstrictatime");
	assert_int_equal(m.attr_set, MOUNT_ATTR_STRICTATIME);
	assert_int_equal(m.attr_clr, MOUNT_ATTR__ATIME);
	PARSE(&m, NULL, "rstrictatime", "rnoatime", "rnodev", "rnodiratime");
	assert_int_equal(m.attr_set, MOUNT_ATTR_NOATIME | MOUNT_ATTR_NODEV | MOUNT_ATTR_NODIRATIME);
	assert_int_equal(m.attr_clr, MOUNT_ATTR__ATIME);
	PARSE(&m, NULL, "rnoatime", "rrelatime");
	assert_int_equal(m.attr_set, 0);
	assert_int_equal(m.attr_clr, MOUNT_ATTR__ATIME);
}

static void test_bind(void **state)
{
	(void)state;
	struct sk_mount m;

	PARSE(&m, NULL, "bind");
	assert_true(m.bind);
	assert_false(m.recursive_bind || m.readonly_bind);
	assert_int_equal(m.flags, MS_BIND);
	PARSE(&m, NULL, "rbind");
	assert_true(m.bind && m.recursive_bind);
	assert_int_equal(m.flags, MS_BIND | MS_REC);
	PARSE(&m, NULL, "ro", "rbind");
	assert_true(m.readonly_bind);
	PARSE(&m, NULL, "bind", "ro");
	assert_true(m.readonly_bind);
	PARSE(&m, NULL, "bind", "ro", "rw");
	assert_false(m.readonly_bind);
	PARSE(&m, NULL, "ro");
	assert_false(m.bind || m.readonly_bind);
	/* type "bind" alone is a (non-recursive) bind mount. */
	PARSE(&m, "bind", "ro", "nosuid");
	assert_true(m.bind && m.readonly_bind);
	assert_false(m.recursive_bind);
	assert_int_equal(m.flags, MS_BIND | MS_RDONLY | MS_NOSUID);
	PARSE(&m, "bind", "rbind");
	assert_true(m.recursive_bind);
	parse(&m, "bind", NULL);
	assert_true(m.bind);
	assert_int_equal(m.flags, MS_BIND);
	parse(&m, "tmpfs", NULL);
	assert_false(m.bind);
	assert_int_equal(m.flags, 0);
}

static void test_extensions(void **state)
{
	(void)state;
	struct sk_mount m;

	PARSE(&m, NULL, "idmap");
	assert_true(m.idmap);
	assert_false(m.ridmap);
	assert_int_equal(m.flags, 0);
	assert_null(m.data);
	PARSE(&m, NULL, "ridmap");
	assert_true(m.ridmap);
	assert_false(m.idmap);
	PARSE(&m, NULL, "copy-symlink");
	assert_true(m.copy_symlink);
	assert_null(m.data);
	PARSE(&m, NULL, "tmpcopyup");
	assert_int_equal(m.flags, 0);
	assert_plain(&m);
	PARSE(&m, NULL, "defaults");
	assert_int_equal(m.flags, 0);
	assert_plain(&m);
}

static void test_data(void **state)
{
	(void)state;
	struct sk_mount m;

	PARSE(&m, NULL, "mode=755");
	assert_string_equal(m.data, "mode=755");
	assert_int_equal(m.flags, 0);
	done(&m);
	PARSE(&m, NULL, "nosuid", "mode=1777", "", "size=65536k", "noexec", "newinstance");
	assert_string_equal(m.data, "mode=1777,size=65536k,newinstance");
	assert_int_equal(m.flags, MS_NOSUID | MS_NOEXEC);
	/* Parsing again starts over and frees the old data. */
	m.options = (char *[]){"ro", "uid=5", NULL};
	m.flags |= MS_NODEV;
	assert_int_equal(sk_mount_options_parse(&m, NULL), 0);
	assert_string_equal(m.data, "uid=5");
	assert_int_equal(m.flags, MS_RDONLY);
	done(&m);
	/* Words are case-sensitive: "RO" is filesystem data. */
	PARSE(&m, NULL, "RO");
	assert_string_equal(m.data, "RO");
	assert_int_equal(m.flags, 0);
	done(&m);
	parse(&m, NULL, NULL);
	assert_int_equal(m.flags, 0);
	assert_plain(&m);
}

static void test_names(void **state)
{
	(void)state;
	size_t n = 0;
	struct sk_mount m;

	for (const char *const *p = sk_mount_option_names; *p; p++, n++) {
		/* Every advertised word is understood: none ends up as data. */
		parse(&m, NULL, (const char *const[]){*p, NULL});
		assert_null(m.data);
		for (const char *const *q = p + 1; *q; q++)
			assert_string_not_equal(*p, *q);
	}
	/* 17 flag words and 15 opposites, defaults, bind and rbind, 8 propagation words,
	 * 12 recursive attributes, 6 atime modes, idmap, ridmap, copy-symlink, tmpcopyup. */
	assert_int_equal(n, 17 + 15 + 1 + 2 + 8 + 12 + 6 + 4);
	static const char *const must[] = {"rro",	  "rrw",    "rnosymfollow", "rsymfollow",
					   "idmap",	  "ridmap", "copy-symlink", "tmpcopyup",
					   "runbindable", "rbind",  "lazytime",	    "nolazytime"};
	for (size_t i = 0; i < ARRAY_SIZE(must); i++) {
		bool found = false;
		for (const char *const *p = sk_mount_option_names; *p; p++)
			found = found || strcmp(*p, must[i]) == 0;
		assert_true(found);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_propagation_options),
	    cmocka_unit_test(test_propagation_parse),
	    cmocka_unit_test(test_recursive_attrs),
	    cmocka_unit_test(test_recursive_atime),
	    cmocka_unit_test(test_bind),
	    cmocka_unit_test(test_extensions),
	    cmocka_unit_test(test_data),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
