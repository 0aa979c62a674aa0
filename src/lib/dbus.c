/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal D-Bus client (see dbus.h): little-endian marshalling and parsing, EXTERNAL auth,
 * method calls with a deadline, and a queue of signals that arrive while a reply is awaited.
 * What the messages mean (systemd's units and jobs) lives in cgroup-systemd.c.
 */
#include "config.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "cleanup.h"
#include "dbus.h"

#define MSG_MAX	      (64u << 20) /* the spec allows 128 MiB; systemd's replies are tiny */
#define SIG_DEPTH_MAX 32
#define QUEUE_MAX     4096 /* signals kept while waiting; older ones are dropped past this */

enum {
	F_PATH = 1,
	F_INTERFACE = 2,
	F_MEMBER = 3,
	F_ERROR_NAME = 4,
	F_REPLY_SERIAL = 5,
	F_DESTINATION = 6,
	F_SENDER = 7,
	F_SIGNATURE = 8,
};

struct sk_dbus {
	int fd;
	uint32_t serial;
	struct sk_dbus_msg *queue; /* signals read while waiting for a reply */
	size_t n_queue;
};

/* ---- marshalling ---- */

void sk_dbus_buf_free(struct sk_dbus_buf *b)
{
	free(b->p);
	*b = (struct sk_dbus_buf){0};
}

static bool buf_reserve(struct sk_dbus_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->cap - b->len >= n)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void buf_put(struct sk_dbus_buf *b, const void *data, size_t n)
{
	/* n == 0 may come with an empty buffer (p == NULL): memcpy must not see it. */
	if (n == 0 || !buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void buf_align(struct sk_dbus_buf *b, size_t a)
{
	static const uint8_t zero[8];
	size_t pad = (a - b->len % a) % a;
	buf_put(b, zero, pad);
}

void sk_dbus_put_u8(struct sk_dbus_buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

void sk_dbus_put_u32(struct sk_dbus_buf *b, uint32_t v)
{
	uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	buf_align(b, 4);
	buf_put(b, le, 4);
}

void sk_dbus_put_bool(struct sk_dbus_buf *b, bool v)
{
	sk_dbus_put_u32(b, v ? 1 : 0);
}

void sk_dbus_put_u64(struct sk_dbus_buf *b, uint64_t v)
{
	uint8_t le[8];
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	buf_align(b, 8);
	buf_put(b, le, 8);
}

void sk_dbus_put_str(struct sk_dbus_buf *b, const char *s)
{
	size_t n = strlen(s);
	sk_dbus_put_u32(b, (uint32_t)n);
	buf_put(b, s, n + 1);
}

void sk_dbus_put_sig(struct sk_dbus_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (n > 255) {
		b->oom = true; /* not a valid signature: make the message fail */
		return;
	}
	sk_dbus_put_u8(b, (uint8_t)n);
	buf_put(b, s, n + 1);
}

void sk_dbus_struct_begin(struct sk_dbus_buf *b)
{
	buf_align(b, 8);
}

struct sk_dbus_arr sk_dbus_array_begin(struct sk_dbus_buf *b, size_t elem_align)
{
	struct sk_dbus_arr a;
	sk_dbus_put_u32(b, 0);
	a.len_off = b->len - 4;
	buf_align(b, elem_align);
	a.start = b->len;
	return a;
}

void sk_dbus_array_end(struct sk_dbus_buf *b, struct sk_dbus_arr a)
{
	uint32_t n = (uint32_t)(b->len - a.start);
	if (b->oom)
		return;
	for (int i = 0; i < 4; i++)
		b->p[a.len_off + i] = (uint8_t)(n >> (8 * i));
}

static void field_str(struct sk_dbus_buf *h, uint8_t code, const char *type, const char *v)
{
	if (!v)
		return;
	sk_dbus_struct_begin(h);
	sk_dbus_put_u8(h, code);
	sk_dbus_put_sig(h, type);
	if (strcmp(type, "g") == 0)
		sk_dbus_put_sig(h, v);
	else
		sk_dbus_put_str(h, v);
}

int sk_dbus_msg_call(struct sk_dbus_buf *out, uint32_t serial, const char *dest, const char *path,
		     const char *iface, const char *member, const char *sig,
		     const struct sk_dbus_buf *body, struct sk_err *err)
{
	size_t body_len = body ? body->len : 0;
	struct sk_dbus_arr fields;

	if ((body && body->oom) || body_len > MSG_MAX)
		return sk_fail(err, ENOMEM, "D-Bus call %s: build the message", member);
	sk_dbus_put_u8(out, 'l');
	sk_dbus_put_u8(out, SK_DBUS_CALL);
	sk_dbus_put_u8(out, 0); /* flags */
	sk_dbus_put_u8(out, 1); /* protocol version */
	sk_dbus_put_u32(out, (uint32_t)body_len);
	sk_dbus_put_u32(out, serial);
	fields = sk_dbus_array_begin(out, 8);
	field_str(out, F_PATH, "o", path);
	field_str(out, F_DESTINATION, "s", dest);
	field_str(out, F_INTERFACE, "s", iface);
	field_str(out, F_MEMBER, "s", member);
	if (sig && *sig)
		field_str(out, F_SIGNATURE, "g", sig);
	sk_dbus_array_end(out, fields);
	buf_align(out, 8);
	if (body_len)
		buf_put(out, body->p, body_len);
	if (out->oom)
		return sk_fail(err, ENOMEM, "D-Bus call %s: build the message", member);
	return 0;
}

/* ---- parsing ---- */

static bool rd_need(struct sk_dbus_rd *r, size_t align, size_t n)
{
	size_t pos = (r->pos + align - 1) / align * align;
	if (r->bad || pos > r->len || r->len - pos < n) {
		r->bad = true;
		return false;
	}
	r->pos = pos;
	return true;
}

uint8_t sk_dbus_get_u8(struct sk_dbus_rd *r)
{
	return rd_need(r, 1, 1) ? r->p[r->pos++] : 0;
}

uint32_t sk_dbus_get_u32(struct sk_dbus_rd *r)
{
	uint32_t v = 0;
	if (!rd_need(r, 4, 4))
		return 0;
	for (int i = 3; i >= 0; i--)
		v = (v << 8) | r->p[r->pos + (size_t)i];
	r->pos += 4;
	return v;
}

uint64_t sk_dbus_get_u64(struct sk_dbus_rd *r)
{
	uint64_t v = 0;
	if (!rd_need(r, 8, 8))
		return 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | r->p[r->pos + (size_t)i];
	r->pos += 8;
	return v;
}

/* n bytes of text and a NUL terminator, no NUL inside. */
static const char *rd_text(struct sk_dbus_rd *r, size_t n)
{
	const char *s;
	if (!rd_need(r, 1, n) || r->len - r->pos < n + 1 || r->p[r->pos + n] != '\0' ||
	    memchr(r->p + r->pos, '\0', n)) {
		r->bad = true;
		return "";
	}
	s = (const char *)r->p + r->pos;
	r->pos += n + 1;
	return s;
}

const char *sk_dbus_get_str(struct sk_dbus_rd *r)
{
	uint32_t n = sk_dbus_get_u32(r);
	return r->bad ? "" : rd_text(r, n);
}

const char *sk_dbus_get_sig(struct sk_dbus_rd *r)
{
	uint8_t n = sk_dbus_get_u8(r);
	return r->bad ? "" : rd_text(r, n);
}

static size_t type_align(char t)
{
	switch (t) {
	case 'y':
	case 'g':
	case 'v':
		return 1;
	case 'n':
	case 'q':
		return 2;
	case 'x':
	case 't':
	case 'd':
	case '(':
	case '{':
		return 8;
	default:
		return 4;
	}
}

/* Advances *sig past one complete type. */
static bool sig_next(const char **sig, int depth)
{
	char c = **sig;
	if (!c || depth > SIG_DEPTH_MAX)
		return false;
	(*sig)++;
	if (c == 'a')
		return sig_next(sig, depth + 1);
	if (c == '(' || c == '{') {
		char close = c == '(' ? ')' : '}';
		while (**sig && **sig != close)
			if (!sig_next(sig, depth + 1))
				return false;
		if (**sig != close)
			return false;
		(*sig)++;
		return true;
	}
	return strchr("ybnqiuxtdhsogv", c) != NULL;
}

static void skip_depth(struct sk_dbus_rd *r, const char **sig, int depth)
{
	const char *start = *sig;
	char c = **sig;

	if (r->bad || depth > SIG_DEPTH_MAX || !sig_next(sig, 0)) {
		r->bad = true;
		return;
	}
	switch (c) {
	case 'y':
		sk_dbus_get_u8(r);
		break;
	case 'n':
	case 'q':
		if (rd_need(r, 2, 2))
			r->pos += 2;
		break;
	case 'x':
	case 't':
	case 'd':
		sk_dbus_get_u64(r);
		break;
	case 's':
	case 'o':
		sk_dbus_get_str(r);
		break;
	case 'g':
		sk_dbus_get_sig(r);
		break;
	case 'v': {
		const char *vs = sk_dbus_get_sig(r);
		skip_depth(r, &vs, depth + 1);
		if (*vs)
			r->bad = true; /* a variant holds exactly one complete type */
		break;
	}
	case 'a': {
		uint32_t n = sk_dbus_get_u32(r);
		if (rd_need(r, type_align(start[1]), n))
			r->pos += n;
		break;
	}
	case '(':
	case '{': {
		const char *in = start + 1;
		rd_need(r, 8, 0);
		while (!r->bad && *in != ')' && *in != '}')
			skip_depth(r, &in, depth + 1);
		break;
	}
	default:
		sk_dbus_get_u32(r);
		break; /* b i u h */
	}
}

void sk_dbus_skip(struct sk_dbus_rd *r, const char **sig)
{
	skip_depth(r, sig, 0);
}

ssize_t sk_dbus_msg_size(const uint8_t hdr[16], struct sk_err *err)
{
	struct sk_dbus_rd r = {.p = hdr, .len = 16};
	uint64_t body, fields, total;

	if (hdr[0] != 'l')
		return sk_fail(err, EPROTO, "D-Bus message: %s byte order",
			       hdr[0] == 'B' ? "big-endian" : "unknown");
	if (hdr[3] != 1)
		return sk_fail(err, EPROTO, "D-Bus message: protocol version %u", hdr[3]);
	r.pos = 4;
	body = sk_dbus_get_u32(&r);
	sk_dbus_get_u32(&r); /* serial */
	fields = sk_dbus_get_u32(&r);
	total = (16 + fields + 7) / 8 * 8 + body;
	if (total > MSG_MAX)
		return sk_fail(err, EPROTO, "D-Bus message of %llu bytes is too large",
			       (unsigned long long)total);
	return (ssize_t)total;
}

static void msg_field(struct sk_dbus_msg *m, struct sk_dbus_rd *r, uint8_t code)
{
	const char *sig = sk_dbus_get_sig(r);
	const char **dst = NULL;

	switch (code) {
	case F_PATH:
		dst = &m->path;
		break;
	case F_INTERFACE:
		dst = &m->iface;
		break;
	case F_MEMBER:
		dst = &m->member;
		break;
	case F_ERROR_NAME:
		dst = &m->error_name;
		break;
	case F_DESTINATION:
		dst = &m->dest;
		break;
	case F_SENDER:
		dst = &m->sender;
		break;
	case F_SIGNATURE:
		if (strcmp(sig, "g") == 0) {
			m->signature = sk_dbus_get_sig(r);
			return;
		}
		break;
	case F_REPLY_SERIAL:
		if (strcmp(sig, "u") == 0) {
			m->reply_serial = sk_dbus_get_u32(r);
			return;
		}
		break;
	}
	if (dst && (strcmp(sig, "s") == 0 || strcmp(sig, "o") == 0)) {
		*dst = sk_dbus_get_str(r);
		return;
	}
	if (dst)
		r->bad = true; /* a known field with the wrong type */
	else
		sk_dbus_skip(r, &sig);
}

int sk_dbus_msg_parse(uint8_t *buf, size_t len, struct sk_dbus_msg *ret, struct sk_err *err)
{
	struct sk_dbus_rd r = {.p = buf, .len = len};
	uint32_t body_len, fields_len;
	size_t fields_end;

	ssize_t size;

	*ret = (struct sk_dbus_msg){.buf = buf};
	if (len < 16)
		return sk_fail(err, EPROTO, "D-Bus message: truncated header");
	size = sk_dbus_msg_size(buf, err);
	if (size < 0)
		return -1;
	if ((size_t)size != len)
		return sk_fail(err, EPROTO, "D-Bus message: %zu bytes, the header says %zd", len,
			       size);
	r.pos = 1;
	ret->type = sk_dbus_get_u8(&r);
	ret->flags = sk_dbus_get_u8(&r);
	r.pos = 4;
	body_len = sk_dbus_get_u32(&r);
	ret->serial = sk_dbus_get_u32(&r);
	fields_len = sk_dbus_get_u32(&r);
	fields_end = 16 + (size_t)fields_len;
	while (!r.bad && r.pos < fields_end) {
		rd_need(&r, 8, 0);
		if (r.pos >= fields_end)
			break;
		msg_field(ret, &r, sk_dbus_get_u8(&r));
	}
	if (r.bad || r.pos != fields_end)
		return sk_fail(err, EPROTO, "D-Bus message: bad header fields");
	ret->body = buf + (fields_end + 7) / 8 * 8;
	ret->body_len = body_len;
	if (ret->type < SK_DBUS_CALL || ret->type > SK_DBUS_SIGNAL)
		return sk_fail(err, EPROTO, "D-Bus message: type %u", ret->type);
	if ((ret->type == SK_DBUS_RETURN || ret->type == SK_DBUS_ERROR) && !ret->reply_serial)
		return sk_fail(err, EPROTO, "D-Bus reply without a reply serial");
	if (ret->type == SK_DBUS_SIGNAL && (!ret->iface || !ret->member || !ret->path))
		return sk_fail(err, EPROTO, "D-Bus signal without path, interface or member");
	if (!ret->signature)
		ret->signature = "";
	return 0;
}

void sk_dbus_msg_clear(struct sk_dbus_msg *m)
{
	free(m->buf);
	*m = (struct sk_dbus_msg){0};
}

/* ---- connection ---- */

int64_t sk_dbus_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until fd is ready for events or the deadline passes (ETIMEDOUT). */
static int wait_fd(int fd, short events, int64_t deadline, struct sk_err *err)
{
	for (;;) {
		int64_t left = deadline - sk_dbus_now_ms();
		struct pollfd p = {.fd = fd, .events = events};
		int n;

		if (left <= 0)
			return sk_fail(err, ETIMEDOUT, "D-Bus socket");
		n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n < 0 && errno != EINTR)
			return sk_fail(err, errno, "poll the D-Bus socket");
		if (n > 0)
			return 0;
	}
}

static int write_all(int fd, const void *data, size_t len, int64_t deadline, struct sk_err *err)
{
	const uint8_t *p = data;
	while (len > 0) {
		ssize_t n;
		if (wait_fd(fd, POLLOUT, deadline, err) < 0)
			return -1;
		n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return sk_fail(err, errno, "write to the D-Bus socket");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *data, size_t len, int64_t deadline, struct sk_err *err)
{
	uint8_t *p = data;
	while (len > 0) {
		ssize_t n;
		if (wait_fd(fd, POLLIN, deadline, err) < 0)
			return -1;
		n = recv(fd, p, len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return sk_fail(err, errno, "read from the D-Bus socket");
		if (n == 0)
			return sk_fail(err, ECONNRESET,
				       "read from the D-Bus socket: closed by the peer");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_msg(struct sk_dbus *c, int64_t deadline, struct sk_dbus_msg *ret,
		    struct sk_err *err)
{
	uint8_t hdr[16];
	_cleanup_free_ uint8_t *buf = NULL;
	ssize_t size;

	if (read_all(c->fd, hdr, sizeof(hdr), deadline, err) < 0)
		return -1;
	size = sk_dbus_msg_size(hdr, err);
	if (size < 0)
		return -1;
	buf = malloc((size_t)size);
	if (!buf)
		return sk_fail(err, ENOMEM, "read a D-Bus message");
	memcpy(buf, hdr, sizeof(hdr));
	if (read_all(c->fd, buf + 16, (size_t)size - 16, deadline, err) < 0)
		return -1;
	return sk_dbus_msg_parse(TAKE_PTR(buf), (size_t)size, ret, err);
}

/* EXTERNAL auth for our euid: "AUTH EXTERNAL <the uid's decimal text, hex-encoded>".
 * BEGIN goes out with AUTH (pipelined, as sd-bus clients do): a first message sent right after
 * a separate BEGIN can reach systemd's private socket in the same read as the BEGIN, and
 * systemd 252 then leaves it unprocessed until more data arrives (seen as a StopUnit that got
 * no reply). */
static int auth(int fd, int64_t deadline, struct sk_err *err)
{
	char uid[16], hex[2 * sizeof(uid) + 1] = "", line[128];
	_cleanup_free_ char *msg = NULL;
	int len = snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	size_t n = 0;

	for (int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uid[i]);
	/* the protocol starts with one NUL byte */
	if (asprintf(&msg, "%cAUTH EXTERNAL %s\r\nBEGIN\r\n", 0, hex) < 0)
		return sk_fail(err, ENOMEM, "D-Bus auth");
	if (write_all(fd, msg, 1 + strlen(msg + 1), deadline, err) < 0)
		return sk_wrap(err, "D-Bus auth");
	/* byte by byte: nothing after the line may be consumed here */
	while (n < sizeof(line) - 1) {
		if (read_all(fd, line + n, 1, deadline, err) < 0)
			return sk_wrap(err, "D-Bus auth");
		if (line[n++] == '\n')
			break;
	}
	line[n] = '\0';
	if (strncmp(line, "OK ", 3) != 0) {
		line[strcspn(line, "\r\n")] = '\0';
		return sk_fail(err, EACCES, "D-Bus auth refused: %s", line);
	}
	return 0;
}

void sk_dbus_close(struct sk_dbus *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_queue; i++)
		sk_dbus_msg_clear(&c->queue[i]);
	free(c->queue);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

int sk_dbus_open_fd(int fd, bool bus, int timeout_ms, struct sk_dbus **ret, struct sk_err *err)
{
	_cleanup_(sk_dbus_closep) struct sk_dbus *c = calloc(1, sizeof(*c));
	int64_t deadline = sk_dbus_now_ms() + timeout_ms;

	if (!c) {
		close(fd);
		return sk_fail(err, ENOMEM, "D-Bus connection");
	}
	c->fd = fd;
	if (auth(fd, deadline, err) < 0)
		return -1;
	if (bus &&
	    sk_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
			 "Hello", NULL, NULL, timeout_ms, NULL, err) < 0)
		return -1;
	*ret = TAKE_PTR(c);
	return 0;
}

int sk_dbus_connect(const char *socket_path, bool bus, int timeout_ms, struct sk_dbus **ret,
		    struct sk_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return sk_fail(err, ENAMETOOLONG, "D-Bus socket %s", socket_path);
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sk_fail(err, errno, "socket for %s", socket_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return sk_fail(err, e, "connect to %s", socket_path);
	}
	if (sk_dbus_open_fd(fd, bus, timeout_ms, ret, err) < 0)
		return sk_wrap(err, "%s", socket_path);
	return 0;
}

static void queue_signal(struct sk_dbus *c, struct sk_dbus_msg *m)
{
	struct sk_dbus_msg *q;

	if (c->n_queue >= QUEUE_MAX) {
		sk_dbus_msg_clear(&c->queue[0]);
		memmove(c->queue, c->queue + 1, (c->n_queue - 1) * sizeof(*c->queue));
		c->n_queue--;
	}
	q = realloc(c->queue, (c->n_queue + 1) * sizeof(*q));
	if (!q) {
		sk_dbus_msg_clear(m);
		return;
	}
	c->queue = q;
	c->queue[c->n_queue++] = *m;
	*m = (struct sk_dbus_msg){0};
}

static int reply_error(struct sk_dbus_msg *m, const char *member, struct sk_err *err)
{
	struct sk_dbus_rd r = {.p = m->body, .len = m->body_len};
	const char *text = m->signature[0] == 's' ? sk_dbus_get_str(&r) : "";
	return sk_fail(err, 0, "D-Bus %s: %s%s%s", member, m->error_name ? m->error_name : "error",
		       *text ? ": " : "", text);
}

int sk_dbus_call(struct sk_dbus *c, const char *dest, const char *path, const char *iface,
		 const char *member, const char *sig, const struct sk_dbus_buf *body,
		 int timeout_ms, struct sk_dbus_msg *ret, struct sk_err *err)
{
	struct sk_dbus_buf out = {0};
	int64_t deadline = sk_dbus_now_ms() + timeout_ms;
	uint32_t serial = ++c->serial ? c->serial : ++c->serial;
	int r;

	r = sk_dbus_msg_call(&out, serial, dest, path, iface, member, sig, body, err);
	if (r == 0)
		r = write_all(c->fd, out.p, out.len, deadline, err);
	sk_dbus_buf_free(&out);
	if (r < 0)
		return sk_wrap(err, "D-Bus call %s", member);
	for (;;) {
		struct sk_dbus_msg m = {0};
		if (read_msg(c, deadline, &m, err) < 0) {
			sk_dbus_msg_clear(&m);
			if (err->errnum != ETIMEDOUT)
				return sk_wrap(err, "D-Bus call %s", member);
			sk_err_clear(err);
			return sk_fail(err, ETIMEDOUT, "D-Bus call %s: no reply within %d ms",
				       member, timeout_ms);
		}
		if (m.type == SK_DBUS_SIGNAL) {
			queue_signal(c, &m);
			continue;
		}
		if ((m.type != SK_DBUS_RETURN && m.type != SK_DBUS_ERROR) ||
		    m.reply_serial != serial) {
			sk_dbus_msg_clear(&m); /* calls to us, and stale replies */
			continue;
		}
		r = m.type == SK_DBUS_ERROR ? reply_error(&m, member, err) : 0;
		if (ret)
			*ret = m;
		else
			sk_dbus_msg_clear(&m);
		return r;
	}
}

static bool is_signal(const struct sk_dbus_msg *m, const char *iface, const char *member)
{
	return m->type == SK_DBUS_SIGNAL && strcmp(m->iface, iface) == 0 &&
	       strcmp(m->member, member) == 0;
}

int sk_dbus_wait_signal(struct sk_dbus *c, const char *iface, const char *member,
			int64_t deadline_ms, struct sk_dbus_msg *ret, struct sk_err *err)
{
	for (size_t i = 0; i < c->n_queue; i++) {
		if (!is_signal(&c->queue[i], iface, member))
			continue;
		*ret = c->queue[i];
		memmove(c->queue + i, c->queue + i + 1, (c->n_queue - i - 1) * sizeof(*c->queue));
		c->n_queue--;
		return 1;
	}
	for (;;) {
		struct sk_dbus_msg m = {0};
		if (read_msg(c, deadline_ms, &m, err) < 0) {
			sk_dbus_msg_clear(&m);
			if (err->errnum == ETIMEDOUT) {
				sk_err_clear(err);
				return 0;
			}
			return sk_wrap(err, "wait for D-Bus signal %s", member);
		}
		if (is_signal(&m, iface, member)) {
			*ret = m;
			return 1;
		}
		sk_dbus_msg_clear(&m);
	}
}
