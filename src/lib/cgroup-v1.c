/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v1 resource files (legacy and hybrid hosts): memory, cpu, cpuset, pids, blkio, hugetlb,
 * net_cls/net_prio, rdma, devices, and the v1 freezer; and the type checks of linux.resources
 * (v1-shaped in the runtime-spec) into struct cg_res for both backends. Detection, paths and
 * the lifecycle are in cgroup.c.
 */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cgroup-internal.h"
#include "cleanup.h"

#define FREEZE_TIMEOUT_MS 5000

static const char *dir_of(const struct sk_cgroup *cg, const char *controller)
{
	const struct cg_hier *h = cg_find(cg, controller);
	return h ? h->dir : NULL;
}

static int no_controller(const char *controller, const char *what, struct sk_err *err)
{
	return sk_fail(err, 0, "%s: the %s cgroup controller is not mounted", what, controller);
}

static int write_i64(const struct sk_cgroup *cg, const char *dir, const char *file,
		     const struct cg_opt *o, struct sk_err *err)
{
	if (!o->set)
		return 0;
	return cg_writef(cg, dir, file, err, "%" PRId64, o->v);
}

/* Writes a then b; when a is refused with EINVAL (it would cross the current value of b, as a
 * memory limit above memsw or a period below the runtime), writes b first. */
static int write_ordered(const struct sk_cgroup *cg, const char *dir, const char *fa,
			 const struct cg_opt *a, const char *fb, const struct cg_opt *b,
			 struct sk_err *err)
{
	if (write_i64(cg, dir, fa, a, err) < 0) {
		if (err->errnum != EINVAL || !b->set)
			return -1;
		sk_err_clear(err);
		if (write_i64(cg, dir, fb, b, err) < 0)
			return -1;
		return write_i64(cg, dir, fa, a, err);
	}
	return write_i64(cg, dir, fb, b, err);
}

/* Only a cgroup-wide check, as runc does: refuses a limit below what is in use. */
static int check_usage(const char *dir, int64_t limit, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	unsigned long long usage;

	if (cg_read(dir, "memory.usage_in_bytes", &text, err) < 0)
		return -1;
	usage = strtoull(text, NULL, 10);
	if (limit > 0 && usage > (unsigned long long)limit)
		return sk_fail(err, 0, "memory limit %" PRId64 " is below the usage %llu of %s",
			       limit, usage, dir);
	return 0;
}

static int v1_memory(const struct sk_cgroup *cg, const struct cg_res *r, bool update,
		     struct sk_err *err)
{
	const char *dir = dir_of(cg, "memory");
	struct cg_opt swap = r->mem.swap;
	bool memsw;

