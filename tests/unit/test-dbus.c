/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbus.c: the marshaller against byte strings worked out by hand from the D-Bus
 * specification, the parser on hand-made and malformed messages, and auth plus a call
 * against a scripted peer on a socketpair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include "dbus.h"
#include "fake-dbus.h"

static void assert_bytes(const struct sk_dbus_buf *b, const uint8_t *want, size_t n)
{
	assert_false(b->oom);
	if (b->len != n || memcmp(b->p, want, n) != 0) {
		for (size_t i = 0; i < b->len; i++)
			fprintf(stderr, "%02x%s", b->p[i], i % 8 == 7 ? "\n" : " ");
		fprintf(stderr, "\n");
	}
	assert_int_equal(b->len, n);
	assert_memory_equal(b->p, want, n);
}

static void test_basic_types(void **state)
{
	(void)state;
	struct sk_dbus_buf b = {0};
	/* y, then u aligned to 4, s (len, bytes, NUL), t aligned to 8, g (byte len) */
	static const uint8_t want[] = {
	    0x01, 0,	0,    0,    0x44, 0x33, 0x22, 0x11, /* y 1, pad, u 0x11223344 */
	    0x02, 0,	0,    0,    'a',  'b',	0,    0,    /* s "ab", pad to 8 */
	    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* t */
	    0x02, 'a',	'y',  0,    0x01, 0,	0,    0,    /* g "ay", b true */
	};
	sk_dbus_put_u8(&b, 1);
	sk_dbus_put_u32(&b, 0x11223344);
	sk_dbus_put_str(&b, "ab");
	sk_dbus_put_u64(&b, 0x0102030405060708ull);
	sk_dbus_put_sig(&b, "ay");
	sk_dbus_put_bool(&b, true);
	assert_bytes(&b, want, sizeof(want));
	sk_dbus_buf_free(&b);
}

/* The StartTransientUnit shape "ssa(sv)a(sa(sv))" with one property and no aux units: the
 * empty array still pads to its element alignment after the length. */
static void test_transient_unit_body(void **state)
{
	(void)state;
	struct sk_dbus_buf b = {0};
	struct sk_dbus_arr props;
	static const uint8_t want[] = {
	    1,	0, 0, 0, 'u', 0, 0, 0,	 /* s "u" + pad */
	    1,	0, 0, 0, 'r', 0, 0, 0,	 /* s "r" + pad */
	    16, 0, 0, 0, 0,   0, 0, 0,	 /* a(sv): 16 bytes, pad to 8 */
	    1,	0, 0, 0, 'D', 0, 1, 'b', /* ( s "D", g "b" */
	    0,	0, 0, 0, 1,   0, 0, 0,	 /*   NUL, pad, b true ) */
	    0,	0, 0, 0, 0,   0, 0, 0,	 /* a(sa(sv)): 0 bytes, pad to 8 */
	};
	sk_dbus_put_str(&b, "u");
	sk_dbus_put_str(&b, "r");
	props = sk_dbus_array_begin(&b, 8);
	sk_dbus_struct_begin(&b);
	sk_dbus_put_str(&b, "D");
	sk_dbus_put_sig(&b, "b");
	sk_dbus_put_bool(&b, true);
	sk_dbus_array_end(&b, props);
	sk_dbus_array_end(&b, sk_dbus_array_begin(&b, 8));
	assert_bytes(&b, want, sizeof(want));

	/* the reader walks the same value by its signature */
	struct sk_dbus_rd r = {.p = b.p, .len = b.len};
	const char *sig = "ssa(sv)a(sa(sv))";
	while (*sig)
		sk_dbus_skip(&r, &sig);
	assert_false(r.bad);
	assert_int_equal(r.pos, sizeof(want));
	sk_dbus_buf_free(&b);
}

