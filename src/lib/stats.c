/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stats of a container's cgroup for `events`, read from the v1 controller files when the
 * controller is mounted as v1, else from the cgroup2 directory, and written in runc's JSON
 * shape (zero counters left out where runc's omitempty leaves them out). Also the OOM watch.
 * Best effort: a file that cannot be read leaves its fields out; nothing here fails on it.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cleanup.h"
#include "fs.h"
#include "stats.h"

/* The contents of dir/file, or NULL. */
static char *rd(const char *dir, const char *file)
{
	_cleanup_free_ char *path = NULL;
	struct sk_err err = {0};
	char *text = NULL;
	size_t len;

	if (!dir || !(path = sk_path_join(dir, file)))
		return NULL;
	if (sk_read_file_at(AT_FDCWD, path, &text, &len, &err) < 0) {
		sk_err_clear(&err);
		return NULL;
	}
	return text;
}

/* A single number ("max" reads as UINT64_MAX); false when missing. */
static bool rd_u64(const char *dir, const char *file, uint64_t *ret)
{
	_cleanup_free_ char *s = rd(dir, file);
	char *end;

	if (!s)
		return false;
	if (strncmp(s, "max", 3) == 0) {
		*ret = UINT64_MAX;
		return true;
	}
	*ret = strtoull(s, &end, 10);
	return end != s;
}

/* The value of "key N" in a flat keyed file (memory.stat, cpu.stat, memory.events). */
static bool keyed(const char *text, const char *key, uint64_t *ret)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			*ret = strtoull(p + kl + 1, NULL, 10);
			return true;
		}
	return false;
}

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void u64(yajl_gen g, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	yajl_gen_number(g, buf, (size_t)n);
}

static void kv_u64(yajl_gen g, const char *k, uint64_t v, bool omitempty)
{
	if (omitempty && v == 0)
		return;
	key(g, k);
	u64(g, v);
}

/* A whitespace-separated list of numbers as a JSON array (omitted when empty). */
static void kv_list(yajl_gen g, const char *k, const char *text)
{
	char *end;
	bool open = false;

	for (const char *p = text; p && *p; p = end) {
		uint64_t v = strtoull(p, &end, 10);
		if (end == p)
			break;
		if (!open) {
			key(g, k);
			yajl_gen_array_open(g);
			open = true;
		}
		u64(g, v);
	}
	if (open)
		yajl_gen_array_close(g);
}

/* ---- cpu ---- */

