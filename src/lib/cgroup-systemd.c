/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The systemd cgroup driver. linux.cgroupsPath "slice:prefix:name" names a transient scope
 * "<prefix>-<name>.scope" in the slice; systemd creates it over D-Bus (StartTransientUnit with
 * Delegate=yes, the container's pid and the resource properties) once the container's process
 * exists and before it runs anything (sk_cgroup_enter), then the cgroupfs backends write every
 * resource (systemd knows only some). Delete stops the unit. The D-Bus client is our own
 * (dbus.c), so the static binary has this driver too; there is no libsystemd dependency.
 */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup-systemd.h"
#include "cleanup.h"

#define SD_DEST	      "org.freedesktop.systemd1"
#define SD_PATH	      "/org/freedesktop/systemd1"
#define SD_MANAGER    "org.freedesktop.systemd1.Manager"
#define SD_PRIVATE    "/run/systemd/private"
#define SD_SYSTEM_BUS "/run/dbus/system_bus_socket"

struct cg_systemd {
	char *unit, *slice, *description;
	struct cg_res res;
	struct sk_dbus *bus;
};

void cg_systemd_free(struct cg_systemd *sd)
{
	if (!sd)
		return;
	free(sd->unit);
	free(sd->slice);
	free(sd->description);
	cg_res_clear(&sd->res);
	sk_dbus_close(sd->bus);
	free(sd);
}

/* ---- names ---- */

/* A unit name part: systemd's unit name characters, not empty. */
static bool unit_chars_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(":-_.\\@", *s)))
			return false;
	return true;
}

int cg_systemd_parse_path(const char *id, const char *cgroups_path, char **ret_slice,
			  char **ret_unit, struct sk_err *err)
{
	_cleanup_free_ char *copy = NULL, *unit = NULL, *slice = NULL;
	const char *sl, *prefix, *name;
	char *c1, *c2;

	if (!cgroups_path || !*cgroups_path) {
		sl = "";
		prefix = "skiff";
		name = id ? id : "";
	} else {
		copy = strdup(cgroups_path);
		if (!copy)
			return sk_fail(err, ENOMEM, "cgroupsPath");
		c1 = strchr(copy, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':'))
			return sk_fail(err, 0,
				       "cgroupsPath \"%s\": the systemd driver expects "
				       "\"slice:prefix:name\"",
				       cgroups_path);
		*c1 = *c2 = '\0';
		sl = copy;
		prefix = c1 + 1;
		name = c2 + 1;
	}
	if (!unit_chars_ok(name))
		return sk_fail(err, 0, "cgroupsPath \"%s\": bad unit name \"%s\"",
			       cgroups_path ? cgroups_path : "", name);
	if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".slice") == 0)
		return sk_fail(err, 0,
			       "cgroupsPath \"%s\": a slice as the container's unit is not "
			       "supported, name a scope",
			       cgroups_path);
	if (*prefix && !unit_chars_ok(prefix))
		return sk_fail(err, 0, "cgroupsPath \"%s\": bad prefix \"%s\"", cgroups_path,
			       prefix);
	if (asprintf(&unit, "%s%s%s.scope", prefix, *prefix ? "-" : "", name) < 0)
		return sk_fail(err, ENOMEM, "cgroupsPath");
	slice = strdup(!*sl ? "system.slice" : strcmp(sl, "-") == 0 ? "-.slice" : sl);
	if (!slice)
		return sk_fail(err, ENOMEM, "cgroupsPath");
	*ret_slice = TAKE_PTR(slice);
	*ret_unit = TAKE_PTR(unit);
	return 0;
}

