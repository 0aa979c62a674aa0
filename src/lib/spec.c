/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json (yajl tree) -> struct sk_spec. Small typed getters read one value each with the
 * JSON path of that value kept as a chain of stack frames (struct pframe), turned into text only
 * when an error is reported, so every error names its place
 * ("config.json: .mounts[0].destination: must be an absolute path"). Types, ranges and names
 * are checked here; linux.resources and linux.seccomp are only kept for their own parsers.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include "caps.h"
#include "cleanup.h"
#include "fs.h"
#include "mntopt.h"
#include "rlimit.h"
#include "spec.h"
#include "spec-parse.h"

/* ---- process ---- */

static int v_console_size(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_process *p = ud;
	int64_t h, w;

	if (sp_expect_object(c, v) < 0 || sp_get_int(c, v, "height", true, 0, UINT_MAX, &h) < 0 ||
	    sp_get_int(c, v, "width", true, 0, UINT_MAX, &w) < 0)
		return -1;
	p->has_console_size = true;
	p->console_height = (unsigned)h;
	p->console_width = (unsigned)w;
	return 0;
}

static int e_gid(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct int_arg a = {.min = 0, .max = UINT32_MAX};

	if (sp_v_int(c, v, &a) < 0)
		return -1;
	((gid_t *)arr)[i] = (gid_t)a.val;
	return 0;
}

static int v_user(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_user *u = ud;
	int64_t umask;
	int r;

	if (sp_expect_object(c, v) < 0 || sp_get_u32(c, v, "uid", true, &u->uid) < 0 ||
	    sp_get_u32(c, v, "gid", true, &u->gid) < 0)
		return -1;
	r = sp_get_int(c, v, "umask", false, 0, 07777, &umask);
	if (r < 0)
		return -1;
	u->has_umask = r > 0;
	u->umask = r > 0 ? (mode_t)umask : 0;
	return sp_get_array(c, v, "additionalGids", &u->additional_gids, &u->n_additional_gids,
			    sizeof(gid_t), e_gid);
}

static int v_args(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_process *p = ud;
	struct array_arg a = {
	    .arr = (void **)&p->args, .n = &p->n_args, .size = sizeof(char *), .fn = sp_e_string};

	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return sp_failf(c, "must be a non-empty array of strings");
	return sp_v_array(c, v, &a);
}

static int e_cap(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	uint64_t *set = arr;
	int cap;

	(void)i;
	if (!YAJL_IS_STRING(v))
		return sp_failf(c, "must be a string");
	if (sk_cap_from_name(v->u.string, &cap, c->err) < 0)
		return sp_wrapf(c);
	*set |= UINT64_C(1) << cap;
	return 0;
}

static int v_cap_set(struct pctx *c, yajl_val v, void *ud)
{
	if (sp_expect_array(c, v) < 0)
		return -1;
	return sp_each_elem(c, v, e_cap, ud);
}

static int v_caps(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_caps *caps = ud;

	if (sp_expect_object(c, v) < 0)
		return -1;
	caps->present = true;
	if (sp_with_key(c, v, "bounding", false, v_cap_set, &caps->bounding) < 0 ||
	    sp_with_key(c, v, "effective", false, v_cap_set, &caps->effective) < 0 ||
	    sp_with_key(c, v, "inheritable", false, v_cap_set, &caps->inheritable) < 0 ||
	    sp_with_key(c, v, "permitted", false, v_cap_set, &caps->permitted) < 0 ||
	    sp_with_key(c, v, "ambient", false, v_cap_set, &caps->ambient) < 0)
		return -1;
	return 0;
}

struct rlimit_arg {
	struct sk_rlimit *arr;
	size_t i;
};