static void gen_cpu(yajl_gen g, struct sk_cgroup *cg)
{
	const char *acct = sk_cgroup_dir(cg, "cpuacct"), *cpu = sk_cgroup_dir(cg, "cpu");
	const char *v2 = sk_cgroup_dir(cg, NULL);
	uint64_t total = 0, user = 0, sys = 0, periods = 0, thr = 0, thr_time = 0;
	_cleanup_free_ char *percpu = NULL, *pk = NULL, *pu = NULL, *st = NULL, *cs = NULL;
	long hz = sysconf(_SC_CLK_TCK);

	if (acct) {
		rd_u64(acct, "cpuacct.usage", &total);
		percpu = rd(acct, "cpuacct.usage_percpu");
		pk = rd(acct, "cpuacct.usage_percpu_sys");
		pu = rd(acct, "cpuacct.usage_percpu_user");
		/* cpuacct.stat is in clock ticks */
		if ((st = rd(acct, "cpuacct.stat")) && hz > 0) {
			if (keyed(st, "user", &user))
				user = user * 1000000000ULL / (uint64_t)hz;
			if (keyed(st, "system", &sys))
				sys = sys * 1000000000ULL / (uint64_t)hz;
		}
	} else if ((st = rd(v2, "cpu.stat"))) {
		if (keyed(st, "usage_usec", &total))
			total *= 1000;
		if (keyed(st, "user_usec", &user))
			user *= 1000;
		if (keyed(st, "system_usec", &sys))
			sys *= 1000;
	}
	if ((cs = rd(cpu ? cpu : v2, "cpu.stat"))) {
		keyed(cs, "nr_periods", &periods);
		keyed(cs, "nr_throttled", &thr);
		/* v1: throttled_time in ns; v2: throttled_usec */
		if (!keyed(cs, "throttled_time", &thr_time) &&
		    keyed(cs, "throttled_usec", &thr_time))
			thr_time *= 1000;
	}
	key(g, "cpu");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	kv_u64(g, "total", total, true);
	kv_list(g, "percpu", percpu);
	kv_list(g, "percpu_kernel", pk);
	kv_list(g, "percpu_user", pu);
	kv_u64(g, "kernel", sys, false);
	kv_u64(g, "user", user, false);
	yajl_gen_map_close(g);
	key(g, "throttling");
	yajl_gen_map_open(g);
	kv_u64(g, "periods", periods, true);
	kv_u64(g, "throttledPeriods", thr, true);
	kv_u64(g, "throttledTime", thr_time, true);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

/* "0-2,4" as [0,1,2,4] (omitted when empty). */
static void kv_cpulist(yajl_gen g, const char *k, const char *text)
{
	char *end;
	bool open = false;

	for (const char *p = text; p && *p >= '0' && *p <= '9'; p = end + (*end == ',')) {
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (!open) {
			key(g, k);
			yajl_gen_array_open(g);
			open = true;
		}
		for (unsigned long i = a; i <= b && i - a < 65536; i++)
			u64(g, i);
	}
	if (open)
		yajl_gen_array_close(g);
}

static void gen_cpuset(yajl_gen g, struct sk_cgroup *cg)
{
	static const char *const flags[] = {
	    "cpu_exclusive",	  "mem_hardwall",	"mem_exclusive",   "memory_migrate",
	    "memory_spread_page", "memory_spread_slab", "memory_pressure", "sched_load_balance",
	};
	const char *v1 = sk_cgroup_dir(cg, "cpuset"), *dir = v1 ? v1 : sk_cgroup_dir(cg, NULL);
	_cleanup_free_ char *cpus = rd(dir, v1 ? "cpuset.cpus" : "cpuset.cpus.effective");
	_cleanup_free_ char *mems = rd(dir, v1 ? "cpuset.mems" : "cpuset.mems.effective");
	_cleanup_free_ char *rdl = v1 ? rd(v1, "cpuset.sched_relax_domain_level") : NULL;

	key(g, "cpuset");
	yajl_gen_map_open(g);
	kv_cpulist(g, "cpus", cpus);
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		uint64_t v = 0;
		_cleanup_free_ char *file = NULL;
		if (v1 && asprintf(&file, "cpuset.%s", flags[i]) >= 0)
			rd_u64(v1, file, &v);
		kv_u64(g, flags[i], v, false);
		if (i == 0)
			kv_cpulist(g, "mems", mems);
	}
	key(g, "sched_relax_domain_level");
	yajl_gen_integer(g, rdl ? strtoll(rdl, NULL, 10) : 0);
	yajl_gen_map_close(g);
}

/* ---- memory ---- */

struct mem_entry {
	uint64_t limit, usage, max, failcnt;
};

static void gen_mem_entry(yajl_gen g, const char *k, const struct mem_entry *e)
{
	key(g, k);
	yajl_gen_map_open(g);
	kv_u64(g, "limit", e->limit, false);
	kv_u64(g, "usage", e->usage, true);
	kv_u64(g, "max", e->max, true);
	kv_u64(g, "failcnt", e->failcnt, false);
	yajl_gen_map_close(g);
}

/* v1: memory.<prefix>{limit_in_bytes,usage_in_bytes,max_usage_in_bytes,failcnt} */
static void v1_entry(const char *dir, const char *prefix, struct mem_entry *e)
{
	static const char *const names[] = {"limit_in_bytes", "usage_in_bytes",
					    "max_usage_in_bytes", "failcnt"};
	uint64_t *out[] = {&e->limit, &e->usage, &e->max, &e->failcnt};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *file = NULL;
		if (asprintf(&file, "memory.%s%s", prefix, names[i]) >= 0)
			rd_u64(dir, file, out[i]);
	}
}

