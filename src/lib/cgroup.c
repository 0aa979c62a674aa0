/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup lifecycle for the cgroupfs driver: mode detection (mounts: cgroup-mounts.c), the
 * container's path in each hierarchy (runc's rules), create with rollback, enter, kill, pids,
 * freeze, destroy, and the text saved in state.json. linux.resources is type-checked and
 * written by cgroup-v1.c / cgroup-v2.c.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cgroup-internal.h"
#include "cgroup-systemd.h"
#include "cleanup.h"

#define DESTROY_TIMEOUT_MS 5000

static const struct cg_env default_env = {
    .mountinfo = "/proc/self/mountinfo",
    .proc_cgroup = "/proc/self/cgroup",
    .prefix = "",
    .cgroup_root = "/sys/fs/cgroup",
    .fake = false,
};

static const char *const mode_names[] = {
    [SK_CGROUP_LEGACY] = "legacy",
    [SK_CGROUP_HYBRID] = "hybrid",
    [SK_CGROUP_UNIFIED] = "unified",
};

/* ---- files ---- */

char *cg_join3(const char *a, const char *b, const char *c)
{
	char *s = NULL;
	if (asprintf(&s, "%s%s%s", a, b, c) < 0)
		return NULL;
	return s;
}

int cg_write(const struct sk_cgroup *cg, const char *dir, const char *file, const char *value,
	     struct sk_err *err)
{
	_cleanup_free_ char *path = cg_join3(dir, "/", file);
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	if (!path)
		return sk_fail(err, ENOMEM, "write %s", file);
	/* fake trees keep every write, one per line, so tests see the order too */
	fd = open(path, O_WRONLY | O_CLOEXEC | (cg && cg->fake ? O_CREAT | O_APPEND : 0), 0644);
	if (fd < 0)
		return sk_fail(err, errno, "write %s to %s", value, path);
	n = write(fd, value, len);
	if (n < 0)
		return sk_fail(err, errno, "write %s to %s", value, path);
	if ((size_t)n != len)
		return sk_fail(err, EIO, "write %s to %s: short write", value, path);
	if (cg && cg->fake && write(fd, "\n", 1) != 1)
		return sk_fail(err, errno, "write %s to %s", value, path);
	return 0;
}

int cg_writef(const struct sk_cgroup *cg, const char *dir, const char *file, struct sk_err *err,
	      const char *fmt, ...)
{
	_cleanup_free_ char *value = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (r < 0)
		return sk_fail(err, ENOMEM, "write %s/%s", dir, file);
	return cg_write(cg, dir, file, value, err);
}

int cg_read_path(const char *path, char **ret, struct sk_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return sk_fail(err, errno, "open %s", path);
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 8192);
			if (!nb)
				return sk_fail(err, ENOMEM, "read %s", path);
			buf = nb;
			cap += 8192;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		return sk_fail(err, errno ? errno : EIO, "read %s", path);
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

int cg_read(const char *dir, const char *file, char **ret, struct sk_err *err)
{
	_cleanup_free_ char *path = cg_join3(dir, "/", file);

	if (!path)
		return sk_fail(err, ENOMEM, "read %s", file);
	return cg_read_path(path, ret, err);
}

bool cg_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *path = cg_join3(dir, "/", file);
	return path && access(path, F_OK) == 0;
}

int sk_cgroup_mode_detect(enum sk_cgroup_mode *ret, struct sk_err *err)
{
	struct cg_mounts m;

	if (cg_mounts_detect(&default_env, &m, err) < 0)
		return -1;
	*ret = m.mode;
	cg_mounts_clear(&m);
	return 0;
}

/* ---- paths ---- */

int cg_path_clean(const char *path, char **ret, struct sk_err *err)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_free_ char *out = calloc(1, strlen(path) + 2);
	char *save = NULL;
	size_t len = 0;

	if (!copy || !out)
		return sk_fail(err, ENOMEM, "cgroup path %s", path);
	if (path[0] == '/')
		out[len++] = '/';
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			char *slash;
			size_t base = path[0] == '/' ? 1 : 0;
			if (len <= base)
				return sk_fail(err, 0,
					       "cgroup path %s: \"..\" leaves the cgroup hierarchy",
					       path);
			out[len] = '\0';
			slash = strrchr(out + base, '/');
			len = slash ? (size_t)(slash - out) : base;
			out[len] = '\0';
			continue;
		}
		if (len > 0 && out[len - 1] != '/')
			out[len++] = '/';
		memcpy(out + len, t, strlen(t));
		len += strlen(t);
	}
	out[len] = '\0';
	*ret = TAKE_PTR(out);
	return 0;
}

