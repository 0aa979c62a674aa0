/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup mount detection: which hierarchies /proc/self/mountinfo shows under the cgroup root
 * (v1 controllers, named hierarchies, the cgroup2 mount) and so the host's mode (legacy,
 * hybrid, unified). Mounts hidden under a later mount on the same point are ignored.
 */
#include "config.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup-internal.h"
#include "cleanup.h"
#include "fs.h"

/* The controllers in a cgroup v1 superblock option list: options that are not controllers are
 * the generic ones and key=value ones, except name=. */
static char *v1_controllers(const char *opts)
{
	static const char *const generic[] = {
	    "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods"};
	_cleanup_free_ char *copy = strdup(opts);
	char *out = calloc(1, strlen(opts) + 1), *save = NULL;
	size_t len = 0;

	if (!copy || !out) {
		free(out);
		return NULL;
	}
	/* the output is never longer than the input: out has room */
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool skip = strchr(t, '=') && strncmp(t, "name=", 5) != 0;
		for (size_t i = 0; i < ARRAY_SIZE(generic) && !skip; i++)
			skip = strcmp(t, generic[i]) == 0;
		if (skip)
			continue;
		if (len)
			out[len++] = ',';
		memcpy(out + len, t, strlen(t) + 1);
		len += strlen(t);
	}
	return out;
}

void cg_hier_clear(struct cg_hier *h)
{
	free(h->controllers);
	free(h->mountpoint);
	free(h->root);
	free(h->dir);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

void cg_mounts_clear(struct cg_mounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		cg_hier_clear(&m->h[i]);
	free(m->h);
	m->h = NULL;
	m->n = 0;
}

static bool wanted_v1(const char *controllers)
{
	/* Named hierarchies other than systemd's belong to someone else. */
	if (!*controllers)
		return false;
	return strncmp(controllers, "name=", 5) != 0 || strcmp(controllers, "name=systemd") == 0;
}

static int mounts_add(struct cg_mounts *m, const char *ctl, const char *mnt, const char *root,
		      bool v2, struct sk_err *err)
{
	struct cg_hier *nh = realloc(m->h, (m->n + 1) * sizeof(*nh));

	if (!nh)
		return sk_fail(err, ENOMEM, "cgroup mounts");
	m->h = nh;
	nh = &m->h[m->n];
	memset(nh, 0, sizeof(*nh));
	nh->controllers = strdup(ctl);
	nh->mountpoint = strdup(mnt);
	nh->root = strdup(root);
	nh->v2 = v2;
	m->n++;
	if (!nh->controllers || !nh->mountpoint || !nh->root)
		return sk_fail(err, ENOMEM, "cgroup mounts");
	return 0;
}

struct mi_line {
	char *devno, *root, *mnt, *fstype, *superopts;
};

static bool mi_split(char *line, struct mi_line *ml)
{
	char *f[6] = {NULL}, *save = NULL, *t;
	int i = 0;

	for (t = strtok_r(line, " ", &save); t && i < 5; t = strtok_r(NULL, " ", &save))
		f[i++] = t;
	if (i < 5)
		return false;
	/* optional fields until "-" */
	for (t = strtok_r(NULL, " ", &save); t && strcmp(t, "-") != 0;
	     t = strtok_r(NULL, " ", &save))
		;
	if (!t)
		return false;
	ml->fstype = strtok_r(NULL, " ", &save);
	if (!strtok_r(NULL, " ", &save)) /* source */
		return false;
	ml->superopts = strtok_r(NULL, " \n", &save);
	if (!ml->fstype || !ml->superopts)
		return false;
	ml->devno = f[2];
	ml->root = f[3];
	ml->mnt = f[4];
	sk_mountinfo_unescape(ml->root);
	sk_mountinfo_unescape(ml->mnt);
	return true;
}

/* True when a mount listed after line `index` sits on mnt or on one of its parents: then mnt
 * is hidden (a tmpfs over /sys/fs/cgroup/unified, say) and must not be used. */
static bool mi_hidden(const char *text, size_t index, const char *mnt)
{
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL;
	size_t i = 0, n = strlen(mnt);

	if (!copy)
		return false;
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		struct mi_line ml;
		if (i <= index || !mi_split(line, &ml))
			continue;
		size_t m = strlen(ml.mnt);
		if ((m == n && !strcmp(ml.mnt, mnt)) ||
		    (m < n && !strncmp(ml.mnt, mnt, m) && (mnt[m] == '/' || m == 1)))
			return true;
	}
	return false;
}

