/* SPDX-License-Identifier: Apache-2.0 */
/* The sync protocol's wire format and typed send/expect (the table is in sync.h). */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cleanup.h"
#include "sync.h"

#define SYNC_TEXT_MAX 65536

static const char *const names[SYNC_MAX] = {
    [SYNC_GO] = "GO",
    [SYNC_MOUNT_FD] = "MOUNT_FD",
    [SYNC_USERNS_READY] = "USERNS_READY",
    [SYNC_USERNS_DONE] = "USERNS_DONE",
    [SYNC_PID] = "PID",
    [SYNC_PTY] = "PTY",
    [SYNC_HOOKS] = "HOOKS",
    [SYNC_HOOKS_DONE] = "HOOKS_DONE",
    [SYNC_SECCOMP] = "SECCOMP",
    [SYNC_READY] = "READY",
    [SYNC_ERROR] = "ERROR",
};

const char *sk_sync_name(enum sk_sync_type type)
{
	if ((unsigned)type < SYNC_MAX && names[type])
		return names[type];
	return "UNKNOWN";
}

int sk_sync_send(int sock, enum sk_sync_type type, int32_t value, const char *text, int fd,
		 struct sk_err *err)
{
	struct sk_sync_hdr hdr = {.type = (uint32_t)type, .value = value};
	size_t tlen = text ? strnlen(text, SYNC_TEXT_MAX) : 0;
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)text, tlen}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = tlen ? 2 : 1};

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return sk_fail(err, errno, "send %s to the sync socket",
				       sk_sync_name(type));
	}
	return 0;
}

int sk_sync_decode(const void *buf, size_t len, struct sk_sync_hdr *ret_hdr, const char **ret_text,
		   struct sk_err *err)
{
	if (len < sizeof(*ret_hdr))
		return sk_fail(err, EPROTO, "sync message of %zu bytes is too short", len);
	memcpy(ret_hdr, buf, sizeof(*ret_hdr));
	if (ret_hdr->type == 0 || ret_hdr->type >= SYNC_MAX)
		return sk_fail(err, EPROTO, "unknown sync message type %u", ret_hdr->type);
	if (ret_text)
		*ret_text = len > sizeof(*ret_hdr) ? (const char *)buf + sizeof(*ret_hdr) : "";
	return 0;
}

int sk_sync_recv(int sock, enum sk_sync_type *ret_type, int32_t *ret_value, int *ret_fd,
		 char **ret_text, struct sk_err *err)
{
	_cleanup_free_ char *buf = malloc(sizeof(struct sk_sync_hdr) + SYNC_TEXT_MAX + 1);
	union {
		char b[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {buf, sizeof(struct sk_sync_hdr) + SYNC_TEXT_MAX};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b)};
	struct sk_sync_hdr hdr;
	const char *text;
	int fd = -1;
	ssize_t n;

	if (!buf)
		return sk_fail(err, ENOMEM, "receive sync message");
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sk_fail(err, errno, "receive sync message");
	if (n == 0)
		return sk_fail(err, EPIPE, "container process exited during setup");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = f;
			else
				close(f);
		}
	}
	buf[n] = '\0';
	if (sk_sync_decode(buf, (size_t)n, &hdr, &text, err) < 0) {
		closep(&fd);
		return -1;
	}
	if (hdr.type == SYNC_ERROR) {
		closep(&fd);
		sk_fail(err, 0, "%s", text[0] ? text : "container setup failed");
		if (err)
			err->errnum = hdr.value;
		return -1;
	}
	if (ret_text && !(*ret_text = strdup(text))) {
		closep(&fd);
		return sk_fail(err, ENOMEM, "receive sync message");
	}
	if (ret_fd)
		*ret_fd = fd;
	else
		closep(&fd);
	*ret_type = (enum sk_sync_type)hdr.type;
	if (ret_value)
		*ret_value = hdr.value;
	return 0;
}

int sk_sync_expect(int sock, enum sk_sync_type type, int32_t *ret_value, int *ret_fd,
		   struct sk_err *err)
{
	enum sk_sync_type got;
	int fd = -1;

	if (sk_sync_recv(sock, &got, ret_value, &fd, NULL, err) < 0)
		return -1;
	if (got != type) {
		closep(&fd);
		return sk_fail(err, EPROTO, "sync: expected %s, got %s", sk_sync_name(type),
			       sk_sync_name(got));
	}
	if (ret_fd)
		*ret_fd = fd;
	else
		closep(&fd);
	return 0;
}

void sk_sync_send_error(int sock, const struct sk_err *err)
{
	sk_sync_send(sock, SYNC_ERROR, err->errnum, err->msg ? err->msg : "container setup failed",
		     -1, NULL);
}

int sk_sync_expect_text(int sock, enum sk_sync_type type, char **ret_text, struct sk_err *err)
{
	enum sk_sync_type got;
	_cleanup_free_ char *text = NULL;

	if (sk_sync_recv(sock, &got, NULL, NULL, &text, err) < 0)
		return -1;
	if (got != type)
		return sk_fail(err, EPROTO, "sync: expected %s, got %s", sk_sync_name(type),
			       sk_sync_name(got));
	*ret_text = TAKE_PTR(text);
	return 0;
}