/* This process's path in hierarchy h, from self_cg (the text of /proc/self/cgroup). */
static int own_cgroup(const struct cg_env *env, const char *self_cg, const struct cg_hier *h,
		      char **ret, struct sk_err *err)
{
	_cleanup_free_ char *text = strdup(self_cg);
	char *save = NULL;

	if (!text)
		return sk_fail(err, ENOMEM, "read %s", env->proc_cgroup);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		bool match = false;

		if (!c2)
			continue;
		*c1 = '\0';
		*c2 = '\0';
		if (h->v2) {
			match = strcmp(line, "0") == 0 && c1[1] == '\0';
		} else {
			_cleanup_free_ char *want = cg_join3(",", h->controllers, ",");
			_cleanup_free_ char *have = cg_join3(",", c1 + 1, ",");
			char *first_end;
			if (!want || !have)
				return sk_fail(err, ENOMEM, "read %s", env->proc_cgroup);
			/* match on the first controller of the mount: "cpu" in "cpu,cpuacct" */
			first_end = strchr(want + 1, ',');
			first_end[1] = '\0';
			match = strstr(have, want) != NULL;
		}
		if (match)
			return (*ret = strdup(c2 + 1)) ? 0 : sk_fail(err, ENOMEM, "own cgroup");
	}
	return sk_fail(err, 0, "%s: no line for the %s hierarchy", env->proc_cgroup,
		       h->v2 ? "cgroup2" : h->controllers);
}

/* Sets h->dir and h->path for inner: absolute is from the hierarchy's mount point; relative is
 * from this process's cgroup (cgroup2: its parent, which has no processes), as runc does. */
static int hier_resolve(const struct cg_env *env, const char *self_cg, struct cg_hier *h,
			const char *inner, struct sk_err *err)
{
	_cleanup_free_ char *own = NULL, *sub = NULL, *path = NULL, *dir = NULL;
	size_t rl = strlen(h->root);

	if (inner[0] == '/') {
		sub = strdup(inner);
	} else {
		const char *rel;
		char *slash;
		if (own_cgroup(env, self_cg, h, &own, err) < 0)
			return -1;
		if (h->v2 && (slash = strrchr(own, '/')))
			slash[slash == own ? 1 : 0] = '\0';
		if (strcmp(h->root, "/") == 0)
			rel = own;
		else if (strncmp(own, h->root, rl) == 0 && (own[rl] == '/' || own[rl] == '\0'))
			rel = own + rl;
		else
			return sk_fail(err, 0, "cgroup %s of this process is outside %s (%s)", own,
				       h->mountpoint, h->root);
		sub = cg_join3(rel, strcmp(rel, "/") == 0 || !*rel ? "" : "/", inner);
		if (sub && sub[0] != '/') {
			char *s2 = cg_join3("/", sub, "");
			free(sub);
			sub = s2;
		}
	}
	if (!sub)
		return sk_fail(err, ENOMEM, "cgroup path");
	path = cg_join3(strcmp(h->root, "/") == 0 ? "" : h->root, sub, "");
	dir = cg_join3(env->prefix, strcmp(h->mountpoint, "/") == 0 ? "" : h->mountpoint, sub);
	if (!path || !dir)
		return sk_fail(err, ENOMEM, "cgroup path");
	free(h->dir);
	free(h->path);
	h->base_len = strlen(dir) - strlen(sub);
	h->dir = TAKE_PTR(dir);
	h->path = TAKE_PTR(path);
	return 0;
}

struct cg_hier *cg_find(const struct sk_cgroup *cg, const char *controller)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		struct cg_hier *h = &cg->h[i];
		if (!controller || !*controller) {
			if (h->v2)
				return h;
			continue;
		}
		if (h->v2)
			continue;
		_cleanup_free_ char *want = cg_join3(",", controller, ",");
		_cleanup_free_ char *have = cg_join3(",", h->controllers, ",");
		if (want && have && strstr(have, want))
			return h;
	}
	return NULL;
}

const char *sk_cgroup_dir(const struct sk_cgroup *cg, const char *controller)
{
	const struct cg_hier *h = cg_find(cg, controller);
	return h ? h->dir : NULL;
}

