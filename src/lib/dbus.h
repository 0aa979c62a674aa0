/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal D-Bus client, enough for the systemd cgroup driver to call systemd's Manager and
 * wait for its signals: the little-endian wire format (marshalling and parsing), EXTERNAL auth
 * over a unix socket, method calls with a timeout, and a queue of the signals that arrive
 * meanwhile. It links statically (libsystemd cannot), so the static skiff has the driver too.
 * Not a general D-Bus library: no fd passing, no big-endian messages, no server side.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"

enum { SK_DBUS_CALL = 1, SK_DBUS_RETURN = 2, SK_DBUS_ERROR = 3, SK_DBUS_SIGNAL = 4 };

/* ---- marshalling ----
 * A growing buffer in D-Bus little-endian wire format. Offsets count from the start of the
 * message body, which a message places 8-aligned, so alignment inside the buffer is the
 * alignment on the wire. A failed allocation sets oom and makes later writes no-ops. */
struct sk_dbus_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

struct sk_dbus_arr {
	size_t len_off, start;
};

void sk_dbus_buf_free(struct sk_dbus_buf *b);
void sk_dbus_put_u8(struct sk_dbus_buf *b, uint8_t v);	    /* y */
void sk_dbus_put_bool(struct sk_dbus_buf *b, bool v);	    /* b */
void sk_dbus_put_u32(struct sk_dbus_buf *b, uint32_t v);    /* u (i: cast) */
void sk_dbus_put_u64(struct sk_dbus_buf *b, uint64_t v);    /* t (x: cast) */
void sk_dbus_put_str(struct sk_dbus_buf *b, const char *s); /* s and o */
void sk_dbus_put_sig(struct sk_dbus_buf *b, const char *s); /* g, and a variant's type */
void sk_dbus_struct_begin(struct sk_dbus_buf *b);	    /* ( and { : 8-aligned */
/* a<T>: elem_align is T's alignment (1 y, 4 u s o, 8 t ( {). Padding to it follows the length
 * even for an empty array. */
struct sk_dbus_arr sk_dbus_array_begin(struct sk_dbus_buf *b, size_t elem_align);
void sk_dbus_array_end(struct sk_dbus_buf *b, struct sk_dbus_arr a);

/* A whole method call message (header fields, padding, body) into out. body may be NULL. */
int sk_dbus_msg_call(struct sk_dbus_buf *out, uint32_t serial, const char *dest, const char *path,
		     const char *iface, const char *member, const char *sig,
		     const struct sk_dbus_buf *body, struct sk_err *err);

/* ---- parsing ---- */
struct sk_dbus_msg {
	uint8_t type, flags;
	uint32_t serial, reply_serial;
	/* NULL when absent; they point into buf */
	const char *path, *iface, *member, *error_name, *dest, *sender, *signature;
	const uint8_t *body;
	size_t body_len;
	uint8_t *buf; /* owned */
};

/* The total size of the message whose first 16 bytes are hdr; -1 if they are not a message
 * this client reads (big-endian, other protocol version, too large). */
ssize_t sk_dbus_msg_size(const uint8_t hdr[16], struct sk_err *err);
/* Parses a whole message and takes ownership of buf (freed by sk_dbus_msg_clear even on
 * failure). */
int sk_dbus_msg_parse(uint8_t *buf, size_t len, struct sk_dbus_msg *ret, struct sk_err *err);
void sk_dbus_msg_clear(struct sk_dbus_msg *m);

/* Reads a body. Any out-of-bounds or malformed read sets bad and returns 0 / "". */
struct sk_dbus_rd {
	const uint8_t *p;
	size_t len, pos;
	bool bad;
};
uint8_t sk_dbus_get_u8(struct sk_dbus_rd *r);
uint32_t sk_dbus_get_u32(struct sk_dbus_rd *r);
uint64_t sk_dbus_get_u64(struct sk_dbus_rd *r);
const char *sk_dbus_get_str(struct sk_dbus_rd *r); /* s and o */
const char *sk_dbus_get_sig(struct sk_dbus_rd *r);
/* Skips one complete value of the type that starts *sig, and advances *sig past it. */
void sk_dbus_skip(struct sk_dbus_rd *r, const char **sig);

/* ---- connection ---- */
struct sk_dbus;

/* Connects to a unix socket and authenticates (EXTERNAL, our euid). bus: the peer is a bus
 * daemon (send Hello); false for a peer-to-peer socket such as systemd's /run/systemd/private. */
int sk_dbus_connect(const char *socket_path, bool bus, int timeout_ms, struct sk_dbus **ret,
		    struct sk_err *err);
/* The same on a connected fd (taken over, closed by sk_dbus_close even on failure). */
int sk_dbus_open_fd(int fd, bool bus, int timeout_ms, struct sk_dbus **ret, struct sk_err *err);
void sk_dbus_close(struct sk_dbus *c);
static inline void sk_dbus_closep(struct sk_dbus **c)
{
	sk_dbus_close(*c);
}

/* Calls a method and waits up to timeout_ms for its reply. 0: *ret is the method return.
 * -1: err is set; when the peer answered with an error, *ret holds it (ret->type is
 * SK_DBUS_ERROR, ret->error_name the D-Bus error) and err says "name: message". Signals that
 * arrive meanwhile are queued for sk_dbus_wait_signal. ret may be NULL. */
int sk_dbus_call(struct sk_dbus *c, const char *dest, const char *path, const char *iface,
		 const char *member, const char *sig, const struct sk_dbus_buf *body,
		 int timeout_ms, struct sk_dbus_msg *ret, struct sk_err *err);
/* The next signal iface.member (queued first), waiting until the CLOCK_MONOTONIC deadline in
 * ms. 1: *ret is the signal; 0: timed out; -1: error. */
int sk_dbus_wait_signal(struct sk_dbus *c, const char *iface, const char *member,
			int64_t deadline_ms, struct sk_dbus_msg *ret, struct sk_err *err);
int64_t sk_dbus_now_ms(void);
