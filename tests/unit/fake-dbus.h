/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scripted D-Bus peer for unit tests (test-dbus.c, test-cgroup-systemd.c): the server half
 * of EXTERNAL auth, reading a client's messages and sending replies, errors and signals, on
 * one end of a socketpair that a test thread drives.
 */
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "dbus.h"

static inline void fake_write(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		abort();
}

static inline void fake_read(int fd, void *p, size_t n)
{
	uint8_t *b = p;
	while (n > 0) {
		ssize_t r = read(fd, b, n);
		if (r <= 0)
			abort();
		b += r;
		n -= (size_t)r;
	}
}

/* The server side of auth; returns the AUTH line the client sent (static storage). */
static inline const char *fake_auth(int fd)
{
	static char line[256];
	size_t n = 0;
	char c;

	fake_read(fd, &c, 1);
	if (c != '\0')
		abort();
	while (n < sizeof(line) - 1) {
		fake_read(fd, &line[n], 1);
		if (line[n++] == '\n')
			break;
	}
	line[n] = '\0';
	fake_write(fd, "OK 0123456789abcdef0123456789abcdef\r\n", 37);
	char begin[7];
	fake_read(fd, begin, 7);
	if (memcmp(begin, "BEGIN\r\n", 7) != 0)
		abort();
	return line;
}

static inline int fake_recv(int fd, struct sk_dbus_msg *m)
{
	uint8_t hdr[16];
	struct sk_err err = {0};
	ssize_t size;
	uint8_t *buf;

	fake_read(fd, hdr, 16);
	size = sk_dbus_msg_size(hdr, &err);
	if (size < 0)
		abort();
	buf = malloc((size_t)size);
	memcpy(buf, hdr, 16);
	fake_read(fd, buf + 16, (size_t)size - 16);
	if (sk_dbus_msg_parse(buf, (size_t)size, m, &err) < 0) {
		fprintf(stderr, "fake_recv: %s\n", err.msg);
		abort();
	}
	return 0;
}

static inline void fake_field(struct sk_dbus_buf *h, uint8_t code, const char *type, const char *v)
{
	sk_dbus_struct_begin(h);
	sk_dbus_put_u8(h, code);
	sk_dbus_put_sig(h, type);
	if (type[0] == 'g')
		sk_dbus_put_sig(h, v);
	else
		sk_dbus_put_str(h, v);
}

struct fake_msg {
	uint8_t type;
	uint32_t serial, reply_serial;
	const char *path, *iface, *member, *error_name, *sig;
	const struct sk_dbus_buf *body;
};

static inline void fake_send(int fd, const struct fake_msg *f)
{
	struct sk_dbus_buf h = {0};
	struct sk_dbus_arr a;
	size_t body_len = f->body ? f->body->len : 0;

	sk_dbus_put_u8(&h, 'l');
	sk_dbus_put_u8(&h, f->type);
	sk_dbus_put_u8(&h, 0);
	sk_dbus_put_u8(&h, 1);
	sk_dbus_put_u32(&h, (uint32_t)body_len);
	sk_dbus_put_u32(&h, f->serial);
	a = sk_dbus_array_begin(&h, 8);
	if (f->path)
		fake_field(&h, 1, "o", f->path);
	if (f->iface)
		fake_field(&h, 2, "s", f->iface);
	if (f->member)
		fake_field(&h, 3, "s", f->member);
	if (f->error_name)
		fake_field(&h, 4, "s", f->error_name);
	if (f->reply_serial) {
		sk_dbus_struct_begin(&h);
		sk_dbus_put_u8(&h, 5);
		sk_dbus_put_sig(&h, "u");
		sk_dbus_put_u32(&h, f->reply_serial);
	}
	if (f->sig)
		fake_field(&h, 8, "g", f->sig);
	sk_dbus_array_end(&h, a);
	sk_dbus_struct_begin(&h); /* pad to 8 */
	for (size_t i = 0; i < body_len; i++)
		sk_dbus_put_u8(&h, f->body->p[i]);
	fake_write(fd, h.p, h.len);
	sk_dbus_buf_free(&h);
}

/* A method return carrying one object path (a job). */
static inline void fake_reply_path(int fd, uint32_t reply_serial, const char *path)
{
	struct sk_dbus_buf b = {0};
	sk_dbus_put_str(&b, path);
	fake_send(fd, &(struct fake_msg){.type = SK_DBUS_RETURN,
					 .serial = 1000 + reply_serial,
					 .reply_serial = reply_serial,
					 .sig = "o",
					 .body = &b});
	sk_dbus_buf_free(&b);
}

static inline void fake_error(int fd, uint32_t reply_serial, const char *name, const char *text)
{
	struct sk_dbus_buf b = {0};
	sk_dbus_put_str(&b, text);
	fake_send(fd, &(struct fake_msg){.type = SK_DBUS_ERROR,
					 .serial = 1000 + reply_serial,
					 .reply_serial = reply_serial,
					 .error_name = name,
					 .sig = "s",
					 .body = &b});
	sk_dbus_buf_free(&b);
}

/* systemd's JobRemoved(u id, o job, s unit, s result). */
static inline void fake_job_removed(int fd, uint32_t id, const char *job, const char *unit,
				    const char *result)
{
	struct sk_dbus_buf b = {0};
	sk_dbus_put_u32(&b, id);
	sk_dbus_put_str(&b, job);
	sk_dbus_put_str(&b, unit);
	sk_dbus_put_str(&b, result);
	fake_send(fd, &(struct fake_msg){.type = SK_DBUS_SIGNAL,
					 .serial = 2000 + id,
					 .path = "/org/freedesktop/systemd1",
					 .iface = "org.freedesktop.systemd1.Manager",
					 .member = "JobRemoved",
					 .sig = "uoss",
					 .body = &b});
	sk_dbus_buf_free(&b);
}