enum sk_cgroup_mode sk_cgroup_get_mode(const struct sk_cgroup *cg)
{
	return cg->mode;
}

const char *sk_cgroup_path(const struct sk_cgroup *cg)
{
	return cg && cg->path ? cg->path : "";
}

static int set_main_path(struct sk_cgroup *cg, struct sk_err *err)
{
	const struct cg_hier *h =
	    cg->mode == SK_CGROUP_UNIFIED ? cg_find(cg, NULL) : cg_find(cg, "name=systemd");
	if (!h && cg->n)
		h = &cg->h[0];
	free(cg->path);
	cg->path = strdup(h && h->path ? h->path : "");
	return cg->path ? 0 : sk_fail(err, ENOMEM, "cgroup path");
}

void sk_cgroup_free(struct sk_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++)
		cg_hier_clear(&cg->h[i]);
	free(cg->h);
	free(cg->path);
	if (cg->v2_fd >= 0)
		close(cg->v2_fd);
	cg_systemd_free(cg->sd);
	free(cg);
}

static struct sk_cgroup *cgroup_new(enum sk_cgroup_manager mgr)
{
	struct sk_cgroup *cg = calloc(1, sizeof(*cg));
	if (cg) {
		cg->mgr = mgr;
		cg->v2_fd = -1;
	}
	return cg;
}

int sk_cgroup_v2_fd(const struct sk_cgroup *cg)
{
	return cg ? cg->v2_fd : -1;
}

static void open_v2_fd(struct sk_cgroup *cg)
{
	const struct cg_hier *h = cg_find(cg, NULL);
	if (h && h->dir && cg->v2_fd < 0)
		cg->v2_fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* ---- create / destroy ---- */

/* Removes dir and every cgroup below it, deepest first. ENOENT is fine. In fake trees the
 * plain files that stand in for cgroupfs ones are removed too. */
static int remove_tree(const struct sk_cgroup *cg, const char *dir, struct sk_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : sk_fail(err, errno, "open %s", dir);
	while (r == 0 && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sub = cg_join3(dir, "/", de->d_name);
		if (!sub)
			r = sk_fail(err, ENOMEM, "remove %s", dir);
		else if (de->d_type == DT_DIR)
			r = remove_tree(cg, sub, err);
		else if (cg->fake && unlink(sub) < 0)
			r = sk_fail(err, errno, "unlink %s", sub);
	}
	closedir(d);
	if (r == 0 && rmdir(dir) < 0 && errno != ENOENT)
		r = sk_fail(err, errno, "rmdir %s", dir);
	return r;
}

/* rmdir of one level; in fake trees the plain files standing in for cgroupfs ones go first. */
static int rmdir_level(const struct sk_cgroup *cg, const char *dir)
{
	if (cg->fake) {
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			_cleanup_free_ char *sub = cg_join3(dir, "/", de->d_name);
			if (de->d_type == DT_REG && sub)
				unlink(sub);
		}
		if (d)
			closedir(d);
	}
	return rmdir(dir);
}

/* Undoes hier_mkdir: the leaf tree, then the parents this call created. */
static void hier_rollback(const struct sk_cgroup *cg, struct cg_hier *h)
{
	struct sk_err ign = {0};
	_cleanup_free_ char *p = NULL;

	if (h->created <= 0 || !(p = strdup(h->dir)))
		return;
	remove_tree(cg, p, &ign);
	for (int i = 1; i < h->created; i++) {
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		if (rmdir_level(cg, p) < 0)
			break;
	}
	h->created = 0;
	sk_err_clear(&ign);
}

static int hier_mkdir(const struct sk_cgroup *cg, const struct cg_env *env, struct cg_hier *h,
		      struct sk_err *err)
{
	size_t bl =
	    strlen(env->prefix) + (strcmp(h->mountpoint, "/") == 0 ? 0 : strlen(h->mountpoint));
	_cleanup_free_ char *p = strdup(h->dir);
	bool cpuset = !h->v2 && cg_find(cg, "cpuset") == h;

	if (!p)
		return sk_fail(err, ENOMEM, "mkdir %s", h->dir);
	if (p[bl] != '/' || p[bl + 1] == '\0')
		return sk_fail(err, 0, "cgroup %s is the root of its hierarchy", h->dir);
	for (char *s = p + bl + 1;;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		bool made = mkdir(p, 0755) == 0;
		if (made)
			h->created++;
		else if (errno != EEXIST)
			return sk_fail(err, errno, "mkdir %s", p);
		/* v1 cpuset: a new cgroup starts with empty cpus/mems and cannot take tasks.
		 * Levels that existed before are not ours to change. */
		if (cpuset && made && cg_v1_cpuset_inherit(cg, p, err) < 0)
			return -1;
		if (!slash)
			break;
		*slash = '/';
		s = slash + 1;
	}
	return 0;
}

