/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the pure parts of ops.c: byte sizes as runc's update flags take them, and the
 * resources object update builds from a --resources file and the flags.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "ops.h"

static long long bytes(const char *s)
{
	struct sk_err err = {0};
	long long v = -2;
	if (sk_parse_bytes(s, &v, &err) < 0) {
		sk_err_clear(&err);
		return -2;
	}
	return v;
}

static void test_parse_bytes(void **state)
{
	(void)state;
	assert_int_equal(bytes("1024"), 1024);
	assert_int_equal(bytes("-1"), -1);
	assert_int_equal(bytes("0"), 0);
	assert_int_equal(bytes("512k"), 512 * 1024);
	assert_int_equal(bytes("512K"), 512 * 1024);
	assert_int_equal(bytes("64m"), 64LL << 20);
	assert_int_equal(bytes("64MB"), 64LL << 20);
	assert_int_equal(bytes("64MiB"), 64LL << 20);
	assert_int_equal(bytes("64 mb"), 64LL << 20);
	assert_int_equal(bytes("1g"), 1LL << 30);
	assert_int_equal(bytes("1.5g"), 3LL << 29);
	assert_int_equal(bytes("2t"), 2LL << 40);
	assert_int_equal(bytes("100b"), 100);
	assert_int_equal(bytes(""), -2);
	assert_int_equal(bytes("m"), -2);
	assert_int_equal(bytes("-5"), -2);
	assert_int_equal(bytes("10x"), -2);
	assert_int_equal(bytes("10mm"), -2);
	assert_int_equal(bytes("99999999p"), -2); /* overflows int64 */
}

static long long num_at(yajl_val v, const char *a, const char *b)
{
	const char *path[] = {a, b, NULL};
	yajl_val n = yajl_tree_get(v, path, yajl_t_number);
	assert_non_null(n);
	return YAJL_GET_INTEGER(n);
}

static void test_build_merges(void **state)
{
	(void)state;
	static const char file[] = "{\"memory\": {\"limit\": 1000, \"swap\": 2000},"
				   " \"cpu\": {\"cpus\": \"0\"}, \"devices\": [{\"allow\": true}]}";
	struct sk_res_override ov[] = {
	    {"memory", "memory", "limit", SK_RES_BYTES, "1m"},
	    {"pids-limit", "pids", "limit", SK_RES_INT, "-1"},
	    {"cpu-share", "cpu", "shares", SK_RES_UINT, "512"},
	    {"cpuset-mems", "cpu", "mems", SK_RES_STRING, "0-1"},
	};
	struct sk_err err = {0};
	yajl_val v = NULL;

	assert_int_equal(sk_resources_build(file, strlen(file), ov, 4, &v, &err), 0);
	assert_int_equal(num_at(v, "memory", "limit"), 1 << 20); /* the flag wins */
	assert_int_equal(num_at(v, "memory", "swap"), 2000);	 /* the file's value stays */
	assert_int_equal(num_at(v, "pids", "limit"), -1);	 /* a new section */
	assert_int_equal(num_at(v, "cpu", "shares"), 512);
	const char *cpus[] = {"cpu", "cpus", NULL}, *mems[] = {"cpu", "mems", NULL};
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, cpus, yajl_t_string)), "0");
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, mems, yajl_t_string)), "0-1");
	const char *devs[] = {"devices", NULL};
	assert_non_null(yajl_tree_get(v, devs, yajl_t_array));
	/* each section appears once */
	size_t n_cpu = 0;
	for (size_t i = 0; i < v->u.object.len; i++)
		n_cpu += strcmp(v->u.object.keys[i], "cpu") == 0;
	assert_int_equal(n_cpu, 1);
	yajl_tree_free(v);
}

static void test_build_flags_only_and_errors(void **state)
{
	(void)state;
	struct sk_res_override ok[] = {{"cpu-quota", "cpu", "quota", SK_RES_INT, "-1"}};
	struct sk_res_override bad_uint[] = {{"cpu-period", "cpu", "period", SK_RES_UINT, "-5"}};
	struct sk_res_override bad_int[] = {{"pids-limit", "pids", "limit", SK_RES_INT, "12x"}};
	struct sk_res_override bad_mem[] = {{"memory", "memory", "limit", SK_RES_BYTES, "lots"}};
	struct sk_err err = {0};
	yajl_val v = NULL;

	assert_int_equal(sk_resources_build(NULL, 0, ok, 1, &v, &err), 0);
	assert_int_equal(num_at(v, "cpu", "quota"), -1);
	yajl_tree_free(v);
	assert_int_equal(sk_resources_build(NULL, 0, NULL, 0, &v, &err), 0);
	assert_true(YAJL_IS_OBJECT(v) && v->u.object.len == 0);
	yajl_tree_free(v);

	assert_int_equal(sk_resources_build(NULL, 0, bad_uint, 1, &v, &err), -1);
	assert_non_null(strstr(err.msg, "--cpu-period"));
	sk_err_clear(&err);
	assert_int_equal(sk_resources_build(NULL, 0, bad_int, 1, &v, &err), -1);
	assert_non_null(strstr(err.msg, "--pids-limit"));
	sk_err_clear(&err);
	assert_int_equal(sk_resources_build(NULL, 0, bad_mem, 1, &v, &err), -1);
	assert_non_null(strstr(err.msg, "--memory"));
	assert_non_null(strstr(err.msg, "lots"));
	sk_err_clear(&err);
	assert_int_equal(sk_resources_build("{", 1, NULL, 0, &v, &err), -1);
	assert_non_null(strstr(err.msg, "invalid JSON"));
	sk_err_clear(&err);
	assert_int_equal(sk_resources_build("[1]", 3, NULL, 0, &v, &err), -1);
	assert_non_null(strstr(err.msg, "object"));
	sk_err_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_bytes),
	    cmocka_unit_test(test_build_merges),
	    cmocka_unit_test(test_build_flags_only_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
