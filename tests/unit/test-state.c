/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for state.c: the state directory and its lock in a temp dir, state.json round
 * trips and bad inputs, the status logic against real processes, and the exact JSON texts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "state.h"

struct fixture {
	char tmp[64];
	char *root;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/test-state-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	assert_true(asprintf(&f->root, "%s/a/root", f->tmp) > 0);
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	/* Test cleanup only: the library's own removal is what the tests exercise. */
	if (nftw(f->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "cleanup of %s failed\n", f->tmp);
	free(f->root);
	free(f);
	return 0;
}

static struct sk_kv annotations[] = {
    {"org.example.key", "value \"quoted\""},
    {"empty", ""},
};

static struct sk_state sample(void)
{
	struct sk_state st = {
	    .id = "c1",
	    .pid = 4242,
	    .pid_start = 123456789012ULL,
	    .bundle = "/b/bundle",
	    .rootfs = "/b/bundle/rootfs",
	    .created = "2026-11-21T23:30:10.123456789Z",
	    .owner = 1000,
	    .annotations = annotations,
	    .n_annotations = 2,
	    .cgroup = "{\"v\":2,\"path\":\"/x\"}",
	    .started = true,
	    .paused = false,
	    .systemd_cgroup = true,
	};
	return st;
}

static mode_t mode_of(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static void test_dir_create_open_remove(void **state)
{
	struct fixture *f = *state;
	struct sk_err err = {0};
	int fd = -1, fd2 = -1;
	char path[256];

	assert_int_equal(sk_state_dir_create(f->root, "c1", &fd, &err), 0);
	assert_true(fd >= 0);
	assert_int_equal(mode_of(f->root), 0700);
	snprintf(path, sizeof(path), "%s/a", f->tmp);
	assert_int_equal(mode_of(path), 0700);
	snprintf(path, sizeof(path), "%s/c1", f->root);
	assert_int_equal(mode_of(path), 0700);

	/* The lock is held: another open file description cannot take it. */
	int probe = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(probe >= 0);
	assert_int_equal(flock(probe, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);

	assert_int_equal(sk_state_dir_create(f->root, "c1", &fd2, &err), -1);
	assert_string_equal(err.msg, "container with id \"c1\" already exists");
	assert_int_equal(err.errnum, EEXIST);
	sk_err_clear(&err);

	close(fd);
	assert_int_equal(flock(probe, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(flock(probe, LOCK_UN), 0);
	close(probe);

	assert_int_equal(sk_state_dir_open(f->root, "c1", &fd, &err), 0);
	/* Removal works with a corrupt state.json and stray files present. */
	assert_int_equal(mkdirat(fd, "sub", 0700), 0);
	int junk = openat(fd, "state.json", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(junk >= 0);
	assert_int_equal(write(junk, "{garbage", 8), 8);
	close(junk);
	junk = openat(fd, "sub/file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(junk >= 0);
	close(junk);
	assert_int_equal(sk_state_dir_remove(f->root, "c1", &err), 0);
	assert_int_equal(access(path, F_OK), -1);
	close(fd);
	/* Removing what is gone is not an error. */
	assert_int_equal(sk_state_dir_remove(f->root, "c1", &err), 0);
	assert_null(err.msg);
}

static void test_open_missing(void **state)
{
	struct fixture *f = *state;
	struct sk_err err = {0};
	int fd = -1;

	/* Root itself missing, then root present but no such id. */
	assert_int_equal(sk_state_dir_open(f->root, "nope", &fd, &err), -1);
	assert_string_equal(err.msg, "container \"nope\" does not exist");
	assert_int_equal(err.errnum, ENOENT);
	sk_err_clear(&err);
	assert_int_equal(sk_state_dir_create(f->root, "other", &fd, &err), 0);
	close(fd);
	assert_int_equal(sk_state_dir_open(f->root, "nope", &fd, &err), -1);
	assert_non_null(strstr(err.msg, "does not exist"));
	sk_err_clear(&err);
	/* Ids are validated before they touch the file system. */
	assert_int_equal(sk_state_dir_open(f->root, "..", &fd, &err), -1);
	assert_non_null(strstr(err.msg, "invalid container id"));
	sk_err_clear(&err);
	assert_int_equal(sk_state_dir_create(f->root, "../x", &fd, &err), -1);
	sk_err_clear(&err);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct sk_err err = {0};
	struct sk_state st = sample(), *got = NULL;
	char path[256];
	int fd = -1;

	assert_int_equal(sk_state_dir_create(f->root, "c1", &fd, &err), 0);
	assert_int_equal(sk_state_write(fd, &st, &err), 0);
	snprintf(path, sizeof(path), "%s/c1/state.json", f->root);
	assert_int_equal(mode_of(path), 0600);
	st.pid = 77; /* overwrite: the second write replaces the first */
	assert_int_equal(sk_state_write(fd, &st, &err), 0);
	assert_int_equal(sk_state_read(fd, &got, &err), 0);
	assert_string_equal(got->id, "c1");
	assert_int_equal(got->pid, 77);
	assert_true(got->pid_start == 123456789012ULL);
	assert_string_equal(got->bundle, "/b/bundle");
	assert_string_equal(got->rootfs, "/b/bundle/rootfs");
	assert_string_equal(got->created, "2026-11-21T23:30:10.123456789Z");
	assert_int_equal(got->owner, 1000);
	assert_int_equal(got->n_annotations, 2);
	assert_string_equal(got->annotations[0].key, "org.example.key");
	assert_string_equal(got->annotations[0].value, "value \"quoted\"");
	assert_string_equal(got->annotations[1].key, "empty");
	assert_string_equal(got->annotations[1].value, "");
	assert_string_equal(got->cgroup, "{\"v\":2,\"path\":\"/x\"}");
	assert_true(got->started);
	assert_false(got->paused);
	assert_true(got->systemd_cgroup);
	sk_state_free(got);

	/* No temp files are left behind. */
	snprintf(path, sizeof(path), "%s/c1/.state.json.%d.tmp", f->root, (int)getpid());
	assert_int_equal(access(path, F_OK), -1);
	close(fd);
}

static void assert_parse_fails(const char *json, size_t len, const char *want)
{
	struct sk_state *st = NULL;
	struct sk_err err = {0};
	assert_int_equal(sk_state_parse(json, len, &st, &err), -1);
	assert_null(st);
	assert_non_null(err.msg);
	if (!strstr(err.msg, want))
		fail_msg("parse of %.*s: \"%s\" lacks \"%s\"", (int)len, json, err.msg, want);
	sk_err_clear(&err);
}

#define BAD(s, want) assert_parse_fails(s, sizeof(s) - 1, want)

static void test_parse_bad(void **state)
{
	(void)state;
	BAD("", "invalid state.json");
	BAD("{", "invalid state.json");
	BAD("[]", "not a JSON object");
	BAD("null", "not a JSON object");
	BAD("{}", "\"id\": missing");
	BAD("{\"id\":\"\"}", "\"id\": missing");
	BAD("{\"id\":5}", "\"id\": expected a string");
	BAD("{\"id\":\"x\",\"pid\":-1}", "\"pid\"");
	BAD("{\"id\":\"x\",\"pid\":1.5}", "\"pid\"");
	BAD("{\"id\":\"x\",\"pid\":\"1\"}", "\"pid\"");
	BAD("{\"id\":\"x\",\"pid\":4294967296}", "\"pid\"");
	BAD("{\"id\":\"x\",\"owner\":4294967295}", "\"owner\"");
	BAD("{\"id\":\"x\",\"pid_start\":99999999999999999999999}", "invalid state.json");
	BAD("{\"id\":\"x\",\"started\":\"yes\"}", "\"started\": expected true or false");
	BAD("{\"id\":\"x\",\"annotations\":[]}", "\"annotations\": expected an object");
	BAD("{\"id\":\"x\",\"annotations\":{\"a\":1}}", "values must be strings");
	BAD("{\"id\":\"x\",\"bundle\":{}}", "\"bundle\": expected a string");
	BAD("{\"id\":\"x\"}\0{}", "NUL byte");
	BAD("{\"id\":\"x\",\"a\":[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]}",
	    "nested too deeply");

	/* Deep nesting far beyond the limit, unterminated: refused without building a tree. */
	size_t n = 1 << 20;
	char *deep = malloc(n);
	assert_non_null(deep);
	memset(deep, '[', n);
	assert_parse_fails(deep, n, "nested too deeply");
	free(deep);
}

static void test_parse_lenient(void **state)
{
	(void)state;
	static const char json[] = "{\"future\":[1,{\"x\":null}],\"id\":\"old\",\"id\":\"new\","
				   "\"bundle\":null,\"annotations\":{},\"cgroup\":\"c\"}";
	struct sk_state *st = NULL;
	struct sk_err err = {0};

	/* Unknown keys are skipped, the last duplicate wins, null strings are absent. */
	assert_int_equal(sk_state_parse(json, sizeof(json) - 1, &st, &err), 0);
	assert_string_equal(st->id, "new");
	assert_null(st->bundle);
	assert_int_equal(st->n_annotations, 0);
	assert_int_equal(st->pid, 0);
	assert_false(st->started);
	sk_state_free(st);
}

static void test_proc_start_time(void **state)
{
	(void)state;
	char old[17] = "";
	unsigned long long start = sk_proc_start_time(getpid());

	assert_true(start > 0);
	assert_true(sk_proc_start_time(0) == 0);
	assert_true(sk_proc_start_time(-1) == 0);
	/* A comm with spaces and ')' must not shift the fields. */
	assert_int_equal(prctl(PR_GET_NAME, old), 0);
	assert_int_equal(prctl(PR_SET_NAME, "a) b ) c 9 9"), 0);
	assert_true(sk_proc_start_time(getpid()) == start);
	assert_int_equal(prctl(PR_SET_NAME, old), 0);
}

static struct sk_state live_state(pid_t pid)
{
	struct sk_state st = sample();
	st.pid = pid;
	st.pid_start = sk_proc_start_time(pid);
	return st;
}

static void test_status(void **state)
{
	(void)state;
	struct sk_state st = live_state(getpid());
	int status;

	assert_int_equal(sk_state_status(&st), SK_STATUS_RUNNING);
	st.paused = true;
	assert_int_equal(sk_state_status(&st), SK_STATUS_PAUSED);
	st.started = false;
	st.paused = false;
	assert_int_equal(sk_state_status(&st), SK_STATUS_CREATED);
	st.pid_start += 1; /* the pid now belongs to someone else */
	assert_int_equal(sk_state_status(&st), SK_STATUS_STOPPED);
	st.pid = 0;
	assert_int_equal(sk_state_status(&st), SK_STATUS_CREATING);

	/* A zombie counts as stopped, and so does a reaped process. */
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	st = live_state(child);
	assert_true(st.pid_start > 0);
	for (int i = 0; i < 200 && sk_state_status(&st) != SK_STATUS_STOPPED; i++)
		usleep(10000);
	assert_int_equal(sk_state_status(&st), SK_STATUS_STOPPED);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(sk_state_status(&st), SK_STATUS_STOPPED);
	assert_true(sk_proc_start_time(child) == 0);

	/* A live child is running; once killed and reaped, stopped. */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	st = live_state(child);
	assert_int_equal(sk_state_status(&st), SK_STATUS_RUNNING);
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(sk_state_status(&st), SK_STATUS_STOPPED);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(sk_status_name(SK_STATUS_CREATING), "creating");
	assert_string_equal(sk_status_name(SK_STATUS_CREATED), "created");
	assert_string_equal(sk_status_name(SK_STATUS_RUNNING), "running");
	assert_string_equal(sk_status_name(SK_STATUS_PAUSED), "paused");
	assert_string_equal(sk_status_name(SK_STATUS_STOPPED), "stopped");
}

static void test_oci_json(void **state)
{
	(void)state;
	struct sk_state st = sample();
	struct sk_err err = {0};
	char *json = NULL;

	assert_int_equal(sk_state_oci_json(&st, SK_STATUS_RUNNING, &json, &err), 0);
	assert_string_equal(json, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"running\","
				  "\"pid\":4242,\"bundle\":\"/b/bundle\",\"annotations\":"
				  "{\"org.example.key\":\"value \\\"quoted\\\"\",\"empty\":\"\"}}");
	free(json);
	st.n_annotations = 0;
	assert_int_equal(sk_state_oci_json(&st, SK_STATUS_STOPPED, &json, &err), 0);
	assert_string_equal(json, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"stopped\","
				  "\"bundle\":\"/b/bundle\"}");
	free(json);
}

static void test_cli_json(void **state)
{
	(void)state;
	struct sk_state st = sample();
	struct sk_err err = {0};
	char *json = NULL;

	st.n_annotations = 0;
	assert_int_equal(sk_state_cli_json(&st, SK_STATUS_CREATED, &json, &err), 0);
	assert_string_equal(json, "{\n"
				  "  \"ociVersion\": \"1.2.0\",\n"
				  "  \"id\": \"c1\",\n"
				  "  \"pid\": 4242,\n"
				  "  \"status\": \"created\",\n"
				  "  \"bundle\": \"/b/bundle\",\n"
				  "  \"rootfs\": \"/b/bundle/rootfs\",\n"
				  "  \"created\": \"2026-11-21T23:30:10.123456789Z\",\n"
				  "  \"owner\": \"\"\n"
				  "}");
	free(json);
	st.n_annotations = 1;
	assert_int_equal(sk_state_cli_json(&st, SK_STATUS_STOPPED, &json, &err), 0);
	assert_string_equal(json, "{\n"
				  "  \"ociVersion\": \"1.2.0\",\n"
				  "  \"id\": \"c1\",\n"
				  "  \"pid\": 0,\n"
				  "  \"status\": \"stopped\",\n"
				  "  \"bundle\": \"/b/bundle\",\n"
				  "  \"rootfs\": \"/b/bundle/rootfs\",\n"
				  "  \"created\": \"2026-11-21T23:30:10.123456789Z\",\n"
				  "  \"owner\": \"\",\n"
				  "  \"annotations\": {\n"
				  "    \"org.example.key\": \"value \\\"quoted\\\"\"\n"
				  "  }\n"
				  "}");
	free(json);
}

static void test_rfc3339_now(void **state)
{
	(void)state;
	char *now = sk_rfc3339_now();
	assert_non_null(now);
	assert_int_equal(strlen(now), 30);
	/* 2026-11-21T23:30:10.123456789Z */
	for (int i = 0; i < 30; i++) {
		char c = now[i];
		switch (i) {
		case 4:
		case 7:
			assert_int_equal(c, '-');
			break;
		case 10:
			assert_int_equal(c, 'T');
			break;
		case 13:
		case 16:
			assert_int_equal(c, ':');
			break;
		case 19:
			assert_int_equal(c, '.');
			break;
		case 29:
			assert_int_equal(c, 'Z');
			break;
		default:
			assert_true(c >= '0' && c <= '9');
		}
	}
	free(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dir_create_open_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_lenient),
	    cmocka_unit_test(test_proc_start_time),
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test(test_oci_json),
	    cmocka_unit_test(test_cli_json),
	    cmocka_unit_test(test_rfc3339_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