static int create_inner(const char *id, const char *cgroups_path, char **ret, struct sk_err *err)
{
	if (cgroups_path && *cgroups_path) {
		if (cg_path_clean(cgroups_path, ret, err) < 0)
			return -1;
		if (**ret == '\0' || strcmp(*ret, "/") == 0)
			return sk_fail(err, 0, "cgroupsPath %s names the root cgroup",
				       cgroups_path);
		return 0;
	}
	if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return sk_fail(err, 0, "container id %s cannot name a cgroup", id ? id : "");
	*ret = strdup(id);
	return *ret ? 0 : sk_fail(err, ENOMEM, "cgroup path");
}

const struct cg_res *cg_res_for_v2(const struct sk_cgroup *cg, const struct cg_res *res,
				   struct cg_res *sub)
{
	if (cg->mode != SK_CGROUP_HYBRID)
		return res;
	/* hybrid: v1 holds the limits; v2 gets only unified keys and what v1 lacks */
	memset(sub, 0, sizeof(*sub));
	sub->unified = res->unified;
	sub->n_unified = res->n_unified;
	if (!cg_find(cg, "hugetlb")) {
		sub->huge = res->huge;
		sub->n_huge = res->n_huge;
	}
	return sub;
}

static int create_apply(struct sk_cgroup *cg, const struct cg_env *env, const struct cg_res *res,
			struct sk_err *err)
{
	const char *needed[16];
	struct cg_hier *v2 = cg_find(cg, NULL);
	const struct cg_res *res_v2 = res;

	for (size_t i = 0; i < cg->n; i++)
		if (hier_mkdir(cg, env, &cg->h[i], err) < 0)
			return -1;
	if (v2) {
		struct cg_res sub;
		res_v2 = cg_res_for_v2(cg, res, &sub);
		cg_v2_needed(res_v2, needed, ARRAY_SIZE(needed));
		/* unified: enable everything available so later updates work; hybrid: only
		 * what this container asks for, the host's v2 tree is not ours to reshape. */
		if (cg_v2_enable_controllers(cg, v2, cg->mode == SK_CGROUP_UNIFIED, needed, err) <
		    0)
			return -1;
	}
	if (cg->mode != SK_CGROUP_UNIFIED && cg_v1_apply(cg, res, false, err) < 0)
		return -1;
	if (v2 && cg_v2_apply(cg, v2, res, false, err) < 0)
		return -1;
	return 0;
}

int cg_create_env(const struct cg_env *env, enum sk_cgroup_manager mgr, const char *id,
		  const char *cgroups_path, yajl_val resources, struct sk_cgroup **ret,
		  struct sk_err *err)
{
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = cgroup_new(mgr);
	_cleanup_free_ char *inner = NULL;
	struct cg_res res = {0};
	struct cg_mounts m;
	_cleanup_free_ char *self_cg = NULL;
	int r = -1;

	if (!cg)
		return sk_fail(err, ENOMEM, "create cgroup");
	cg->fake = env->fake;
	if (mgr == SK_CGM_DISABLED) {
		*ret = TAKE_PTR(cg);
		return 0;
	}
	if (mgr == SK_CGM_SYSTEMD) {
		if (cg_systemd_create(env, cg, id, cgroups_path, resources, err) < 0)
			return sk_wrap(err, "create cgroup");
		*ret = TAKE_PTR(cg);
		return 0;
	}
	if (cg_res_parse(resources, "config.json", ".linux.resources", &res, err) < 0)
		return -1;
	if (create_inner(id, cgroups_path, &inner, err) < 0 || cg_mounts_detect(env, &m, err) < 0)
		goto out;
	cg->mode = m.mode;
	cg->h = TAKE_PTR(m.h);
	cg->n = m.n;
	/* a relative path starts at our own cgroups: read them once for every hierarchy */
	if (inner[0] != '/' && cg_read_path(env->proc_cgroup, &self_cg, err) < 0)
		goto out;
	for (size_t i = 0; i < cg->n; i++)
		if (hier_resolve(env, self_cg, &cg->h[i], inner, err) < 0)
			goto out;
	if (set_main_path(cg, err) < 0)
		goto out;
	if (create_apply(cg, env, &res, err) < 0) {
		for (size_t i = cg->n; i-- > 0;)
			hier_rollback(cg, &cg->h[i]);
		goto out;
	}
	open_v2_fd(cg);
	*ret = TAKE_PTR(cg);
	r = 0;
out:
	cg_res_clear(&res);
	if (r < 0)
		sk_wrap(err, "create cgroup %s", inner ? inner : "");
	return r;
}

