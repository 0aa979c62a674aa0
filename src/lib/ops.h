/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup verbs on an existing container: update, pause, resume, ps and events. Each opens
 * the container's state (taking its lock, except events which only reads it), loads the cgroup
 * saved in state.json and calls the cgroup module. Stats collection lives in stats.c.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>
#include "container.h"
#include "error.h"
#include "state.h"

/* Validates id, opens <root>/<id> with its lock held (*ret_dirfd) and reads state.json. */
int sk_ops_open(const struct sk_global *g, const char *id, int *ret_dirfd, struct sk_state **ret_st,
		struct sk_err *err);

/* One `update` flag: a key of a linux.resources section and its text value. */
enum sk_res_kind {
	SK_RES_BYTES,  /* 512m, 1g, 1024, -1 (docker's RAMInBytes) */
	SK_RES_INT,    /* signed */
	SK_RES_UINT,   /* unsigned */
	SK_RES_STRING, /* as is */
};
struct sk_res_override {
	const char *flag;    /* for errors: "memory-swap" */
	const char *section; /* "memory", "cpu", "blockIO", "pids" */
	const char *key;     /* "swap" */
	enum sk_res_kind kind;
	const char *value;
};
/* The resources object update applies: the linux.resources JSON text (may be NULL), with each
 * override replacing or adding section.key. */
int sk_resources_build(const char *json, size_t len, const struct sk_res_override *ov, size_t n,
		       yajl_val *ret, struct sk_err *err);
/* Parses a byte size the way runc's flags do: "-1", "1024", "512k", "1.5g", "64MiB". */
int sk_parse_bytes(const char *s, long long *ret, struct sk_err *err);

int sk_container_update(const struct sk_global *g, const char *id, yajl_val resources,
			struct sk_err *err);
int sk_container_pause(const struct sk_global *g, const char *id, struct sk_err *err);
int sk_container_resume(const struct sk_global *g, const char *id, struct sk_err *err);
/* Writes the pids as a JSON array ("[1,2]\n") or, with ps_args (NULL-terminated; empty: -ef),
 * runs the host's ps and prints its header and the rows of the container's processes. */
int sk_container_ps(const struct sk_global *g, const char *id, bool json, char *const *ps_args,
		    struct sk_err *err);
/* Prints {"type":"stats",...} now (stats_only) or every interval_ms, and {"type":"oom",...}
 * when the memory limit is hit, until the container stops. One JSON object per line. */
int sk_container_events(const struct sk_global *g, const char *id, bool stats_only,
			long interval_ms, struct sk_err *err);
