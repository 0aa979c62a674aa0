/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between cgroup.c (detection, paths, lifecycle), cgroup-v1.c and cgroup-v2.c (resource
 * files, freezer). Not for the rest of skiff: use cgroup.h. The environment (mountinfo,
 * /proc/self/cgroup, a prefix for every cgroupfs path) is a parameter so unit tests can point
 * it at fake trees.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>
#include "cgroup.h"
#include "error.h"

struct cg_env {
	const char *mountinfo;	 /* "/proc/self/mountinfo" */
	const char *proc_cgroup; /* "/proc/self/cgroup" */
	const char *prefix;	 /* prepended to every mount point ("" on a real host) */
	const char *cgroup_root; /* "/sys/fs/cgroup" */
	bool fake;		 /* files are created on write (plain directories, not cgroupfs) */
};

/* One mounted hierarchy and, once a cgroup is resolved, the container's directory in it. */
struct cg_hier {
	char *controllers; /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
	char *mountpoint;  /* as in mountinfo, without the env prefix */
	char *root;	   /* mountinfo field 4: the hierarchy path mounted there */
	bool v2;
	char *dir;	 /* the container's directory (with prefix); NULL until resolved */
	char *path;	 /* the same as seen in /proc/<pid>/cgroup */
	size_t base_len; /* length of the mount point's part of dir (0 when loaded) */
	int created;	 /* directory levels sk_cgroup_create made (undone on error) */
};

struct cg_mounts {
	enum sk_cgroup_mode mode;
	struct cg_hier *h;
	size_t n;
};

struct cg_systemd; /* cgroup-systemd.c */

struct sk_cgroup {
	enum sk_cgroup_manager mgr;
	enum sk_cgroup_mode mode;
	char *path; /* the path in the main hierarchy (v2 if unified, else name=systemd / first) */
	struct cg_hier *h;
	size_t n;
	int v2_fd;
	bool fake;
	struct cg_systemd *sd; /* SK_CGM_SYSTEMD: what enter needs; NULL when loaded */
};

/* Mount detection: parse a mountinfo text (exposed for tests). */
int cg_mounts_parse(const char *mountinfo, const char *cgroup_root, struct cg_mounts *ret,
		    struct sk_err *err);
int cg_mounts_detect(const struct cg_env *env, struct cg_mounts *ret, struct sk_err *err);
void cg_hier_clear(struct cg_hier *h);
void cg_mounts_clear(struct cg_mounts *m);

/* Cleans an in-hierarchy path: collapses "//" and ".", rejects ".." that climbs above the start.
 * Keeps the leading '/' if any; "" for an empty path. */
int cg_path_clean(const char *path, char **ret, struct sk_err *err);

/* The whole create, with an injectable environment. */
int cg_create_env(const struct cg_env *env, enum sk_cgroup_manager mgr, const char *id,
		  const char *cgroups_path, yajl_val resources, struct sk_cgroup **ret,
		  struct sk_err *err);

/* Hierarchy lookup: the one holding controller ("" or NULL: the cgroup2 one). */
struct cg_hier *cg_find(const struct sk_cgroup *cg, const char *controller);
/* The part of res the v2 tree gets: all of it, except on hybrid hosts, where v1 holds the
 * limits and v2 gets only the unified keys and what v1 lacks (filled into *sub). */
const struct cg_res *cg_res_for_v2(const struct sk_cgroup *cg, const struct cg_res *res,
				   struct cg_res *sub);

/* cgroupfs file access; errors name the full file path and the value. */
int cg_write(const struct sk_cgroup *cg, const char *dir, const char *file, const char *value,
	     struct sk_err *err);