static void test_method_call(void **state)
{
	(void)state;
	struct sk_dbus_buf b = {0};
	struct sk_err err = {0};
	static const uint8_t want[] = {
	    'l', 1,   0,   1, 0,  0, 0, 0, /* little-endian call, v1, no body */
	    1,	 0,   0,   0, 27, 0, 0, 0, /* serial 1, fields: 27 bytes */
	    1,	 1,   'o', 0, 1,  0, 0, 0, /* PATH: o "/" */
	    '/', 0,   0,   0, 0,  0, 0, 0, /* pad to 8 */
	    3,	 1,   's', 0, 2,  0, 0, 0, /* MEMBER: s "Hi" */
	    'H', 'i', 0,   0, 0,  0, 0, 0, /* header padded to 8 */
	};
	assert_int_equal(sk_dbus_msg_call(&b, 1, NULL, "/", NULL, "Hi", NULL, NULL, &err), 0);
	assert_bytes(&b, want, sizeof(want));

	/* and it parses back */
	struct sk_dbus_msg m;
	uint8_t *copy = malloc(b.len);
	memcpy(copy, b.p, b.len);
	assert_int_equal(sk_dbus_msg_parse(copy, b.len, &m, &err), 0);
	assert_int_equal(m.type, SK_DBUS_CALL);
	assert_int_equal(m.serial, 1);
	assert_string_equal(m.path, "/");
	assert_string_equal(m.member, "Hi");
	assert_null(m.iface);
	assert_string_equal(m.signature, "");
	assert_int_equal(m.body_len, 0);
	sk_dbus_msg_clear(&m);
	sk_dbus_buf_free(&b);
}

/* A method return with reply serial 5 and one object path, as systemd sends for a job. */
static const uint8_t reply_msg[] = {
    'l', 2, 1,	 1, 9,	 0,   0,   0,	   /* return, flags 1, body 9 bytes */
    7,	 0, 0,	 0, 15,	 0,   0,   0,	   /* serial 7, fields: 15 bytes */
    5,	 1, 'u', 0, 5,	 0,   0,   0,	   /* REPLY_SERIAL: u 5 */
    8,	 1, 'g', 0, 1,	 'o', 0,   0,	   /* SIGNATURE: g "o", pad */
    4,	 0, 0,	 0, '/', 'j', '/', '1', 0, /* body: o "/j/1" */
};

static void test_parse_reply(void **state)
{
	(void)state;
	struct sk_dbus_msg m;
	struct sk_err err = {0};
	uint8_t *buf = malloc(sizeof(reply_msg));

	memcpy(buf, reply_msg, sizeof(reply_msg));
	assert_int_equal(sk_dbus_msg_size(reply_msg, &err), sizeof(reply_msg));
	assert_int_equal(sk_dbus_msg_parse(buf, sizeof(reply_msg), &m, &err), 0);
	assert_int_equal(m.type, SK_DBUS_RETURN);
	assert_int_equal(m.flags, 1);
	assert_int_equal(m.serial, 7);
	assert_int_equal(m.reply_serial, 5);
	assert_string_equal(m.signature, "o");
	assert_int_equal(m.body_len, 9);
	struct sk_dbus_rd r = {.p = m.body, .len = m.body_len};
	assert_string_equal(sk_dbus_get_str(&r), "/j/1");
	assert_false(r.bad);
	sk_dbus_get_u32(&r); /* past the end */
	assert_true(r.bad);
	sk_dbus_msg_clear(&m);
}

static int parse_copy(const uint8_t *p, size_t n, struct sk_err *err)
{
	struct sk_dbus_msg m;
	uint8_t *buf = malloc(n);
	memcpy(buf, p, n);
	int r = sk_dbus_msg_parse(buf, n, &m, err);
	sk_dbus_msg_clear(&m);
	return r;
}

