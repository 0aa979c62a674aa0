/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup-systemd.c: cgroupsPath parsing and unit names, slice expansion, cpuset masks, the
 * resource properties, and StartTransientUnit / StopUnit against a scripted systemd on a
 * socketpair (the job, its JobRemoved signal, failures and the timeout).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include "cgroup-systemd.h"
#include "fake-dbus.h"

static void path_ok(const char *id, const char *cp, const char *slice, const char *unit)
{
	char *s = NULL, *u = NULL;
	struct sk_err err = {0};
	if (cg_systemd_parse_path(id, cp, &s, &u, &err) < 0)
		fail_msg("%s: %s", cp, err.msg);
	assert_string_equal(s, slice);
	assert_string_equal(u, unit);
	free(s);
	free(u);
}

static void path_bad(const char *cp, const char *msg)
{
	char *s = NULL, *u = NULL;
	struct sk_err err = {0};
	assert_int_equal(cg_systemd_parse_path("id", cp, &s, &u, &err), -1);
	if (!strstr(err.msg, msg))
		fail_msg("%s: got \"%s\", want \"%s\"", cp, err.msg, msg);
	sk_err_clear(&err);
}

static void test_parse_path(void **state)
{
	(void)state;
	path_ok("c1", NULL, "system.slice", "skiff-c1.scope");
	path_ok("c1", "", "system.slice", "skiff-c1.scope");
	path_ok("c1", "system.slice:docker:abc", "system.slice", "docker-abc.scope");
	path_ok("c1", ":cri-containerd:abc", "system.slice", "cri-containerd-abc.scope");
	path_ok("c1", "-:p:n", "-.slice", "p-n.scope");
	path_ok("c1", "kubepods-besteffort-pod1.slice::n", "kubepods-besteffort-pod1.slice",
		"n.scope");
	path_bad("/abs/path", "expects \"slice:prefix:name\"");
	path_bad("a.slice:b", "expects \"slice:prefix:name\"");
	path_bad("a.slice:b:c:d", "expects \"slice:prefix:name\"");
	path_bad("a.slice:p:", "bad unit name \"\"");
	path_bad("a.slice:p:x/y", "bad unit name");
	path_bad("a.slice:p:sub.slice", "a slice as the container's unit");
	path_bad("a.slice:p q:n", "bad prefix");
}

static void slice_ok(const char *slice, const char *want)
{
	char *p = NULL;
	struct sk_err err = {0};
	if (cg_systemd_expand_slice(slice, &p, &err) < 0)
		fail_msg("%s: %s", slice, err.msg);
	assert_string_equal(p, want);
	free(p);
}

static void slice_bad(const char *slice)
{
	char *p = NULL;
	struct sk_err err = {0};
	assert_int_equal(cg_systemd_expand_slice(slice, &p, &err), -1);
	assert_non_null(strstr(err.msg, slice));
	sk_err_clear(&err);
}

