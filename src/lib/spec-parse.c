/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config parser's toolkit: JSON path frames, errors that name the path ("config.json:
 * .mounts[0].destination: must be an absolute path"), typed getters for scalars, enums and
 * arrays. spec.c holds the schema built from these.
 */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cleanup.h"
#include "spec-parse.h"

void sp_path_enter(struct pctx *c, struct pframe *f, const char *key, size_t index)
{
	f->up = c->top;
	f->key = key;
	f->index = index;
	c->top = f;
}

void sp_path_leave(struct pctx *c, const struct pframe *f)
{
	c->top = f->up;
}

/* Keys such as annotation names with dots in them are written ["key"], the others .key. */
static bool key_plain(const char *key)
{
	if (*key == '\0')
		return false;
	for (const char *s = key; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Writes the path down to f, outermost step first. */
static void path_render(const struct pframe *f, FILE *out)
{
	if (!f)
		return;
	path_render(f->up, out);
	if (!f->key)
		fprintf(out, "[%zu]", f->index);
	else if (key_plain(f->key))
		fprintf(out, ".%s", f->key);
	else
		fprintf(out, "[\"%s\"]", f->key);
}

/* The path as text (".linux.devices[3].path"; "" at the root), or NULL on ENOMEM. */
static char *path_string(const struct pctx *c)
{
	char *s = NULL;
	size_t n;
	FILE *out = open_memstream(&s, &n);
	bool bad;

	if (!out)
		return NULL;
	path_render(c->top, out);
	bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		free(s);
		return NULL;
	}
	return s;
}

int sp_failf(struct pctx *c, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *path = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return sk_fail(c->err, ENOMEM, "%s", c->name);
	if (!c->top)
		return sk_fail(c->err, 0, "%s: %s", c->name, msg);
	path = path_string(c);
	if (!path)
		return sk_fail(c->err, ENOMEM, "%s", c->name);
	return sk_fail(c->err, 0, "%s: %s: %s", c->name, path, msg);
}

/* sp_failf() for the member key of the current object, which need not be present. */
int sp_fail_key(struct pctx *c, const char *key, const char *msg)
{
	struct pframe f;
	int r;

	sp_path_enter(c, &f, key, 0);
	r = sp_failf(c, "%s", msg);
	sp_path_leave(c, &f);
	return r;
}

/* Prefixes an error set by another module (caps, mntopt) with the name and path. */
int sp_wrapf(struct pctx *c)
{
	_cleanup_free_ char *path = NULL;

	if (!c->top)
		return sk_wrap(c->err, "%s: .", c->name);
	path = path_string(c);
	if (!path)
		return sk_wrap(c->err, "%s", c->name);
	return sk_wrap(c->err, "%s: %s", c->name, path);
}

/* An allocation for the value at the current path failed. */
int sp_fail_oom(struct pctx *c)
{
	_cleanup_free_ char *path = path_string(c);

	if (!path)
		return sk_fail(c->err, ENOMEM, "%s", c->name);
	return sk_fail(c->err, ENOMEM, "%s: %s", c->name, path);
}

/* Looks key up in an object. A null value counts as absent: Go encoders write null for an
 * empty slice or pointer, and runc treats it as not given. */
yajl_val sp_field(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		/* The first byte rules out most keys without a call. */
		if (k[0] != key[0] || strcmp(k, key) != 0)
			continue;
		return YAJL_IS_NULL(obj->u.object.values[i]) ? NULL : obj->u.object.values[i];
	}
	return NULL;
}

/* Runs fn on obj[key] with ".key" on the path. Returns 1 if present, 0 if absent (an error if
 * required), -1 on error. */
int sp_with_key(struct pctx *c, yajl_val obj, const char *key, bool required, val_fn fn, void *ud)
{
	yajl_val v = sp_field(obj, key);
	struct pframe f;
	int r;

	if (!v && !required)
		return 0;
	sp_path_enter(c, &f, key, 0);
	r = v ? fn(c, v, ud) : sp_failf(c, "is required");
	sp_path_leave(c, &f);
	return r < 0 ? -1 : 1;
}