static int v_rlimit_type(struct pctx *c, yajl_val v, void *ud)
{
	struct rlimit_arg *a = ud;
	int res;

	if (!YAJL_IS_STRING(v))
		return sp_failf(c, "must be a string");
	if (sk_rlimit_from_name(v->u.string, &res) < 0)
		return sp_failf(c, "unknown rlimit \"%s\"", v->u.string);
	for (size_t j = 0; j < a->i; j++)
		if (a->arr[j].resource == res)
			return sp_failf(c, "duplicate rlimit \"%s\"", v->u.string);
	a->arr[a->i].resource = res;
	return 0;
}

static int e_rlimit(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct sk_rlimit *rl = &((struct sk_rlimit *)arr)[i];
	struct rlimit_arg a = {.arr = arr, .i = i};

	if (sp_expect_object(c, v) < 0 || sp_with_key(c, v, "type", true, v_rlimit_type, &a) < 0 ||
	    sp_get_u64(c, v, "soft", true, &rl->soft) < 0 ||
	    sp_get_u64(c, v, "hard", true, &rl->hard) < 0)
		return -1;
	return 0;
}

static const struct name_val ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
};

static int v_io_priority(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_process *p = ud;
	long cls;
	int64_t prio = 0;

	if (sp_expect_object(c, v) < 0 ||
	    sp_get_enum(c, v, "class", true, ioprio_classes, ARRAY_SIZE(ioprio_classes),
			"I/O priority class", &cls) < 0 ||
	    sp_get_int(c, v, "priority", false, 0, 7, &prio) < 0)
		return -1;
	p->has_io_priority = true;
	p->io_priority_class = (int)cls;
	p->io_priority = (int)prio;
	return 0;
}

