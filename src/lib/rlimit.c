/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process.rlimits: the RLIMIT_* name table and applying the limits to the calling process
 * (the container child, before execve). Parsing and duplicate checks live in spec.c.
 */
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/resource.h>
#include "cleanup.h"
#include "rlimit.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int sk_rlimit_from_name(const char *name, int *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, name) == 0) {
			*ret = rlimit_names[i].resource;
			return 0;
		}
	return -1;
}

const char *sk_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return NULL;
}

/* "1024", or "unlimited" for RLIM_INFINITY (the uint64 maximum in config.json). */
static const char *limit_str(uint64_t v, char buf[static 24])
{
	if (v == (uint64_t)RLIM_INFINITY)
		return "unlimited";
	snprintf(buf, 24, "%" PRIu64, v);
	return buf;
}

int sk_rlimits_apply(const struct sk_rlimit *r, size_t n, struct sk_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct rlimit rl = {.rlim_cur = r[i].soft, .rlim_max = r[i].hard};
		char soft[24], hard[24];
		const char *name = sk_rlimit_name(r[i].resource);

		/* prlimit on ourselves: setrlimit with 64-bit values on every ABI. */
		if (prlimit(0, (__rlimit_resource_t)r[i].resource, &rl, NULL) < 0)
			return sk_fail(err, errno, "setrlimit %s (soft %s, hard %s)",
				       name ? name : "?", limit_str(r[i].soft, soft),
				       limit_str(r[i].hard, hard));
	}
	return 0;
}