/* Runs fn on every element of an array value with "[i]" on the path. */
int sp_each_elem(struct pctx *c, yajl_val arr, elem_fn fn, void *ud)
{
	struct pframe f;
	int r = 0;

	sp_path_enter(c, &f, NULL, 0);
	for (size_t i = 0; r == 0 && i < arr->u.array.len; i++) {
		f.index = i;
		r = fn(c, arr->u.array.values[i], ud, i) < 0 ? -1 : 0;
	}
	sp_path_leave(c, &f);
	return r;
}

int sp_expect_object(struct pctx *c, yajl_val v)
{
	return YAJL_IS_OBJECT(v) ? 0 : sp_failf(c, "must be an object");
}

int sp_expect_array(struct pctx *c, yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? 0 : sp_failf(c, "must be an array");
}

/* ---- scalar values ---- */

/* Strings are not copied: they point into the yajl tree, which lives as long as the spec (or
 * the process of sk_process_parse). */
static int v_string(struct pctx *c, yajl_val v, void *ud)
{
	char **ret = ud;

	if (!YAJL_IS_STRING(v))
		return sp_failf(c, "must be a string");
	*ret = v->u.string;
	return 0;
}

static int v_abspath(struct pctx *c, yajl_val v, void *ud)
{
	if (!YAJL_IS_STRING(v) || v->u.string[0] != '/')
		return sp_failf(c, "must be an absolute path");
	return v_string(c, v, ud);
}

static int v_bool(struct pctx *c, yajl_val v, void *ud)
{
	bool *ret = ud;

	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return sp_failf(c, "must be a boolean");
	*ret = YAJL_IS_TRUE(v);
	return 0;
}

/* The integer text of a JSON number, read exactly: yajl's long long cannot hold every uint64
 * (rlimits use 18446744073709551615 for unlimited). Fractions and exponents are refused. */
static int parse_integer(yajl_val v, bool *neg, uint64_t *mag)
{
	const char *s;
	uint64_t m = 0;

	if (!YAJL_IS_NUMBER(v) || !v->u.number.r)
		return -1;
	s = v->u.number.r;
	*neg = *s == '-';
	if (*neg)
		s++;
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || m > (UINT64_MAX - d) / 10)
			return -1;
		m = m * 10 + d;
	}
	*mag = m;
	return 0;
}

int sp_v_int(struct pctx *c, yajl_val v, void *ud)
{
	struct int_arg *a = ud;
	bool neg;
	uint64_t mag;
	int64_t x;

	if (parse_integer(v, &neg, &mag) < 0)
		goto range;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			goto range;
		x = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			goto range;
		x = (int64_t)mag;
	}
	if (x < a->min || x > a->max)
		goto range;
	a->val = x;
	return 0;
range:
	return sp_failf(c, "must be an integer between %" PRId64 " and %" PRId64, a->min, a->max);
}

static int v_u64(struct pctx *c, yajl_val v, void *ud)
{
	uint64_t *ret = ud;
	bool neg;
	uint64_t mag;

	if (parse_integer(v, &neg, &mag) < 0 || (neg && mag != 0))
		return sp_failf(c, "must be an integer between 0 and %" PRIu64, UINT64_MAX);
	*ret = mag;
	return 0;
}

int sp_get_string(struct pctx *c, yajl_val o, const char *key, bool req, char **ret)
{
	return sp_with_key(c, o, key, req, v_string, ret);
}

int sp_get_abspath(struct pctx *c, yajl_val o, const char *key, bool req, char **ret)
{
	return sp_with_key(c, o, key, req, v_abspath, ret);
}

int sp_get_bool(struct pctx *c, yajl_val o, const char *key, bool *ret)
{
	return sp_with_key(c, o, key, false, v_bool, ret);
}

int sp_get_u64(struct pctx *c, yajl_val o, const char *key, bool req, uint64_t *ret)
{
	return sp_with_key(c, o, key, req, v_u64, ret);
}

/* Returns 1 and sets *ret if present and in [min, max]; 0 if absent; -1 on error. */
int sp_get_int(struct pctx *c, yajl_val o, const char *key, bool req, int64_t min, int64_t max,
	       int64_t *ret)
{
	struct int_arg a = {.min = min, .max = max};
	int r = sp_with_key(c, o, key, req, sp_v_int, &a);

	if (r > 0)
		*ret = a.val;
	return r;
}