static void gen_raw(yajl_gen g, const char *stat)
{
	bool open = false;

	for (const char *p = stat; p && *p;) {
		const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
		if (!sp || (nl && sp > nl))
			break;
		if (!open) {
			key(g, "raw");
			yajl_gen_map_open(g);
			open = true;
		}
		yajl_gen_string(g, (const unsigned char *)p, (size_t)(sp - p));
		u64(g, strtoull(sp + 1, NULL, 10));
		p = nl ? nl + 1 : NULL;
	}
	if (open)
		yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, struct sk_cgroup *cg)
{
	const char *v1 = sk_cgroup_dir(cg, "memory"), *v2 = sk_cgroup_dir(cg, NULL);
	struct mem_entry usage = {0}, swap = {0}, kernel = {0}, tcp = {0};
	_cleanup_free_ char *stat = rd(v1 ? v1 : v2, "memory.stat"), *ev = NULL;
	uint64_t cache = 0;

	if (v1) {
		v1_entry(v1, "", &usage);
		v1_entry(v1, "memsw.", &swap);
		v1_entry(v1, "kmem.", &kernel);
		v1_entry(v1, "kmem.tcp.", &tcp);
		keyed(stat, "cache", &cache);
	} else if (v2 && rd_u64(v2, "memory.current", &usage.usage)) {
		uint64_t s = 0;
		rd_u64(v2, "memory.max", &usage.limit);
		rd_u64(v2, "memory.peak", &usage.max);
		if ((ev = rd(v2, "memory.events")))
			keyed(ev, "max", &usage.failcnt);
		/* v1's memsw is memory+swap; report v2 the same way, as runc does */
		if (rd_u64(v2, "memory.swap.current", &s)) {
			swap.usage = s + usage.usage;
			if (rd_u64(v2, "memory.swap.max", &swap.limit) &&
			    swap.limit != UINT64_MAX && usage.limit != UINT64_MAX)
				swap.limit += usage.limit;
			else
				swap.limit = UINT64_MAX;
		}
		keyed(stat, "file", &cache);
	}
	key(g, "memory");
	yajl_gen_map_open(g);
	kv_u64(g, "cache", cache, true);
	gen_mem_entry(g, "usage", &usage);
	gen_mem_entry(g, "swap", &swap);
	gen_mem_entry(g, "kernel", &kernel);
	gen_mem_entry(g, "kernelTCP", &tcp);
	gen_raw(g, stat);
	yajl_gen_map_close(g);
}

static void gen_pids(yajl_gen g, struct sk_cgroup *cg)
{
	const char *dir = sk_cgroup_dir(cg, "pids");
	uint64_t cur = 0, max = 0;

	if (!dir)
		dir = sk_cgroup_dir(cg, NULL);
	rd_u64(dir, "pids.current", &cur);
	if (rd_u64(dir, "pids.max", &max) && max == UINT64_MAX)
		max = 0; /* runc reports "max" as no limit */
	key(g, "pids");
	yajl_gen_map_open(g);
	kv_u64(g, "current", cur, true);
	kv_u64(g, "limit", max, true);
	yajl_gen_map_close(g);
}

/* ---- blkio ---- */

