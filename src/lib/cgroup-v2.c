/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v2 files: controller delegation (subtree_control), resources with their conversions
 * from the runtime-spec's v1-shaped values, linux.resources.unified, and cgroup.freeze. On a
 * hybrid host only unified keys (and hugetlb when v1 lacks it) go to the v2 tree.
 * linux.resources.devices: an eBPF device program (cgroup-bpf.c).
 */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cgroup-bpf.h"
#include "cgroup-internal.h"
#include "cleanup.h"

#define FREEZE_TIMEOUT_MS 5000

uint64_t cg_v2_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_v2_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

/* v1's memsw is memory+swap; v2's memory.swap.max is swap alone. *ret: -1 "max", 0 none. */
int cg_v2_swap_value(int64_t swap, int64_t limit, int64_t *ret, struct sk_err *err)
{
	if (limit == -1 && swap == 0) {
		*ret = -1; /* unlimited memory, no swap given: unlimited swap too */
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*ret = swap;
		return 0;
	}
	if (limit <= 0)
		return sk_fail(err, 0, "memory.swap %" PRId64 " needs a memory.limit", swap);
	if (swap < limit)
		return sk_fail(err, 0,
			       "memory.swap %" PRId64 " is below memory.limit %" PRId64
			       " (swap is memory+swap)",
			       swap, limit);
	*ret = swap - limit;
	return 0;
}

static const char *const known[] = {"cpuset",  "cpu",  "io",   "memory",
				    "hugetlb", "pids", "rdma", "misc"};

static void add_needed(const char **ret, size_t max, size_t *n, const char *c)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(ret[i], c) == 0)
			return;
	if (*n + 1 < max)
		ret[(*n)++] = c;
}

void cg_v2_needed(const struct cg_res *r, const char **ret, size_t max)
{
	size_t n = 0;
	bool io = r->blkio.weight.set || r->blkio.n_wdev;

	for (int k = 0; k < CG_THR_MAX; k++)
		io = io || r->blkio.n_thr[k];
	if (r->mem.limit.set || r->mem.swap.set || r->mem.reservation.set)
		add_needed(ret, max, &n, "memory");
	if (r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set || r->cpu.burst.set ||
	    r->cpu.idle.set)
		add_needed(ret, max, &n, "cpu");
	if ((r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems))
		add_needed(ret, max, &n, "cpuset");
	if (r->pids_limit.set && r->pids_limit.v != 0)
		add_needed(ret, max, &n, "pids");
	if (io)
		add_needed(ret, max, &n, "io");
	if (r->n_huge)
		add_needed(ret, max, &n, "hugetlb");
	if (r->n_rdma)
		add_needed(ret, max, &n, "rdma");
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *key = r->unified[i].key, *dot = strchr(key, '.');
		for (size_t k = 0; dot && k < ARRAY_SIZE(known); k++)
			if (strlen(known[k]) == (size_t)(dot - key) &&
			    strncmp(known[k], key, (size_t)(dot - key)) == 0)
				add_needed(ret, max, &n, known[k]);
	}
	ret[n] = NULL;
}