int sk_cgroup_create(enum sk_cgroup_manager mgr, const char *id, const char *cgroups_path,
		     yajl_val resources, struct sk_cgroup **ret, struct sk_err *err)
{
	return cg_create_env(&default_env, mgr, id, cgroups_path, resources, ret, err);
}

int sk_cgroup_enter(struct sk_cgroup *cg, pid_t pid, struct sk_err *err)
{
	if (cg->mgr == SK_CGM_SYSTEMD)
		return cg_systemd_enter(cg, pid, err) < 0 ? sk_wrap(err, "enter cgroup") : 0;
	for (size_t i = 0; cg->mgr != SK_CGM_DISABLED && i < cg->n; i++)
		if (cg_writef(cg, cg->h[i].dir, "cgroup.procs", err, "%d", (int)pid) < 0)
			return sk_wrap(err, "enter cgroup");
	return 0;
}

int sk_cgroup_self_open(const struct sk_cgroup *cg, struct sk_cgroup_self *ret, struct sk_err *err)
{
	*ret = (struct sk_cgroup_self){0};
	if (!cg || cg->mgr != SK_CGM_CGROUPFS || cg->n == 0)
		return 0;
	ret->fds = malloc(cg->n * sizeof(*ret->fds));
	ret->dirs = calloc(cg->n, sizeof(*ret->dirs));
	if (!ret->fds || !ret->dirs) {
		sk_cgroup_self_close(ret);
		return sk_fail(err, ENOMEM, "enter cgroup");
	}
	ret->n = cg->n;
	for (size_t i = 0; i < cg->n; i++)
		ret->fds[i] = -1;
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *path = NULL;
		if (cg->h[i].v2)
			continue;
		path = cg_join3(cg->h[i].dir, "/", "tasks");
		if (!path) {
			sk_cgroup_self_close(ret);
			return sk_fail(err, ENOMEM, "enter cgroup");
		}
		ret->fds[i] =
		    open(path, O_WRONLY | O_CLOEXEC | (cg->fake ? O_CREAT | O_APPEND : 0), 0644);
		if (ret->fds[i] < 0) {
			int e = errno;
			sk_cgroup_self_close(ret);
			return sk_fail(err, e, "enter cgroup: open %s", path);
		}
		ret->dirs[i] = cg->h[i].dir;
	}
	return 0;
}

int sk_cgroup_self_enter(const struct sk_cgroup_self *self, struct sk_err *err)
{
	for (size_t i = 0; i < self->n; i++) {
		if (self->fds[i] >= 0 && write(self->fds[i], "0", 1) != 1)
			return sk_fail(err, errno, "enter cgroup %s: write 0 to tasks",
				       self->dirs[i]);
	}
	return 0;
}

void sk_cgroup_self_close(struct sk_cgroup_self *self)
{
	for (size_t i = 0; self->fds && i < self->n; i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	free(self->fds);
	free(self->dirs);
	*self = (struct sk_cgroup_self){0};
}

int sk_cgroup_enter_rest(struct sk_cgroup *cg, pid_t pid, const struct sk_cgroup_self *self,
			 bool v2_placed, struct sk_err *err)
{
	if (cg->mgr != SK_CGM_CGROUPFS)
		return sk_cgroup_enter(cg, pid, err);
	for (size_t i = 0; i < cg->n; i++) {
		if ((cg->h[i].v2 && v2_placed) || (self && i < self->n && self->fds[i] >= 0))
			continue;
		if (cg_writef(cg, cg->h[i].dir, "cgroup.procs", err, "%d", (int)pid) < 0)
			return sk_wrap(err, "enter cgroup");
	}
	return 0;
}

/* The hierarchy whose cgroup.procs is the authority for pids: cgroup2 if we have it (every
 * process enters it), else freezer, else the first. */
static const struct cg_hier *pids_hier(const struct sk_cgroup *cg)
{
	const struct cg_hier *h = cg_find(cg, NULL);
	if (!h)
		h = cg_find(cg, "freezer");
	if (!h && cg->n)
		h = &cg->h[0];
	return h;
}

static int pids_collect(const char *dir, pid_t **v, size_t *n, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (cg_read(dir, "cgroup.procs", &text, err) < 0)
		return err->errnum == ENOENT ? (sk_err_clear(err), 0) : -1;
	for (char *s = text, *end; *s; s = end) {
		long pid = strtol(s, &end, 10);
		pid_t *nv;
		if (end == s)
			break;
		if (pid <= 0)
			continue;
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv)
			return sk_fail(err, ENOMEM, "list pids of %s", dir);
		*v = nv;
		(*v)[(*n)++] = (pid_t)pid;
	}
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : sk_fail(err, errno, "open %s", dir);
	while (r == 0 && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sub = cg_join3(dir, "/", de->d_name);
		r = sub ? pids_collect(sub, v, n, err) : sk_fail(err, ENOMEM, "list pids");
	}
	closedir(d);
	return r;
}

