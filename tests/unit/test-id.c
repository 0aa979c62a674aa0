/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for id.c: which container ids are accepted, and how bad ones are reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "id.h"

static void assert_valid(const char *id)
{
	struct sk_err err = {0};
	assert_int_equal(sk_id_validate(id, &err), 0);
	assert_null(err.msg);
}

/* Checks that id is refused and that the message contains want. */
static void assert_invalid(const char *id, const char *want)
{
	struct sk_err err = {0};
	assert_int_equal(sk_id_validate(id, &err), -1);
	assert_non_null(err.msg);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	assert_ptr_equal(strstr(err.msg, "invalid container id \""), err.msg);
	sk_err_clear(&err);
}

static void test_good_ids(void **state)
{
	(void)state;
	assert_valid("a");
	assert_valid("abc");
	assert_valid("ABC-def_0.9+x");
	assert_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_valid("...");
	assert_valid(".hidden");
	assert_valid("-leading-dash");
	assert_valid("a..b");
}

static void test_empty(void **state)
{
	(void)state;
	assert_invalid("", "empty");
	struct sk_err err = {0};
	assert_int_equal(sk_id_validate(NULL, &err), -1);
	sk_err_clear(&err);
}

static void test_dots(void **state)
{
	(void)state;
	assert_invalid(".", "invalid container id \".\"");
	assert_invalid("..", "invalid container id \"..\"");
}

static void test_bad_chars(void **state)
{
	(void)state;
	assert_invalid("a/b", "'/'");
	assert_invalid("../etc", "'/'");
	assert_invalid("/abs", "'/'");
	assert_invalid("a b", "0x20");
	assert_invalid("a:b", "':'");
	assert_invalid("a*", "'*'");
	assert_invalid("caf\xc3\xa9", "0xc3");
}

static void test_hostile_bytes_escaped(void **state)
{
	(void)state;
	struct sk_err err = {0};

	assert_int_equal(sk_id_validate("x\ny", &err), -1);
	assert_string_equal(err.msg,
			    "invalid container id \"x\\x0ay\": byte 0x0a at offset 1 is not "
			    "allowed (only A-Z a-z 0-9 _ . + -)");
	sk_err_clear(&err);
	assert_int_equal(sk_id_validate("\x1b[31m\"q\\", &err), -1);
	assert_null(strchr(err.msg, '\x1b'));
	assert_non_null(strstr(err.msg, "\"\\x1b[31m\\x22q\\x5c\""));
	sk_err_clear(&err);
}

static void test_too_long(void **state)
{
	(void)state;
	char *id = malloc(SK_ID_MAX + 2);
	assert_non_null(id);
	memset(id, 'a', SK_ID_MAX + 1);
	id[SK_ID_MAX + 1] = '\0';
	assert_invalid(id, "longer than 255 bytes");

	/* The quoted id is cut short rather than copied whole into the message. */
	struct sk_err err = {0};
	sk_id_validate(id, &err);
	assert_true(strlen(err.msg) < 200);
	assert_non_null(strstr(err.msg, "...\""));
	sk_err_clear(&err);

	id[SK_ID_MAX] = '\0';
	assert_valid(id);
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_ids),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_dots),
	    cmocka_unit_test(test_bad_chars),
	    cmocka_unit_test(test_hostile_bytes_escaped),
	    cmocka_unit_test(test_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