int sp_get_u32(struct pctx *c, yajl_val o, const char *key, bool req, uint32_t *ret)
{
	int64_t x;
	int r = sp_get_int(c, o, key, req, 0, UINT32_MAX, &x);

	if (r > 0)
		*ret = (uint32_t)x;
	return r;
}

int sp_v_enum(struct pctx *c, yajl_val v, void *ud)
{
	struct enum_arg *a = ud;

	if (!YAJL_IS_STRING(v))
		return sp_failf(c, "must be a string");
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->table[i].name, v->u.string) == 0) {
			a->val = a->table[i].val;
			return 0;
		}
	return sp_failf(c, "unknown %s \"%s\"", a->what, v->u.string);
}

int sp_get_enum(struct pctx *c, yajl_val o, const char *key, bool req, const struct name_val *table,
		size_t n, const char *what, long *ret)
{
	struct enum_arg a = {.table = table, .n = n, .what = what};
	int r = sp_with_key(c, o, key, req, sp_v_enum, &a);

	if (r > 0)
		*ret = a.val;
	return r;
}

/* ---- arrays ---- */

int sp_v_array(struct pctx *c, yajl_val v, void *ud)
{
	struct array_arg *a = ud;
	size_t n;

	if (sp_expect_array(c, v) < 0)
		return -1;
	n = v->u.array.len;
	*a->arr = calloc(n + 1, a->size);
	if (!*a->arr)
		return sp_fail_oom(c);
	if (a->n)
		*a->n = n;
	return sp_each_elem(c, v, a->fn, *a->arr);
}

int sp_get_array(struct pctx *c, yajl_val o, const char *key, void *arr, size_t *n, size_t size,
		 elem_fn fn)
{
	struct array_arg a = {.arr = arr, .n = n, .size = size, .fn = fn};

	return sp_with_key(c, o, key, false, sp_v_array, &a);
}

int sp_e_string(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	return v_string(c, v, &((char **)arr)[i]);
}

int sp_e_abspath(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	return v_abspath(c, v, &((char **)arr)[i]);
}

int sp_get_strv(struct pctx *c, yajl_val o, const char *key, char ***ret, size_t *n)
{
	return sp_get_array(c, o, key, ret, n, sizeof(char *), sp_e_string);
}

/* An object whose values are all strings (annotations, sysctl). */
struct kv_arg {
	struct sk_kv **kv;
	size_t *n;
};

static int v_kv(struct pctx *c, yajl_val v, void *ud)
{
	struct kv_arg *a = ud;
	size_t n;

	if (sp_expect_object(c, v) < 0)
		return -1;
	n = v->u.object.len;
	*a->kv = calloc(n + 1, sizeof(struct sk_kv));
	if (!*a->kv)
		return sp_fail_oom(c);
	*a->n = n;
	for (size_t i = 0; i < n; i++) {
		struct sk_kv *kv = &(*a->kv)[i];
		struct pframe f;
		int r;

		sp_path_enter(c, &f, v->u.object.keys[i], 0);
		r = v_string(c, v->u.object.values[i], &kv->value);
		sp_path_leave(c, &f);
		if (r < 0)
			return -1;
		kv->key = (char *)v->u.object.keys[i];
	}
	return 0;
}

int sp_get_kv(struct pctx *c, yajl_val o, const char *key, struct sk_kv **kv, size_t *n)
{
	struct kv_arg a = {.kv = kv, .n = n};

	return sp_with_key(c, o, key, false, v_kv, &a);
}

/* uidMappings / gidMappings entries: {containerID, hostID, size}, all required. */
static int e_id_map(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct sk_id_map *m = &((struct sk_id_map *)arr)[i];

	if (sp_expect_object(c, v) < 0 ||
	    sp_get_u32(c, v, "containerID", true, &m->container_id) < 0 ||
	    sp_get_u32(c, v, "hostID", true, &m->host_id) < 0 ||
	    sp_get_u32(c, v, "size", true, &m->size) < 0)
		return -1;
	return 0;
}

int sp_get_id_maps(struct pctx *c, yajl_val o, const char *key, struct sk_id_map **ret, size_t *n)
{
	return sp_get_array(c, o, key, ret, n, sizeof(struct sk_id_map), e_id_map);
}
