/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec.c: a config covering every field checked field by field, a `runc spec`-style minimal
 * config, one test per error path with the exact message and JSON path, the process-only
 * parser, and the cap/rlimit tables plus their apply functions (in a forked child).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ioprio.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "caps.h"
#include "cleanup.h"
#include "rlimit.h"
#include "spec.h"

/* Test documents use ' for " so they stay readable (no test needs a literal '); a document
 * that starts with a member ('key': ...) gets its enclosing braces added. */
static char *dq(const char *s)
{
	char *d = NULL;

	if (s[0] == '\'')
		assert_true(asprintf(&d, "{%s}", s) > 0);
	else
		d = strdup(s);
	assert_non_null(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static struct sk_spec *parse_ok(const char *doc)
{
	_cleanup_free_ char *json = dq(doc);
	struct sk_err err = {0};
	struct sk_spec *spec = NULL;

	if (sk_spec_parse(json, strlen(json), "config.json", &spec, &err) < 0)
		fail_msg("unexpected error: %s", err.msg);
	assert_non_null(spec);
	return spec;
}

#define BASE	 "'ociVersion':'1.2.0','root':{'path':'rootfs'}"
#define PROC(x)	 BASE ",'process':{'args':['sh'],'cwd':'/'," x "}"
#define LINUX(x) BASE ",'linux':{" x "}"

static void test_full(void **state)
{
	(void)state;
	struct sk_err err = {0};
	_cleanup_(sk_spec_freep) struct sk_spec *s = NULL;

	if (sk_spec_load(FIXTURES_DIR "/config-full.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(s->oci_version, "1.2.0");
	assert_string_equal(s->root.path, "/var/lib/skiff/rootfs");
	assert_true(s->root.readonly);
	assert_string_equal(s->hostname, "box");
	assert_string_equal(s->domainname, "example.org");
	assert_non_null(s->tree);
}

static void check_full_process(const struct sk_process *p)
{
	assert_true(p->terminal);
	assert_true(p->has_console_size);
	assert_int_equal(p->console_height, 40);
	assert_int_equal(p->console_width, 120);
	assert_int_equal(p->user.uid, 1000);
	assert_int_equal(p->user.gid, 1001);
	assert_true(p->user.has_umask);
	assert_int_equal(p->user.umask, 022);
	assert_int_equal(p->user.n_additional_gids, 2);
	assert_int_equal(p->user.additional_gids[0], 5);
	assert_int_equal(p->user.additional_gids[1], 4294967295u);
	assert_null(p->user.username);
	assert_int_equal(p->n_args, 3);
	assert_string_equal(p->args[0], "/bin/sh");
	assert_string_equal(p->args[2], "echo hi");
	assert_null(p->args[3]);
	assert_int_equal(p->n_env, 2);
	assert_string_equal(p->env[1], "HOME=/root");
	assert_null(p->env[2]);
	assert_string_equal(p->cwd, "/work");
	assert_true(p->caps.present);
	assert_int_equal(p->caps.bounding, (1ULL << 0) | (1ULL << 21) | (1ULL << 40));
	assert_int_equal(p->caps.effective, 1ULL << 5);
	assert_int_equal(p->caps.inheritable, 1ULL << 13);
	assert_int_equal(p->caps.permitted, (1ULL << 5) | (1ULL << 13));
	assert_int_equal(p->caps.ambient, 1ULL << 13);
}

static void check_full_process2(const struct sk_process *p)
{
	assert_int_equal(p->n_rlimits, 2);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(p->rlimits[0].soft, 1024);
	assert_int_equal(p->rlimits[0].hard, 4096);
	assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
	assert_int_equal(p->rlimits[1].soft, 0);
	assert_true(p->rlimits[1].hard == UINT64_MAX);
	assert_true(p->no_new_privileges);
	assert_string_equal(p->apparmor_profile, "skiff-default");
	assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");
	assert_true(p->has_oom_score_adj);
	assert_int_equal(p->oom_score_adj, -500);
	assert_true(p->has_io_priority);
	assert_int_equal(p->io_priority_class, IOPRIO_CLASS_BE);
	assert_int_equal(p->io_priority, 6);
	assert_true(p->has_scheduler);
	assert_int_equal(p->sched_policy, SCHED_DEADLINE);
	assert_int_equal(p->sched_nice, -5);
	assert_int_equal(p->sched_priority, 3);
	assert_int_equal(p->sched_flags, 0x01 | 0x40);
	assert_int_equal(p->sched_runtime, 10000000);
	assert_int_equal(p->sched_deadline, 20000000);
	assert_int_equal(p->sched_period, 30000000);
}

static void check_full_mounts(const struct sk_spec *s)
{
	const struct sk_mount *m;

	assert_int_equal(s->n_mounts, 2);
	m = &s->mounts[0];
	assert_string_equal(m->destination, "/proc");
	assert_string_equal(m->type, "proc");
	assert_string_equal(m->source, "proc");
	assert_null(m->options);
	assert_int_equal(m->flags, 0);
	assert_null(m->data);
	m = &s->mounts[1];
	assert_string_equal(m->destination, "/data");
	assert_string_equal(m->options[0], "rbind");
	assert_null(m->options[8]);
	assert_int_equal(m->flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID);
	assert_int_equal(m->propagation, MS_PRIVATE | MS_REC);
	assert_int_equal(m->attr_set, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOATIME);
	assert_int_equal(m->attr_clr, MOUNT_ATTR__ATIME);
	assert_true(m->bind && m->recursive_bind && m->readonly_bind);
	assert_string_equal(m->data, "mode=755,size=1k");
	assert_int_equal(m->n_uid_mappings, 1);
	assert_int_equal(m->uid_mappings[0].container_id, 0);
	assert_int_equal(m->uid_mappings[0].host_id, 100000);
	assert_int_equal(m->uid_mappings[0].size, 65536);
	assert_int_equal(m->n_gid_mappings, 1);
	assert_int_equal(m->gid_mappings[0].host_id, 200000);
	assert_int_equal(m->gid_mappings[0].size, 1000);
}

static void check_full_hooks(const struct sk_spec *s)
{
	const struct sk_hook *h;

	assert_int_equal(s->hooks[SK_HOOK_PRESTART].n, 1);
	h = &s->hooks[SK_HOOK_PRESTART].hooks[0];
	assert_string_equal(h->path, "/usr/bin/pre");
	assert_string_equal(h->args[0], "pre");
	assert_string_equal(h->args[1], "x");
	assert_null(h->args[2]);
	assert_string_equal(h->env[0], "A=1");
	assert_null(h->env[1]);
	assert_true(h->has_timeout);
	assert_int_equal(h->timeout, 5);
	assert_int_equal(s->hooks[SK_HOOK_CREATE_RUNTIME].n, 2);
	assert_string_equal(s->hooks[SK_HOOK_CREATE_RUNTIME].hooks[1].path, "/cr2");
	assert_null(s->hooks[SK_HOOK_CREATE_RUNTIME].hooks[1].args);
	assert_false(s->hooks[SK_HOOK_CREATE_RUNTIME].hooks[1].has_timeout);
	assert_string_equal(s->hooks[SK_HOOK_CREATE_CONTAINER].hooks[0].path, "/cc");
	assert_string_equal(s->hooks[SK_HOOK_START_CONTAINER].hooks[0].path, "/sc");
	assert_string_equal(s->hooks[SK_HOOK_POSTSTART].hooks[0].path, "/ps");
	assert_int_equal(s->hooks[SK_HOOK_POSTSTOP].hooks[0].timeout, 30);
	assert_int_equal(s->n_annotations, 2);
	assert_string_equal(s->annotations[0].key, "org.example.key");
	assert_string_equal(s->annotations[0].value, "value");
	assert_string_equal(s->annotations[1].key, "plain");
	assert_string_equal(s->annotations[1].value, "");
}

static void check_full_linux(const struct sk_linux *l)
{
	for (int t = 0; t < SK_NS_MAX; t++)
		assert_true(l->ns[t].present);
	assert_string_equal(l->ns[SK_NS_NETWORK].path, "/var/run/netns/box");
	assert_null(l->ns[SK_NS_PID].path);
	assert_null(l->ns[SK_NS_TIME].path); /* "" means a new one */
	assert_int_equal(l->n_uid_mappings, 1);
	assert_int_equal(l->uid_mappings[0].host_id, 1000);
	assert_int_equal(l->n_gid_mappings, 2);
	assert_int_equal(l->gid_mappings[1].container_id, 1);
	assert_int_equal(l->gid_mappings[1].host_id, 100000);
	assert_int_equal(l->gid_mappings[1].size, 65535);
	assert_int_equal(l->n_devices, 3);
	assert_string_equal(l->devices[0].path, "/dev/fuse");
	assert_int_equal(l->devices[0].type, 'c');
	assert_int_equal(l->devices[0].major, 10);
	assert_int_equal(l->devices[0].minor, 229);
	assert_true(l->devices[0].has_file_mode);
	assert_int_equal(l->devices[0].file_mode, 0666);
	assert_true(l->devices[0].has_uid && l->devices[0].has_gid);
	assert_int_equal(l->devices[1].type, 'p');
	assert_false(l->devices[1].has_file_mode || l->devices[1].has_uid || l->devices[1].has_gid);
	assert_int_equal(l->devices[2].type, 'b');
	assert_int_equal(l->devices[2].major, 8);
	assert_int_equal(l->n_sysctl, 2);
	assert_string_equal(l->sysctl[0].key, "net.ipv4.ip_forward");
	assert_string_equal(l->sysctl[0].value, "1");
	assert_string_equal(l->sysctl[1].value, "4096");
	assert_string_equal(l->cgroups_path, "/skiff/box");
	assert_int_equal(l->rootfs_propagation, MS_SLAVE | MS_REC);
	assert_int_equal(l->n_masked_paths, 2);
	assert_string_equal(l->masked_paths[1], "/sys/firmware");
	assert_null(l->masked_paths[2]);
	assert_int_equal(l->n_readonly_paths, 1);
	assert_string_equal(l->readonly_paths[0], "/proc/sys");
	assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0");
	assert_true(l->has_personality);
	assert_int_equal(l->personality, PER_LINUX32);
	assert_true(l->time_boottime.present);
	assert_int_equal(l->time_boottime.secs, -3600);
	assert_int_equal(l->time_boottime.nanosecs, 500);
	assert_true(l->time_monotonic.present);
	assert_int_equal(l->time_monotonic.secs, 86400);
	assert_int_equal(l->time_monotonic.nanosecs, 0);
	assert_true(l->has_intel_rdt);
	assert_non_null(l->resources);
	assert_non_null(
	    yajl_tree_get(l->resources, (const char *[]){"memory", "limit", NULL}, yajl_t_number));
	assert_non_null(l->seccomp);
	assert_string_equal(
	    YAJL_GET_STRING(
		yajl_tree_get(l->seccomp, (const char *[]){"defaultAction", NULL}, yajl_t_string)),
	    "SCMP_ACT_ERRNO");
}

static void test_full_sections(void **state)
{
	(void)state;
	struct sk_err err = {0};
	_cleanup_(sk_spec_freep) struct sk_spec *s = NULL;

	if (sk_spec_load(FIXTURES_DIR "/config-full.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(s->process);
	check_full_process(s->process);
	check_full_process2(s->process);
	check_full_mounts(s);
	check_full_hooks(s);
	check_full_linux(&s->linux_);
}

static void test_minimal(void **state)
{
	(void)state;
	struct sk_err err = {0};
	_cleanup_(sk_spec_freep) struct sk_spec *s = NULL;
	const uint64_t three = (1ULL << 29) | (1ULL << 5) | (1ULL << 10);

	if (sk_spec_load(FIXTURES_DIR "/config-minimal.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(s->oci_version, "1.0.2-dev");
	assert_string_equal(s->root.path, "rootfs");
	assert_false(s->process->terminal);
	assert_false(s->process->has_console_size || s->process->user.has_umask);
	assert_int_equal(s->process->caps.bounding, three);
	assert_int_equal(s->process->caps.inheritable, 0);
	assert_int_equal(s->process->caps.ambient, three);
	assert_false(s->process->has_oom_score_adj || s->process->has_scheduler ||
		     s->process->has_io_priority);
	assert_int_equal(s->n_mounts, 7);
	assert_int_equal(s->mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(s->mounts[1].data, "mode=755,size=65536k");
	assert_string_equal(s->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	assert_int_equal(s->mounts[5].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	assert_false(s->mounts[5].readonly_bind);
	assert_int_equal(s->mounts[6].flags,
			 MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
	assert_true(s->linux_.ns[SK_NS_PID].present && s->linux_.ns[SK_NS_MOUNT].present);
	assert_false(s->linux_.ns[SK_NS_USER].present || s->linux_.ns[SK_NS_CGROUP].present);
	assert_int_equal(s->linux_.n_masked_paths, 10);
	assert_int_equal(s->linux_.n_readonly_paths, 5);
	assert_non_null(s->linux_.resources);
	assert_null(s->linux_.seccomp);
	assert_false(s->linux_.has_intel_rdt || s->linux_.has_personality);
	assert_int_equal(s->linux_.rootfs_propagation, 0);
	for (int k = 0; k < SK_HOOK_MAX; k++)
		assert_int_equal(s->hooks[k].n, 0);
}

/* Absent, null and unknown fields; a config without a process. */
static void test_optional(void **state)
{
	(void)state;
	struct sk_spec *s = parse_ok(BASE ",'hostname':null,'mounts':null,'unknownTop':[1,{}],"
					  "'linux':{'futureThing':true,'namespaces':null}");

	assert_null(s->process);
	assert_null(s->hostname);
	assert_int_equal(s->n_mounts, 0);
	assert_false(s->linux_.ns[SK_NS_PID].present);
	assert_false(s->root.readonly);
	sk_spec_free(s);
	s = parse_ok(PROC("'user':{'uid':4294967295,'gid':0},'oomScoreAdj':-1000,'env':[]"));
	assert_int_equal(s->process->user.uid, 4294967295u);
	assert_int_equal(s->process->oom_score_adj, -1000);
	assert_int_equal(s->process->n_env, 0);
	assert_non_null(s->process->env);
	assert_null(s->process->env[0]);
	assert_false(s->process->caps.present);
	sk_spec_free(s);
	s = parse_ok(PROC("'capabilities':{}"));
	assert_true(s->process->caps.present);
	assert_int_equal(s->process->caps.bounding, 0);
	sk_spec_free(s);
	/* podman's fileMode for /dev/null: the host node's st_mode, S_IFCHR | 0666. */
	s = parse_ok(LINUX("'devices':[{'type':'c','path':'/dev/x','major':1,'minor':3,"
			   "'fileMode':8630}]"));
	assert_true(s->linux_.devices[0].has_file_mode);
	assert_int_equal(s->linux_.devices[0].file_mode, 0666);
	sk_spec_free(s);
	sk_spec_free(NULL);
	sk_process_free(NULL);
}

static void test_load_missing(void **state)
{
	(void)state;
	struct sk_err err = {0};
	struct sk_spec *s = NULL;

	assert_int_equal(sk_spec_load("/nonexistent/config.json", &s, &err), -1);
	assert_string_equal(err.msg, "open /nonexistent/config.json: No such file or directory");
	assert_int_equal(err.errnum, ENOENT);
	assert_null(s);
	sk_err_clear(&err);
}

struct err_case {
	const char *doc;
	const char *msg;
};

static void test_error(void **state)
{
	const struct err_case *tc = *state;
	_cleanup_free_ char *json = dq(tc->doc);
	struct sk_err err = {0};
	struct sk_spec *s = NULL;

	assert_int_equal(sk_spec_parse(json, strlen(json), "config.json", &s, &err), -1);
	assert_null(s);
	assert_non_null(err.msg);
	assert_string_equal(err.msg, tc->msg);
	sk_err_clear(&err);
}

#define U32_RANGE "must be an integer between 0 and 4294967295"
#define U64_RANGE "must be an integer between 0 and 18446744073709551615"

static const struct err_case err_cases[] = {
    /* document */
    {"{", "config.json: invalid JSON: parse error: premature EOF"},
    {"", "config.json: invalid JSON: parse error: premature EOF"},
    {"{'a' 1}", "config.json: invalid JSON: parse error: object key and value must be "
		"separated by a colon (':')"},
    {"[]", "config.json: must be a JSON object"},
    {"{'root':{'path':'r'}}", "config.json: .ociVersion: is required"},
    {"{'ociVersion':1,'root':{'path':'r'}}", "config.json: .ociVersion: must be a string"},
    {"{'ociVersion':'1'}", "config.json: .root: is required"},
    {"{'ociVersion':'1','root':'r'}", "config.json: .root: must be an object"},
    {"{'ociVersion':'1','root':{}}", "config.json: .root.path: is required"},
    {"{'ociVersion':'1','root':{'path':''}}", "config.json: .root.path: must not be empty"},
    {"{'ociVersion':'1','root':{'path':'r','readonly':'yes'}}",
     "config.json: .root.readonly: must be a boolean"},
    {BASE ",'hostname':5", "config.json: .hostname: must be a string"},
    {BASE ",'domainname':[]", "config.json: .domainname: must be a string"},
    /* process */
    {BASE ",'process':[]", "config.json: .process: must be an object"},
    {BASE ",'process':{'cwd':'/'}",
     "config.json: .process.args: must be a non-empty array of strings"},
    {BASE ",'process':{'args':[],'cwd':'/'}",
     "config.json: .process.args: must be a non-empty array of strings"},
    {BASE ",'process':{'args':'sh','cwd':'/'}",
     "config.json: .process.args: must be a non-empty array of strings"},
    {BASE ",'process':{'args':['sh',1],'cwd':'/'}",
     "config.json: .process.args[1]: must be a string"},
    {BASE ",'process':{'args':['sh']}", "config.json: .process.cwd: is required"},
    {BASE ",'process':{'args':['sh'],'cwd':'tmp'}",
     "config.json: .process.cwd: must be an absolute path"},
    {BASE ",'process':{'args':['sh'],'cwd':7}",
     "config.json: .process.cwd: must be an absolute path"},
    {PROC("'env':'A=1'"), "config.json: .process.env: must be an array"},
    {PROC("'env':['A=1',{}]"), "config.json: .process.env[1]: must be a string"},
    {PROC("'terminal':'true'"), "config.json: .process.terminal: must be a boolean"},
    {PROC("'consoleSize':[]"), "config.json: .process.consoleSize: must be an object"},
    {PROC("'consoleSize':{'height':1}"), "config.json: .process.consoleSize.width: is required"},
    {PROC("'consoleSize':{'height':-1,'width':1}"),
     "config.json: .process.consoleSize.height: " U32_RANGE},
    {PROC("'user':1"), "config.json: .process.user: must be an object"},
    {PROC("'user':{'gid':0}"), "config.json: .process.user.uid: is required"},
    {PROC("'user':{'uid':0}"), "config.json: .process.user.gid: is required"},
    {PROC("'user':{'uid':-1,'gid':0}"), "config.json: .process.user.uid: " U32_RANGE},
    {PROC("'user':{'uid':0,'gid':4294967296}"), "config.json: .process.user.gid: " U32_RANGE},
    {PROC("'user':{'uid':1.5,'gid':0}"), "config.json: .process.user.uid: " U32_RANGE},
    {PROC("'user':{'uid':1e3,'gid':0}"), "config.json: .process.user.uid: " U32_RANGE},
    {PROC("'user':{'uid':'0','gid':0}"), "config.json: .process.user.uid: " U32_RANGE},
    {PROC("'user':{'uid':0,'gid':0,'umask':4096}"),
     "config.json: .process.user.umask: must be an integer between 0 and 4095"},
    {PROC("'user':{'uid':0,'gid':0,'additionalGids':[1,-1]}"),
     "config.json: .process.user.additionalGids[1]: " U32_RANGE},
    {PROC("'user':{'uid':0,'gid':0,'additionalGids':5}"),
     "config.json: .process.user.additionalGids: must be an array"},
    {PROC("'capabilities':[]"), "config.json: .process.capabilities: must be an object"},
    {PROC("'capabilities':{'bounding':'CAP_KILL'}"),
     "config.json: .process.capabilities.bounding: must be an array"},
    {PROC("'capabilities':{'effective':['CAP_KILL','CAP_FOO']}"),
     "config.json: .process.capabilities.effective[1]: unknown capability \"CAP_FOO\""},
    {PROC("'capabilities':{'permitted':['kill']}"),
     "config.json: .process.capabilities.permitted[0]: unknown capability \"kill\""},
    {PROC("'capabilities':{'inheritable':['SYS_ADMIN']}"),
     "config.json: .process.capabilities.inheritable[0]: unknown capability \"SYS_ADMIN\""},
    {PROC("'capabilities':{'ambient':[3]}"),
     "config.json: .process.capabilities.ambient[0]: must be a string"},
    {PROC("'rlimits':{}"), "config.json: .process.rlimits: must be an array"},
    {PROC("'rlimits':['RLIMIT_NOFILE']"), "config.json: .process.rlimits[0]: must be an object"},
    {PROC("'rlimits':[{'soft':1,'hard':1}]"), "config.json: .process.rlimits[0].type: is required"},
    {PROC("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
     "config.json: .process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
    {PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
	  "{'type':'RLIMIT_CPU','soft':1,'hard':1},{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]"),
     "config.json: .process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\""},
    {PROC("'rlimits':[{'type':'RLIMIT_CPU','hard':1}]"),
     "config.json: .process.rlimits[0].soft: is required"},
    {PROC("'rlimits':[{'type':'RLIMIT_CPU','soft':1}]"),
     "config.json: .process.rlimits[0].hard: is required"},
    {PROC("'rlimits':[{'type':'RLIMIT_CPU','soft':1,'hard':-1}]"),
     "config.json: .process.rlimits[0].hard: " U64_RANGE},
    {PROC("'rlimits':[{'type':'RLIMIT_CPU','soft':18446744073709551616,'hard':1}]"),
     "config.json: .process.rlimits[0].soft: " U64_RANGE},
    {PROC("'noNewPrivileges':1"), "config.json: .process.noNewPrivileges: must be a boolean"},
    {PROC("'apparmorProfile':true"), "config.json: .process.apparmorProfile: must be a string"},
    {PROC("'selinuxLabel':{}"), "config.json: .process.selinuxLabel: must be a string"},
    {PROC("'oomScoreAdj':1001"),
     "config.json: .process.oomScoreAdj: must be an integer between -1000 and 1000"},
    {PROC("'ioPriority':{'priority':1}"), "config.json: .process.ioPriority.class: is required"},
    {PROC("'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"),
     "config.json: .process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\""},
    {PROC("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
     "config.json: .process.ioPriority.priority: must be an integer between 0 and 7"},
    {PROC("'scheduler':{}"), "config.json: .process.scheduler.policy: is required"},
    {PROC("'scheduler':{'policy':'SCHED_FOO'}"),
     "config.json: .process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\""},
    {PROC("'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
     "config.json: .process.scheduler.nice: must be an integer between -20 and 19"},
    {PROC("'scheduler':{'policy':'SCHED_OTHER','flags':['SCHED_FLAG_RECLAIM','X']}"),
     "config.json: .process.scheduler.flags[1]: unknown scheduler flag \"X\""},
    {PROC("'scheduler':{'policy':'SCHED_OTHER','flags':'X'}"),
     "config.json: .process.scheduler.flags: must be an array"},
    {PROC("'scheduler':{'policy':'SCHED_DEADLINE','runtime':-1}"),
     "config.json: .process.scheduler.runtime: " U64_RANGE},
    /* mounts */
    {BASE ",'mounts':{}", "config.json: .mounts: must be an array"},
    {BASE ",'mounts':['/proc']", "config.json: .mounts[0]: must be an object"},
    {BASE ",'mounts':[{'destination':'/a'},{'type':'tmpfs'}]",
     "config.json: .mounts[1].destination: is required"},
    {BASE ",'mounts':[{'destination':'proc'}]",
     "config.json: .mounts[0].destination: must be an absolute path"},
    {BASE ",'mounts':[{'destination':'/a','type':1}]",
     "config.json: .mounts[0].type: must be a string"},
    {BASE ",'mounts':[{'destination':'/a','source':false}]",
     "config.json: .mounts[0].source: must be a string"},
    {BASE ",'mounts':[{'destination':'/a','options':'ro'}]",
     "config.json: .mounts[0].options: must be an array"},
    {BASE ",'mounts':[{'destination':'/a','options':['ro',1]}]",
     "config.json: .mounts[0].options[1]: must be a string"},
    {BASE ",'mounts':[{'destination':'/a','uidMappings':[{}]}]",
     "config.json: .mounts[0].uidMappings[0].containerID: is required"},
    {BASE ",'mounts':[{'destination':'/a','gidMappings':[{'containerID':0,'hostID':-5,'size':1}]}]",
     "config.json: .mounts[0].gidMappings[0].hostID: " U32_RANGE},
    /* hooks, annotations */
    {BASE ",'hooks':[]", "config.json: .hooks: must be an object"},
    {BASE ",'hooks':{'prestart':{}}", "config.json: .hooks.prestart: must be an array"},
    {BASE ",'hooks':{'poststop':[{'args':['x']}]}",
     "config.json: .hooks.poststop[0].path: is required"},
    {BASE ",'hooks':{'createRuntime':[{'path':'bin/hook'}]}",
     "config.json: .hooks.createRuntime[0].path: must be an absolute path"},
    {BASE ",'hooks':{'prestart':[{'path':'/h','timeout':0}]}",
     "config.json: .hooks.prestart[0].timeout: must be an integer between 1 and 2147483647"},
    {BASE ",'hooks':{'startContainer':[{'path':'/h','args':['h',1]}]}",
     "config.json: .hooks.startContainer[0].args[1]: must be a string"},
    {BASE ",'hooks':{'createContainer':[{'path':'/h','env':'A=1'}]}",
     "config.json: .hooks.createContainer[0].env: must be an array"},
    {BASE ",'hooks':{'poststart':[1]}", "config.json: .hooks.poststart[0]: must be an object"},
    {BASE ",'annotations':[]", "config.json: .annotations: must be an object"},
    {BASE ",'annotations':{'ok':'x','a.b':1}",
     "config.json: .annotations[\"a.b\"]: must be a string"},
    /* linux */
    {BASE ",'linux':[]", "config.json: .linux: must be an object"},
    {LINUX("'namespaces':{}"), "config.json: .linux.namespaces: must be an array"},
    {LINUX("'namespaces':['pid']"), "config.json: .linux.namespaces[0]: must be an object"},
    {LINUX("'namespaces':[{'type':'pid'},{'type':'uts'},{'type':'foo'}]"),
     "config.json: .linux.namespaces[2].type: unknown namespace type \"foo\""},
    {LINUX("'namespaces':[{'type':'pid'},{'type':'pid'}]"),
     "config.json: .linux.namespaces[1].type: duplicate namespace type \"pid\""},
    {LINUX("'namespaces':[{'path':'/proc/1/ns/net'}]"),
     "config.json: .linux.namespaces[0].type: is required"},
    {LINUX("'namespaces':[{'type':'network','path':'proc/1/ns/net'}]"),
     "config.json: .linux.namespaces[0].path: must be an absolute path"},
    {LINUX("'namespaces':[{'type':'network','path':1}]"),
     "config.json: .linux.namespaces[0].path: must be a string"},
    {LINUX("'uidMappings':[{'containerID':0,'hostID':0,'size':'x'}]"),
     "config.json: .linux.uidMappings[0].size: " U32_RANGE},
    {LINUX("'gidMappings':[{'containerID':0,'size':1}]"),
     "config.json: .linux.gidMappings[0].hostID: is required"},
    {LINUX("'devices':{}"), "config.json: .linux.devices: must be an array"},
    {LINUX("'devices':[{'type':'x','path':'/dev/x'}]"),
     "config.json: .linux.devices[0].type: unknown device type \"x\""},
    {LINUX("'devices':[{'type':'cc','path':'/dev/x'}]"),
     "config.json: .linux.devices[0].type: unknown device type \"cc\""},
    {LINUX("'devices':[{'path':'/dev/x'}]"), "config.json: .linux.devices[0].type: is required"},
    {LINUX("'devices':[{'type':'p'}]"), "config.json: .linux.devices[0].path: is required"},
    {LINUX("'devices':[{'type':'p','path':'dev/x'}]"),
     "config.json: .linux.devices[0].path: must be an absolute path"},
    {LINUX("'devices':[{'type':'c','path':'/dev/x','minor':1}]"),
     "config.json: .linux.devices[0].major: is required"},
    {LINUX("'devices':[{'type':'u','path':'/dev/x','major':1}]"),
     "config.json: .linux.devices[0].minor: is required"},
    {LINUX("'devices':[{'type':'c','path':'/dev/x','major':-1,'minor':1}]"),
     "config.json: .linux.devices[0].major: " U32_RANGE},
    {LINUX("'devices':[{'type':'c','path':'/dev/x','major':1,'minor':4294967296}]"),
     "config.json: .linux.devices[0].minor: " U32_RANGE},
    {LINUX("'devices':[{'type':'b','path':'/dev/x','major':1,'minor':1,'fileMode':4096}]"),
     "config.json: .linux.devices[0].fileMode: file-type bits do not match the device type"},
    {LINUX("'devices':[{'type':'b','path':'/dev/x','major':1,'minor':1,'fileMode':65536}]"),
     "config.json: .linux.devices[0].fileMode: must be an integer between 0 and 65535"},
    {LINUX("'devices':[{'type':'p','path':'/dev/x','uid':-1}]"),
     "config.json: .linux.devices[0].uid: " U32_RANGE},
    {LINUX("'devices':[{'type':'p','path':'/dev/x','gid':true}]"),
     "config.json: .linux.devices[0].gid: " U32_RANGE},
    {LINUX("'sysctl':[]"), "config.json: .linux.sysctl: must be an object"},
    {LINUX("'sysctl':{'kernel.msgmax':8192}"),
     "config.json: .linux.sysctl[\"kernel.msgmax\"]: must be a string"},
    {LINUX("'cgroupsPath':1"), "config.json: .linux.cgroupsPath: must be a string"},
    {LINUX("'rootfsPropagation':'foo'"),
     "config.json: .linux.rootfsPropagation: unknown propagation \"foo\""},
    {LINUX("'rootfsPropagation':'ro'"),
     "config.json: .linux.rootfsPropagation: unknown propagation \"ro\""},
    {LINUX("'maskedPaths':['/proc/kcore','proc']"),
     "config.json: .linux.maskedPaths[1]: must be an absolute path"},
    {LINUX("'readonlyPaths':'/proc'"), "config.json: .linux.readonlyPaths: must be an array"},
    {LINUX("'mountLabel':0"), "config.json: .linux.mountLabel: must be a string"},
    {LINUX("'personality':{}"), "config.json: .linux.personality.domain: is required"},
    {LINUX("'personality':{'domain':'LINUX64'}"),
     "config.json: .linux.personality.domain: unknown personality domain \"LINUX64\""},
    {LINUX("'personality':{'domain':'LINUX','flags':[1]}"),
     "config.json: .linux.personality.flags[0]: must be a string"},
    {LINUX("'timeOffsets':[]"), "config.json: .linux.timeOffsets: must be an object"},
    {LINUX("'timeOffsets':{'realtime':{'secs':1}}"),
     "config.json: .linux.timeOffsets.realtime: unknown clock \"realtime\""},
    {LINUX("'timeOffsets':{'boottime':{'secs':1,'nanosecs':1000000000}}"),
     "config.json: .linux.timeOffsets.boottime.nanosecs: must be an integer between 0 and "
     "999999999"},
    {LINUX("'timeOffsets':{'monotonic':{'secs':9223372036854775808}}"),
     "config.json: .linux.timeOffsets.monotonic.secs: must be an integer between "
     "-9223372036854775808 and 9223372036854775807"},
    {LINUX("'intelRdt':[]"), "config.json: .linux.intelRdt: must be an object"},
    {LINUX("'resources':'x'"), "config.json: .linux.resources: must be an object"},
    {LINUX("'seccomp':1"), "config.json: .linux.seccomp: must be an object"},
    /* the path is right after siblings and nested arrays were read without error */
    {BASE ",'process':{'args':['sh'],'cwd':'/','capabilities':{'bounding':['CAP_KILL']},"
	  "'rlimits':[{'type':'RLIMIT_CORE','soft':0,'hard':0}]},"
	  "'mounts':[{'destination':'/a','options':['ro']},{'destination':'/b'}],"
	  "'hooks':{'prestart':[{'path':'/h','args':['h']},{'path':'/h','args':[7]}]}",
     "config.json: .hooks.prestart[1].args[0]: must be a string"},
    {BASE ",'annotations':{'a.b':'x'},'linux':{'devices':[{'type':'p','path':'/dev/a'},"
	  "{'type':'p','path':'/dev/b'},{'type':'p','path':'b'}]}",
     "config.json: .linux.devices[2].path: must be an absolute path"},
    {LINUX("'namespaces':[{'type':'pid'}],'sysctl':{'a.b':'1'},'maskedPaths':['/a'],"
	   "'timeOffsets':{'boottime':{'secs':1}},'mountLabel':0"),
     "config.json: .linux.mountLabel: must be a string"},
    {BASE ",'annotations':{'':1}", "config.json: .annotations[\"\"]: must be a string"},
    {LINUX("'sysctl':{'kernel_shm9':1}"),
     "config.json: .linux.sysctl.kernel_shm9: must be a string"},
    {LINUX("'sysctl':{'a-b':'1','c d':2}"),
     "config.json: .linux.sysctl[\"c d\"]: must be a string"},
};

static void test_process_parse(void **state)
{
	(void)state;
	_cleanup_free_ char *json =
	    dq("{'args':['ls','-l'],'cwd':'/tmp','env':['A=b'],'user':{'uid':5,'gid':6},"
	       "'terminal':true,'capabilities':{'bounding':['CAP_KILL']}}");
	struct sk_err err = {0};
	_cleanup_(sk_process_freep) struct sk_process *p = NULL;

	if (sk_process_parse(json, strlen(json), "process.json", &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p->n_args, 2);
	assert_string_equal(p->args[1], "-l");
	assert_string_equal(p->cwd, "/tmp");
	assert_string_equal(p->env[0], "A=b");
	assert_int_equal(p->user.uid, 5);
	assert_int_equal(p->user.gid, 6);
	assert_true(p->terminal);
	assert_int_equal(p->caps.bounding, 1ULL << 5);
}

static void process_err(const char *doc, const char *msg)
{
	_cleanup_free_ char *json = dq(doc);
	struct sk_err err = {0};
	struct sk_process *p = NULL;

	assert_int_equal(sk_process_parse(json, strlen(json), "process.json", &p, &err), -1);
	assert_null(p);
	assert_string_equal(err.msg, msg);
	sk_err_clear(&err);
}

static void test_process_errors(void **state)
{
	(void)state;
	process_err("[1]", "process.json: must be a JSON object");
	process_err("{'args'", "process.json: invalid JSON: parse error: premature EOF");
	process_err("{'cwd':'/'}", "process.json: .args: must be a non-empty array of strings");
	process_err("{'args':['a']}", "process.json: .cwd: is required");
	process_err("{'args':['a'],'cwd':'/','user':{'uid':0,'gid':-2}}",
		    "process.json: .user.gid: " U32_RANGE);
	process_err("{'args':['a'],'cwd':'/','rlimits':[{'type':'RLIMIT_X','soft':1,'hard':1}]}",
		    "process.json: .rlimits[0].type: unknown rlimit \"RLIMIT_X\"");
}

/* Strings point into the parsed tree, not into the caller's buffer, and live until the free. */
static void test_strings_outlive_input(void **state)
{
	(void)state;
	static const char outlive_doc[] =
	    BASE ",'process':{'args':['sh'],'cwd':'/','env':['A=1']},'hostname':'h',"
		 "'annotations':{'k.x':'v'},"
		 "'mounts':[{'destination':'/m','type':'tmpfs','options':['ro','size=1k']}],"
		 "'linux':{'namespaces':[{'type':'network','path':'/proc/1/ns/net'}],"
		 "'maskedPaths':['/proc/kcore']}";
	_cleanup_free_ char *doc = dq(outlive_doc);
	char *pj = dq("{'args':['ls'],'cwd':'/w','apparmorProfile':'a'}");
	size_t len = strlen(doc);
	char *json = malloc(len + 3);
	struct sk_err err = {0};
	_cleanup_(sk_spec_freep) struct sk_spec *s = NULL;
	_cleanup_(sk_process_freep) struct sk_process *p = NULL;

	/* Not NUL-terminated: the length bounds the document (the "}}}" would be an error). */
	assert_non_null(json);
	memcpy(json, doc, len);
	memcpy(json + len, "}}}", 3);
	if (sk_spec_parse(json, len, "config.json", &s, &err) < 0 ||
	    sk_process_parse(pj, strlen(pj), "process.json", &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_null(err.msg);
	memset(json, 'x', len + 3);
	memset(pj, 'x', strlen(pj));
	free(json);
	free(pj);
	assert_string_equal(s->process->args[0], "sh");
	assert_string_equal(s->process->env[0], "A=1");
	assert_string_equal(s->hostname, "h");
	assert_string_equal(s->annotations[0].key, "k.x");
	assert_string_equal(s->annotations[0].value, "v");
	assert_string_equal(s->mounts[0].destination, "/m");
	assert_string_equal(s->mounts[0].options[1], "size=1k");
	assert_null(s->mounts[0].options[2]);
	assert_string_equal(s->mounts[0].data, "size=1k");
	assert_string_equal(s->linux_.ns[SK_NS_NETWORK].path, "/proc/1/ns/net");
	assert_string_equal(s->linux_.masked_paths[0], "/proc/kcore");
	assert_string_equal(p->args[0], "ls");
	assert_string_equal(p->cwd, "/w");
	assert_string_equal(p->apparmor_profile, "a");
}

static void test_names(void **state)
{
	(void)state;
	static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	static const char *const ns[] = {"pid", "network", "mount",  "ipc",
					 "uts", "user",	   "cgroup", "time"};
	static const int flags[] = {CLONE_NEWPID, CLONE_NEWNET,	 CLONE_NEWNS,	  CLONE_NEWIPC,
				    CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME};

	for (int k = 0; k < SK_HOOK_MAX; k++)
		assert_string_equal(sk_hook_kind_name(k), hooks[k]);
	assert_null(sk_hook_kind_name(SK_HOOK_MAX));
	for (int t = 0; t < SK_NS_MAX; t++) {
		assert_string_equal(sk_ns_type_name(t), ns[t]);
		assert_int_equal(sk_ns_type_clone_flag(t), flags[t]);
	}
	assert_null(sk_ns_type_name(SK_NS_MAX));
	assert_int_equal(sk_ns_type_clone_flag(SK_NS_MAX), 0);
}

static void test_cap_table(void **state)
{
	(void)state;
	struct sk_err err = {0};
	int cap = -1;

	for (int i = 0; i <= 40; i++) {
		const char *n = sk_cap_name(i);
		assert_non_null(n);
		assert_int_equal(sk_cap_from_name(n, &cap, &err), 0);
		assert_int_equal(cap, i);
	}
	assert_string_equal(sk_cap_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(sk_cap_name(0), "CAP_CHOWN");
	assert_string_equal(sk_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_string_equal(sk_cap_name(38), "CAP_PERFMON");
	assert_null(sk_cap_name(41));
	assert_null(sk_cap_name(-1));
	assert_int_equal(sk_cap_from_name("CAP_FOO", &cap, &err), -1);
	assert_string_equal(err.msg, "unknown capability \"CAP_FOO\"");
	sk_err_clear(&err);
	assert_true(sk_cap_last() >= 40); /* kernel 5.9+ */
}

static void test_rlimit_table(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",	   "RLIMIT_DATA",
	    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",	   "RLIMIT_MSGQUEUE",
	    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",	   "RLIMIT_RSS",
	    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};
	int r;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(sk_rlimit_from_name(names[i], &r), 0);
		assert_string_equal(sk_rlimit_name(r), names[i]);
	}
	assert_int_equal(sk_rlimit_from_name("RLIMIT_NOFILE", &r), 0);
	assert_int_equal(r, RLIMIT_NOFILE);
	assert_int_equal(sk_rlimit_from_name("NOFILE", &r), -1);
	assert_null(sk_rlimit_name(999));
}

/* Runs fn in a forked child (the sets and limits change for good) and returns its status. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static uint64_t status_field(const char *key)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	uint64_t v = UINT64_MAX;

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtoull(line + strlen(key), NULL, 16);
	fclose(f);
	return v;
}

static int child_caps(void)
{
	struct sk_caps caps = {.present = true,
			       .bounding = (1ULL << 5) | (1ULL << 13) | (1ULL << 63),
			       .effective = 1ULL << 5,
			       .permitted = (1ULL << 5) | (1ULL << 13),
			       .inheritable = 1ULL << 13,
			       .ambient = 1ULL << 13};
	struct sk_err err = {0};

	if (sk_caps_apply(&caps, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 10;
	}
	if (status_field("CapBnd:\t") != ((1ULL << 5) | (1ULL << 13)))
		return 11;
	if (status_field("CapEff:\t") != 1ULL << 5 || status_field("CapPrm:\t") != caps.permitted)
		return 12;
	if (status_field("CapInh:\t") != 1ULL << 13 || status_field("CapAmb:\t") != 1ULL << 13)
		return 13;
	/* Now without CAP_SETPCAP: widening is refused and names the set. */
	caps.effective = caps.permitted = 1ULL << 21;
	if (sk_caps_apply(&caps, &err) == 0 || !strstr(err.msg, "set capabilities (effective"))
		return 14;
	sk_err_clear(&err);
	return 0;
}

/* runc's default config: ambient caps that are not inheritable are left out, not an error. */
static int child_ambient_not_inheritable(void)
{
	struct sk_caps caps = {.present = true,
			       .bounding = 1ULL << 5,
			       .effective = 1ULL << 5,
			       .permitted = 1ULL << 5,
			       .ambient = 1ULL << 5};
	struct sk_err err = {0};

	if (sk_caps_apply(&caps, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		sk_err_clear(&err);
		return 10;
	}
	if (status_field("CapAmb:\t") != 0 || status_field("CapEff:\t") != 1ULL << 5)
		return 11;
	return 0;
}

static int child_no_caps(void)
{
	struct sk_caps caps = {0};
	struct sk_err err = {0};

	if (sk_caps_apply(&caps, &err) < 0)
		return 10;
	if (status_field("CapBnd:\t") != 0 || status_field("CapEff:\t") != 0 ||
	    status_field("CapPrm:\t") != 0 || status_field("CapAmb:\t") != 0)
		return 11;
	return 0;
}

static void test_caps_apply(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(in_child(child_caps), 0);
	assert_int_equal(in_child(child_no_caps), 0);
	assert_int_equal(in_child(child_ambient_not_inheritable), 0);
}

/* Not RLIMIT_NOFILE: valgrind virtualizes that one and refuses changes. */
static int child_rlimits(void)
{
	struct sk_rlimit rl[] = {{RLIMIT_MSGQUEUE, 512, 1024}, {RLIMIT_CORE, 0, UINT64_MAX}};
	struct sk_rlimit up = {RLIMIT_MSGQUEUE, 1024, 2048};
	struct sk_caps none = {0};
	struct sk_err err = {0};
	struct rlimit cur;
	int r = 0;

	if (sk_rlimits_apply(rl, 2, &err) < 0)
		r = 10;
	else if (getrlimit(RLIMIT_MSGQUEUE, &cur) < 0 || cur.rlim_cur != 512 ||
		 cur.rlim_max != 1024)
		r = 11;
	else if (getrlimit(RLIMIT_CORE, &cur) < 0 || cur.rlim_cur != 0 ||
		 cur.rlim_max != RLIM_INFINITY)
		r = 12;
	/* Without CAP_SYS_RESOURCE a hard limit cannot be raised. */
	else if (sk_caps_apply(&none, &err) < 0)
		r = 13;
	else if (sk_rlimits_apply(&up, 1, &err) == 0)
		r = 14;
	else if (strcmp(err.msg, "setrlimit RLIMIT_MSGQUEUE (soft 1024, hard 2048): Operation not "
				 "permitted") != 0)
		r = 15;
	if (r)
		fprintf(stderr, "child_rlimits: %d: %s\n", r, err.msg ? err.msg : "");
	sk_err_clear(&err);
	return r;
}

static void test_rlimits_apply(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(in_child(child_rlimits), 0);
}

int main(void)
{
	struct CMUnitTest tests[9 + sizeof(err_cases) / sizeof(err_cases[0]) + 4];
	size_t n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_full);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_full_sections);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_minimal);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_optional);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_load_missing);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_process_parse);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_process_errors);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_strings_outlive_input);
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		tests[n] =
		    (struct CMUnitTest)cmocka_unit_test_prestate(test_error, (void *)&err_cases[i]);
		tests[n++].name = err_cases[i].msg;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cap_table);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_rlimit_table);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_caps_apply);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_rlimits_apply);
	return _cmocka_run_group_tests("spec", tests, n, NULL, NULL);
}