static bool word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += wl)
		if ((p == list || p[-1] == ' ' || p[-1] == '+') &&
		    (p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n'))
			return true;
	return false;
}

static int read_or_empty(const char *dir, const char *file, char **ret, struct sk_err *err)
{
	if (cg_read(dir, file, ret, err) == 0)
		return 0;
	if (err->errnum != ENOENT)
		return -1;
	sk_err_clear(err);
	return (*ret = strdup("")) ? 0 : sk_fail(err, ENOMEM, "read %s/%s", dir, file);
}

/* Enables the missing ones among want[] in level/cgroup.subtree_control: one write for all,
 * then one by one if the kernel refused the batch. */
static int enable_level(const struct sk_cgroup *cg, const char *level, const char **want, size_t n,
			const char *const *needed, struct sk_err *err)
{
	_cleanup_free_ char *on = NULL, *batch = NULL;
	size_t len = 0;

	if (read_or_empty(level, "cgroup.subtree_control", &on, err) < 0)
		return -1;
	batch = calloc(1, n * 16 + 1);
	if (!batch)
		return sk_fail(err, ENOMEM, "enable controllers in %s", level);
	for (size_t i = 0; i < n; i++)
		if (!word_in(on, want[i]))
			len += (size_t)snprintf(batch + len, 16, "%s+%s", len ? " " : "", want[i]);
	if (len == 0 || cg_write(cg, level, "cgroup.subtree_control", batch, err) == 0)
		return 0;
	sk_err_clear(err);
	for (size_t i = 0; i < n; i++) {
		bool must = false;
		for (size_t k = 0; needed && needed[k]; k++)
			must = must || strcmp(needed[k], want[i]) == 0;
		if (word_in(on, want[i]) ||
		    cg_writef(cg, level, "cgroup.subtree_control", err, "+%s", want[i]) == 0)
			continue;
		if (must)
			return -1;
		sk_err_clear(err);
	}
	return 0;
}

int cg_v2_enable_controllers(const struct sk_cgroup *cg, const struct cg_hier *h, bool all,
			     const char *const *needed, struct sk_err *err)
{
	_cleanup_free_ char *avail = NULL, *level = NULL;
	const char *want[ARRAY_SIZE(known) + 1];
	size_t n = 0;

	if (h->base_len == 0 || !(level = strdup(h->dir)))
		return h->base_len == 0 ? 0 : sk_fail(err, ENOMEM, "enable controllers");
	level[h->base_len] = '\0';
	if (read_or_empty(*level ? level : "/", "cgroup.controllers", &avail, err) < 0)
		return -1;
	level[h->base_len] = '/';
	for (size_t i = 0; needed && needed[i]; i++)
		if (!word_in(avail, needed[i]))
			return sk_fail(err, 0, "cgroup controller %s is not available in %s",
				       needed[i], level);
	for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
		bool need = false;
		for (size_t i = 0; needed && needed[i]; i++)
			need = need || strcmp(needed[i], known[k]) == 0;
		if (need || (all && word_in(avail, known[k])))
			want[n++] = known[k];
	}
	if (n == 0)
		return 0;
	/* top-down: a controller can be enabled only where the parent enabled it; the leaf
	 * itself keeps an empty subtree_control (it holds the processes) */
	for (size_t end = h->base_len;;) {
		const char *next = strchr(h->dir + end + 1, '/');
		char saved = level[end];

		level[end] = '\0';
		if (enable_level(cg, *level ? level : "/", want, n, needed, err) < 0)
			return -1;
		level[end] = saved;
		if (!next)
			break;
		end = (size_t)(next - h->dir);
	}
	return 0;
}

static int write_max(const struct sk_cgroup *cg, const char *dir, const char *file, int64_t v,
		     struct sk_err *err)
{
	if (v < 0)
		return cg_write(cg, dir, file, "max", err);
	return cg_writef(cg, dir, file, err, "%" PRId64, v);
}

static int v2_memory(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		     bool update, struct sk_err *err)
{
	int64_t swap = 0;

	if (r->mem.swap.set || (r->mem.limit.set && r->mem.limit.v == -1)) {
		if (cg_v2_swap_value(r->mem.swap.set ? r->mem.swap.v : 0,
				     r->mem.limit.set ? r->mem.limit.v : 0, &swap, err) < 0)
			return sk_wrap(err, "linux.resources.memory");
	}
	if (swap != 0 && !cg_exists(dir, "memory.swap.max")) {
		if (swap != -1)
			return sk_fail(err, 0,
				       "%s/memory.swap.max: swap accounting is not "
				       "enabled on this host",
				       dir);
		swap = 0;
	}
	if (update && r->mem.check_before_update.v && r->mem.limit.set && r->mem.limit.v > 0) {
		_cleanup_free_ char *cur = NULL;
		if (cg_read(dir, "memory.current", &cur, err) < 0)
			return -1;
		if (strtoull(cur, NULL, 10) > (unsigned long long)r->mem.limit.v)
			return sk_fail(err, 0,
				       "memory limit %" PRId64 " is below the usage %llu "
				       "of %s",
				       r->mem.limit.v, strtoull(cur, NULL, 10), dir);
	}
	/* swap first: a lower memory.max may push pages out to swap */
	if (swap != 0 && write_max(cg, dir, "memory.swap.max", swap, err) < 0)
		return -1;
	if (r->mem.limit.set && r->mem.limit.v != 0 &&
	    write_max(cg, dir, "memory.max", r->mem.limit.v, err) < 0)
		return -1;
	if (r->mem.reservation.set &&
	    write_max(cg, dir, "memory.low", r->mem.reservation.v, err) < 0)
		return -1;
	/* swappiness, kernel, kernelTCP, disableOOMKiller have no v2 file: ignored as runc does */
	return 0;
}

