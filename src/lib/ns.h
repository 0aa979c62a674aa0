/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces: which ones to create, opening (and type-checking) the ones to join, and the
 * files the parent writes for a child's new user and time namespaces.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

/* CLONE_NEW* flags of the namespaces the config creates (no path). */
int sk_ns_new_flags(const struct sk_linux *l);
/* Opens every namespace path of the config; fds[t] = -1 for those without a path. Each fd is
 * checked to be a namespace of the right type (NS_GET_NSTYPE). On error nothing stays open. */
int sk_ns_open_paths(const struct sk_linux *l, int fds[SK_NS_MAX], struct sk_err *err);
void sk_ns_close_fds(int fds[SK_NS_MAX]);
bool sk_ns_any_path(const int fds[SK_NS_MAX]);
/* setns() into every open fd: the user namespace first, the mount namespace last. */
int sk_ns_join_all(const int fds[SK_NS_MAX], struct sk_err *err);
/* Writes /proc/<pid>/uid_map and gid_map (and setgroups when needed). */
int sk_ns_write_id_maps(pid_t pid, const struct sk_linux *l, struct sk_err *err);
/* Brings up the loopback interface of the current (new) network namespace. */
int sk_ns_loopback_up(struct sk_err *err);
/* Writes /proc/<pid>/timens_offsets for linux.timeOffsets. */
int sk_ns_write_time_offsets(pid_t pid, const struct sk_linux *l, struct sk_err *err);
/* Maps a container uid/gid to the host through the mappings (identity without mappings). */
uid_t sk_ns_host_uid(const struct sk_linux *l, uid_t uid);
gid_t sk_ns_host_gid(const struct sk_linux *l, gid_t gid);
