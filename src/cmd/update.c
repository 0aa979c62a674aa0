/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff update: change the resource limits of a container. --resources FILE (or - for stdin)
 * is a linux.resources object, as runc takes it; the flags (runc's spellings) override its
 * values. Memory sizes take suffixes (512m, 1g) like runc's.
 */
#include "config.h"
#include <fcntl.h>
#include <string.h>
#include "cmd.h"
#include "../lib/cleanup.h"
#include "../lib/fs.h"
#include "../lib/ops.h"

/* X(NAME, flag, section, key, kind): runc's flags; a NULL section is refused (Intel RDT). */
#define RES_FLAGS(X)                                                                               \
	X(MEMORY, "memory", "memory", "limit", SK_RES_BYTES)                                       \
	X(MEMORY_RESERVATION, "memory-reservation", "memory", "reservation", SK_RES_BYTES)         \
	X(MEMORY_SWAP, "memory-swap", "memory", "swap", SK_RES_BYTES)                              \
	X(KERNEL_MEMORY, "kernel-memory", "memory", "kernel", SK_RES_BYTES)                        \
	X(KERNEL_MEMORY_TCP, "kernel-memory-tcp", "memory", "kernelTCP", SK_RES_BYTES)             \
	X(CPU_SHARE, "cpu-share", "cpu", "shares", SK_RES_UINT)                                    \
	X(CPU_SHARES, "cpu-shares", "cpu", "shares", SK_RES_UINT)                                  \
	X(CPU_PERIOD, "cpu-period", "cpu", "period", SK_RES_UINT)                                  \
	X(CPU_QUOTA, "cpu-quota", "cpu", "quota", SK_RES_INT)                                      \
	X(CPU_RT_PERIOD, "cpu-rt-period", "cpu", "realtimePeriod", SK_RES_UINT)                    \
	X(CPU_RT_RUNTIME, "cpu-rt-runtime", "cpu", "realtimeRuntime", SK_RES_INT)                  \
	X(CPUSET_CPUS, "cpuset-cpus", "cpu", "cpus", SK_RES_STRING)                                \
	X(CPUSET_MEMS, "cpuset-mems", "cpu", "mems", SK_RES_STRING)                                \
	X(BLKIO_WEIGHT, "blkio-weight", "blockIO", "weight", SK_RES_UINT)                          \
	X(PIDS_LIMIT, "pids-limit", "pids", "limit", SK_RES_INT)                                   \
	X(L3_CACHE_SCHEMA, "l3-cache-schema", NULL, NULL, SK_RES_STRING)                           \
	X(MEM_BW_SCHEMA, "mem-bw-schema", NULL, NULL, SK_RES_STRING)

enum {
	OPT_RESOURCES = 1,
	OPT_RES_BASE, /* res_flags[id - OPT_RES_BASE - 1] */
#define RES_ENUM(name, f, s, k, t) OPT_##name,
	RES_FLAGS(RES_ENUM)
#undef RES_ENUM
};

static const struct {
	const char *flag, *section, *key;
	enum sk_res_kind kind;
} res_flags[] = {
#define RES_ENTRY(name, f, s, k, t) {f, s, k, t},
    RES_FLAGS(RES_ENTRY)
#undef RES_ENTRY
};
#define N_RES_FLAGS (sizeof(res_flags) / sizeof(res_flags[0]))

static const struct sk_opt update_opts[] = {
    {"resources", 'r', true, OPT_RESOURCES},
#define RES_OPT(name, f, s, k, t) {f, 0, true, OPT_##name},
    RES_FLAGS(RES_OPT)
#undef RES_OPT
	SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int read_resources(const char *path, char **ret, size_t *ret_len, struct sk_err *err)
{
	if (strcmp(path, "-") == 0)
		path = "/dev/stdin";
	if (sk_read_file_at(AT_FDCWD, path, ret, ret_len, err) < 0)
		return sk_wrap(err, "read resources");
	return 0;
}

static int add_override(struct sk_res_override *ov, size_t *n, size_t idx, const char *arg,
			struct sk_err *err)
{
	if (!res_flags[idx].section)
		return sk_fail(err, 0, "--%s: Intel RDT is not supported", res_flags[idx].flag);
	/* a repeated flag: the last one wins */
	for (size_t i = 0; i < *n; i++)
		if (strcmp(ov[i].section, res_flags[idx].section) == 0 &&
		    strcmp(ov[i].key, res_flags[idx].key) == 0) {
			ov[i].value = arg;
			return 0;
		}
	ov[(*n)++] = (struct sk_res_override){res_flags[idx].flag, res_flags[idx].section,
					      res_flags[idx].key, res_flags[idx].kind, arg};
	return 0;
}

static int run_update(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {.opts = update_opts, .argc = argc, .argv = argv, .index = 1};
	struct sk_res_override ov[N_RES_FLAGS];
	_cleanup_free_ char *text = NULL;
	const char *arg, *file = NULL;
	yajl_val res = NULL;
	size_t n = 0, len = 0;
	int id, ret = -1;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			sk_opt_parser_free(&p);
			return cmd_usage(&sk_cmd_update);
		}
		if (id == OPT_RESOURCES)
			file = arg;
		else if (add_override(ov, &n, (size_t)(id - OPT_RES_BASE - 1), arg, err) < 0)
			goto out;
	}
	if (id < 0 || cmd_expect_args(&sk_cmd_update, &p, 1, 1, err) < 0)
		goto out;
	if (file && read_resources(file, &text, &len, err) < 0)
		goto out;
	if (sk_resources_build(text, len, ov, n, &res, err) < 0)
		goto out;
	ret = sk_container_update(g, p.positional[0], res, err);
out:
	yajl_tree_free(res);
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_update = {
    .name = "update",
    .summary = "update container resource constraints",
    .usage = "usage: skiff update [options] <container-id>\n\n"
	     "   --resources, -r FILE        a linux.resources JSON object ('-': stdin);\n"
	     "                               the flags below override its values\n"
	     "   --memory N                  memory limit in bytes (suffixes k, m, g: 512m)\n"
	     "   --memory-reservation N      memory soft limit\n"
	     "   --memory-swap N             memory + swap limit; -1: unlimited swap\n"
	     "   --kernel-memory N           kernel memory limit (ignored by new kernels)\n"
	     "   --kernel-memory-tcp N       kernel TCP buffer limit\n"
	     "   --cpu-share N               CPU shares (relative weight); also --cpu-shares\n"
	     "   --cpu-period N              CFS period in microseconds\n"
	     "   --cpu-quota N               CFS quota in microseconds per period\n"
	     "   --cpu-rt-period N           realtime period in microseconds\n"
	     "   --cpu-rt-runtime N          realtime runtime in microseconds per period\n"
	     "   --cpuset-cpus LIST          CPUs to use (0-3,5)\n"
	     "   --cpuset-mems LIST          memory nodes to use\n"
	     "   --blkio-weight N            block IO weight, 10 to 1000\n"
	     "   --pids-limit N              maximum number of pids (-1: unlimited)\n"
	     "   --l3-cache-schema S, --mem-bw-schema S   Intel RDT (not supported)\n",
    .run = run_update,
};