/* One array of "MAJ:MIN Op N" entries; returns false when the file had none. */
static bool gen_blkio_v1(yajl_gen g, const char *k, const char *text)
{
	bool open = false;

	for (const char *p = text; p && *p;) {
		unsigned maj, min;
		unsigned long long v;
		char op[16];
		if (sscanf(p, "%u:%u %15s %llu", &maj, &min, op, &v) == 4) {
			if (!open) {
				key(g, k);
				yajl_gen_array_open(g);
				open = true;
			}
			yajl_gen_map_open(g);
			kv_u64(g, "major", maj, true);
			kv_u64(g, "minor", min, true);
			key(g, "op");
			key(g, op);
			kv_u64(g, "value", v, true);
			yajl_gen_map_close(g);
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (open)
		yajl_gen_array_close(g);
	return open;
}

/* The first of blkio.<kind>, blkio.bfq.<kind>, blkio.throttle.<kind> with entries (CFQ and
 * BFQ account what the scheduler saw, throttle what went through the cgroup). */
static void blkio_v1_kind(yajl_gen g, const char *dir, const char *k, const char *kind)
{
	static const char *const pre[] = {"blkio.", "blkio.bfq.", "blkio.throttle."};
	for (size_t i = 0; i < ARRAY_SIZE(pre); i++) {
		_cleanup_free_ char *file = NULL, *text = NULL;
		if (asprintf(&file, "%s%s", pre[i], kind) < 0)
			return;
		if ((text = rd(dir, file)) && gen_blkio_v1(g, k, text))
			return;
	}
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." */
static void blkio_v2_kind(yajl_gen g, const char *text, const char *k, const char *rkey,
			  const char *wkey)
{
	bool open = false;

	for (const char *p = text; p && *p;) {
		unsigned maj, min;
		const char *nl = strchr(p, '\n'), *keys[] = {rkey, wkey},
			   *ops[] = {"Read", "Write"};
		if (sscanf(p, "%u:%u", &maj, &min) == 2) {
			for (int i = 0; i < 2; i++) {
				const char *f = strstr(p, keys[i]);
				if (!f || (nl && f > nl))
					continue;
				if (!open) {
					key(g, k);
					yajl_gen_array_open(g);
					open = true;
				}
				yajl_gen_map_open(g);
				kv_u64(g, "major", maj, true);
				kv_u64(g, "minor", min, true);
				key(g, "op");
				key(g, ops[i]);
				kv_u64(g, "value", strtoull(f + strlen(keys[i]), NULL, 10), true);
				yajl_gen_map_close(g);
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	if (open)
		yajl_gen_array_close(g);
}

static void gen_blkio(yajl_gen g, struct sk_cgroup *cg)
{
	const char *v1 = sk_cgroup_dir(cg, "blkio");

	key(g, "blkio");
	yajl_gen_map_open(g);
	if (v1) {
		blkio_v1_kind(g, v1, "ioServiceBytesRecursive", "io_service_bytes_recursive");
		blkio_v1_kind(g, v1, "ioServicedRecursive", "io_serviced_recursive");
	} else {
		_cleanup_free_ char *st = rd(sk_cgroup_dir(cg, NULL), "io.stat");
		blkio_v2_kind(g, st, "ioServiceBytesRecursive", "rbytes=", "wbytes=");
		blkio_v2_kind(g, st, "ioServicedRecursive", "rios=", "wios=");
	}
	yajl_gen_map_close(g);
}

/* ---- hugetlb ---- */

/* "hugepages-2048kB" -> "2MB", as the hugetlb files name the sizes. */
static bool page_size_name(const char *dirent, char *buf, size_t len)
{
	unsigned long kb;
	if (sscanf(dirent, "hugepages-%lukB", &kb) != 1)
		return false;
	if (kb >= (1UL << 20))
		snprintf(buf, len, "%luGB", kb >> 20);
	else if (kb >= (1UL << 10))
		snprintf(buf, len, "%luMB", kb >> 10);
	else
		snprintf(buf, len, "%lukB", kb);
	return true;
}

static void hugetlb_entry(yajl_gen g, const char *dir, bool v1, const char *size)
{
	_cleanup_free_ char *f1 = NULL, *f2 = NULL, *f3 = NULL, *ev = NULL;
	uint64_t usage = 0, max = 0, failcnt = 0;

	if (asprintf(&f1, "hugetlb.%s.%s", size, v1 ? "usage_in_bytes" : "current") < 0 ||
	    asprintf(&f2, "hugetlb.%s.%s", size, v1 ? "max_usage_in_bytes" : "events") < 0 ||
	    asprintf(&f3, "hugetlb.%s.failcnt", size) < 0)
		return;
	if (!rd_u64(dir, f1, &usage))
		return; /* v2 without the hugetlb controller enabled for this cgroup */
	if (v1) {
		rd_u64(dir, f2, &max);
		rd_u64(dir, f3, &failcnt);
	} else if ((ev = rd(dir, f2))) {
		keyed(ev, "max", &failcnt);
	}
	key(g, size);
	yajl_gen_map_open(g);
	kv_u64(g, "usage", usage, true);
	kv_u64(g, "max", max, true);
	kv_u64(g, "failcnt", failcnt, false);
	yajl_gen_map_close(g);
}

static void gen_hugetlb(yajl_gen g, struct sk_cgroup *cg)
{
	const char *v1 = sk_cgroup_dir(cg, "hugetlb"), *dir = v1 ? v1 : sk_cgroup_dir(cg, NULL);
	DIR *d = dir ? opendir("/sys/kernel/mm/hugepages") : NULL;
	struct dirent *de;

	key(g, "hugetlb");
	yajl_gen_map_open(g);
	while (d && (de = readdir(d))) {
		char size[32];
		if (page_size_name(de->d_name, size, sizeof(size)))
			hugetlb_entry(g, dir, v1 != NULL, size);
	}
	if (d)
		closedir(d);
	yajl_gen_map_close(g);
}

/* ---- events ---- */

static int gen_finish(yajl_gen g, char **ret, struct sk_err *err)
{
	const unsigned char *buf;
	size_t len;
	int r = 0;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		r = sk_fail(err, 0, "events: cannot generate JSON");
	else if (!(*ret = strndup((const char *)buf, len)))
		r = sk_fail(err, ENOMEM, "events");
	yajl_gen_free(g);
	return r;
}

static yajl_gen gen_head(const char *type, const char *id)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	key(g, "type");
	key(g, type);
	key(g, "id");
	key(g, id);
	return g;
}

int sk_stats_simple_event(const char *type, const char *id, char **ret, struct sk_err *err)
{
	yajl_gen g = gen_head(type, id);
	if (!g)
		return sk_fail(err, ENOMEM, "events");
	yajl_gen_map_close(g);
	return gen_finish(g, ret, err);
}

int sk_stats_event(const char *id, struct sk_cgroup *cg, char **ret, struct sk_err *err)
{
	yajl_gen g = gen_head("stats", id);
	if (!g)
		return sk_fail(err, ENOMEM, "events");
	key(g, "data");
	yajl_gen_map_open(g);
	gen_cpu(g, cg);
	gen_cpuset(g, cg);
	gen_memory(g, cg);
	gen_pids(g, cg);
	gen_blkio(g, cg);
	gen_hugetlb(g, cg);
	key(g, "intel_rdt");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	key(g, "network_interfaces");
	yajl_gen_null(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return gen_finish(g, ret, err);
}

/* ---- OOM ---- */

/* The OOM count of memory.events (v2: the larger of oom and oom_kill) or memory.oom_control
 * (v1: oom_kill, plus one while under_oom); false when the cgroup is gone (v1 uses only that). */
static bool read_ooms(const char *path, bool v1, uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	struct sk_err err = {0};
	uint64_t oom = 0, kill = 0;
	size_t len;

	if (sk_read_file_at(AT_FDCWD, path, &text, &len, &err) < 0) {
		sk_err_clear(&err);
		return false;
	}
	keyed(text, v1 ? "under_oom" : "oom", &oom);
	keyed(text, "oom_kill", &kill);
	*ret = v1 ? kill + oom : (oom > kill ? oom : kill);
	return true;
}

/* v1: an eventfd registered for memory.oom_control through cgroup.event_control. */
static int oom_v1(const char *dir, struct sk_oom_watch *w, struct sk_err *err)
{
	_cleanup_free_ char *ctl = sk_path_join(dir, "memory.oom_control");
	_cleanup_free_ char *evc = sk_path_join(dir, "cgroup.event_control");
	_cleanup_close_ int ofd = -1, efd = -1;
	char buf[32];
	int n;

	if (!ctl || !evc)
		return sk_fail(err, ENOMEM, "oom watch");
	if ((ofd = open(ctl, O_RDONLY | O_CLOEXEC)) < 0)
		return sk_fail(err, errno, "open %s", ctl);
	if ((efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		return sk_fail(err, errno, "eventfd");
	n = snprintf(buf, sizeof(buf), "%d %d", efd, ofd);
	if (sk_write_file_at(AT_FDCWD, evc, buf, (size_t)n, err) < 0)
		return -1;
	/* the registration holds its own reference to the control file */
	w->v1 = true;
	w->events_path = TAKE_PTR(ctl);
	w->fd = TAKE_FD(efd);
	return 0;
}

static int oom_v2(const char *dir, struct sk_oom_watch *w, struct sk_err *err)
{
	_cleanup_free_ char *path = sk_path_join(dir, "memory.events");
	_cleanup_close_ int fd = -1;

	if (!path)
		return sk_fail(err, ENOMEM, "oom watch");
	if ((fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0)
		return sk_fail(err, errno, "inotify");
	if (inotify_add_watch(fd, path, IN_MODIFY) < 0)
		return sk_fail(err, errno, "watch %s", path);
	read_ooms(path, false, &w->oom_kills);
	w->events_path = TAKE_PTR(path);
	w->fd = TAKE_FD(fd);
	return 0;
}

int sk_oom_watch_open(struct sk_cgroup *cg, struct sk_oom_watch *w, struct sk_err *err)
{
	const char *v1 = sk_cgroup_dir(cg, "memory"), *v2 = sk_cgroup_dir(cg, NULL);

	*w = (struct sk_oom_watch){.fd = -1};
	if (v1)
		return oom_v1(v1, w, err);
	if (v2)
		return oom_v2(v2, w, err);
	return sk_fail(err, 0, "no memory cgroup to watch for OOM");
}

bool sk_oom_watch_fired(struct sk_oom_watch *w)
{
	char buf[4096];
	uint64_t now;
	bool got = false;

	if (w->fd < 0)
		return false;
	while (read(w->fd, buf, sizeof(buf)) > 0)
		got = true;
	/* the cgroup is gone (v1's eventfd also fires when it is removed) */
	if (!read_ooms(w->events_path, w->v1, &now))
		return false;
	/* v1 signals the eventfd when the OOM starts, before the kernel counts the kill in
	 * oom_kill (a count read now may still be the old one): the notification is the event */
	if (w->v1)
		return got;
	if (now <= w->oom_kills)
		return false;
	w->oom_kills = now;
	return true;
}

void sk_oom_watch_close(struct sk_oom_watch *w)
{
	closep(&w->fd);
	w->fd = -1;
	free(w->events_path);
	w->events_path = NULL;
}
