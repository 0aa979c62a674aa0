/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parent <-> container-process protocol, over a SOCK_SEQPACKET socketpair: one message per
 * packet, a fixed header plus an optional text payload and an optional passed fd. The whole
 * protocol is this table; a step that is not needed (no user namespace, no hooks, no terminal)
 * is not sent at all.
 *
 *   parent                                   child
 *   clone3 --------------------------------> enters its v1 cgroups itself ("0" into tasks,
 *                                            no user ns or stage), waits for GO
 *   (writes uid/gid maps, enters the cgroups left)
 *   MOUNT_FD x N (idmapped mount trees) ---->
 *   GO ------------------------------------> [stage path: setns/unshare]
 *                                   <------- USERNS_READY (unshared a user ns itself)
 *   writes maps, MOUNT_FD x N, USERNS_DONE ->
 *                                   <------- PID (stage path: host pid of the forked init)
 *                                   <------- PTY + master fd (terminal)
 *                                   <------- HOOKS (mounts done, before pivot_root)
 *   runs prestart + createRuntime
 *   HOOKS_DONE ---------------------------->  createContainer hooks, pivot, process setup
 *                                   <------- SECCOMP + notify fd (SCMP_ACT_NOTIFY profiles)
 *   sends it to listenerPath
 *                                   <------- READY (blocks on exec.fifo until `start`)
 *   ERROR (text, errno) may come from the child at any step; EOF means it died.
 */
#pragma once
#include <stdint.h>
#include "error.h"

enum sk_sync_type {
	SYNC_GO = 1,
	SYNC_MOUNT_FD,
	SYNC_USERNS_READY,
	SYNC_USERNS_DONE,
	SYNC_PID,
	SYNC_PTY,
	SYNC_HOOKS,
	SYNC_HOOKS_DONE,
	SYNC_SECCOMP,
	SYNC_READY,
	SYNC_ERROR,
	SYNC_MAX,
};

struct sk_sync_hdr {
	uint32_t type;
	int32_t value; /* pid for SYNC_PID, errno for SYNC_ERROR */
};

/* Sends one message; fd < 0 sends none; text may be NULL. */
int sk_sync_send(int sock, enum sk_sync_type type, int32_t value, const char *text, int fd,
		 struct sk_err *err);
/* Receives the next message and requires it to be `type`. A SYNC_ERROR from the peer becomes
 * err (its text and errno); EOF is "container process exited during setup". ret_value and
 * ret_fd may be NULL (an unexpected fd is closed). */
int sk_sync_expect(int sock, enum sk_sync_type type, int32_t *ret_value, int *ret_fd,
		   struct sk_err *err);
/* Like sk_sync_expect, returning the message's text (malloc'ed) instead of a value. */
int sk_sync_expect_text(int sock, enum sk_sync_type type, char **ret_text, struct sk_err *err);
/* Receives any message: its type in *ret_type, for loops that accept several. */
int sk_sync_recv(int sock, enum sk_sync_type *ret_type, int32_t *ret_value, int *ret_fd,
		 char **ret_text, struct sk_err *err);
/* The child's way to report a failure: sends err as SYNC_ERROR (best effort). */
void sk_sync_send_error(int sock, const struct sk_err *err);
const char *sk_sync_name(enum sk_sync_type type);
/* Decodes one received packet (header + text) into its parts; used by recv and the fuzzer. */
int sk_sync_decode(const void *buf, size_t len, struct sk_sync_hdr *ret_hdr, const char **ret_text,
		   struct sk_err *err);
