/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config parser's toolkit (spec-parse.c), shared by spec.c's schema: the JSON path of the
 * value being read as a chain of stack frames, errors that name that path, and typed getters
 * for scalars, enums and arrays. Not for the rest of skiff: use spec.h.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>
#include "error.h"
#include "spec.h"

struct pctx;
/* Reads one value v (its path already pushed) into ud. */
typedef int (*val_fn)(struct pctx *c, yajl_val v, void *ud);
/* Reads element i of an array (its "[i]" already pushed). */
typedef int (*elem_fn)(struct pctx *c, yajl_val v, void *arr, size_t i);

/* One step of the JSON path: an object key, or an array index when key is NULL. Frames live
 * on the stack of the getter that pushed them and point up to their parent; the path is only
 * turned into text when an error is reported, so a config that parses formats nothing. */
struct pframe {
	const struct pframe *up;
	const char *key; /* borrowed: a literal or a key of the yajl tree */
	size_t index;
};

/* Parse context: the message prefix and the innermost frame of the value being read. */
struct pctx {
	const char *name;	  /* "config.json" */
	const struct pframe *top; /* NULL at the document root */
	struct sk_err *err;
};

struct name_val {
	const char *name;
	long val;
};

struct int_arg {
	int64_t min, max;
	int64_t val;
};

/* A string that must be one of the names in a table; "unknown <what> "x"" otherwise. */
struct enum_arg {
	const struct name_val *table;
	size_t n;
	const char *what;
	long val;
};

/* An array of structs: allocates n+1 zeroed elements (the last one stays zero, which makes an
 * array of strings NULL-terminated) and stores it in the spec before filling it, so the
 * free functions release a half-parsed array. */
struct array_arg {
	void **arr;
	size_t *n;
	size_t size;
	elem_fn fn;
};

void sp_path_enter(struct pctx *c, struct pframe *f, const char *key, size_t index);
void sp_path_leave(struct pctx *c, const struct pframe *f);
int sp_failf(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sp_fail_key(struct pctx *c, const char *key, const char *msg);
int sp_wrapf(struct pctx *c);
int sp_fail_oom(struct pctx *c);
yajl_val sp_field(yajl_val obj, const char *key);
int sp_with_key(struct pctx *c, yajl_val obj, const char *key, bool required, val_fn fn, void *ud);
int sp_each_elem(struct pctx *c, yajl_val arr, elem_fn fn, void *ud);
int sp_expect_object(struct pctx *c, yajl_val v);
int sp_expect_array(struct pctx *c, yajl_val v);
int sp_v_int(struct pctx *c, yajl_val v, void *ud);
int sp_get_string(struct pctx *c, yajl_val o, const char *key, bool req, char **ret);
int sp_get_abspath(struct pctx *c, yajl_val o, const char *key, bool req, char **ret);
int sp_get_bool(struct pctx *c, yajl_val o, const char *key, bool *ret);
int sp_get_u64(struct pctx *c, yajl_val o, const char *key, bool req, uint64_t *ret);
int sp_get_int(struct pctx *c, yajl_val o, const char *key, bool req, int64_t min, int64_t max,
	       int64_t *ret);
int sp_get_u32(struct pctx *c, yajl_val o, const char *key, bool req, uint32_t *ret);
int sp_v_enum(struct pctx *c, yajl_val v, void *ud);
int sp_get_enum(struct pctx *c, yajl_val o, const char *key, bool req, const struct name_val *table,
		size_t n, const char *what, long *ret);
int sp_v_array(struct pctx *c, yajl_val v, void *ud);
int sp_get_array(struct pctx *c, yajl_val o, const char *key, void *arr, size_t *n, size_t size,
		 elem_fn fn);
int sp_e_string(struct pctx *c, yajl_val v, void *arr, size_t i);
int sp_e_abspath(struct pctx *c, yajl_val v, void *arr, size_t i);
int sp_get_strv(struct pctx *c, yajl_val o, const char *key, char ***ret, size_t *n);
int sp_get_kv(struct pctx *c, yajl_val o, const char *key, struct sk_kv **kv, size_t *n);
int sp_get_id_maps(struct pctx *c, yajl_val o, const char *key, struct sk_id_map **ret, size_t *n);