static int v2_cpu(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		  struct sk_err *err)
{
	if (r->cpu.rt_runtime.set || r->cpu.rt_period.set)
		return sk_fail(err, 0,
			       "linux.resources.cpu: realtime limits are not "
			       "supported on cgroup v2");
	if (r->cpu.shares.set && r->cpu.shares.v != 0 &&
	    cg_writef(cg, dir, "cpu.weight", err, "%" PRIu64,
		      cg_v2_shares_to_weight((uint64_t)r->cpu.shares.v)) < 0)
		return -1;
	if (r->cpu.quota.set || r->cpu.period.set) {
		_cleanup_free_ char *cur = NULL;
		char quota[24] = "max";
		if (r->cpu.quota.set && r->cpu.quota.v > 0)
			snprintf(quota, sizeof(quota), "%" PRId64, r->cpu.quota.v);
		else if (!r->cpu.quota.set && cg_read(dir, "cpu.max", &cur, err) == 0)
			snprintf(quota, sizeof(quota), "%.*s", (int)strcspn(cur, " \n"), cur);
		sk_err_clear(err);
		if (r->cpu.period.set && r->cpu.period.v > 0
			? cg_writef(cg, dir, "cpu.max", err, "%s %" PRId64, quota, r->cpu.period.v)
			: cg_write(cg, dir, "cpu.max", quota, err) < 0)
			return -1;
	}
	if (r->cpu.burst.set &&
	    cg_writef(cg, dir, "cpu.max.burst", err, "%" PRId64, r->cpu.burst.v) < 0)
		return -1;
	if (r->cpu.idle.set && cg_writef(cg, dir, "cpu.idle", err, "%" PRId64, r->cpu.idle.v) < 0)
		return -1;
	if (r->cpu.cpus && *r->cpu.cpus && cg_write(cg, dir, "cpuset.cpus", r->cpu.cpus, err) < 0)
		return -1;
	if (r->cpu.mems && *r->cpu.mems && cg_write(cg, dir, "cpuset.mems", r->cpu.mems, err) < 0)
		return -1;
	return 0;
}

static int v2_io(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		 struct sk_err *err)
{
	static const char *const keys[CG_THR_MAX] = {"rbps", "wbps", "riops", "wiops"};
	/* BFQ takes the v1 scale (1-1000) as is; io.weight is 1-10000 */
	bool bfq = cg_exists(dir, "io.bfq.weight");
	const char *wfile = bfq ? "io.bfq.weight" : "io.weight";

	if (r->blkio.weight.set && r->blkio.weight.v != 0 &&
	    cg_writef(cg, dir, wfile, err, "%" PRIu64,
		      bfq ? (uint64_t)r->blkio.weight.v
			  : cg_v2_blkio_to_io_weight((uint64_t)r->blkio.weight.v)) < 0)
		return -1;
	for (size_t i = 0; i < r->blkio.n_wdev; i++) {
		const struct cg_wdev *d = &r->blkio.wdev[i];
		if (d->weight.set &&
		    cg_writef(cg, dir, wfile, err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
			      d->minor,
			      bfq ? (uint64_t)d->weight.v
				  : cg_v2_blkio_to_io_weight((uint64_t)d->weight.v)) < 0)
			return -1;
	}
	for (int k = 0; k < CG_THR_MAX; k++)
		for (size_t i = 0; i < r->blkio.n_thr[k]; i++) {
			const struct cg_tdev *d = &r->blkio.thr[k][i];
			if (cg_writef(cg, dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
				      d->major, d->minor, keys[k], d->rate) < 0)
				return -1;
		}
	return 0;
}