int sk_cgroup_pids(struct sk_cgroup *cg, pid_t **ret, size_t *ret_n, struct sk_err *err)
{
	const struct cg_hier *h = cg->mgr == SK_CGM_DISABLED ? NULL : pids_hier(cg);
	pid_t *v = NULL;
	size_t n = 0;

	if (h && pids_collect(h->dir, &v, &n, err) < 0) {
		free(v);
		return sk_wrap(err, "list processes of cgroup %s", h->dir);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int signal_pids(struct sk_cgroup *cg, int sig, struct sk_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (sk_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return sk_fail(err, errno, "kill %d", (int)pids[i]);
	return 0;
}

bool sk_cgroup_disabled(const struct sk_cgroup *cg)
{
	return cg->mgr == SK_CGM_DISABLED;
}

int sk_cgroup_kill(struct sk_cgroup *cg, int sig, struct sk_err *err)
{
	const struct cg_hier *v2 = cg_find(cg, NULL);
	bool was_frozen = false, froze = false;
	struct sk_err ign = {0};
	int r;

	if (cg->mgr == SK_CGM_DISABLED)
		return 0;
	if (sk_cgroup_is_frozen(cg, &was_frozen, &ign) < 0)
		was_frozen = false;
	sk_err_clear(&ign);
	/* cgroup.kill (5.14) kills atomically, even processes forking meanwhile. Otherwise freeze
	 * first so nothing forks between listing and signalling. */
	if (sig == SIGKILL && v2 && cg_exists(v2->dir, "cgroup.kill")) {
		r = cg_write(cg, v2->dir, "cgroup.kill", "1", err);
	} else {
		if (!was_frozen)
			froze = sk_cgroup_freeze(cg, true, &ign) == 0;
		sk_err_clear(&ign);
		r = signal_pids(cg, sig, err);
	}
	/* a paused container is thawed for SIGKILL: v1 freezer tasks die only once thawed (and
	 * on a hybrid host cgroup.kill is the v2 tree's, while the freezer is v1's) */
	if (was_frozen && sig == SIGKILL && r == 0)
		froze = true;
	if (froze && sk_cgroup_freeze(cg, false, r < 0 ? &ign : err) < 0 && r == 0)
		r = -1;
	sk_err_clear(&ign);
	return r < 0 ? sk_wrap(err, "kill cgroup %s", cg->path) : 0;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Waits up to the deadline for the container's cgroup to be empty, killing again now and then
 * (a process may have been forking when the first SIGKILL went out). */
static int wait_empty(struct sk_cgroup *cg, const struct timespec *t0, struct sk_err *err)
{
	for (int round = 0;; round++) {
		_cleanup_free_ pid_t *pids = NULL;
		struct sk_err ign = {0};
		size_t n = 0;

		if (sk_cgroup_pids(cg, &pids, &n, err) < 0)
			return -1;
		if (n == 0)
			return 0;
		if (elapsed_ms(t0) > DESTROY_TIMEOUT_MS)
			return sk_fail(err, 0, "cgroup %s: %zu processes left after %d s", cg->path,
				       n, DESTROY_TIMEOUT_MS / 1000);
		if (round % 50 == 49) {
			sk_cgroup_kill(cg, SIGKILL, &ign);
			sk_err_clear(&ign);
		}
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
}

int sk_cgroup_destroy(struct sk_cgroup *cg, struct sk_err *err)
{
	struct sk_err ign = {0};
	struct timespec t0;
	bool frozen = false;

	if (cg->mgr == SK_CGM_DISABLED)
		return 0;
	/* The usual case: every process is gone and the leaves are empty; one rmdir each. */
	if (cg->mgr == SK_CGM_CGROUPFS) {
		size_t gone = 0;
		for (size_t i = 0; i < cg->n; i++)
			if (rmdir(cg->h[i].dir) == 0 || errno == ENOENT)
				gone++;
		if (gone == cg->n)
			return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sk_cgroup_kill(cg, SIGKILL, &ign);
	/* v1 frozen tasks do not die until thawed. */
	if (sk_cgroup_is_frozen(cg, &frozen, &ign) == 0 && frozen)
		sk_cgroup_freeze(cg, false, &ign);
	sk_err_clear(&ign);
	if (wait_empty(cg, &t0, err) < 0)
		return sk_wrap(err, "destroy cgroup");
	if (cg->mgr == SK_CGM_SYSTEMD && cg_systemd_stop(cg, err) < 0)
		return sk_wrap(err, "destroy cgroup");
	for (size_t i = 0; i < cg->n; i++) {
		/* v1 may report EBUSY for a moment after the last task exited. */
		while (remove_tree(cg, cg->h[i].dir, err) < 0) {
			if (err->errnum != EBUSY || elapsed_ms(&t0) > DESTROY_TIMEOUT_MS)
				return sk_wrap(err, "destroy cgroup");
			sk_err_clear(err);
			nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
		}
	}
	return 0;
}

/* ---- freezer ---- */

int sk_cgroup_freeze(struct sk_cgroup *cg, bool frozen, struct sk_err *err)
{
	const struct cg_hier *h = cg_find(cg, "freezer");
	const struct cg_hier *v2 = cg_find(cg, NULL);

	if (cg->mgr == SK_CGM_DISABLED)
		return sk_fail(err, 0, "freeze: the container has no cgroup");
	if (h)
		return cg_v1_freeze(cg, h->dir, frozen, err);
	if (v2 && cg_exists(v2->dir, "cgroup.freeze"))
		return cg_v2_freeze(cg, v2->dir, frozen, err);
	return sk_fail(err, 0, "freeze cgroup %s: no freezer", cg->path);
}

int sk_cgroup_is_frozen(struct sk_cgroup *cg, bool *ret, struct sk_err *err)
{
	const struct cg_hier *h = cg_find(cg, "freezer");
	const struct cg_hier *v2 = cg_find(cg, NULL);

	*ret = false;
	if (cg->mgr == SK_CGM_DISABLED)
		return 0;
	if (h)
		return cg_v1_is_frozen(h->dir, ret, err);
	if (v2 && cg_exists(v2->dir, "cgroup.freeze"))
		return cg_v2_is_frozen(v2->dir, ret, err);
	return sk_fail(err, 0, "cgroup %s: no freezer", cg->path);
}

/* ---- update ---- */

int sk_cgroup_update(struct sk_cgroup *cg, yajl_val resources, struct sk_err *err)
{
	struct cg_hier *v2 = cg_find(cg, NULL);
	struct cg_res res = {0};
	int r = 0;

	if (cg->mgr == SK_CGM_DISABLED)
		return sk_fail(err, 0, "update: the container has no cgroup");
	if (cg_res_parse(resources, "resources", "", &res, err) < 0)
		return -1;
	if (cg->mgr == SK_CGM_SYSTEMD)
		r = cg_systemd_update(cg, &res, err);
	if (r == 0 && cg->mode != SK_CGROUP_UNIFIED)
		r = cg_v1_apply(cg, &res, true, err);
	if (r == 0 && v2)
		r = cg_v2_apply(cg, v2, &res, true, err);
	cg_res_clear(&res);
	return r < 0 ? sk_wrap(err, "update cgroup %s", cg->path) : 0;
}

/* ---- state.json text ---- */

static const char *const mgr_names[] = {
    [SK_CGM_CGROUPFS] = "cgroupfs",
    [SK_CGM_SYSTEMD] = "systemd",
    [SK_CGM_DISABLED] = "disabled",
};

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* {"manager":"cgroupfs","mode":"hybrid","path":"/x","hierarchies":[{"controllers":"memory",
 *  "dir":"/sys/fs/cgroup/memory/x","path":"/x"},{"controllers":"","v2":true,...}]} */
int sk_cgroup_save(const struct sk_cgroup *cg, char **ret, struct sk_err *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return sk_fail(err, ENOMEM, "save cgroup");
	yajl_gen_map_open(g);
	gen_str(g, "manager");
	gen_str(g, mgr_names[cg->mgr]);
	gen_str(g, "mode");
	gen_str(g, mode_names[cg->mode]);
	gen_str(g, "path");
	gen_str(g, sk_cgroup_path(cg));
	gen_str(g, "hierarchies");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < cg->n; i++) {
		yajl_gen_map_open(g);
		gen_str(g, "controllers");
		gen_str(g, cg->h[i].controllers);
		gen_str(g, "dir");
		gen_str(g, cg->h[i].dir);
		gen_str(g, "path");
		gen_str(g, cg->h[i].path);
		if (cg->h[i].v2) {
			gen_str(g, "v2");
			yajl_gen_bool(g, 1);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
	    !(*ret = strndup((const char *)buf, len))) {
		yajl_gen_free(g);
		return sk_fail(err, ENOMEM, "save cgroup");
	}
	yajl_gen_free(g);
	return 0;
}

static const char *obj_str(yajl_val o, const char *key)
{
	const char *p[] = {key, NULL};
	yajl_val v = yajl_tree_get(o, p, yajl_t_string);
	return v ? YAJL_GET_STRING(v) : NULL;
}

static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static int load_hier(yajl_val o, struct cg_hier *h, struct sk_err *err)
{
	const char *ctl = obj_str(o, "controllers"), *dir = obj_str(o, "dir");
	const char *path = obj_str(o, "path");
	const char *p[] = {"v2", NULL};
	yajl_val v2 = yajl_tree_get(o, p, yajl_t_true);
	_cleanup_free_ char *clean = NULL;

	if (!ctl || !dir || !path || dir[0] != '/')
		return sk_fail(err, 0, "bad hierarchy entry");
	/* state.json is ours, but never let it steer rmdir outside a clean absolute path */
	if (cg_path_clean(dir, &clean, err) < 0 || strcmp(clean, dir) != 0)
		return sk_fail(err, 0, "bad cgroup directory %s", dir);
	h->controllers = strdup(ctl);
	h->dir = strdup(dir);
	h->path = strdup(path);
	h->mountpoint = strdup("");
	h->root = strdup("/");
	h->v2 = v2 != NULL;
	if (!h->controllers || !h->dir || !h->path || !h->mountpoint || !h->root)
		return sk_fail(err, ENOMEM, "load cgroup");
	return 0;
}

int sk_cgroup_load(const char *saved, struct sk_cgroup **ret, struct sk_err *err)
{
	char ebuf[256] = "";
	yajl_val tree = yajl_tree_parse(saved, ebuf, sizeof(ebuf));
	const char *p[] = {"hierarchies", NULL};
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;
	yajl_val arr;
	int mgr, mode, r = -1;

	if (!tree)
		return sk_fail(err, 0, "load cgroup state: %s", ebuf);
	mgr = name_index(mgr_names, ARRAY_SIZE(mgr_names), obj_str(tree, "manager"));
	mode = name_index(mode_names, ARRAY_SIZE(mode_names), obj_str(tree, "mode"));
	arr = yajl_tree_get(tree, p, yajl_t_array);
	if (mgr < 0 || mode < 0 || !obj_str(tree, "path") || !arr) {
		sk_fail(err, 0,
			"load cgroup state: missing or bad manager, mode, path or hierarchies");
		goto out;
	}
	cg = cgroup_new((enum sk_cgroup_manager)mgr);
	if (!cg || !(cg->path = strdup(obj_str(tree, "path"))) ||
	    !(cg->h = calloc(YAJL_GET_ARRAY(arr)->len + 1, sizeof(*cg->h)))) {
		sk_fail(err, ENOMEM, "load cgroup state");
		goto out;
	}
	cg->mode = (enum sk_cgroup_mode)mode;
	for (size_t i = 0; i < YAJL_GET_ARRAY(arr)->len; i++) {
		cg->n++;
		if (load_hier(YAJL_GET_ARRAY(arr)->values[i], &cg->h[i], err) < 0) {
			sk_wrap(err, "load cgroup state");
			goto out;
		}
	}
	open_v2_fd(cg);
	*ret = TAKE_PTR(cg);
	r = 0;
out:
	yajl_tree_free(tree);
	return r;
}