static void test_parse_bad(void **state)
{
	(void)state;
	uint8_t bad[sizeof(reply_msg)];
	struct sk_err err = {0};

	/* one byte short */
	assert_int_equal(parse_copy(reply_msg, sizeof(reply_msg) - 1, &err), -1);
	sk_err_clear(&err);
	/* big-endian is refused with a clear message */
	memcpy(bad, reply_msg, sizeof(bad));
	bad[0] = 'B';
	assert_int_equal(parse_copy(bad, sizeof(bad), &err), -1);
	assert_non_null(strstr(err.msg, "big-endian"));
	sk_err_clear(&err);
	/* the signature field lost its NUL */
	memcpy(bad, reply_msg, sizeof(bad));
	bad[30] = 'x';
	assert_int_equal(parse_copy(bad, sizeof(bad), &err), -1);
	assert_non_null(strstr(err.msg, "header fields"));
	sk_err_clear(&err);
	/* a return without a reply serial */
	memcpy(bad, reply_msg, sizeof(bad));
	bad[16] = 9; /* the field becomes UNIX_FDS, unknown here: skipped */
	assert_int_equal(parse_copy(bad, sizeof(bad), &err), -1);
	assert_non_null(strstr(err.msg, "reply serial"));
	sk_err_clear(&err);
	/* a string length that runs past the end */
	memcpy(bad, reply_msg, sizeof(bad));
	bad[12] = 200;
	assert_int_equal(parse_copy(bad, sizeof(bad), &err), -1);
	sk_err_clear(&err);
}

static void test_skip_variants(void **state)
{
	(void)state;
	struct sk_dbus_buf b = {0};
	struct sk_dbus_arr a;
	/* a{sv} with a nested variant holding "(tt)" then an "as" */
	a = sk_dbus_array_begin(&b, 8);
	sk_dbus_struct_begin(&b);
	sk_dbus_put_str(&b, "k");
	sk_dbus_put_sig(&b, "(tt)");
	sk_dbus_struct_begin(&b);
	sk_dbus_put_u64(&b, 1);
	sk_dbus_put_u64(&b, 2);
	sk_dbus_array_end(&b, a);
	struct sk_dbus_arr s = sk_dbus_array_begin(&b, 4);
	sk_dbus_put_str(&b, "x");
	sk_dbus_put_str(&b, "yz");
	sk_dbus_array_end(&b, s);
	sk_dbus_put_u32(&b, 42);

	struct sk_dbus_rd r = {.p = b.p, .len = b.len};
	const char *sig = "a{sv}asu";
	sk_dbus_skip(&r, &sig);
	sk_dbus_skip(&r, &sig);
	assert_int_equal(sk_dbus_get_u32(&r), 42);
	assert_false(r.bad);
	assert_string_equal(sig, "u");
	/* an unbalanced signature is an error, not a crash */
	r = (struct sk_dbus_rd){.p = b.p, .len = b.len};
	sig = "a(sv";
	sk_dbus_skip(&r, &sig);
	assert_true(r.bad);
	sk_dbus_buf_free(&b);
}

/* ---- a conversation with a scripted peer ---- */

struct peer {
	int fd;
	char auth[256];
	char member[64], sig[64];
};

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	struct sk_dbus_msg m;

	snprintf(p->auth, sizeof(p->auth), "%s", fake_auth(p->fd));
	fake_recv(p->fd, &m);
	snprintf(p->member, sizeof(p->member), "%s", m.member);
	snprintf(p->sig, sizeof(p->sig), "%s", m.signature);
	/* a signal first: the client keeps it for later */
	fake_job_removed(p->fd, 3, "/job/3", "x.scope", "done");
	fake_error(p->fd, m.serial, "org.freedesktop.systemd1.NoSuchUnit",
		   "Unit x.scope not loaded.");
	sk_dbus_msg_clear(&m);
	return NULL;
}