static int v2_hugetlb(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		      struct sk_err *err)
{
	for (size_t i = 0; i < r->n_huge; i++) {
		_cleanup_free_ char *file = NULL;
		if (asprintf(&file, "hugetlb.%s.max", r->huge[i].pagesize) < 0)
			return sk_fail(err, ENOMEM, "hugetlb");
		if (cg_writef(cg, dir, file, err, "%" PRIu64, r->huge[i].limit) < 0)
			return -1;
	}
	return 0;
}

static int v2_unified(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
		      struct sk_err *err)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *key = r->unified[i].key;
		/* only existing files: a key must not create anything, in fake trees either */
		if (!cg_exists(dir, key))
			return sk_fail(err, 0,
				       "linux.resources.unified.%s: no such file in %s "
				       "(controller not available?)",
				       key, dir);
		if (cg_write(cg, dir, key, r->unified[i].value, err) < 0)
			return -1;
	}
	return 0;
}

int cg_v2_apply(struct sk_cgroup *cg, struct cg_hier *h, const struct cg_res *r, bool update,
		struct sk_err *err)
{
	const char *dir = h->dir;

	if (cg->mode == SK_CGROUP_HYBRID) {
		/* v1 holds the limits; only what v1 lacks goes here */
		if (r->n_huge && !cg_find(cg, "hugetlb") && v2_hugetlb(cg, dir, r, err) < 0)
			return -1;
		return v2_unified(cg, dir, r, err);
	}
	if (v2_memory(cg, dir, r, update, err) < 0 || v2_cpu(cg, dir, r, err) < 0 ||
	    v2_io(cg, dir, r, err) < 0 || v2_hugetlb(cg, dir, r, err) < 0)
		return -1;
	if (r->pids_limit.set && r->pids_limit.v != 0 &&
	    write_max(cg, dir, "pids.max", r->pids_limit.v, err) < 0)
		return -1;
	if (cg_rdma_write(cg, dir, r, err) < 0)
		return -1;
	/* network (net_cls/net_prio) has no v2 controller: ignored as runc does. */
	/* devices: always on create; on update only when the update has rules (it replaces the
	 * program, and a resources object without devices must not open everything) */
	if ((!update || r->has_devices) && cg_bpf_devices_apply(cg, dir, r, err) < 0)
		return -1;
	return v2_unified(cg, dir, r, err);
}

/* ---- freezer ---- */

int cg_v2_is_frozen(const char *dir, bool *ret, struct sk_err *err)
{
	_cleanup_free_ char *s = NULL;

	if (cg_read(dir, "cgroup.freeze", &s, err) < 0)
		return -1;
	*ret = s[0] == '1';
	return 0;
}

static int events_frozen(const char *dir, bool *ret, struct sk_err *err)
{
	_cleanup_free_ char *s = NULL;
	const char *p;

	if (cg_read(dir, "cgroup.events", &s, err) < 0)
		return -1;
	p = strstr(s, "frozen ");
	*ret = p && (p == s || p[-1] == '\n') && p[7] == '1';
	return 0;
}

int cg_v2_freeze(const struct sk_cgroup *cg, const char *dir, bool frozen, struct sk_err *err)
{
	struct timespec t0, now;

	if (cg_write(cg, dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	if (cg->fake)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		bool state;
		if (events_frozen(dir, &state, err) < 0)
			return -1;
		if (state == frozen)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >
		    FREEZE_TIMEOUT_MS)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 1000 * 1000}, NULL);
	}
	return sk_fail(err, 0, "%s/cgroup.events: not %s after %d s", dir,
		       frozen ? "frozen" : "thawed", FREEZE_TIMEOUT_MS / 1000);
}