int cg_writef(const struct sk_cgroup *cg, const char *dir, const char *file, struct sk_err *err,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int cg_read(const char *dir, const char *file, char **ret, struct sk_err *err);
/* Reads a whole file (cgroupfs and procfs files report no size). */
int cg_read_path(const char *path, char **ret, struct sk_err *err);
/* a b c concatenated, malloc'ed; NULL on ENOMEM. */
char *cg_join3(const char *a, const char *b, const char *c);
bool cg_exists(const char *dir, const char *file);

/* linux.resources, parsed and type-checked. Strings point into the yajl tree. */
struct cg_opt {
	bool set;
	int64_t v;
};

struct cg_wdev {
	int64_t major, minor;
	struct cg_opt weight, leaf_weight;
};

struct cg_tdev {
	int64_t major, minor;
	uint64_t rate;
};

enum { CG_THR_READ_BPS, CG_THR_WRITE_BPS, CG_THR_READ_IOPS, CG_THR_WRITE_IOPS, CG_THR_MAX };

struct cg_devrule {
	bool allow;
	char type;	      /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: any */
	char access[4];	      /* subset of "rwm" */
};

struct cg_res {
	struct {
		struct cg_opt limit, reservation, swap, kernel, kernel_tcp, swappiness;
		struct cg_opt disable_oom_killer, use_hierarchy, check_before_update;
	} mem;
	struct {
		struct cg_opt shares, quota, period, burst, rt_runtime, rt_period, idle;
		const char *cpus, *mems;
	} cpu;
	struct cg_opt pids_limit;
	struct {
		struct cg_opt weight, leaf_weight;
		struct cg_wdev *wdev;
		size_t n_wdev;
		struct cg_tdev *thr[CG_THR_MAX];
		size_t n_thr[CG_THR_MAX];
	} blkio;
	struct cg_huge {
		const char *pagesize;
		uint64_t limit;
	} * huge;
	size_t n_huge;
	struct {
		struct cg_opt class_id;
		struct cg_prio {
			const char *name;
			uint32_t priority;
		} * prio;
		size_t n_prio;
	} net;
	struct cg_rdma {
		const char *device;
		struct cg_opt hca_handles, hca_objects;
	} * rdma;
	size_t n_rdma;
	struct cg_kv {
		const char *key, *value;
	} * unified;
	size_t n_unified;
	bool has_devices;
	struct cg_devrule *dev;
	size_t n_dev;
};

/* file: "config.json"; base: ".linux.resources" (used in error messages). */
int cg_res_parse(yajl_val resources, const char *file, const char *base, struct cg_res *ret,
		 struct sk_err *err);
void cg_res_clear(struct cg_res *r);

/* Backends. update: sk_cgroup_update (memory checkBeforeUpdate, no device reset). */
int cg_v1_apply(struct sk_cgroup *cg, const struct cg_res *r, bool update, struct sk_err *err);
int cg_v2_apply(struct sk_cgroup *cg, struct cg_hier *h, const struct cg_res *r, bool update,
		struct sk_err *err);
/* Writes rdma.max for each linux.resources.rdma device (one format for v1 and v2). */
int cg_rdma_write(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		  struct sk_err *err);
/* Copies cpuset.cpus/mems from the parent into dir when empty (v1 needs them to attach). */
int cg_v1_cpuset_inherit(const struct sk_cgroup *cg, const char *dir, struct sk_err *err);
/* Enables controllers in the subtree_control of each level from the mount point to the parent
 * of h->dir: `needed` (NULL-terminated), and with all also every other available one (those
 * may fail quietly). Fails when one of `needed` cannot be enabled. */
int cg_v2_enable_controllers(const struct sk_cgroup *cg, const struct cg_hier *h, bool all,
			     const char *const *needed, struct sk_err *err);
/* The v2 controllers a set of resources needs (NULL-terminated, static strings). */
void cg_v2_needed(const struct cg_res *r, const char **ret, size_t max);
int cg_v1_freeze(const struct sk_cgroup *cg, const char *dir, bool frozen, struct sk_err *err);
int cg_v1_is_frozen(const char *dir, bool *ret, struct sk_err *err);
int cg_v2_freeze(const struct sk_cgroup *cg, const char *dir, bool frozen, struct sk_err *err);
int cg_v2_is_frozen(const char *dir, bool *ret, struct sk_err *err);

/* Conversions (runtime-spec v1 values to cgroup v2). */
uint64_t cg_v2_shares_to_weight(uint64_t shares);
uint64_t cg_v2_blkio_to_io_weight(uint64_t weight);
int cg_v2_swap_value(int64_t swap, int64_t limit, int64_t *ret, struct sk_err *err);
