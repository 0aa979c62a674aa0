/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources.devices on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program built from the
 * device rules, attached to the container's cgroup2 directory (BPF_F_ALLOW_MULTI) and replaced
 * in place on update. Used by cgroup-v2.c; the builder is exposed for the unit tests.
 */
#pragma once
#include <linux/bpf.h>
#include <stddef.h>
#include "cgroup-internal.h"

/* The name skiff's programs carry (BPF_OBJ_NAME_LEN): how update finds the one to replace. */
#define CG_BPF_PROG_NAME "skiff_devices"

/* The program for rules in order: each access (m, r, w) a request asks for is allowed when the
 * last rule matching the device and that access allows it; no match denies. *ret: malloc'd. */
int cg_bpf_devices_build(const struct cg_devrule *rules, size_t n, struct bpf_insn **ret,
			 size_t *ret_n, struct sk_err *err);
/* The rules a container gets, as on v1: deny all, its rules, then runc's default allow list. */
int cg_bpf_devices_rules(const struct cg_res *r, struct cg_devrule **ret, size_t *ret_n,
			 struct sk_err *err);
/* Loads the program for rules and attaches it to the cgroup2 directory dirfd, replacing the
 * program skiff attached there before (BPF_F_REPLACE when there is one). */
int cg_bpf_devices_install(int dirfd, const struct cg_devrule *rules, size_t n, struct sk_err *err);
/* How many skiff device programs are attached to dirfd (tests), or -1 with err set. */
int cg_bpf_devices_count(int dirfd, struct sk_err *err);
/* cgroup-v2.c's entry: the container's rules into dir (nothing for fake test trees). */
int cg_bpf_devices_apply(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
			 struct sk_err *err);