static void test_expand_slice(void **state)
{
	(void)state;
	slice_ok("-.slice", "");
	slice_ok("system.slice", "/system.slice");
	slice_ok("a-b.slice", "/a.slice/a-b.slice");
	slice_ok("kubepods-besteffort-pod12.slice",
		 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12.slice");
	slice_bad("system");
	slice_bad(".slice");
	slice_bad("a/b.slice");
	slice_bad("-a.slice");
	slice_bad("a-.slice");
	slice_bad("a--b.slice");
}

static void mask_ok(const char *list, const uint8_t *want, size_t n)
{
	uint8_t *m = NULL;
	size_t len = 99;
	struct sk_err err = {0};
	if (cg_systemd_cpu_mask(list, &m, &len, &err) < 0)
		fail_msg("%s: %s", list, err.msg);
	assert_int_equal(len, n);
	if (n)
		assert_memory_equal(m, want, n);
	free(m);
}

static void test_cpu_mask(void **state)
{
	(void)state;
	uint8_t *m = NULL;
	size_t n = 0;
	struct sk_err err = {0};

	mask_ok("", NULL, 0);
	mask_ok("0", (const uint8_t[]){0x01}, 1);
	mask_ok("0-3", (const uint8_t[]){0x0f}, 1);
	mask_ok("1,3,8", (const uint8_t[]){0x0a, 0x01}, 2);
	mask_ok("0-2,7-9\n", (const uint8_t[]){0x87, 0x03}, 2);
	const char *bad[] = {"a", "1-", "3-1", "1,,2", "1,", "-1", "1 2", "70000"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cg_systemd_cpu_mask(bad[i], &m, &n, &err) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_non_null(strstr(err.msg, "cpuset list"));
		sk_err_clear(&err);
	}
}

/* The properties as name -> D-Bus type and first value, read back from the array body. */
struct prop {
	char name[32], type[8];
	uint64_t v;
	uint8_t bytes[8];
	size_t n_bytes;
};

static size_t read_props(const struct sk_dbus_buf *b, struct prop *out, size_t max)
{
	struct sk_dbus_rd r = {.p = b->p, .len = b->len};
	size_t n = 0;
	while (r.pos < r.len && n < max) {
		struct prop *p = &out[n++];
		const char *t;
		memset(p, 0, sizeof(*p));
		r.pos = (r.pos + 7) / 8 * 8;
		snprintf(p->name, sizeof(p->name), "%s", sk_dbus_get_str(&r));
		t = sk_dbus_get_sig(&r);
		snprintf(p->type, sizeof(p->type), "%s", t);
		if (strcmp(t, "t") == 0)
			p->v = sk_dbus_get_u64(&r);
		else if (strcmp(t, "b") == 0)
			p->v = sk_dbus_get_u32(&r);
		else if (strcmp(t, "ay") == 0) {
			uint32_t len = sk_dbus_get_u32(&r);
			for (uint32_t i = 0; i < len && i < 8; i++)
				p->bytes[p->n_bytes++] = sk_dbus_get_u8(&r);
		} else
			sk_dbus_skip(&r, &t);
		assert_false(r.bad);
	}
	return n;
}

static const struct prop *find_prop(const struct prop *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

static void test_res_props(void **state)
{
	(void)state;
	struct cg_res r = {0};
	struct sk_dbus_buf b = {0};
	struct sk_err err = {0};
	struct prop p[32];
	size_t n;

	r.mem.limit = (struct cg_opt){true, 64 << 20};
	r.mem.swap = (struct cg_opt){true, 96 << 20};
	r.cpu.shares = (struct cg_opt){true, 1024};
	r.cpu.quota = (struct cg_opt){true, 12345};
	r.cpu.period = (struct cg_opt){true, 100000};
	r.pids_limit = (struct cg_opt){true, -1};
	r.cpu.cpus = "0-1,9";
	assert_int_equal(cg_systemd_res_props(&b, &r, true, &err), 0);
	n = read_props(&b, p, 32);
	assert_int_equal(find_prop(p, n, "MemoryMax")->v, 64 << 20);
	assert_int_equal(find_prop(p, n, "MemorySwapMax")->v, 32 << 20);
	assert_int_equal(find_prop(p, n, "CPUWeight")->v, 39); /* 1 + (1022 * 9999) / 262142 */
	assert_int_equal(find_prop(p, n, "CPUQuotaPeriodUSec")->v, 100000);
	/* 12345 us per 100 ms is 123450 us/s, rounded up to systemd's 10 ms: 130000 */
	assert_int_equal(find_prop(p, n, "CPUQuotaPerSecUSec")->v, 130000);
	assert_true(find_prop(p, n, "TasksMax")->v == UINT64_MAX);
	assert_int_equal(find_prop(p, n, "AllowedCPUs")->n_bytes, 2);
	assert_int_equal(find_prop(p, n, "AllowedCPUs")->bytes[0], 0x03);
	assert_int_equal(find_prop(p, n, "AllowedCPUs")->bytes[1], 0x02);
	assert_string_equal(find_prop(p, n, "MemoryAccounting")->type, "b");
	assert_null(find_prop(p, n, "MemoryLimit"));
	sk_dbus_buf_free(&b);

	/* a legacy (v1) systemd gets the v1 names, and no cpuset properties */
	assert_int_equal(cg_systemd_res_props(&b, &r, false, &err), 0);
	n = read_props(&b, p, 32);
	assert_int_equal(find_prop(p, n, "MemoryLimit")->v, 64 << 20);
	assert_int_equal(find_prop(p, n, "CPUShares")->v, 1024);
	assert_null(find_prop(p, n, "MemoryMax"));
	assert_null(find_prop(p, n, "AllowedCPUs"));
	sk_dbus_buf_free(&b);

	r.cpu.cpus = "0-";
	assert_int_equal(cg_systemd_res_props(&b, &r, true, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.cpu.cpus: cpuset list \"0-\""));
	sk_err_clear(&err);
	sk_dbus_buf_free(&b);
}

/* ---- against a scripted systemd ---- */

enum script {
	JOB_DONE,
	JOB_FAILED,
	JOB_SILENT,
	UNIT_EXISTS_THEN_DONE,
	STOP_NO_UNIT,
	STOP_DONE,
	SET_PROPS,
};

struct fake_systemd {
	int fd;
	enum script script;
	char calls[256];
	uint32_t pid;
	char slice[64], unit[64];
	bool delegate;
};

/* Records "Member;" for each call, and for StartTransientUnit the unit, slice, Delegate, pid. */
static void note_start(struct fake_systemd *f, const struct sk_dbus_msg *m)
{
	struct sk_dbus_rd r = {.p = m->body, .len = m->body_len};
	uint32_t end;

	snprintf(f->unit, sizeof(f->unit), "%s", sk_dbus_get_str(&r));
	sk_dbus_get_str(&r);
	end = sk_dbus_get_u32(&r);
	r.pos = (r.pos + 7) / 8 * 8;
	end += (uint32_t)r.pos;
	while (!r.bad && r.pos < end) {
		r.pos = (r.pos + 7) / 8 * 8;
		const char *name = sk_dbus_get_str(&r), *t = sk_dbus_get_sig(&r);
		if (strcmp(name, "Slice") == 0)
			snprintf(f->slice, sizeof(f->slice), "%s", sk_dbus_get_str(&r));
		else if (strcmp(name, "Delegate") == 0)
			f->delegate = sk_dbus_get_u32(&r);
		else if (strcmp(name, "PIDs") == 0 && sk_dbus_get_u32(&r) == 4)
			f->pid = sk_dbus_get_u32(&r);
		else
			sk_dbus_skip(&r, &t);
	}
	assert_false(r.bad);
}

static void *systemd_main(void *arg)
{
	struct fake_systemd *f = arg;
	struct sk_dbus_msg m;

	fake_auth(f->fd);
	if (f->script == SET_PROPS) {
		fake_recv(f->fd, &m);
		struct sk_dbus_rd r = {.p = m.body, .len = m.body_len};
		const char *unit = sk_dbus_get_str(&r);
		uint32_t runtime = sk_dbus_get_u32(&r);
		snprintf(f->calls, sizeof(f->calls), "%s(%s %s %u);", m.member, m.signature, unit,
			 runtime);
		fake_reply_path(f->fd, m.serial, "/");
		sk_dbus_msg_clear(&m);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fake_recv(f->fd, &m);
		strcat(f->calls, m.member);
		strcat(f->calls, ";");
		if (strcmp(m.member, "StartTransientUnit") == 0)
			note_start(f, &m);
		if (f->script == UNIT_EXISTS_THEN_DONE && i == 0) {
			fake_error(f->fd, m.serial, "org.freedesktop.systemd1.UnitExists",
				   "Unit x.scope already exists.");
			sk_dbus_msg_clear(&m);
			fake_recv(f->fd, &m); /* ResetFailedUnit */
			strcat(f->calls, m.member);
			strcat(f->calls, ";");
			fake_reply_path(f->fd, m.serial, "/org/freedesktop/systemd1");
			sk_dbus_msg_clear(&m);
			f->script = JOB_DONE;
			continue;
		}
		if (f->script == STOP_NO_UNIT) {
			fake_error(f->fd, m.serial, "org.freedesktop.systemd1.NoSuchUnit",
				   "Unit x.scope not loaded.");
			sk_dbus_msg_clear(&m);
			return NULL;
		}
		fake_reply_path(f->fd, m.serial, "/org/freedesktop/systemd1/job/42");
		sk_dbus_msg_clear(&m);
		/* another client's job first, then ours */
		fake_job_removed(f->fd, 41, "/org/freedesktop/systemd1/job/41", "y.scope",
				 "failed");
		if (f->script == JOB_SILENT)
			return NULL;
		fake_job_removed(f->fd, 42, "/org/freedesktop/systemd1/job/42", f->unit,
				 f->script == JOB_FAILED ? "failed" : "done");
		return NULL;
	}
	return NULL;
}

static int run_fake(struct fake_systemd *f, bool start, int timeout_ms, struct sk_err *err)
{
	int sv[2], r;
	pthread_t t;
	struct sk_dbus *bus = NULL;
	struct cg_res res = {0};

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	f->fd = sv[1];
	if (!start)
		snprintf(f->unit, sizeof(f->unit), "x.scope");
	assert_int_equal(pthread_create(&t, NULL, systemd_main, f), 0);
	assert_int_equal(sk_dbus_open_fd(sv[0], false, 5000, &bus, err), 0);
	res.pids_limit = (struct cg_opt){true, 10};
	if (f->script == SET_PROPS)
		r = cg_systemd_set_props(bus, "x.scope", &res, true, timeout_ms, err);
	else
		r = start ? cg_systemd_start_unit(bus, "x.scope", "a-b.slice", "test", 4321, &res,
						  true, timeout_ms, err)
			  : cg_systemd_stop_unit(bus, "x.scope", timeout_ms, err);
	sk_dbus_close(bus);
	pthread_join(t, NULL);
	close(sv[1]);
	return r;
}

static void test_start_unit(void **state)
{
	(void)state;
	struct fake_systemd f = {.script = JOB_DONE};
	struct sk_err err = {0};

	assert_int_equal(run_fake(&f, true, 5000, &err), 0);
	assert_string_equal(f.calls, "StartTransientUnit;");
	assert_string_equal(f.unit, "x.scope");
	assert_string_equal(f.slice, "a-b.slice");
	assert_true(f.delegate);
	assert_int_equal(f.pid, 4321);
}

static void test_start_unit_fails(void **state)
{
	(void)state;
	struct fake_systemd f = {.script = JOB_FAILED};
	struct sk_err err = {0};

	assert_int_equal(run_fake(&f, true, 5000, &err), -1);
	assert_string_equal(err.msg,
			    "start systemd unit x.scope: systemd could not start unit x.scope: "
			    "job failed");
	sk_err_clear(&err);
}

static void test_start_unit_timeout(void **state)
{
	(void)state;
	struct fake_systemd f = {.script = JOB_SILENT};
	struct sk_err err = {0};

	assert_int_equal(run_fake(&f, true, 1000, &err), -1);
	assert_int_equal(err.errnum, ETIMEDOUT);
	assert_string_equal(err.msg, "start systemd unit x.scope: systemd did not start unit "
				     "x.scope within 1 s");
	sk_err_clear(&err);
}

static void test_start_unit_exists(void **state)
{
	(void)state;
	struct fake_systemd f = {.script = UNIT_EXISTS_THEN_DONE};
	struct sk_err err = {0};

	assert_int_equal(run_fake(&f, true, 5000, &err), 0);
	assert_string_equal(f.calls, "StartTransientUnit;ResetFailedUnit;StartTransientUnit;");
}

static void test_stop_unit(void **state)
{
	(void)state;
	struct fake_systemd f = {.script = STOP_DONE};
	struct sk_err err = {0};

	assert_int_equal(run_fake(&f, false, 5000, &err), 0);
	assert_string_equal(f.calls, "StopUnit;");
	f = (struct fake_systemd){.script = STOP_NO_UNIT};
	assert_int_equal(run_fake(&f, false, 5000, &err), 0); /* gone already: fine */
	assert_string_equal(f.calls, "StopUnit;");
}

static void test_set_props(void **state)
{
	(void)state;
	struct fake_systemd f = {.script = SET_PROPS};
	struct sk_err err = {0};

	assert_int_equal(run_fake(&f, false, 5000, &err), 0);
	assert_string_equal(f.calls, "SetUnitProperties(sba(sv) x.scope 1);");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_path),	       cmocka_unit_test(test_expand_slice),
	    cmocka_unit_test(test_cpu_mask),	       cmocka_unit_test(test_res_props),
	    cmocka_unit_test(test_start_unit),	       cmocka_unit_test(test_start_unit_fails),
	    cmocka_unit_test(test_start_unit_timeout), cmocka_unit_test(test_start_unit_exists),
	    cmocka_unit_test(test_stop_unit),	       cmocka_unit_test(test_set_props),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