int cg_systemd_expand_slice(const char *slice, char **ret, struct sk_err *err)
{
	size_t n = strlen(slice), cap;
	_cleanup_free_ char *out = NULL;
	size_t len = 0;

	if (n < 7 || strcmp(slice + n - 6, ".slice") != 0 || strchr(slice, '/') ||
	    !unit_chars_ok(slice))
		return sk_fail(err, 0, "slice \"%s\": not a slice unit name", slice);
	if (strcmp(slice, "-.slice") == 0)
		return (*ret = strdup("")) ? 0 : sk_fail(err, ENOMEM, "slice %s", slice);
	n -= 6; /* the name without ".slice" */
	if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
		return sk_fail(err, 0, "slice \"%s\": empty component", slice);
	/* every "-" prefix is a parent slice: a-b-c.slice is /a.slice/a-b.slice/a-b-c.slice */
	cap = (n + 7) * (n + 1) + 1;
	out = malloc(cap);
	if (!out)
		return sk_fail(err, ENOMEM, "slice %s", slice);
	for (size_t i = 0; i <= n; i++) {
		if (i < n && slice[i] != '-')
			continue;
		len += (size_t)snprintf(out + len, cap - len, "/%.*s.slice", (int)i, slice);
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int cg_systemd_cpu_mask(const char *list, uint8_t **ret, size_t *ret_len, struct sk_err *err)
{
	_cleanup_free_ uint8_t *mask = NULL;
	size_t len = 0;
	const char *s = list;

	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || *s == '-' || *s == '+' || *s == ' ')
			return sk_fail(err, 0, "cpuset list \"%s\": bad number", list);
		s = end;
		if (*s == '-') {
			const char *t = s + 1;
			b = strtoul(t, &end, 10);
			if (end == t || *t == '-' || *t == '+' || *t == ' ' || b < a)
				return sk_fail(err, 0, "cpuset list \"%s\": bad range", list);
			s = end;
		}
		if (b >= 65536)
			return sk_fail(err, 0, "cpuset list \"%s\": %lu is too large", list, b);
		if (b / 8 + 1 > len) {
			uint8_t *m = realloc(mask, b / 8 + 1);
			if (!m)
				return sk_fail(err, ENOMEM, "cpuset list");
			memset(m + len, 0, b / 8 + 1 - len);
			mask = m;
			len = b / 8 + 1;
		}
		for (unsigned long i = a; i <= b; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		if (*s == ',' && s[1])
			s++;
		else if (*s && !(*s == '\n' && !s[1]))
			return sk_fail(err, 0, "cpuset list \"%s\": unexpected \"%c\"", list, *s);
		else if (*s)
			s++;
	}
	*ret = TAKE_PTR(mask);
	*ret_len = len;
	return 0;
}

/* ---- properties ---- */

static void prop_begin(struct sk_dbus_buf *b, const char *name, const char *type)
{
	sk_dbus_struct_begin(b);
	sk_dbus_put_str(b, name);
	sk_dbus_put_sig(b, type);
}

static void prop_str(struct sk_dbus_buf *b, const char *name, const char *v)
{
	prop_begin(b, name, "s");
	sk_dbus_put_str(b, v);
}

static void prop_bool(struct sk_dbus_buf *b, const char *name, bool v)
{
	prop_begin(b, name, "b");
	sk_dbus_put_bool(b, v);
}

static void prop_u64(struct sk_dbus_buf *b, const char *name, uint64_t v)
{
	prop_begin(b, name, "t");
	sk_dbus_put_u64(b, v);
}

/* -1 (unlimited) is systemd's "infinity", UINT64_MAX. */
static void prop_limit(struct sk_dbus_buf *b, const char *name, int64_t v)
{
	prop_u64(b, name, v < 0 ? UINT64_MAX : (uint64_t)v);
}

static int prop_cpus(struct sk_dbus_buf *b, const char *name, const char *list, struct sk_err *err)
{
	_cleanup_free_ uint8_t *mask = NULL;
	struct sk_dbus_arr a;
	size_t n = 0;

	if (cg_systemd_cpu_mask(list, &mask, &n, err) < 0)
		return -1;
	prop_begin(b, name, "ay");
	a = sk_dbus_array_begin(b, 1);
	for (size_t i = 0; i < n; i++)
		sk_dbus_put_u8(b, mask[i]);
	sk_dbus_array_end(b, a);
	return 0;
}

/* systemd knows the CPU quota per second; runc rounds it up to its 10 ms granularity. */
static void prop_cpu_quota(struct sk_dbus_buf *b, const struct cg_res *r, bool v2)
{
	uint64_t period =
	    r->cpu.period.set && r->cpu.period.v > 0 ? (uint64_t)r->cpu.period.v : 100000;
	uint64_t per_sec = UINT64_MAX;

	if (v2 && r->cpu.period.set && r->cpu.period.v > 0)
		prop_u64(b, "CPUQuotaPeriodUSec", period);
	if (r->cpu.quota.set && r->cpu.quota.v > 0) {
		per_sec = (uint64_t)r->cpu.quota.v * 1000000 / period;
		if (per_sec % 10000)
			per_sec = (per_sec / 10000 + 1) * 10000;
	}
	if (r->cpu.quota.set || r->cpu.period.set)
		prop_u64(b, "CPUQuotaPerSecUSec", per_sec);
}

int cg_systemd_res_props(struct sk_dbus_buf *b, const struct cg_res *r, bool v2, struct sk_err *err)
{
	struct sk_err ign = {0};
	int64_t swap;

	prop_bool(b, "MemoryAccounting", true);
	prop_bool(b, "CPUAccounting", true);
	prop_bool(b, v2 ? "IOAccounting" : "BlockIOAccounting", true);
	prop_bool(b, "TasksAccounting", true);
	if (r->mem.limit.set && r->mem.limit.v != 0)
		prop_limit(b, v2 ? "MemoryMax" : "MemoryLimit", r->mem.limit.v);
	if (v2 && r->mem.reservation.set && r->mem.reservation.v != 0)
		prop_limit(b, "MemoryLow", r->mem.reservation.v);
	/* a bad swap value is reported by the cgroupfs write, with the file's name */
	if (v2 && r->mem.swap.set &&
	    cg_v2_swap_value(r->mem.swap.v, r->mem.limit.set ? r->mem.limit.v : 0, &swap, &ign) ==
		0 &&
	    swap != 0)
		prop_limit(b, "MemorySwapMax", swap);
	sk_err_clear(&ign);
	if (r->cpu.shares.set && r->cpu.shares.v != 0) {
		uint64_t s = (uint64_t)r->cpu.shares.v;
		prop_u64(b, v2 ? "CPUWeight" : "CPUShares", v2 ? cg_v2_shares_to_weight(s) : s);
	}
	prop_cpu_quota(b, r, v2);
	if (r->pids_limit.set && r->pids_limit.v != 0)
		prop_limit(b, "TasksMax", r->pids_limit.v);
	if (v2 && r->cpu.cpus && *r->cpu.cpus && prop_cpus(b, "AllowedCPUs", r->cpu.cpus, err) < 0)
		return sk_wrap(err, "linux.resources.cpu.cpus");
	if (v2 && r->cpu.mems && *r->cpu.mems &&
	    prop_cpus(b, "AllowedMemoryNodes", r->cpu.mems, err) < 0)
		return sk_wrap(err, "linux.resources.cpu.mems");
	return 0;
}

/* ---- units and jobs ---- */

/* Waits for JobRemoved(id, job, unit, result) of job; result "done" is success. */
static int wait_job(struct sk_dbus *bus, const char *job, const char *unit, const char *what,
		    int timeout_ms, struct sk_err *err)
{
	int64_t deadline = sk_dbus_now_ms() + timeout_ms;

	for (;;) {
		struct sk_dbus_msg m = {0};
		struct sk_dbus_rd r;
		const char *path, *result;
		int got = sk_dbus_wait_signal(bus, SD_MANAGER, "JobRemoved", deadline, &m, err);

		if (got < 0)
			return -1;
		if (got == 0) {
			/* the runc init hang users report: say what we waited for, plainly */
			sk_fail(err, 0, "systemd did not %s unit %s within %d s", what, unit,
				timeout_ms / 1000);
			err->errnum = ETIMEDOUT;
			return -1;
		}
		r = (struct sk_dbus_rd){.p = m.body, .len = m.body_len};
		sk_dbus_get_u32(&r);
		path = sk_dbus_get_str(&r);
		sk_dbus_get_str(&r);
		result = sk_dbus_get_str(&r);
		if (!r.bad && strcmp(m.signature, "uoss") == 0 && strcmp(path, job) == 0) {
			int ret = strcmp(result, "done") == 0
				      ? 0
				      : sk_fail(err, 0, "systemd could not %s unit %s: job %s",
						what, unit, result);
			sk_dbus_msg_clear(&m);
			return ret;
		}
		sk_dbus_msg_clear(&m);
	}
}

/* The job path of a reply "o". */
static int job_path(struct sk_dbus_msg *m, char **ret, struct sk_err *err)
{
	struct sk_dbus_rd r = {.p = m->body, .len = m->body_len};
	const char *p = sk_dbus_get_str(&r);

	if (r.bad || strcmp(m->signature, "o") != 0)
		return sk_fail(err, EPROTO, "systemd's reply is not a job path");
	*ret = strdup(p);
	return *ret ? 0 : sk_fail(err, ENOMEM, "job path");
}

static int start_body(struct sk_dbus_buf *b, const char *unit, const char *slice,
		      const char *description, pid_t pid, const struct cg_res *r, bool v2,
		      struct sk_err *err)
{
	struct sk_dbus_arr props, pids;

	sk_dbus_put_str(b, unit);
	sk_dbus_put_str(b, "replace");
	props = sk_dbus_array_begin(b, 8);
	prop_str(b, "Description", description);
	prop_str(b, "Slice", slice);
	prop_bool(b, "Delegate", true);
	prop_begin(b, "PIDs", "au");
	pids = sk_dbus_array_begin(b, 4);
	sk_dbus_put_u32(b, (uint32_t)pid);
	sk_dbus_array_end(b, pids);
	if (r && cg_systemd_res_props(b, r, v2, err) < 0)
		return -1;
	sk_dbus_array_end(b, props);
	sk_dbus_array_end(b, sk_dbus_array_begin(b, 8)); /* no auxiliary units */
	return b->oom ? sk_fail(err, ENOMEM, "StartTransientUnit %s", unit) : 0;
}

static bool is_error(const struct sk_dbus_msg *m, const char *name)
{
	return m->type == SK_DBUS_ERROR && m->error_name && strcmp(m->error_name, name) == 0;
}

int cg_systemd_start_unit(struct sk_dbus *bus, const char *unit, const char *slice,
			  const char *description, pid_t pid, const struct cg_res *r, bool v2,
			  int timeout_ms, struct sk_err *err)
{
	_cleanup_free_ char *job = NULL;
	struct sk_dbus_buf body = {0};
	struct sk_dbus_msg m = {0};
	int ret;

	if (start_body(&body, unit, slice, description, pid, r, v2, err) < 0) {
		sk_dbus_buf_free(&body);
		return -1;
	}
	for (int attempt = 0;; attempt++) {
		ret = sk_dbus_call(bus, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit",
				   "ssa(sv)a(sa(sv))", &body, timeout_ms, &m, err);
		/* a failed unit of that name is left from an earlier container: reset it once */
		if (ret < 0 && attempt == 0 &&
		    is_error(&m, "org.freedesktop.systemd1.UnitExists")) {
			sk_dbus_msg_clear(&m);
			struct sk_dbus_buf name = {0};
			sk_dbus_put_str(&name, unit);
			sk_err_clear(err);
			sk_dbus_call(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", "s",
				     &name, timeout_ms, NULL, err);
			sk_dbus_buf_free(&name);
			sk_err_clear(err);
			continue;
		}
		break;
	}
	sk_dbus_buf_free(&body);
	if (ret == 0)
		ret = job_path(&m, &job, err);
	sk_dbus_msg_clear(&m);
	if (ret == 0)
		ret = wait_job(bus, job, unit, "start", timeout_ms, err);
	return ret < 0 ? sk_wrap(err, "start systemd unit %s", unit) : 0;
}

int cg_systemd_stop_unit(struct sk_dbus *bus, const char *unit, int timeout_ms, struct sk_err *err)
{
	_cleanup_free_ char *job = NULL;
	struct sk_dbus_buf body = {0};
	struct sk_dbus_msg m = {0};
	int ret;

	sk_dbus_put_str(&body, unit);
	sk_dbus_put_str(&body, "replace");
	ret = sk_dbus_call(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", "ss", &body, timeout_ms,
			   &m, err);
	sk_dbus_buf_free(&body);
	if (ret < 0 && is_error(&m, "org.freedesktop.systemd1.NoSuchUnit")) {
		sk_dbus_msg_clear(&m);
		sk_err_clear(err);
		return 0; /* stopped and collected already */
	}
	if (ret == 0)
		ret = job_path(&m, &job, err);
	sk_dbus_msg_clear(&m);
	if (ret == 0)
		ret = wait_job(bus, job, unit, "stop", timeout_ms, err);
	return ret < 0 ? sk_wrap(err, "stop systemd unit %s", unit) : 0;
}

/* ---- connection ---- */

/* systemd's private socket when we are root (no bus daemon needed, and systemd sends it
 * every signal); else the system bus, where we must ask for JobRemoved. */
static int sd_connect(struct sk_dbus **ret, struct sk_err *err)
{
	struct sk_dbus_buf match = {0};
	int r;

	if (access("/run/systemd/system", F_OK) < 0)
		return sk_fail(err, 0,
			       "the systemd cgroup driver needs a host booted with systemd "
			       "(no /run/systemd/system)");
	if (geteuid() == 0 && access(SD_PRIVATE, F_OK) == 0 &&
	    sk_dbus_connect(SD_PRIVATE, false, CG_SYSTEMD_TIMEOUT_MS, ret, err) == 0)
		return 0;
	sk_err_clear(err);
	if (sk_dbus_connect(SD_SYSTEM_BUS, true, CG_SYSTEMD_TIMEOUT_MS, ret, err) < 0)
		return sk_wrap(err, "connect to systemd");
	sk_dbus_put_str(&match, "type='signal',sender='org.freedesktop.systemd1',"
				"interface='org.freedesktop.systemd1.Manager',member='JobRemoved'");
	r = sk_dbus_call(*ret, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			 "org.freedesktop.DBus", "AddMatch", "s", &match, CG_SYSTEMD_TIMEOUT_MS,
			 NULL, err);
	sk_dbus_buf_free(&match);
	if (r == 0)
		r = sk_dbus_call(*ret, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL,
				 CG_SYSTEMD_TIMEOUT_MS, NULL, err);
	if (r < 0) {
		sk_dbus_close(*ret);
		*ret = NULL;
		return sk_wrap(err, "subscribe to systemd's job signals");
	}
	return 0;
}

/* ---- the driver ---- */

/* h->path and h->dir for the scope's path in hierarchy h. */
static int hier_place(const struct cg_env *env, struct cg_hier *h, const char *path,
		      struct sk_err *err)
{
	size_t rl = strlen(h->root);
	const char *sub = path;
	const char *mnt = strcmp(h->mountpoint, "/") == 0 ? "" : h->mountpoint;

	if (strcmp(h->root, "/") != 0) {
		if (strncmp(path, h->root, rl) != 0 || path[rl] != '/')
			return sk_fail(err, 0, "systemd cgroup %s is outside %s (mounted from %s)",
				       path, h->mountpoint, h->root);
		sub = path + rl;
	}
	free(h->dir);
	free(h->path);
	h->path = strdup(path);
	if (asprintf(&h->dir, "%s%s%s", env->prefix, mnt, sub) < 0)
		h->dir = NULL;
	if (!h->path || !h->dir)
		return sk_fail(err, ENOMEM, "cgroup path");
	h->base_len = strlen(h->dir) - strlen(sub);
	return 0;
}

int cg_systemd_create(const struct cg_env *env, struct sk_cgroup *cg, const char *id,
		      const char *cgroups_path, yajl_val resources, struct sk_err *err)
{
	struct cg_systemd *sd = calloc(1, sizeof(*sd));
	_cleanup_free_ char *slice_path = NULL, *path = NULL;
	struct cg_mounts m;

	if (!sd)
		return sk_fail(err, ENOMEM, "systemd cgroup");
	cg->sd = sd;
	if (cg_systemd_parse_path(id, cgroups_path, &sd->slice, &sd->unit, err) < 0 ||
	    cg_systemd_expand_slice(sd->slice, &slice_path, err) < 0)
		return -1;
	if (asprintf(&sd->description, "skiff container %s", id ? id : "") < 0 ||
	    asprintf(&path, "%s/%s", slice_path, sd->unit) < 0)
		return sk_fail(err, ENOMEM, "systemd cgroup");
	if (cg_res_parse(resources, "config.json", ".linux.resources", &sd->res, err) < 0)
		return -1;
	if (cg_mounts_detect(env, &m, err) < 0)
		return -1;
	cg->mode = m.mode;
	cg->h = TAKE_PTR(m.h);
	cg->n = m.n;
	for (size_t i = 0; i < cg->n; i++)
		if (hier_place(env, &cg->h[i], path, err) < 0)
			return sk_wrap(err, "systemd unit %s", sd->unit);
	cg->path = TAKE_PTR(path);
	/* fail now, before the container process exists, when systemd cannot be reached */
	if (!env->fake && sd_connect(&sd->bus, err) < 0)
		return sk_wrap(err, "systemd unit %s", sd->unit);
	return 0;
}

/* mkdir -p of h->dir below its mount point (v1 controllers systemd did not set up). */
static int hier_mkdir_p(const struct sk_cgroup *cg, struct cg_hier *h, struct sk_err *err)
{
	_cleanup_free_ char *p = strdup(h->dir);
	bool cpuset = !h->v2 && cg_find(cg, "cpuset") == h;

	if (!p)
		return sk_fail(err, ENOMEM, "mkdir %s", h->dir);
	for (char *s = p + h->base_len + 1;;) {
		char *slash = strchr(s, '/');
		bool made;
		if (slash)
			*slash = '\0';
		made = mkdir(p, 0755) == 0;
		if (!made && errno != EEXIST)
			return sk_fail(err, errno, "mkdir %s", p);
		if (cpuset && made && cg_v1_cpuset_inherit(cg, p, err) < 0)
			return -1;
		if (!slash)
			return 0;
		*slash = '/';
		s = slash + 1;
	}
}

/* The resources on the cgroupfs side, as the cgroupfs driver writes them. */
static int apply_res(struct sk_cgroup *cg, const struct cg_res *res, struct sk_err *err)
{
	struct cg_hier *v2 = cg_find(cg, NULL);
	struct cg_res sub;
	const char *needed[16];

	if (cg->mode != SK_CGROUP_UNIFIED && cg_v1_apply(cg, res, false, err) < 0)
		return -1;
	if (!v2)
		return 0;
	res = cg_res_for_v2(cg, res, &sub);
	/* Delegate=yes enabled systemd's controllers; others (hugetlb, rdma) need enabling */
	cg_v2_needed(res, needed, ARRAY_SIZE(needed));
	if (cg_v2_enable_controllers(cg, v2, false, needed, err) < 0)
		return -1;
	return cg_v2_apply(cg, v2, res, false, err);
}

/* The scope must hold pid where we expect it: a mismatch means another slice layout. */
static int check_placed(const struct sk_cgroup *cg, pid_t pid, struct sk_err *err)
{
	_cleanup_free_ char *file = NULL, *text = NULL, *want = NULL;
	const char *dir = cg->mode == SK_CGROUP_UNIFIED ? "0::" : ":name=systemd:";

	if (asprintf(&file, "/proc/%d/cgroup", (int)pid) < 0 ||
	    asprintf(&want, "%s%s\n", dir, cg->path) < 0)
		return sk_fail(err, ENOMEM, "check the systemd scope");
	if (cg_read("/", file, &text, err) < 0)
		return -1;
	if (!strstr(text, want))
		return sk_fail(err, 0, "systemd placed pid %d elsewhere than %s: %s", (int)pid,
			       cg->path, text);
	return 0;
}

int cg_systemd_enter(struct sk_cgroup *cg, pid_t pid, struct sk_err *err)
{
	struct cg_systemd *sd = cg->sd;

	if (!sd || !sd->bus)
		return sk_fail(err, 0, "systemd cgroup %s: not connected to systemd",
			       sk_cgroup_path(cg));
	if (cg_systemd_start_unit(sd->bus, sd->unit, sd->slice, sd->description, pid, &sd->res,
				  cg->mode == SK_CGROUP_UNIFIED, CG_SYSTEMD_TIMEOUT_MS, err) < 0)
		return -1;
	if (check_placed(cg, pid, err) < 0)
		return sk_wrap(err, "systemd unit %s", sd->unit);
	for (size_t i = 0; i < cg->n; i++) {
		const struct cg_hier *h = &cg->h[i];
		/* check_placed saw pid there: writing it again would only wait for an RCU grace
		 * period (the kernel's threadgroup lock), 7 ms or more per container */
		if ((cg->mode == SK_CGROUP_UNIFIED && h->v2) ||
		    (!h->v2 && !strcmp(h->controllers, "name=systemd")))
			continue;
		if (hier_mkdir_p(cg, &cg->h[i], err) < 0 ||
		    cg_writef(cg, cg->h[i].dir, "cgroup.procs", err, "%d", (int)pid) < 0)
			return sk_wrap(err, "systemd unit %s: join", sd->unit);
	}
	if (apply_res(cg, &sd->res, err) < 0)
		return sk_wrap(err, "systemd unit %s", sd->unit);
	/* the connection is not needed any more; destroy opens its own */
	sk_dbus_close(sd->bus);
	sd->bus = NULL;
	return 0;
}

/* The scope unit: the last part of the cgroup path (also after sk_cgroup_load). */
static int scope_unit(const struct sk_cgroup *cg, const char **ret, struct sk_err *err)
{
	const char *path = sk_cgroup_path(cg), *unit = strrchr(path, '/');

	unit = unit ? unit + 1 : path;
	if (strlen(unit) < 7 || strcmp(unit + strlen(unit) - 6, ".scope") != 0)
		return sk_fail(err, 0, "systemd cgroup %s does not name a scope", path);
	*ret = unit;
	return 0;
}

int cg_systemd_set_props(struct sk_dbus *bus, const char *unit, const struct cg_res *r, bool v2,
			 int timeout_ms, struct sk_err *err)
{
	struct sk_dbus_buf body = {0};
	struct sk_dbus_arr props;
	int ret;

	sk_dbus_put_str(&body, unit);
	sk_dbus_put_bool(&body, true); /* runtime only: nothing written under /etc */
	props = sk_dbus_array_begin(&body, 8);
	ret = cg_systemd_res_props(&body, r, v2, err);
	sk_dbus_array_end(&body, props);
	if (ret == 0)
		ret = sk_dbus_call(bus, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties",
				   "sba(sv)", &body, timeout_ms, NULL, err);
	sk_dbus_buf_free(&body);
	return ret < 0 ? sk_wrap(err, "set the properties of systemd unit %s", unit) : 0;
}

int cg_systemd_update(struct sk_cgroup *cg, const struct cg_res *r, struct sk_err *err)
{
	_cleanup_(sk_dbus_closep) struct sk_dbus *bus = NULL;
	const char *unit;

	if (scope_unit(cg, &unit, err) < 0)
		return -1;
	if (sd_connect(&bus, err) < 0)
		return sk_wrap(err, "update systemd unit %s", unit);
	return cg_systemd_set_props(bus, unit, r, cg->mode == SK_CGROUP_UNIFIED,
				    CG_SYSTEMD_TIMEOUT_MS, err);
}

int cg_systemd_stop(struct sk_cgroup *cg, struct sk_err *err)
{
	_cleanup_(sk_dbus_closep) struct sk_dbus *bus = NULL;
	const char *unit;

	if (scope_unit(cg, &unit, err) < 0)
		return -1;
	if (cg->sd && cg->sd->bus)
		bus = TAKE_PTR(cg->sd->bus);
	else if (sd_connect(&bus, err) < 0)
		return sk_wrap(err, "stop systemd unit %s", unit);
	return cg_systemd_stop_unit(bus, unit, CG_SYSTEMD_TIMEOUT_MS, err);
}