	if (!r->mem.limit.set && !swap.set && !r->mem.reservation.set && !r->mem.kernel_tcp.set &&
	    !r->mem.swappiness.set && !r->mem.disable_oom_killer.set && !r->mem.use_hierarchy.set)
		return 0;
	if (!dir)
		return no_controller("memory", "linux.resources.memory", err);
	memsw = cg_exists(dir, "memory.memsw.limit_in_bytes");
	/* an unlimited memory with no swap given means unlimited swap too (runc, docker) */
	if (r->mem.limit.set && r->mem.limit.v == -1 && !swap.set && memsw)
		swap = (struct cg_opt){true, -1};
	if (swap.set && !memsw) {
		if (swap.v != -1 && swap.v != 0)
			return sk_fail(err, 0,
				       "%s/memory.memsw.limit_in_bytes: swap "
				       "accounting is not enabled on this host",
				       dir);
		swap.set = false;
	}
	if (update && r->mem.check_before_update.v && r->mem.limit.set &&
	    check_usage(dir, r->mem.limit.v, err) < 0)
		return -1;
	if (write_ordered(cg, dir, "memory.limit_in_bytes", &r->mem.limit,
			  "memory.memsw.limit_in_bytes", &swap, err) < 0 ||
	    write_i64(cg, dir, "memory.soft_limit_in_bytes", &r->mem.reservation, err) < 0 ||
	    write_i64(cg, dir, "memory.kmem.tcp.limit_in_bytes", &r->mem.kernel_tcp, err) < 0 ||
	    write_i64(cg, dir, "memory.swappiness", &r->mem.swappiness, err) < 0)
		return -1;
	/* memory.kmem.limit_in_bytes (linux.resources.memory.kernel) is ignored: deprecated,
	 * and refused by kernels >= 5.16, as runc ignores it. */
	if (r->mem.disable_oom_killer.set && r->mem.disable_oom_killer.v &&
	    cg_write(cg, dir, "memory.oom_control", "1", err) < 0)
		return -1;
	if (r->mem.use_hierarchy.set) {
		_cleanup_free_ char *cur = NULL;
		/* always 1 on kernels >= 5.19 and no longer writable: only write a change */
		if (cg_read(dir, "memory.use_hierarchy", &cur, err) < 0)
			return -1;
		if (atoi(cur) != (int)r->mem.use_hierarchy.v &&
		    write_i64(cg, dir, "memory.use_hierarchy", &r->mem.use_hierarchy, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_cpu(const struct sk_cgroup *cg, const struct cg_res *r, struct sk_err *err)
{
	const char *dir = dir_of(cg, "cpu"), *cs = dir_of(cg, "cpuset");

	if (r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set || r->cpu.burst.set ||
	    r->cpu.rt_runtime.set || r->cpu.rt_period.set || r->cpu.idle.set) {
		if (!dir)
			return no_controller("cpu", "linux.resources.cpu", err);
		if (write_i64(cg, dir, "cpu.shares", &r->cpu.shares, err) < 0 ||
		    write_ordered(cg, dir, "cpu.cfs_period_us", &r->cpu.period, "cpu.cfs_quota_us",
				  &r->cpu.quota, err) < 0 ||
		    write_i64(cg, dir, "cpu.cfs_burst_us", &r->cpu.burst, err) < 0 ||
		    write_ordered(cg, dir, "cpu.rt_period_us", &r->cpu.rt_period,
				  "cpu.rt_runtime_us", &r->cpu.rt_runtime, err) < 0 ||
		    write_i64(cg, dir, "cpu.idle", &r->cpu.idle, err) < 0)
			return -1;
	}
	if ((r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems)) {
		if (!cs)
			return no_controller("cpuset", "linux.resources.cpu", err);
		if (r->cpu.cpus && *r->cpu.cpus &&
		    cg_write(cg, cs, "cpuset.cpus", r->cpu.cpus, err) < 0)
			return -1;
		if (r->cpu.mems && *r->cpu.mems &&
		    cg_write(cg, cs, "cpuset.mems", r->cpu.mems, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_blkio(const struct sk_cgroup *cg, const struct cg_res *r, struct sk_err *err)
{
	static const char *const thr_files[CG_THR_MAX] = {
	    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
	    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
	const char *dir = dir_of(cg, "blkio");
	bool any = r->blkio.weight.set || r->blkio.leaf_weight.set || r->blkio.n_wdev;
	const char *wfile = "blkio.weight", *wdfile = "blkio.weight_device";

	for (int k = 0; k < CG_THR_MAX; k++)
		any = any || r->blkio.n_thr[k];
	if (!any)
		return 0;
	if (!dir)
		return no_controller("blkio", "linux.resources.blockIO", err);
	/* CFQ is gone since 5.0; with BFQ the files are blkio.bfq.* */
	if (!cg_exists(dir, wfile) && cg_exists(dir, "blkio.bfq.weight")) {
		wfile = "blkio.bfq.weight";
		wdfile = "blkio.bfq.weight_device";
	}
	if (write_i64(cg, dir, wfile, &r->blkio.weight, err) < 0 ||
	    write_i64(cg, dir, "blkio.leaf_weight", &r->blkio.leaf_weight, err) < 0)
		return -1;
	for (size_t i = 0; i < r->blkio.n_wdev; i++) {
		const struct cg_wdev *d = &r->blkio.wdev[i];
		if (d->weight.set &&
		    cg_writef(cg, dir, wdfile, err, "%" PRId64 ":%" PRId64 " %" PRId64, d->major,
			      d->minor, d->weight.v) < 0)
			return -1;
		if (d->leaf_weight.set && cg_writef(cg, dir, "blkio.leaf_weight_device", err,
						    "%" PRId64 ":%" PRId64 " %" PRId64, d->major,
						    d->minor, d->leaf_weight.v) < 0)
			return -1;
	}
	for (int k = 0; k < CG_THR_MAX; k++)
		for (size_t i = 0; i < r->blkio.n_thr[k]; i++) {
			const struct cg_tdev *d = &r->blkio.thr[k][i];
			if (cg_writef(cg, dir, thr_files[k], err,
				      "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
				      d->rate) < 0)
				return -1;
		}
	return 0;
}

static int v1_misc(const struct sk_cgroup *cg, const struct cg_res *r, struct sk_err *err)
{
	const char *dir = NULL;

	if (r->pids_limit.set && r->pids_limit.v != 0) {
		if (!(dir = dir_of(cg, "pids")))
			return no_controller("pids", "linux.resources.pids", err);
		if (r->pids_limit.v > 0 ? write_i64(cg, dir, "pids.max", &r->pids_limit, err) < 0
					: cg_write(cg, dir, "pids.max", "max", err) < 0)
			return -1;
	}
	if (r->n_huge && (dir = dir_of(cg, "hugetlb")))
		for (size_t i = 0; i < r->n_huge; i++) {
			_cleanup_free_ char *file = NULL;
			if (asprintf(&file, "hugetlb.%s.limit_in_bytes", r->huge[i].pagesize) < 0)
				return sk_fail(err, ENOMEM, "hugetlb");
			if (cg_writef(cg, dir, file, err, "%" PRIu64, r->huge[i].limit) < 0)
				return -1;
		}
	else if (r->n_huge && (cg->mode != SK_CGROUP_HYBRID || !cg_find(cg, NULL)))
		return no_controller("hugetlb", "linux.resources.hugepageLimits", err);
	if (r->net.class_id.set) {
		if (!(dir = dir_of(cg, "net_cls")))
			return no_controller("net_cls", "linux.resources.network", err);
		if (write_i64(cg, dir, "net_cls.classid", &r->net.class_id, err) < 0)
			return -1;
	}
	if (r->net.n_prio && !(dir = dir_of(cg, "net_prio")))
		return no_controller("net_prio", "linux.resources.network", err);
	for (size_t i = 0; i < r->net.n_prio; i++)
		if (cg_writef(cg, dir, "net_prio.ifpriomap", err, "%s %" PRIu32,
			      r->net.prio[i].name, r->net.prio[i].priority) < 0)
			return -1;
	return 0;
}

/* rdma.max takes "mlx4_0 hca_handle=2 hca_object=max": the same in v1 and v2 (cgroup-v2.c
 * calls it too). */
int cg_rdma_write(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		  struct sk_err *err)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct cg_rdma *e = &r->rdma[i];
		char h[24] = "max", o[24] = "max";
		if (e->hca_handles.set)
			snprintf(h, sizeof(h), "%" PRId64, e->hca_handles.v);
		if (e->hca_objects.set)
			snprintf(o, sizeof(o), "%" PRId64, e->hca_objects.v);
		if (cg_writef(cg, dir, "rdma.max", err, "%s hca_handle=%s hca_object=%s", e->device,
			      h, o) < 0)
			return -1;
	}
	return 0;
}

static void devno(char *buf, size_t len, int64_t n)
{
	if (n < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId64, n);
}

/* What runc 1.1 always allows after the OCI rules: mknod of any node, and the standard
 * nodes (null, zero, full, random, urandom, tty, ptmx, tun, pts/N). */
static const struct cg_devrule default_rules[] = {
    {true, 'b', -1, -1, "m"},	 {true, 'c', -1, -1, "m"},    {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 5, "rwm"},	 {true, 'c', 1, 7, "rwm"},    {true, 'c', 1, 8, "rwm"},
    {true, 'c', 1, 9, "rwm"},	 {true, 'c', 5, 0, "rwm"},    {true, 'c', 5, 2, "rwm"},
    {true, 'c', 10, 200, "rwm"}, {true, 'c', 136, -1, "rwm"},
};

static int devrule_write(const struct sk_cgroup *cg, const char *dir, const struct cg_devrule *d,
			 struct sk_err *err)
{
	const char *file = d->allow ? "devices.allow" : "devices.deny";
	char ma[24], mi[24];

	if (d->type == 'a')
		return cg_write(cg, dir, file, "a", err);
	devno(ma, sizeof(ma), d->major);
	devno(mi, sizeof(mi), d->minor);
	return cg_writef(cg, dir, file, err, "%c %s:%s %s", d->type, ma, mi, d->access);
}

/* On create, always (as runc): deny everything, the OCI rules in order, then the defaults.
 * Update leaves devices alone: a deny-all on a running container would cut it off. */
static int v1_devices(const struct sk_cgroup *cg, const struct cg_res *r, bool update,
		      struct sk_err *err)
{
	const char *dir = dir_of(cg, "devices");
	static const struct cg_devrule deny_all = {false, 'a', -1, -1, "rwm"};

	if (update)
		return 0;
	if (!dir)
		return r->has_devices ? no_controller("devices", "linux.resources.devices", err)
				      : 0;
	if (devrule_write(cg, dir, &deny_all, err) < 0)
		return -1;
	for (size_t i = 0; i < r->n_dev; i++)
		if (devrule_write(cg, dir, &r->dev[i], err) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
		if (devrule_write(cg, dir, &default_rules[i], err) < 0)
			return -1;
	return 0;
}

int cg_v1_apply(struct sk_cgroup *cg, const struct cg_res *r, bool update, struct sk_err *err)
{
	const char *dir = NULL;

	if (v1_memory(cg, r, update, err) < 0 || v1_cpu(cg, r, err) < 0 ||
	    v1_blkio(cg, r, err) < 0 || v1_misc(cg, r, err) < 0 ||
	    v1_devices(cg, r, update, err) < 0)
		return -1;
	if (r->n_rdma) {
		if (!(dir = dir_of(cg, "rdma")))
			return no_controller("rdma", "linux.resources.rdma", err);
		if (cg_rdma_write(cg, dir, r, err) < 0)
			return -1;
	}
	if (r->n_unified && cg->mode == SK_CGROUP_LEGACY)
		return sk_fail(err, 0,
			       "linux.resources.unified: this host has no cgroup v2 hierarchy");
	return 0;
}

static int trim_read(const char *dir, const char *file, char **ret, struct sk_err *err)
{
	size_t len;

	if (cg_read(dir, file, ret, err) < 0)
		return -1;
	len = strlen(*ret);
	while (len && ((*ret)[len - 1] == '\n' || (*ret)[len - 1] == ' '))
		(*ret)[--len] = '\0';
	return 0;
}

int cg_v1_cpuset_inherit(const struct sk_cgroup *cg, const char *dir, struct sk_err *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	_cleanup_free_ char *parent = strdup(dir);
	char *slash = parent ? strrchr(parent, '/') : NULL;

	if (!slash)
		return sk_fail(err, ENOMEM, "cpuset %s", dir);
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *cur = NULL, *pv = NULL;
		if (cg_exists(dir, files[i]) && trim_read(dir, files[i], &cur, err) < 0)
			return -1;
		if (cur && *cur)
			continue;
		if (trim_read(parent, files[i], &pv, err) < 0)
			return -1;
		if (*pv && cg_write(cg, dir, files[i], pv, err) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_is_frozen(const char *dir, bool *ret, struct sk_err *err)
{
	_cleanup_free_ char *s = NULL;

	if (trim_read(dir, "freezer.state", &s, err) < 0)
		return -1;
	/* FREEZING counts as frozen for pause/resume: a freeze is under way */
	*ret = strcmp(s, "THAWED") != 0;
	return 0;
}

int cg_v1_freeze(const struct sk_cgroup *cg, const char *dir, bool frozen, struct sk_err *err)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		_cleanup_free_ char *s = NULL;
		/* re-writing FROZEN retries tasks that were busy in the kernel */
		if (cg_write(cg, dir, "freezer.state", want, err) < 0)
			return -1;
		if (cg && cg->fake)
			return 0;
		if (trim_read(dir, "freezer.state", &s, err) < 0)
			return -1;
		if (strcmp(s, want) == 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >
		    FREEZE_TIMEOUT_MS)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 1000 * 1000}, NULL);
	}
	if (frozen) {
		struct sk_err ign = {0};
		cg_write(cg, dir, "freezer.state", "THAWED", &ign);
		sk_err_clear(&ign);
	}
	return sk_fail(err, 0, "%s/freezer.state: still not %s after %d s", dir, want,
		       FREEZE_TIMEOUT_MS / 1000);
}

/* ---- linux.resources ----
 * The runtime-spec's resources are v1-shaped; they are type-checked here into struct cg_res
 * for both backends, with the JSON path of every error. */

struct jctx {
	const char *file; /* "config.json" */
	const char *at;	  /* ".linux.resources.memory" */
	struct sk_err *err;
};

static yajl_val jget(yajl_val o, const char *key)
{
	const char *p[] = {key, NULL};
	yajl_val v = yajl_tree_get(o, p, yajl_t_any);
	return v && !YAJL_IS_NULL(v) ? v : NULL;
}

static int jbad(const struct jctx *c, const char *key, const char *what)
{
	return sk_fail(c->err, 0, "%s: %s%s%s: %s", c->file, c->at, key ? "." : "", key ? key : "",
		       what);
}

static int j_int(const struct jctx *c, yajl_val o, const char *key, int64_t min, struct cg_opt *out)
{
	yajl_val v = jget(o, key);

	if (!v)
		return 0;
	if (!YAJL_IS_INTEGER(v))
		return jbad(c, key, "must be an integer");
	if (YAJL_GET_INTEGER(v) < min)
		return jbad(c, key, min == 0 ? "must not be negative" : "is out of range");
	out->set = true;
	out->v = YAJL_GET_INTEGER(v);
	return 0;
}

static int j_bool(const struct jctx *c, yajl_val o, const char *key, struct cg_opt *out)
{
	yajl_val v = jget(o, key);

	if (!v)
		return 0;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return jbad(c, key, "must be a boolean");
	out->set = true;
	out->v = YAJL_IS_TRUE(v);
	return 0;
}

static int j_str(const struct jctx *c, yajl_val o, const char *key, const char **out)
{
	yajl_val v = jget(o, key);

	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v))
		return jbad(c, key, "must be a string");
	*out = YAJL_GET_STRING(v);
	return 0;
}

/* *out: the object/array at key, NULL if absent. */
static int j_typed(const struct jctx *c, yajl_val o, const char *key, yajl_type t, yajl_val *out)
{
	yajl_val v = jget(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (v->type != t)
		return jbad(c, key, t == yajl_t_object ? "must be an object" : "must be an array");
	*out = v;
	return 0;
}

static int res_memory(const struct jctx *c, yajl_val o, struct cg_res *r)
{
	if (j_int(c, o, "limit", INT64_MIN, &r->mem.limit) < 0 ||
	    j_int(c, o, "reservation", INT64_MIN, &r->mem.reservation) < 0 ||
	    j_int(c, o, "swap", INT64_MIN, &r->mem.swap) < 0 ||
	    j_int(c, o, "kernel", INT64_MIN, &r->mem.kernel) < 0 ||
	    j_int(c, o, "kernelTCP", INT64_MIN, &r->mem.kernel_tcp) < 0 ||
	    j_int(c, o, "swappiness", 0, &r->mem.swappiness) < 0 ||
	    j_bool(c, o, "disableOOMKiller", &r->mem.disable_oom_killer) < 0 ||
	    j_bool(c, o, "useHierarchy", &r->mem.use_hierarchy) < 0 ||
	    j_bool(c, o, "checkBeforeUpdate", &r->mem.check_before_update) < 0)
		return -1;
	if (r->mem.swappiness.set && r->mem.swappiness.v > 100)
		return jbad(c, "swappiness", "must be between 0 and 100");
	return 0;
}

static int res_cpu(const struct jctx *c, yajl_val o, struct cg_res *r)
{
	return j_int(c, o, "shares", 0, &r->cpu.shares) < 0 ||
		       j_int(c, o, "quota", INT64_MIN, &r->cpu.quota) < 0 ||
		       j_int(c, o, "period", 0, &r->cpu.period) < 0 ||
		       j_int(c, o, "burst", 0, &r->cpu.burst) < 0 ||
		       j_int(c, o, "realtimeRuntime", INT64_MIN, &r->cpu.rt_runtime) < 0 ||
		       j_int(c, o, "realtimePeriod", 0, &r->cpu.rt_period) < 0 ||
		       j_int(c, o, "idle", INT64_MIN, &r->cpu.idle) < 0 ||
		       j_str(c, o, "cpus", &r->cpu.cpus) < 0 ||
		       j_str(c, o, "mems", &r->cpu.mems) < 0
		   ? -1
		   : 0;
}

/* Runs fn on each element of the array at key with c->at set to ".../key[i]". */
static int j_each(const struct jctx *c, yajl_val o, const char *key, void *out,
		  int (*fn)(const struct jctx *, yajl_val, size_t, void *))
{
	yajl_val arr;

	if (j_typed(c, o, key, yajl_t_array, &arr) < 0)
		return -1;
	if (!arr)
		return 0;
	for (size_t i = 0; i < YAJL_GET_ARRAY(arr)->len; i++) {
		_cleanup_free_ char *at = NULL;
		struct jctx ec = {c->file, NULL, c->err};
		yajl_val e = YAJL_GET_ARRAY(arr)->values[i];
		if (asprintf(&at, "%s.%s[%zu]", c->at, key, i) < 0)
			return sk_fail(c->err, ENOMEM, "parse %s", c->file);
		ec.at = at;
		if (!YAJL_IS_OBJECT(e))
			return jbad(&ec, NULL, "must be an object");
		if (fn(&ec, e, YAJL_GET_ARRAY(arr)->len, out) < 0)
			return -1;
	}
	return 0;
}

static int j_devno(const struct jctx *c, yajl_val e, int64_t *major, int64_t *minor)
{
	struct cg_opt ma = {0}, mi = {0};

	if (j_int(c, e, "major", 0, &ma) < 0 || j_int(c, e, "minor", 0, &mi) < 0)
		return -1;
	if (!ma.set || !mi.set)
		return jbad(c, ma.set ? "minor" : "major", "is required");
	*major = ma.v;
	*minor = mi.v;
	return 0;
}

/* Grows a vector by one zeroed element; the vector and count live in out. */
static void *vec_push(void **v, size_t *n, size_t size, size_t cap)
{
	if (!*v && !(*v = calloc(cap ? cap : 1, size)))
		return NULL;
	return (char *)*v + (*n)++ * size;
}

static int each_wdev(const struct jctx *c, yajl_val e, size_t cap, void *out)
{
	struct cg_res *r = out;
	struct cg_wdev *d = vec_push((void **)&r->blkio.wdev, &r->blkio.n_wdev, sizeof(*d), cap);

	if (!d)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	return j_devno(c, e, &d->major, &d->minor) < 0 ||
		       j_int(c, e, "weight", 0, &d->weight) < 0 ||
		       j_int(c, e, "leafWeight", 0, &d->leaf_weight) < 0
		   ? -1
		   : 0;
}

struct thr_out {
	struct cg_res *r;
	int kind;
};

static int each_tdev(const struct jctx *c, yajl_val e, size_t cap, void *out)
{
	struct thr_out *t = out;
	struct cg_tdev *d = vec_push((void **)&t->r->blkio.thr[t->kind],
				     &t->r->blkio.n_thr[t->kind], sizeof(*d), cap);
	struct cg_opt rate = {0};

	if (!d)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	if (j_devno(c, e, &d->major, &d->minor) < 0 || j_int(c, e, "rate", 0, &rate) < 0)
		return -1;
	if (!rate.set)
		return jbad(c, "rate", "is required");
	d->rate = (uint64_t)rate.v;
	return 0;
}

static int res_blkio(const struct jctx *c, yajl_val o, struct cg_res *r)
{
	static const char *const thr_keys[CG_THR_MAX] = {
	    "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
	    "throttleWriteIOPSDevice"};

	if (j_int(c, o, "weight", 0, &r->blkio.weight) < 0 ||
	    j_int(c, o, "leafWeight", 0, &r->blkio.leaf_weight) < 0 ||
	    j_each(c, o, "weightDevice", r, each_wdev) < 0)
		return -1;
	for (int k = 0; k < CG_THR_MAX; k++) {
		struct thr_out t = {r, k};
		if (j_each(c, o, thr_keys[k], &t, each_tdev) < 0)
			return -1;
	}
	return 0;
}

static int each_huge(const struct jctx *c, yajl_val e, size_t cap, void *out)
{
	struct cg_res *r = out;
	struct cg_huge *h = vec_push((void **)&r->huge, &r->n_huge, sizeof(*h), cap);
	struct cg_opt limit = {0};

	if (!h)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	if (j_str(c, e, "pageSize", &h->pagesize) < 0 || j_int(c, e, "limit", 0, &limit) < 0)
		return -1;
	if (!h->pagesize || !limit.set)
		return jbad(c, h->pagesize ? "limit" : "pageSize", "is required");
	/* it becomes part of a file name: hugetlb.<pageSize>.limit_in_bytes */
	if (!*h->pagesize || strspn(h->pagesize, "0123456789KMGBkmgb") != strlen(h->pagesize))
		return jbad(c, "pageSize", "must look like 2MB or 1GB");
	h->limit = (uint64_t)limit.v;
	return 0;
}

static int each_prio(const struct jctx *c, yajl_val e, size_t cap, void *out)
{
	struct cg_res *r = out;
	struct cg_prio *p = vec_push((void **)&r->net.prio, &r->net.n_prio, sizeof(*p), cap);
	struct cg_opt prio = {0};

	if (!p)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	if (j_str(c, e, "name", &p->name) < 0 || j_int(c, e, "priority", 0, &prio) < 0)
		return -1;
	if (!p->name || !*p->name || strpbrk(p->name, " \n/"))
		return jbad(c, "name", "must be an interface name");
	if (!prio.set || prio.v > UINT32_MAX)
		return jbad(c, "priority", "must be a 32-bit unsigned integer");
	p->priority = (uint32_t)prio.v;
	return 0;
}

static int each_dev(const struct jctx *c, yajl_val e, size_t cap, void *out)
{
	struct cg_res *r = out;
	struct cg_devrule *d = vec_push((void **)&r->dev, &r->n_dev, sizeof(*d), cap);
	struct cg_opt allow = {0}, ma = {0}, mi = {0};
	const char *type = NULL, *access = NULL;

	if (!d)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	if (j_bool(c, e, "allow", &allow) < 0 || j_str(c, e, "type", &type) < 0 ||
	    j_int(c, e, "major", -1, &ma) < 0 || j_int(c, e, "minor", -1, &mi) < 0 ||
	    j_str(c, e, "access", &access) < 0)
		return -1;
	if (!allow.set)
		return jbad(c, "allow", "is required");
	if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
		return jbad(c, "type", "must be \"a\", \"c\" or \"b\"");
	if (!access)
		access = "rwm";
	if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access))
		return jbad(c, "access", "must be made of r, w and m");
	d->allow = allow.v;
	d->type = type ? type[0] : 'a';
	d->major = ma.set ? ma.v : -1;
	d->minor = mi.set ? mi.v : -1;
	memcpy(d->access, access, strlen(access) + 1);
	return 0;
}

static int res_rdma(const struct jctx *c, yajl_val o, struct cg_res *r)
{
	size_t n = YAJL_GET_OBJECT(o)->len;

	r->rdma = calloc(n ? n : 1, sizeof(*r->rdma));
	if (!r->rdma)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	for (size_t i = 0; i < n; i++) {
		const char *dev = YAJL_GET_OBJECT(o)->keys[i];
		yajl_val v = YAJL_GET_OBJECT(o)->values[i];
		_cleanup_free_ char *at = NULL;
		struct jctx ec = {c->file, NULL, c->err};
		struct cg_rdma *e = &r->rdma[r->n_rdma++];

		if (asprintf(&at, "%s.%s", c->at, dev) < 0)
			return sk_fail(c->err, ENOMEM, "parse %s", c->file);
		ec.at = at;
		if (!*dev || strpbrk(dev, " \n/"))
			return jbad(&ec, NULL, "must be an RDMA device name");
		if (!YAJL_IS_OBJECT(v))
			return jbad(&ec, NULL, "must be an object");
		e->device = dev;
		if (j_int(&ec, v, "hcaHandles", 0, &e->hca_handles) < 0 ||
		    j_int(&ec, v, "hcaObjects", 0, &e->hca_objects) < 0)
			return -1;
	}
	return 0;
}

static int res_unified(const struct jctx *c, yajl_val o, struct cg_res *r)
{
	size_t n = YAJL_GET_OBJECT(o)->len;

	r->unified = calloc(n ? n : 1, sizeof(*r->unified));
	if (!r->unified)
		return sk_fail(c->err, ENOMEM, "parse %s", c->file);
	for (size_t i = 0; i < n; i++) {
		const char *key = YAJL_GET_OBJECT(o)->keys[i];
		yajl_val v = YAJL_GET_OBJECT(o)->values[i];

		/* the key becomes a file name in the container's cgroup: no way out of it */
		if (!*key || key[0] == '.' || strchr(key, '/') || !strchr(key, '.'))
			return jbad(c, key, "is not a cgroup file name");
		if (!YAJL_IS_STRING(v))
			return jbad(c, key, "must be a string");
		r->unified[r->n_unified].key = key;
		r->unified[r->n_unified++].value = YAJL_GET_STRING(v);
	}
	return 0;
}

static int res_sections(const struct jctx *c, yajl_val res, struct cg_res *r)
{
	static const char *const keys[] = {"memory",  "cpu",  "pids",	"blockIO",
					   "network", "rdma", "unified"};
	yajl_val sec[ARRAY_SIZE(keys)];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (j_typed(c, res, keys[i], yajl_t_object, &sec[i]) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		_cleanup_free_ char *at = NULL;
		struct jctx sc = {c->file, NULL, c->err};
		int rr = 0;

		if (!sec[i])
			continue;
		if (asprintf(&at, "%s.%s", c->at, keys[i]) < 0)
			return sk_fail(c->err, ENOMEM, "parse %s", c->file);
		sc.at = at;
		switch (i) {
		case 0:
			rr = res_memory(&sc, sec[i], r);
			break;
		case 1:
			rr = res_cpu(&sc, sec[i], r);
			break;
		case 2:
			rr = j_int(&sc, sec[i], "limit", INT64_MIN, &r->pids_limit);
			break;
		case 3:
			rr = res_blkio(&sc, sec[i], r);
			break;
		case 4:
			rr = j_int(&sc, sec[i], "classID", 0, &r->net.class_id) < 0 ||
				     j_each(&sc, sec[i], "priorities", r, each_prio) < 0
				 ? -1
				 : 0;
			break;
		case 5:
			rr = res_rdma(&sc, sec[i], r);
			break;
		default:
			rr = res_unified(&sc, sec[i], r);
			break;
		}
		if (rr < 0)
			return -1;
	}
	return 0;
}

int cg_res_parse(yajl_val resources, const char *file, const char *base, struct cg_res *ret,
		 struct sk_err *err)
{
	struct jctx c = {file, base, err};
	yajl_val devs;

	memset(ret, 0, sizeof(*ret));
	if (!resources || YAJL_IS_NULL(resources))
		return 0;
	if (!YAJL_IS_OBJECT(resources))
		return jbad(&c, NULL, "must be an object");
	if (res_sections(&c, resources, ret) < 0 ||
	    j_each(&c, resources, "hugepageLimits", ret, each_huge) < 0 ||
	    j_typed(&c, resources, "devices", yajl_t_array, &devs) < 0 ||
	    j_each(&c, resources, "devices", ret, each_dev) < 0) {
		cg_res_clear(ret);
		return -1;
	}
	ret->has_devices = devs != NULL;
	return 0;
}

void cg_res_clear(struct cg_res *r)
{
	free(r->blkio.wdev);
	for (int k = 0; k < CG_THR_MAX; k++)
		free(r->blkio.thr[k]);
	free(r->huge);
	free(r->net.prio);
	free(r->rdma);
	free(r->unified);
	free(r->dev);
	memset(r, 0, sizeof(*r));
}