/* Fills m with the v1 hierarchies (one mount each: a hierarchy mounted twice counts once) and
 * remembers where cgroup2 is mounted. Mounts hidden under later ones are skipped. */
static int mi_collect(const char *text, const char *cgroup_root, struct cg_mounts *v1,
		      struct cg_mounts *v2_root, struct cg_mounts *v2_unified,
		      struct cg_mounts *v2_other, struct sk_err *err)
{
	_cleanup_free_ char *copy = strdup(text);
	_cleanup_free_ char *unified = cg_join3(cgroup_root, "/unified", "");
	_cleanup_free_ char *seen = strdup(" ");
	char *save = NULL;

	if (!copy || !unified || !seen)
		return sk_fail(err, ENOMEM, "parse mountinfo");
	size_t index = 0;
	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), index++) {
		struct mi_line ml;
		_cleanup_free_ char *ctl = NULL, *key = NULL;
		struct cg_mounts *dst;

		if (!mi_split(line, &ml))
			continue;
		if ((!strcmp(ml.fstype, "cgroup2") || !strcmp(ml.fstype, "cgroup")) &&
		    mi_hidden(text, index, ml.mnt))
			continue;
		if (strcmp(ml.fstype, "cgroup2") == 0) {
			dst = strcmp(ml.mnt, cgroup_root) == 0 ? v2_root
			      : strcmp(ml.mnt, unified) == 0   ? v2_unified
							       : v2_other;
			if (dst->n == 0 && mounts_add(dst, "", ml.mnt, ml.root, true, err) < 0)
				return -1;
			continue;
		}
		if (strcmp(ml.fstype, "cgroup") != 0)
			continue;
		ctl = v1_controllers(ml.superopts);
		key = cg_join3(" ", ml.devno, " ");
		if (!ctl || !key)
			return sk_fail(err, ENOMEM, "parse mountinfo");
		if (!wanted_v1(ctl) || strstr(seen, key))
			continue;
		char *ns = cg_join3(seen, ml.devno, " ");
		if (!ns)
			return sk_fail(err, ENOMEM, "parse mountinfo");
		free(seen);
		seen = ns;
		if (mounts_add(v1, ctl, ml.mnt, ml.root, false, err) < 0)
			return -1;
	}
	return 0;
}

static void mounts_move(struct cg_mounts *dst, struct cg_mounts *src)
{
	for (size_t i = 0; i < src->n; i++) {
		struct cg_hier *nh = realloc(dst->h, (dst->n + 1) * sizeof(*nh));
		if (!nh)
			break;
		dst->h = nh;
		dst->h[dst->n++] = src->h[i];
		memset(&src->h[i], 0, sizeof(src->h[i]));
	}
	cg_mounts_clear(src);
}

int cg_mounts_parse(const char *mountinfo, const char *cgroup_root, struct cg_mounts *ret,
		    struct sk_err *err)
{
	struct cg_mounts v1 = {0}, v2r = {0}, v2u = {0}, v2o = {0};
	int r = mi_collect(mountinfo, cgroup_root, &v1, &v2r, &v2u, &v2o, err);

	memset(ret, 0, sizeof(*ret));
	if (r == 0) {
		if (v2r.n) {
			ret->mode = SK_CGROUP_UNIFIED;
			mounts_move(ret, &v2r);
		} else if (v1.n) {
			ret->mode = v2u.n ? SK_CGROUP_HYBRID : SK_CGROUP_LEGACY;
			mounts_move(ret, &v1);
			mounts_move(ret, &v2u);
		} else if (v2o.n) {
			ret->mode = SK_CGROUP_UNIFIED;
			mounts_move(ret, &v2o);
		} else {
			r = sk_fail(err, 0, "no cgroup hierarchy is mounted");
		}
	}
	cg_mounts_clear(&v1);
	cg_mounts_clear(&v2r);
	cg_mounts_clear(&v2u);
	cg_mounts_clear(&v2o);
	if (r < 0)
		cg_mounts_clear(ret);
	return r;
}

int cg_mounts_detect(const struct cg_env *env, struct cg_mounts *ret, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;

	if (cg_read_path(env->mountinfo, &text, err) < 0)
		return sk_wrap(err, "detect cgroup mode");
	if (cg_mounts_parse(text, env->cgroup_root, ret, err) < 0)
		return sk_wrap(err, "detect cgroup mode from %s", env->mountinfo);
	return 0;
}