static void test_call_error_and_queue(void **state)
{
	(void)state;
	int sv[2];
	pthread_t t;
	struct peer p = {0};
	struct sk_dbus *c = NULL;
	struct sk_dbus_msg m = {0};
	struct sk_dbus_buf body = {0};
	struct sk_err err = {0};
	char want[64] = "AUTH EXTERNAL ";
	char uid[16];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	p.fd = sv[1];
	assert_int_equal(pthread_create(&t, NULL, peer_main, &p), 0);
	assert_int_equal(sk_dbus_open_fd(sv[0], false, 5000, &c, &err), 0);
	sk_dbus_put_str(&body, "x.scope");
	sk_dbus_put_str(&body, "replace");
	assert_int_equal(sk_dbus_call(c, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				      "org.freedesktop.systemd1.Manager", "StopUnit", "ss", &body,
				      5000, &m, &err),
			 -1);
	assert_int_equal(m.type, SK_DBUS_ERROR);
	assert_string_equal(m.error_name, "org.freedesktop.systemd1.NoSuchUnit");
	assert_string_equal(err.msg,
			    "D-Bus StopUnit: org.freedesktop.systemd1.NoSuchUnit: Unit x.scope "
			    "not loaded.");
	sk_dbus_msg_clear(&m);
	sk_err_clear(&err);
	pthread_join(t, NULL);
	/* the auth line is the euid's decimal text in hex */
	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	for (size_t i = 0; uid[i]; i++)
		snprintf(want + strlen(want), 3, "%02x", (unsigned char)uid[i]);
	strcat(want, "\r\n");
	assert_string_equal(p.auth, want);
	assert_string_equal(p.member, "StopUnit");
	assert_string_equal(p.sig, "ss");
	/* the signal that came before the reply is still there; then the peer is gone */
	assert_int_equal(sk_dbus_wait_signal(c, "org.freedesktop.systemd1.Manager", "JobRemoved",
					     sk_dbus_now_ms() + 1000, &m, &err),
			 1);
	assert_string_equal(m.signature, "uoss");
	sk_dbus_msg_clear(&m);
	close(sv[1]);
	assert_int_equal(sk_dbus_wait_signal(c, "org.freedesktop.systemd1.Manager", "JobRemoved",
					     sk_dbus_now_ms() + 1000, &m, &err),
			 -1);
	assert_non_null(strstr(err.msg, "closed by the peer"));
	sk_err_clear(&err);
	sk_dbus_buf_free(&body);
	sk_dbus_close(c);
}

static void test_call_timeout(void **state)
{
	(void)state;
	int sv[2];
	struct sk_dbus *c = NULL;
	struct sk_err err = {0};
	const char ok[] = "OK 0123456789abcdef0123456789abcdef\r\n";

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	/* the peer answers auth (written ahead) and then never replies */
	fake_write(sv[1], ok, strlen(ok));
	assert_int_equal(sk_dbus_open_fd(sv[0], false, 1000, &c, &err), 0);
	assert_int_equal(sk_dbus_call(c, "d", "/", "i", "Ping", NULL, NULL, 200, NULL, &err), -1);
	assert_int_equal(err.errnum, ETIMEDOUT);
	assert_non_null(strstr(err.msg, "D-Bus call Ping: no reply within 200 ms"));
	sk_err_clear(&err);
	sk_dbus_close(c);
	close(sv[1]);
}

static void test_auth_refused(void **state)
{
	(void)state;
	int sv[2];
	struct sk_dbus *c = NULL;
	struct sk_err err = {0};
	const char no[] = "REJECTED EXTERNAL\r\n";

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fake_write(sv[1], no, strlen(no));
	assert_int_equal(sk_dbus_open_fd(sv[0], false, 1000, &c, &err), -1);
	assert_null(c);
	assert_non_null(strstr(err.msg, "D-Bus auth refused: REJECTED EXTERNAL"));
	sk_err_clear(&err);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_types),
	    cmocka_unit_test(test_transient_unit_body),
	    cmocka_unit_test(test_method_call),
	    cmocka_unit_test(test_parse_reply),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_skip_variants),
	    cmocka_unit_test(test_call_error_and_queue),
	    cmocka_unit_test(test_call_timeout),
	    cmocka_unit_test(test_auth_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
