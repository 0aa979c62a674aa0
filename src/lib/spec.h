/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json (OCI runtime-spec 1.2, Linux) as typed C structs. spec.c parses the yajl tree
 * into these and validates types and values, naming the JSON path of every error. Sections
 * owned by other modules (linux.resources, linux.seccomp) are kept as yajl nodes and parsed
 * there. Arrays are owned by the struct and arrays of strings are NULL-terminated; the strings
 * point into the yajl tree (sk_spec.tree, sk_process.tree) and live as long as it: never free
 * or realloc one, and copy a string that must outlive the spec.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>
#include "error.h"

#define SK_OCI_VERSION "1.2.0"

struct sk_kv {
	char *key;
	char *value;
};

struct sk_id_map {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct sk_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
};

struct sk_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* exec --user NAME, from the container's /etc/passwd; malloc'd when set */
};

/* Capability sets as bitmasks of CAP_* numbers (bit n = capability n). */
struct sk_caps {
	bool present; /* process.capabilities given at all */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct sk_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	struct sk_user user;
	char **args; /* non-empty */
	size_t n_args;
	char **env;
	size_t n_env;
	char *cwd; /* absolute */
	struct sk_caps caps;
	struct sk_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_io_priority;
	int io_priority_class; /* IOPRIO_CLASS_* */
	int io_priority;
	bool has_scheduler;
	int sched_policy;
	int sched_nice;
	int sched_priority;
	uint64_t sched_flags;
	uint64_t sched_runtime, sched_deadline, sched_period;
	yajl_val seccomp_override; /* unused by config.json; exec --process may not carry one */
	yajl_val tree; /* sk_process_parse: the document the strings point into; NULL in a spec */
};

struct sk_root {
	char *path; /* as given; relative to the bundle or absolute */
	bool readonly;
};

/* Mount options are decoded by sk_mount_options_parse() (mntopt.c). */
struct sk_mount {
	char *destination;
	char *type;
	char *source;
	char **options;		   /* as given */
	unsigned long flags;	   /* MS_* to set */
	unsigned long propagation; /* MS_PRIVATE|MS_REC ... or 0 */
	uint64_t attr_set;	   /* MOUNT_ATTR_* for mount_setattr (recursive variants) */
	uint64_t attr_clr;
	bool bind;	     /* bind or rbind */
	bool recursive_bind; /* rbind */
	bool readonly_bind;  /* bind mounts with ro need a remount */
	bool idmap, ridmap;  /* idmap / ridmap options */
	bool copy_symlink;   /* copy-symlink option */
	char *data;	     /* leftover options joined with ',' for mount(2) data */
	struct sk_id_map *uid_mappings;
	size_t n_uid_mappings;
	struct sk_id_map *gid_mappings;
	size_t n_gid_mappings;
};

struct sk_hook {
	char *path;
	char **args;
	char **env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

enum sk_hook_kind {
	SK_HOOK_PRESTART,
	SK_HOOK_CREATE_RUNTIME,
	SK_HOOK_CREATE_CONTAINER,
	SK_HOOK_START_CONTAINER,
	SK_HOOK_POSTSTART,
	SK_HOOK_POSTSTOP,
	SK_HOOK_MAX,
};

struct sk_hook_list {
	struct sk_hook *hooks;
	size_t n;
};

enum sk_ns_type {
	SK_NS_PID,
	SK_NS_NETWORK,
	SK_NS_MOUNT,
	SK_NS_IPC,
	SK_NS_UTS,
	SK_NS_USER,
	SK_NS_CGROUP,
	SK_NS_TIME,
	SK_NS_MAX,
};

struct sk_namespace {
	bool present; /* listed in linux.namespaces */
	char *path;   /* join this one; NULL: create a new one */
};

struct sk_device {
	char *path;
	char type; /* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	bool has_file_mode;
	mode_t file_mode;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

struct sk_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct sk_linux {
	struct sk_namespace ns[SK_NS_MAX];
	struct sk_id_map *uid_mappings;
	size_t n_uid_mappings;
	struct sk_id_map *gid_mappings;
	size_t n_gid_mappings;
	struct sk_device *devices;
	size_t n_devices;
	struct sk_kv *sysctl;
	size_t n_sysctl;
	char *cgroups_path;
	unsigned long rootfs_propagation; /* MS_* or 0 */
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
	struct sk_time_offset time_boottime, time_monotonic;
	bool has_intel_rdt;
	yajl_val resources; /* linux.resources, parsed by the cgroup code; NULL if absent */
	yajl_val seccomp;   /* linux.seccomp, parsed by seccomp.c; NULL if absent */
};

struct sk_spec {
	yajl_val tree; /* the parsed document; the yajl_val fields above point into it */
	char *oci_version;
	struct sk_process
	    *process; /* NULL only when the config has no process (then create fails) */
	struct sk_root root;
	char *hostname;
	char *domainname;
	struct sk_mount *mounts;
	size_t n_mounts;
	struct sk_hook_list hooks[SK_HOOK_MAX];
	struct sk_kv *annotations;
	size_t n_annotations;
	struct sk_linux linux_;
};

/* Reads and parses <bundle>/config.json (or any path). Errors are "config.json: <path>: ...". */
int sk_spec_load(const char *path, struct sk_spec **ret, struct sk_err *err);
/* Parses a config document from memory; name prefixes error messages. */
int sk_spec_parse(const char *json, size_t len, const char *name, struct sk_spec **ret,
		  struct sk_err *err);
/* Parses a process object alone (exec --process FILE), with the same rules and errors. */
int sk_process_parse(const char *json, size_t len, const char *name, struct sk_process **ret,
		     struct sk_err *err);
void sk_spec_free(struct sk_spec *spec);
void sk_process_free(struct sk_process *p);
static inline void sk_spec_freep(struct sk_spec **p)
{
	sk_spec_free(*p);
}
static inline void sk_process_freep(struct sk_process **p)
{
	sk_process_free(*p);
}

/* Helpers shared with other parsers of spec sections. */
const char *sk_hook_kind_name(enum sk_hook_kind k); /* "prestart" ... */
const char *sk_ns_type_name(enum sk_ns_type t);	    /* "pid", "network", ... */
int sk_ns_type_clone_flag(enum sk_ns_type t);	    /* CLONE_NEWPID ... */