static const struct name_val sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER},	{"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},	{"SCHED_ISO", SCHED_ISO},   {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};

/* Values of SCHED_FLAG_* in <linux/sched.h>, which clashes with <sched.h>. */
static const struct name_val sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static int e_sched_flag(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct enum_arg a = {
	    .table = sched_flags, .n = ARRAY_SIZE(sched_flags), .what = "scheduler flag"};

	(void)i;
	if (sp_v_enum(c, v, &a) < 0)
		return -1;
	*(uint64_t *)arr |= (uint64_t)a.val;
	return 0;
}

static int v_sched_flags(struct pctx *c, yajl_val v, void *ud)
{
	if (sp_expect_array(c, v) < 0)
		return -1;
	return sp_each_elem(c, v, e_sched_flag, ud);
}

static int v_scheduler(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_process *p = ud;
	long policy;
	int64_t nice = 0, prio = 0;

	if (sp_expect_object(c, v) < 0 ||
	    sp_get_enum(c, v, "policy", true, sched_policies, ARRAY_SIZE(sched_policies),
			"scheduler policy", &policy) < 0 ||
	    sp_get_int(c, v, "nice", false, -20, 19, &nice) < 0 ||
	    sp_get_int(c, v, "priority", false, INT32_MIN, INT32_MAX, &prio) < 0 ||
	    sp_with_key(c, v, "flags", false, v_sched_flags, &p->sched_flags) < 0 ||
	    sp_get_u64(c, v, "runtime", false, &p->sched_runtime) < 0 ||
	    sp_get_u64(c, v, "deadline", false, &p->sched_deadline) < 0 ||
	    sp_get_u64(c, v, "period", false, &p->sched_period) < 0)
		return -1;
	p->has_scheduler = true;
	p->sched_policy = (int)policy;
	p->sched_nice = (int)nice;
	p->sched_priority = (int)prio;
	return 0;
}

/* The security and scheduling half of process: everything after cwd. */
static int process_extras(struct pctx *c, yajl_val v, struct sk_process *p)
{
	int64_t oom;
	int r;

	if (sp_with_key(c, v, "capabilities", false, v_caps, &p->caps) < 0 ||
	    sp_get_array(c, v, "rlimits", &p->rlimits, &p->n_rlimits, sizeof(struct sk_rlimit),
			 e_rlimit) < 0 ||
	    sp_get_bool(c, v, "noNewPrivileges", &p->no_new_privileges) < 0 ||
	    sp_get_string(c, v, "apparmorProfile", false, &p->apparmor_profile) < 0 ||
	    sp_get_string(c, v, "selinuxLabel", false, &p->selinux_label) < 0)
		return -1;
	r = sp_get_int(c, v, "oomScoreAdj", false, -1000, 1000, &oom);
	if (r < 0)
		return -1;
	p->has_oom_score_adj = r > 0;
	p->oom_score_adj = r > 0 ? (int)oom : 0;
	if (sp_with_key(c, v, "ioPriority", false, v_io_priority, p) < 0 ||
	    sp_with_key(c, v, "scheduler", false, v_scheduler, p) < 0)
		return -1;
	return 0;
}

static int v_process(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_process *p = ud;

	if (sp_expect_object(c, v) < 0 || sp_get_bool(c, v, "terminal", &p->terminal) < 0 ||
	    sp_with_key(c, v, "consoleSize", false, v_console_size, p) < 0 ||
	    sp_with_key(c, v, "user", false, v_user, &p->user) < 0)
		return -1;
	/* args is required on Linux; a missing one gets the same message as an empty one. */
	if (!sp_field(v, "args"))
		return sp_fail_key(c, "args", "must be a non-empty array of strings");
	if (sp_with_key(c, v, "args", true, v_args, p) < 0 ||
	    sp_get_strv(c, v, "env", &p->env, &p->n_env) < 0 ||
	    sp_get_abspath(c, v, "cwd", true, &p->cwd) < 0)
		return -1;
	return process_extras(c, v, p);
}

static int v_process_alloc(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_process **ret = ud;

	*ret = calloc(1, sizeof(**ret));
	if (!*ret)
		return sp_fail_oom(c);
	return v_process(c, v, *ret);
}

/* ---- root, mounts, hooks ---- */

static int v_root(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_root *root = ud;

	if (sp_expect_object(c, v) < 0 || sp_get_string(c, v, "path", true, &root->path) < 0 ||
	    sp_get_bool(c, v, "readonly", &root->readonly) < 0)
		return -1;
	if (root->path[0] == '\0')
		return sp_fail_key(c, "path", "must not be empty");
	return 0;
}

static int v_mount_options(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_mount *m = ud;
	struct array_arg a = {
	    .arr = (void **)&m->options, .size = sizeof(char *), .fn = sp_e_string};

	if (sp_v_array(c, v, &a) < 0)
		return -1;
	return 0;
}

static int e_mount(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct sk_mount *m = &((struct sk_mount *)arr)[i];
	struct pframe f;
	int r;

	if (sp_expect_object(c, v) < 0 ||
	    sp_get_abspath(c, v, "destination", true, &m->destination) < 0 ||
	    sp_get_string(c, v, "type", false, &m->type) < 0 ||
	    sp_get_string(c, v, "source", false, &m->source) < 0 ||
	    sp_with_key(c, v, "options", false, v_mount_options, m) < 0 ||
	    sp_get_id_maps(c, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
	    sp_get_id_maps(c, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
		return -1;
	sp_path_enter(c, &f, "options", 0);
	r = sk_mount_options_parse(m, c->err) < 0 ? sp_wrapf(c) : 0;
	sp_path_leave(c, &f);
	return r;
}

static int e_hook(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct sk_hook *h = &((struct sk_hook *)arr)[i];
	int64_t timeout;
	int r;

	if (sp_expect_object(c, v) < 0 || sp_get_abspath(c, v, "path", true, &h->path) < 0 ||
	    sp_get_strv(c, v, "args", &h->args, NULL) < 0 ||
	    sp_get_strv(c, v, "env", &h->env, NULL) < 0)
		return -1;
	r = sp_get_int(c, v, "timeout", false, 1, INT_MAX, &timeout);
	if (r < 0)
		return -1;
	h->has_timeout = r > 0;
	h->timeout = r > 0 ? (int)timeout : 0;
	return 0;
}

static int v_hooks(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_hook_list *lists = ud;

	if (sp_expect_object(c, v) < 0)
		return -1;
	for (int k = 0; k < SK_HOOK_MAX; k++)
		if (sp_get_array(c, v, sk_hook_kind_name(k), &lists[k].hooks, &lists[k].n,
				 sizeof(struct sk_hook), e_hook) < 0)
			return -1;
	return 0;
}

/* ---- linux ---- */

static const struct name_val ns_types[] = {
    {"pid", SK_NS_PID}, {"network", SK_NS_NETWORK}, {"mount", SK_NS_MOUNT},   {"ipc", SK_NS_IPC},
    {"uts", SK_NS_UTS}, {"user", SK_NS_USER},	    {"cgroup", SK_NS_CGROUP}, {"time", SK_NS_TIME},
};

struct ns_arg {
	struct sk_linux *l;
	long type;
};

static int v_ns_type(struct pctx *c, yajl_val v, void *ud)
{
	struct enum_arg a = {
	    .table = ns_types, .n = ARRAY_SIZE(ns_types), .what = "namespace type"};
	struct ns_arg *ns = ud;

	if (sp_v_enum(c, v, &a) < 0)
		return -1;
	if (ns->l->ns[a.val].present)
		return sp_failf(c, "duplicate namespace type \"%s\"", v->u.string);
	ns->l->ns[a.val].present = true;
	ns->type = a.val;
	return 0;
}

static int e_namespace(struct pctx *c, yajl_val v, void *ud, size_t i)
{
	struct ns_arg ns = {.l = ud};
	char *path = NULL;

	(void)i;
	if (sp_expect_object(c, v) < 0 || sp_with_key(c, v, "type", true, v_ns_type, &ns) < 0 ||
	    sp_get_string(c, v, "path", false, &path) < 0)
		return -1;
	/* An empty path means "create a new one", as runc reads it. */
	if (!path || path[0] == '\0')
		return 0;
	if (path[0] != '/')
		return sp_fail_key(c, "path", "must be an absolute path");
	ns.l->ns[ns.type].path = path;
	return 0;
}

static int v_namespaces(struct pctx *c, yajl_val v, void *ud)
{
	if (sp_expect_array(c, v) < 0)
		return -1;
	return sp_each_elem(c, v, e_namespace, ud);
}

static int v_dev_type(struct pctx *c, yajl_val v, void *ud)
{
	char *type = ud;

	if (!YAJL_IS_STRING(v))
		return sp_failf(c, "must be a string");
	if (strlen(v->u.string) != 1 || !strchr("cbup", v->u.string[0]))
		return sp_failf(c, "unknown device type \"%s\"", v->u.string);
	*type = v->u.string[0];
	return 0;
}

static mode_t dev_type_bits(char type)
{
	return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

static int e_device(struct pctx *c, yajl_val v, void *arr, size_t i)
{
	struct sk_device *d = &((struct sk_device *)arr)[i];
	int64_t mode;
	uint32_t id;
	int r;

	if (sp_expect_object(c, v) < 0 ||
	    sp_with_key(c, v, "type", true, v_dev_type, &d->type) < 0 ||
	    sp_get_abspath(c, v, "path", true, &d->path) < 0 ||
	    sp_get_int(c, v, "major", d->type != 'p', 0, UINT32_MAX, &d->major) < 0 ||
	    sp_get_int(c, v, "minor", d->type != 'p', 0, UINT32_MAX, &d->minor) < 0)
		return -1;
	/* podman passes the host node's whole st_mode (020666 for /dev/null): the file-type bits
	 * may be there, but only naming the device's own type. */
	r = sp_get_int(c, v, "fileMode", false, 0, 0177777, &mode);
	if (r < 0)
		return -1;
	if (r > 0 && (mode & S_IFMT) && (mode_t)(mode & S_IFMT) != dev_type_bits(d->type))
		return sp_fail_key(c, "fileMode", "file-type bits do not match the device type");
	d->has_file_mode = r > 0;
	d->file_mode = r > 0 ? (mode_t)(mode & 07777) : 0;
	r = sp_get_u32(c, v, "uid", false, &id);
	if (r < 0)
		return -1;
	d->has_uid = r > 0;
	d->uid = r > 0 ? id : 0;
	r = sp_get_u32(c, v, "gid", false, &id);
	if (r < 0)
		return -1;
	d->has_gid = r > 0;
	d->gid = r > 0 ? id : 0;
	return 0;
}

static int v_propagation(struct pctx *c, yajl_val v, void *ud)
{
	if (!YAJL_IS_STRING(v))
		return sp_failf(c, "must be a string");
	if (sk_propagation_parse(v->u.string, ud, c->err) < 0)
		return sp_wrapf(c);
	return 0;
}

static const struct name_val personality_domains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};

static int v_personality(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_linux *l = ud;
	_cleanup_free_ char **flags = NULL;
	long domain;

	/* flags: no values are defined by the spec yet; checked for type only. */
	if (sp_expect_object(c, v) < 0 ||
	    sp_get_enum(c, v, "domain", true, personality_domains, ARRAY_SIZE(personality_domains),
			"personality domain", &domain) < 0 ||
	    sp_get_strv(c, v, "flags", &flags, NULL) < 0)
		return -1;
	l->has_personality = true;
	l->personality = (unsigned long)domain;
	return 0;
}

static int v_time_offset(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_time_offset *t = ud;
	int64_t ns = 0;

	if (sp_expect_object(c, v) < 0 ||
	    sp_get_int(c, v, "secs", false, INT64_MIN, INT64_MAX, &t->secs) < 0 ||
	    sp_get_int(c, v, "nanosecs", false, 0, 999999999, &ns) < 0)
		return -1;
	t->present = true;
	t->nanosecs = (uint32_t)ns;
	return 0;
}

static int v_time_offsets(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_linux *l = ud;
	struct pframe f;
	int r = 0;

	if (sp_expect_object(c, v) < 0)
		return -1;
	sp_path_enter(c, &f, NULL, 0);
	for (size_t i = 0; r == 0 && i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		struct sk_time_offset *t = strcmp(k, "boottime") == 0	 ? &l->time_boottime
					   : strcmp(k, "monotonic") == 0 ? &l->time_monotonic
									 : NULL;
		f.key = k;
		r = t ? v_time_offset(c, v->u.object.values[i], t)
		      : sp_failf(c, "unknown clock \"%s\"", k);
	}
	sp_path_leave(c, &f);
	return r < 0 ? -1 : 0;
}

static int v_node(struct pctx *c, yajl_val v, void *ud)
{
	if (sp_expect_object(c, v) < 0)
		return -1;
	*(yajl_val *)ud = v;
	return 0;
}

static int v_abs_strv(struct pctx *c, yajl_val v, void *ud)
{
	struct array_arg *a = ud;

	a->fn = sp_e_abspath;
	a->size = sizeof(char *);
	return sp_v_array(c, v, a);
}

static int get_abs_strv(struct pctx *c, yajl_val o, const char *key, char ***ret, size_t *n)
{
	struct array_arg a = {.arr = (void **)ret, .n = n};

	return sp_with_key(c, o, key, false, v_abs_strv, &a);
}

static int v_linux(struct pctx *c, yajl_val v, void *ud)
{
	struct sk_linux *l = ud;
	yajl_val rdt = NULL;
	int r;

	if (sp_expect_object(c, v) < 0 ||
	    sp_with_key(c, v, "namespaces", false, v_namespaces, l) < 0 ||
	    sp_get_id_maps(c, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
	    sp_get_id_maps(c, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
	    sp_get_array(c, v, "devices", &l->devices, &l->n_devices, sizeof(struct sk_device),
			 e_device) < 0 ||
	    sp_get_kv(c, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0 ||
	    sp_get_string(c, v, "cgroupsPath", false, &l->cgroups_path) < 0 ||
	    sp_with_key(c, v, "rootfsPropagation", false, v_propagation, &l->rootfs_propagation) <
		0 ||
	    get_abs_strv(c, v, "maskedPaths", &l->masked_paths, &l->n_masked_paths) < 0 ||
	    get_abs_strv(c, v, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths) < 0 ||
	    sp_get_string(c, v, "mountLabel", false, &l->mount_label) < 0 ||
	    sp_with_key(c, v, "personality", false, v_personality, l) < 0 ||
	    sp_with_key(c, v, "timeOffsets", false, v_time_offsets, l) < 0)
		return -1;
	r = sp_with_key(c, v, "intelRdt", false, v_node, &rdt);
	if (r < 0 || sp_with_key(c, v, "resources", false, v_node, &l->resources) < 0 ||
	    sp_with_key(c, v, "seccomp", false, v_node, &l->seccomp) < 0)
		return -1;
	l->has_intel_rdt = r > 0;
	return 0;
}

/* ---- the document ---- */

static int v_spec(struct pctx *c, yajl_val v, struct sk_spec *s)
{
	if (!YAJL_IS_OBJECT(v))
		return sp_failf(c, "must be a JSON object");
	if (sp_get_string(c, v, "ociVersion", true, &s->oci_version) < 0 ||
	    sp_with_key(c, v, "process", false, v_process_alloc, &s->process) < 0 ||
	    sp_with_key(c, v, "root", true, v_root, &s->root) < 0 ||
	    sp_get_string(c, v, "hostname", false, &s->hostname) < 0 ||
	    sp_get_string(c, v, "domainname", false, &s->domainname) < 0 ||
	    sp_get_array(c, v, "mounts", &s->mounts, &s->n_mounts, sizeof(struct sk_mount),
			 e_mount) < 0 ||
	    sp_with_key(c, v, "hooks", false, v_hooks, s->hooks) < 0 ||
	    sp_get_kv(c, v, "annotations", &s->annotations, &s->n_annotations) < 0 ||
	    sp_with_key(c, v, "linux", false, v_linux, &s->linux_) < 0)
		return -1;
	return 0;
}

/* yajl wants a NUL-terminated document. Its error text is one line of cause, then the
 * document excerpt with a caret under it; only the cause is kept for a one-line message. */
static yajl_val parse_tree(const char *json, size_t len, const char *name, struct sk_err *err)
{
	_cleanup_free_ char *doc = strndup(json, len);
	char errbuf[1024] = "";
	yajl_val tree;

	if (!doc) {
		sk_fail(err, ENOMEM, "%s", name);
		return NULL;
	}
	tree = yajl_tree_parse(doc, errbuf, sizeof(errbuf));
	if (!tree) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		sk_fail(err, 0, "%s: invalid JSON: %s", name, errbuf[0] ? errbuf : "parse error");
	}
	return tree;
}

int sk_spec_parse(const char *json, size_t len, const char *name, struct sk_spec **ret,
		  struct sk_err *err)
{
	_cleanup_(sk_spec_freep) struct sk_spec *spec = NULL;
	struct pctx c = {.name = name, .err = err};
	yajl_val tree = parse_tree(json, len, name, err);
	int r;

	if (!tree)
		return -1;
	spec = calloc(1, sizeof(*spec));
	if (!spec) {
		yajl_tree_free(tree);
		return sk_fail(err, ENOMEM, "%s", name);
	}
	spec->tree = tree;
	r = v_spec(&c, tree, spec);
	if (r < 0)
		return -1;
	*ret = TAKE_PTR(spec);
	return 0;
}

int sk_spec_load(const char *path, struct sk_spec **ret, struct sk_err *err)
{
	_cleanup_free_ char *buf = NULL;
	const char *name = strrchr(path, '/');
	size_t len;

	if (sk_read_file_at(AT_FDCWD, path, &buf, &len, err) < 0)
		return -1;
	return sk_spec_parse(buf, len, name ? name + 1 : path, ret, err);
}

int sk_process_parse(const char *json, size_t len, const char *name, struct sk_process **ret,
		     struct sk_err *err)
{
	_cleanup_(sk_process_freep) struct sk_process *p = NULL;
	struct pctx c = {.name = name, .err = err};
	yajl_val tree = parse_tree(json, len, name, err);
	int r;

	if (!tree)
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p) {
		yajl_tree_free(tree);
		return sk_fail(err, ENOMEM, "%s", name);
	}
	p->tree = tree;
	r = YAJL_IS_OBJECT(tree) ? v_process(&c, tree, p) : sp_failf(&c, "must be a JSON object");
	if (r < 0)
		return -1;
	*ret = TAKE_PTR(p);
	return 0;
}

/* ---- freeing ---- */

/* Only the arrays are the spec's: the strings in them belong to the yajl tree. */
static void mount_free(struct sk_mount *m)
{
	free(m->options);
	free(m->data);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

static void hooks_free(struct sk_hook_list *lists)
{
	for (int k = 0; k < SK_HOOK_MAX; k++) {
		for (size_t i = 0; lists[k].hooks && i < lists[k].n; i++) {
			free(lists[k].hooks[i].args);
			free(lists[k].hooks[i].env);
		}
		free(lists[k].hooks);
	}
}

static void linux_free(struct sk_linux *l)
{
	free(l->uid_mappings);
	free(l->gid_mappings);
	free(l->devices);
	free(l->sysctl);
	free(l->masked_paths);
	free(l->readonly_paths);
}

void sk_process_free(struct sk_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	free(p->args);
	free(p->env);
	free(p->rlimits);
	yajl_tree_free(p->tree);
	free(p);
}

void sk_spec_free(struct sk_spec *spec)
{
	if (!spec)
		return;
	sk_process_free(spec->process);
	for (size_t i = 0; spec->mounts && i < spec->n_mounts; i++)
		mount_free(&spec->mounts[i]);
	free(spec->mounts);
	hooks_free(spec->hooks);
	free(spec->annotations);
	linux_free(&spec->linux_);
	yajl_tree_free(spec->tree);
	free(spec);
}

/* ---- names ---- */

static const char *const hook_kind_names[SK_HOOK_MAX] = {
    [SK_HOOK_PRESTART] = "prestart",
    [SK_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SK_HOOK_CREATE_CONTAINER] = "createContainer",
    [SK_HOOK_START_CONTAINER] = "startContainer",
    [SK_HOOK_POSTSTART] = "poststart",
    [SK_HOOK_POSTSTOP] = "poststop",
};

const char *sk_hook_kind_name(enum sk_hook_kind k)
{
	return (unsigned)k < SK_HOOK_MAX ? hook_kind_names[k] : NULL;
}

const char *sk_ns_type_name(enum sk_ns_type t)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++)
		if (ns_types[i].val == (long)t)
			return ns_types[i].name;
	return NULL;
}

int sk_ns_type_clone_flag(enum sk_ns_type t)
{
	static const int flags[SK_NS_MAX] = {
	    [SK_NS_PID] = CLONE_NEWPID,	      [SK_NS_NETWORK] = CLONE_NEWNET,
	    [SK_NS_MOUNT] = CLONE_NEWNS,      [SK_NS_IPC] = CLONE_NEWIPC,
	    [SK_NS_UTS] = CLONE_NEWUTS,	      [SK_NS_USER] = CLONE_NEWUSER,
	    [SK_NS_CGROUP] = CLONE_NEWCGROUP, [SK_NS_TIME] = CLONE_NEWTIME,
	};

	return (unsigned)t < SK_NS_MAX ? flags[t] : 0;
}
