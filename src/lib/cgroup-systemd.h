/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The systemd cgroup driver, called by cgroup.c for SK_CGM_SYSTEMD: the container's cgroup is
 * a transient scope unit ("<prefix>-<name>.scope" in a slice) that systemd creates around the
 * container's process. Not for the rest of skiff: use cgroup.h.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "cgroup-internal.h"
#include "dbus.h"
#include "error.h"

#define CG_SYSTEMD_TIMEOUT_MS 30000 /* runc waits 30 s too */

/* What sk_cgroup_enter needs (kept in cg->sd). The parsed resources point into the caller's
 * yajl tree, which outlives the create (the spec lives until the container runs). */
struct cg_systemd;

/* sk_cgroup_create for SK_CGM_SYSTEMD: checks the path and the resources, works out the
 * scope's directories (nothing exists yet) and connects to systemd. cg is new and empty. */
int cg_systemd_create(const struct cg_env *env, struct sk_cgroup *cg, const char *id,
		      const char *cgroups_path, yajl_val resources, struct sk_err *err);
/* sk_cgroup_enter: starts the scope with pid in it, waits for systemd's job, joins the
 * hierarchies systemd does not manage (v1 controllers) and writes the resources. */
int cg_systemd_enter(struct sk_cgroup *cg, pid_t pid, struct sk_err *err);
/* sk_cgroup_destroy, once the cgroup is empty: stops the scope (gone already is fine). */
int cg_systemd_stop(struct sk_cgroup *cg, struct sk_err *err);
/* sk_cgroup_update: the new values as unit properties too (SetUnitProperties), so that a
 * daemon-reload does not put back the ones given at create. Before the cgroupfs writes. */
int cg_systemd_update(struct sk_cgroup *cg, const struct cg_res *r, struct sk_err *err);
void cg_systemd_free(struct cg_systemd *sd);

/* ---- the pieces, exposed for unit tests ---- */

/* "slice:prefix:name" (empty: "system.slice:skiff:<id>", an empty slice: system.slice) into
 * the slice unit and the scope unit "<prefix>-<name>.scope". */
int cg_systemd_parse_path(const char *id, const char *cgroups_path, char **ret_slice,
			  char **ret_unit, struct sk_err *err);
/* The cgroup path of a slice: "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "". */
int cg_systemd_expand_slice(const char *slice, char **ret, struct sk_err *err);
/* A cpuset list ("0-3,8") as systemd's AllowedCPUs byte mask (bit n of byte n/8). */
int cg_systemd_cpu_mask(const char *list, uint8_t **ret, size_t *ret_len, struct sk_err *err);
/* The resource properties (a(sv) elements) for a unified (v2) or legacy systemd. */
int cg_systemd_res_props(struct sk_dbus_buf *b, const struct cg_res *r, bool v2,
			 struct sk_err *err);
/* StartTransientUnit / StopUnit on an open connection, waiting for the job (JobRemoved)
 * until timeout_ms. */
int cg_systemd_start_unit(struct sk_dbus *bus, const char *unit, const char *slice,
			  const char *description, pid_t pid, const struct cg_res *r, bool v2,
			  int timeout_ms, struct sk_err *err);
int cg_systemd_stop_unit(struct sk_dbus *bus, const char *unit, int timeout_ms, struct sk_err *err);
/* SetUnitProperties(unit, runtime, the resource properties). */
int cg_systemd_set_props(struct sk_dbus *bus, const char *unit, const struct cg_res *r, bool v2,
			 int timeout_ms, struct sk_err *err);
