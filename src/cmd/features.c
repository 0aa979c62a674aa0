/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `skiff features`: the runtime-spec "features" document (features.md, features-linux.md):
 * what this build of skiff recognises, not what the host supports. Mount options and
 * capabilities come from the tables of mntopt.c and caps.c so the lists cannot drift.
 */
#include "config.h"
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include "caps.h"
#include "cmd.h"
#include "../lib/cleanup.h"
#include "../lib/seccomp.h"
#include "mntopt.h"
#include "spec.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct sk_opt features_opts[] = {
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

/* The same small sticky-error DSL over yajl_gen as spec.c. */
struct gen {
	yajl_gen g;
	bool bad;
};
#define Y(call)	      ((void)(G->bad = G->bad || (call) != yajl_gen_status_ok))
#define STR(s)	      Y(yajl_gen_string(G->g, (const unsigned char *)(s), strlen(s)))
#define MAP(key)      (STR(key), Y(yajl_gen_map_open(G->g)))
#define END_MAP	      Y(yajl_gen_map_close(G->g))
#define KV_STR(k, v)  (STR(k), STR(v))
#define KV_BOOL(k, v) (STR(k), Y(yajl_gen_bool(G->g, (v))))
#define ENABLED(k, v) (MAP(k), KV_BOOL("enabled", (v)), END_MAP)

static void kv_strs(struct gen *G, const char *key, const char *const *v)
{
	STR(key);
	Y(yajl_gen_array_open(G->g));
	for (; v && *v; v++)
		STR(*v);
	Y(yajl_gen_array_close(G->g));
}

static void gen_capabilities(struct gen *G)
{
	int last = sk_cap_last();

	STR("capabilities");
	Y(yajl_gen_array_open(G->g));
	for (int cap = 0; cap <= last; cap++) {
		const char *name = sk_cap_name(cap);
		if (name)
			STR(name);
	}
	Y(yajl_gen_array_close(G->g));
}

static void gen_seccomp(struct gen *G)
{
	static const struct {
		const char *name;
		unsigned long bit;
	} flags[] = {
	    {"SECCOMP_FILTER_FLAG_TSYNC", 1UL << 0},
	    {"SECCOMP_FILTER_FLAG_LOG", 1UL << 1},
	    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1UL << 2},
	    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1UL << 5},
	};
	const char *known[ARRAY_SIZE(flags) + 1] = {NULL},
					      *supported[ARRAY_SIZE(flags) + 1] = {NULL};
	size_t n_supported = 0;

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		known[i] = flags[i].name;
		/* WAIT_KILLABLE_RECV needs a listener: ask the kernel with NEW_LISTENER (1 << 3).
		 */
		unsigned long probe = flags[i].bit | (flags[i].bit == 1UL << 5 ? 1UL << 3 : 0);
		if (sk_seccomp_kernel_has_flags(probe))
			supported[n_supported++] = flags[i].name;
	}

	MAP("seccomp");
	KV_BOOL("enabled", true);
	kv_strs(G, "actions",
		LIST("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		     "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
		     "SCMP_ACT_TRAP"));
	kv_strs(G, "operators",
		LIST("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
		     "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"));
	kv_strs(G, "archs",
		LIST("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
		     "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
		     "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
		     "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
		     "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"));
	kv_strs(G, "knownFlags", known);
	kv_strs(G, "supportedFlags", supported);
	END_MAP;
}

static void gen_linux(struct gen *G)
{
	MAP("linux");
	kv_strs(G, "namespaces",
		LIST("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"));
	gen_capabilities(G);
	MAP("cgroup");
	KV_BOOL("v1", true);
	KV_BOOL("v2", true);
	KV_BOOL("systemd", true);
	KV_BOOL("systemdUser", false);
	KV_BOOL("rdma", true);
	END_MAP;
	gen_seccomp(G);
	ENABLED("apparmor", true);
	ENABLED("selinux", true);
	ENABLED("intelRdt", false);
	MAP("mountExtensions");
	ENABLED("idmap", true);
	END_MAP;
	END_MAP;
}

static int features_print(struct sk_err *err)
{
	const struct scmp_version *v = seccomp_version();
	struct gen gen = {.g = yajl_gen_alloc(NULL)}, *G = &gen;
	const unsigned char *buf;
	char version[48];
	size_t len;
	int ret = 0;

	if (!G->g)
		return sk_fail(err, ENOMEM, "generate features");
	/* Four-space indentation, as runc prints it. */
	yajl_gen_config(G->g, yajl_gen_beautify, 1);
	yajl_gen_config(G->g, yajl_gen_indent_string, "    ");
	Y(yajl_gen_map_open(G->g));
	KV_STR("ociVersionMin", "1.0.0");
	KV_STR("ociVersionMax", SK_OCI_VERSION);
	kv_strs(G, "hooks",
		LIST("prestart", "createRuntime", "createContainer", "startContainer", "poststart",
		     "poststop"));
	kv_strs(G, "mountOptions", sk_mount_option_names);
	gen_linux(G);
	MAP("annotations");
	if (v) {
		snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
		KV_STR("io.github.seccomp.libseccomp.version", version);
	}
	END_MAP;
	END_MAP;
	if (G->bad || yajl_gen_get_buf(G->g, &buf, &len) != yajl_gen_status_ok)
		ret = sk_fail(err, 0, "generate features: JSON generator failed");
	else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
		ret = sk_fail(err, errno, "write features to stdout");
	yajl_gen_free(G->g);
	return ret;
}

static int features_run(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = features_opts, .argc = argc, .argv = argv, .index = 1};
	const char *arg;
	int id, ret = -1;

	(void)g;
	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			ret = cmd_usage(&sk_cmd_features);
			goto out;
		}
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_features, &p, 0, 0, err) < 0)
		goto out;
	ret = features_print(err);
out:
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_features = {
    .name = "features",
    .summary = "show the features this runtime implements",
    .usage = "usage: skiff features\n\n"
	     "Prints the runtime-spec features document as JSON: accepted OCI versions,\n"
	     "hooks, mount options, namespaces, capabilities, cgroup and seccomp support.\n\n"
	     "options:\n"
	     "   --help, -h   show this help\n",
    .run = features_run,
};
