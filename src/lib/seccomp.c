/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp: the JSON is checked and turned into rules here, compiled with libseccomp in
 * the runtime (or taken from a cache of compiled programs), and exported as plain BPF. The
 * container process loads that program with seccomp(2) itself, so what runs in the container
 * is exactly the program exported, and the child needs no libseccomp. Also the SCMP_ACT_NOTIFY
 * listener hand-off. Rule semantics follow runc (unknown syscall names are skipped).
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h> /* libseccomp; ours is "seccomp.h" (src/lib is -iquote only) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "cleanup.h"
#include "fs.h"
#include "seccomp.h"
#include "spec.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define JPATH	       "config.json: .linux.seccomp"
#define MAX_ARCHES     32
#define MAX_PROG_BYTES (BPF_MAXINSNS * sizeof(struct sock_filter))

struct sk_seccomp {
	struct sock_filter *prog;
	size_t len; /* instructions */
	unsigned int flags;
	char *listener_path;
	char *listener_metadata;
};

/* One syscalls[] entry after checking: the syscall numbers of its known names. */
struct rule {
	size_t index; /* in syscalls[], for error paths */
	uint32_t action;
	int *nrs;
	const char **names;
	size_t n_nrs;
	struct scmp_arg_cmp args[6];
	unsigned int n_args;
	bool split; /* several conditions on one argument: one rule each (runc's semantics) */
};

struct profile {
	uint32_t def_action;
	uint32_t arches[MAX_ARCHES];
	size_t n_arches;
	unsigned int flags;
	bool notify;
	struct rule *rules;
	size_t n_rules;
};

static void profile_done(struct profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		free(p->rules[i].nrs);
		free(p->rules[i].names);
	}
	free(p->rules);
}

static yajl_val get(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	return yajl_tree_get(obj, path, yajl_t_any);
}

/* An unsigned JSON integer up to max; the raw text is used so that the whole uint64 range
 * (beyond what yajl's int64 holds) is accepted. */
static int get_uint(yajl_val v, const char *path, uint64_t max, uint64_t *ret, struct sk_err *err)
{
	char *end = NULL;
	const char *raw = YAJL_IS_NUMBER(v) ? v->u.number.r : NULL;

	if (!raw || !*raw || *raw == '-' || strpbrk(raw, ".eE"))
		return sk_fail(err, 0, JPATH "%s: must be an unsigned integer", path);
	errno = 0;
	unsigned long long n = strtoull(raw, &end, 10);
	if (errno || *end || n > max)
		return sk_fail(err, 0, JPATH "%s: %s is out of range (0..%" PRIu64 ")", path, raw,
			       max);
	*ret = n;
	return 0;
}

static int get_str(yajl_val v, const char *path, bool required, const char **ret,
		   struct sk_err *err)
{
	*ret = NULL;
	if (!v && !required)
		return 0;
	if (!YAJL_IS_STRING(v))
		return sk_fail(err, 0, JPATH "%s: %s", path, v ? "must be a string" : "required");
	*ret = v->u.string;
	return 0;
}

static const struct {
	const char *name;
	uint32_t action;
	bool has_data; /* ERRNO and TRACE carry errnoRet */
} actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

/* Whether the running kernel knows a return action (KILL_PROCESS 4.14, LOG 4.14, NOTIFY 5.0). */
static bool kernel_has_action(uint32_t action)
{
	uint32_t a = action & SECCOMP_RET_ACTION_FULL;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0;
}

/* "action" (+ "errnoRet") at path -> a libseccomp action; errnoRet defaults to EPERM. */
static int parse_action(yajl_val action, yajl_val errno_ret, const char *path,
			const char *errno_key, uint32_t *ret, struct sk_err *err)
{
	const char *name;
	uint64_t data = EPERM;

	if (get_str(action, path, true, &name, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(name, actions[i].name))
			continue;
		if (errno_ret && !actions[i].has_data)
			return sk_fail(err, 0,
				       JPATH "%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take "
					     "a return value",
				       errno_key);
		if (errno_ret && get_uint(errno_ret, errno_key, 0xffff, &data, err) < 0)
			return -1;
		if (!kernel_has_action(actions[i].action))
			return sk_fail(err, EOPNOTSUPP, JPATH "%s: %s", path, name);
		*ret = actions[i].has_data ? actions[i].action | (uint32_t)data : actions[i].action;
		return 0;
	}
	return sk_fail(err, 0, JPATH "%s: unknown action \"%s\"", path, name);
}

static int parse_arches(yajl_val v, struct profile *p, struct sk_err *err)
{
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return sk_fail(err, 0, JPATH ".architectures: must be an array");
	for (size_t i = 0; i < v->u.array.len; i++) {
		char path[48];
		const char *name;
		snprintf(path, sizeof(path), ".architectures[%zu]", i);
		if (get_str(v->u.array.values[i], path, true, &name, err) < 0)
			return -1;
		/* SCMP_ARCH_X86_64 -> libseccomp's "x86_64" */
		uint32_t token = 0;
		if (!strncmp(name, "SCMP_ARCH_", 10) && strlen(name) < 40) {
			char lower[40];
			size_t j = 0;
			for (const char *c = name + 10; *c; c++)
				lower[j++] = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
			lower[j] = '\0';
			token = seccomp_arch_resolve_name(lower);
		}
		if (!token)
			return sk_fail(err, 0, JPATH "%s: unknown architecture \"%s\"", path, name);
		if (p->n_arches == MAX_ARCHES)
			return sk_fail(err, E2BIG, JPATH "%s", path);
		p->arches[p->n_arches++] = token;
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned long flag;
} flag_names[] = {
    /* The container process is single-threaded when it loads the filter: TSYNC is moot. */
    {"SECCOMP_FILTER_FLAG_TSYNC", 0},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

/* A flag the kernel does not know fails with EINVAL before the (NULL) program is read. */
bool sk_seccomp_kernel_has_flags(unsigned long flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno != EINVAL;
}

static int parse_flags(yajl_val v, struct profile *p, struct sk_err *err)
{
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return sk_fail(err, 0, JPATH ".flags: must be an array");
	for (size_t i = 0; i < v->u.array.len; i++) {
		char path[32];
		const char *name;
		size_t k;
		snprintf(path, sizeof(path), ".flags[%zu]", i);
		if (get_str(v->u.array.values[i], path, true, &name, err) < 0)
			return -1;
		for (k = 0; k < ARRAY_SIZE(flag_names) && strcmp(name, flag_names[k].name); k++)
			;
		if (k == ARRAY_SIZE(flag_names))
			return sk_fail(err, 0, JPATH "%s: unknown flag \"%s\"", path, name);
		p->flags |= (unsigned int)flag_names[k].flag;
	}
	return 0;
}

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static int parse_arg(yajl_val v, const char *base, struct scmp_arg_cmp *ret, struct sk_err *err)
{
	char path[96];
	const char *op;
	uint64_t index, value, two = 0;
	size_t k;

	if (!YAJL_IS_OBJECT(v))
		return sk_fail(err, 0, JPATH "%s: must be an object", base);
	snprintf(path, sizeof(path), "%s.index", base);
	if (get_uint(get(v, "index"), path, 5, &index, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s.value", base);
	if (get_uint(get(v, "value"), path, UINT64_MAX, &value, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s.valueTwo", base);
	if (get(v, "valueTwo") && get_uint(get(v, "valueTwo"), path, UINT64_MAX, &two, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s.op", base);
	if (get_str(get(v, "op"), path, true, &op, err) < 0)
		return -1;
	for (k = 0; k < ARRAY_SIZE(operators) && strcmp(op, operators[k].name); k++)
		;
	if (k == ARRAY_SIZE(operators))
		return sk_fail(err, 0, JPATH "%s: unknown operator \"%s\"", path, op);
	/* MASKED_EQ: value is the mask, valueTwo the expected result, as libseccomp takes them. */
	*ret = (struct scmp_arg_cmp){(unsigned int)index, operators[k].op, value, two};
	return 0;
}

static int parse_names(yajl_val v, const char *base, struct rule *r, struct sk_err *err)
{
	if (!YAJL_IS_ARRAY(v))
		return sk_fail(err, 0, JPATH "%s.names: %s", base,
			       v ? "must be an array" : "required");
	r->nrs = calloc(v->u.array.len + 1, sizeof(*r->nrs));
	r->names = calloc(v->u.array.len + 1, sizeof(*r->names));
	if (!r->nrs || !r->names)
		return sk_fail(err, ENOMEM, JPATH "%s.names", base);
	for (size_t i = 0; i < v->u.array.len; i++) {
		char path[64];
		const char *name;
		snprintf(path, sizeof(path), "%s.names[%zu]", base, i);
		if (get_str(v->u.array.values[i], path, true, &name, err) < 0)
			return -1;
		/* A name this libseccomp does not know is skipped, as runc does: profiles list
		 * syscalls of newer kernels. */
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue;
		r->names[r->n_nrs] = name;
		r->nrs[r->n_nrs++] = nr;
	}
	return 0;
}

/* The notify fd reaches the runtime with sendmsg after the filter is in: that one call must
 * not wait for a listener that does not have the fd yet. */
static const char *const notify_forbidden[] = {"sendmsg", NULL};

static int parse_rule(yajl_val v, size_t idx, struct profile *p, struct rule *r, struct sk_err *err)
{
	char base[32], path[64], epath[64];
	yajl_val args;

	snprintf(base, sizeof(base), ".syscalls[%zu]", idx);
	r->index = idx;
	if (!YAJL_IS_OBJECT(v))
		return sk_fail(err, 0, JPATH "%s: must be an object", base);
	if (parse_names(get(v, "names"), base, r, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s.action", base);
	snprintf(epath, sizeof(epath), "%s.errnoRet", base);
	if (parse_action(get(v, "action"), get(v, "errnoRet"), path, epath, &r->action, err) < 0)
		return -1;
	args = get(v, "args");
	if (args && !YAJL_IS_ARRAY(args))
		return sk_fail(err, 0, JPATH "%s.args: must be an array", base);
	if (args && args->u.array.len > 6)
		return sk_fail(err, E2BIG, JPATH "%s.args: at most 6 conditions", base);
	for (size_t i = 0; args && i < args->u.array.len; i++) {
		snprintf(path, sizeof(path), "%s.args[%zu]", base, i);
		if (parse_arg(args->u.array.values[i], path, &r->args[i], err) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			r->split |= r->args[j].arg == r->args[i].arg;
		r->n_args++;
	}
	if (r->action != SCMP_ACT_NOTIFY)
		return 0;
	p->notify = true;
	for (size_t i = 0; i < r->n_nrs; i++)
		for (const char *const *f = notify_forbidden; *f; f++)
			if (!strcmp(r->names[i], *f))
				return sk_fail(err, 0,
					       JPATH "%s: SCMP_ACT_NOTIFY cannot be used for %s "
						     "(the runtime needs it to pass on the "
						     "notify fd)",
					       base, *f);
	return 0;
}

static int parse_profile(yajl_val v, struct profile *p, struct sk_err *err)
{
	yajl_val sc;

	if (!YAJL_IS_OBJECT(v))
		return sk_fail(err, 0, JPATH ": must be an object");
	if (parse_action(get(v, "defaultAction"), get(v, "defaultErrnoRet"), ".defaultAction",
			 ".defaultErrnoRet", &p->def_action, err) < 0)
		return -1;
	if (p->def_action == SCMP_ACT_NOTIFY)
		return sk_fail(err, 0,
			       JPATH ".defaultAction: SCMP_ACT_NOTIFY cannot be the default");
	if (parse_arches(get(v, "architectures"), p, err) < 0 ||
	    parse_flags(get(v, "flags"), p, err) < 0)
		return -1;
	sc = get(v, "syscalls");
	if (sc && !YAJL_IS_ARRAY(sc))
		return sk_fail(err, 0, JPATH ".syscalls: must be an array");
	if (sc && sc->u.array.len) {
		p->rules = calloc(sc->u.array.len, sizeof(*p->rules));
		if (!p->rules)
			return sk_fail(err, ENOMEM, JPATH ".syscalls");
	}
	for (size_t i = 0; sc && i < sc->u.array.len; i++) {
		p->n_rules++;
		if (parse_rule(sc->u.array.values[i], i, p, &p->rules[i], err) < 0)
			return -1;
	}
	if (p->notify) {
		p->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (!YAJL_IS_STRING(get(v, "listenerPath")) || !*get(v, "listenerPath")->u.string)
			return sk_fail(err, 0,
				       JPATH ".listenerPath: required with SCMP_ACT_NOTIFY");
	} else {
		/* The kernel takes it only together with a listener; without one it means nothing.
		 */
		p->flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	if (p->flags && !sk_seccomp_kernel_has_flags(p->flags))
		return sk_fail(err, EOPNOTSUPP, JPATH ".flags: flags %#x", p->flags);
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct profile *p, const struct rule *r,
		    struct sk_err *err)
{
	for (size_t i = 0; i < r->n_nrs; i++) {
		int rc = 0;
		/* The same as the default: libseccomp refuses it, and it changes nothing. */
		if (r->action == p->def_action)
			continue;
		if (!r->split) {
			rc = seccomp_rule_add_array(ctx, r->action, r->nrs[i], r->n_args, r->args);
		} else {
			for (unsigned int a = 0; a < r->n_args && rc == 0; a++)
				rc = seccomp_rule_add_array(ctx, r->action, r->nrs[i], 1,
							    &r->args[a]);
		}
		if (rc < 0)
			return sk_fail(err, -rc, JPATH ".syscalls[%zu]: add rule for %s", r->index,
				       r->names[i]);
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct sk_seccomp *s, struct sk_err *err)
{
	_cleanup_close_ int fd = memfd_create("skiff-seccomp", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return sk_fail(err, errno, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return sk_fail(err, -rc, "seccomp: export the BPF program");
	if (fstat(fd, &st) < 0)
		return sk_fail(err, errno, "seccomp: stat the BPF program");
	if (st.st_size <= 0 || (size_t)st.st_size > MAX_PROG_BYTES ||
	    st.st_size % sizeof(struct sock_filter))
		return sk_fail(err, E2BIG, JPATH ": the compiled program has %lld bytes",
			       (long long)st.st_size);
	s->prog = malloc((size_t)st.st_size);
	if (!s->prog)
		return sk_fail(err, ENOMEM, "seccomp: BPF program");
	if (pread(fd, s->prog, (size_t)st.st_size, 0) != st.st_size)
		return sk_fail(err, errno ? errno : EIO, "seccomp: read the BPF program");
	s->len = (size_t)st.st_size / sizeof(struct sock_filter);
	return 0;
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int compile_profile(const struct profile *p, struct sk_seccomp *s, struct sk_err *err)
{
	_cleanup_(ctx_releasep) scmp_filter_ctx ctx = seccomp_init(p->def_action);
	int rc;

	if (!ctx)
		return sk_fail(err, EINVAL, JPATH ".defaultAction: libseccomp refused %#x",
			       p->def_action);
	/* A binary search over the syscall numbers: long allow lists cost less per syscall. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < p->n_arches; i++) {
		rc = seccomp_arch_add(ctx, p->arches[i]);
		if (rc < 0 && rc != -EEXIST)
			return sk_fail(err, -rc, JPATH ".architectures[%zu]", i);
	}
	for (size_t i = 0; i < p->n_rules; i++)
		if (add_rule(ctx, p, &p->rules[i], err) < 0)
			return -1;
	return export_bpf(ctx, s, err);
}

/* ---- the cache of compiled programs ---------------------------------------------------- */

/* A canonical text of the JSON value (types and lengths spelled out, no ambiguity). */
static void canon(FILE *f, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		fprintf(f, "{%zu", v->u.object.len);
		for (size_t i = 0; i < v->u.object.len; i++) {
			fprintf(f, "k%zu:%s", strlen(v->u.object.keys[i]), v->u.object.keys[i]);
			canon(f, v->u.object.values[i]);
		}
		fputc('}', f);
	} else if (YAJL_IS_ARRAY(v)) {
		fprintf(f, "[%zu", v->u.array.len);
		for (size_t i = 0; i < v->u.array.len; i++)
			canon(f, v->u.array.values[i]);
		fputc(']', f);
	} else if (YAJL_IS_STRING(v)) {
		fprintf(f, "s%zu:%s", strlen(v->u.string), v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		fprintf(f, "n%zu:%s", strlen(v->u.number.r), v->u.number.r);
	} else {
		fputc(YAJL_IS_TRUE(v) ? 't' : YAJL_IS_FALSE(v) ? 'f' : 'z', f);
	}
}

/* Everything the compiled program depends on: the section, libseccomp and the machine. */
static char *cache_key(yajl_val v, size_t *ret_len)
{
	const struct scmp_version *ver = seccomp_version();
	struct utsname u;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f)
		return NULL;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	fprintf(f, "skiff-seccomp-1 libseccomp=%u.%u.%u api=%u native=%#x machine=%s\n",
		ver ? ver->major : 0, ver ? ver->minor : 0, ver ? ver->micro : 0, seccomp_api_get(),
		seccomp_arch_native(), u.machine);
	canon(f, v);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static uint64_t fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

#define CACHE_MAGIC "SKIFFBPF1\n"

/* Cache file: magic | u64 key length | key | u64 program bytes | program | u64 fnv1a of all
 * before it. The full key is stored and compared, so a hash collision is only a miss. */
static int cache_dir_open(const char *dir, bool create)
{
	struct stat st;
	if (create) {
		struct sk_err ignored = {0};
		int r = sk_mkdir_p(dir, 0700, &ignored);
		sk_err_clear(&ignored);
		if (r < 0)
			return -1;
	}
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	/* A cache others can write to could weaken every container's filter: ours only. */
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022))
		return -1;
	return TAKE_FD(fd);
}

static bool cache_read(const char *dir, const char *name, const char *key, size_t key_len,
		       struct sk_seccomp *s)
{
	_cleanup_close_ int dfd = cache_dir_open(dir, false);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, off = sizeof(CACHE_MAGIC) - 1;
	uint64_t n, prog_bytes, sum;
	struct stat st;

	if (dfd < 0)
		return false;
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (size_t)st.st_size > key_len + MAX_PROG_BYTES + 64)
		return false;
	len = (size_t)st.st_size;
	buf = malloc(len + 1);
	if (!buf || pread(fd, buf, len, 0) != (ssize_t)len)
		return false;
	if (len < off + 24 || memcmp(buf, CACHE_MAGIC, off))
		return false;
	memcpy(&n, buf + off, 8);
	if (n != key_len || len - off - 8 < n + 16 || memcmp(buf + off + 8, key, n))
		return false;
	off += 8 + n;
	memcpy(&prog_bytes, buf + off, 8);
	off += 8;
	if (!prog_bytes || prog_bytes > MAX_PROG_BYTES || prog_bytes % sizeof(struct sock_filter) ||
	    len != off + prog_bytes + 8)
		return false;
	memcpy(&sum, buf + off + prog_bytes, 8);
	if (sum != fnv1a(buf, off + prog_bytes) || !(s->prog = malloc(prog_bytes)))
		return false;
	memcpy(s->prog, buf + off, prog_bytes);
	s->len = prog_bytes / sizeof(struct sock_filter);
	return true;
}

static void cache_write(const char *dir, const char *name, const char *key, size_t key_len,
			const struct sk_seccomp *s)
{
	_cleanup_close_ int dfd = cache_dir_open(dir, true);
	uint64_t n = key_len, prog_bytes = s->len * sizeof(struct sock_filter), sum;
	size_t hdr = sizeof(CACHE_MAGIC) - 1, total = hdr + 8 + key_len + 8 + prog_bytes + 8;
	_cleanup_free_ char *buf = malloc(total);
	struct sk_err ignored = {0};

	if (dfd < 0 || !buf)
		return;
	memcpy(buf, CACHE_MAGIC, hdr);
	memcpy(buf + hdr, &n, 8);
	memcpy(buf + hdr + 8, key, key_len);
	memcpy(buf + hdr + 8 + key_len, &prog_bytes, 8);
	memcpy(buf + hdr + 16 + key_len, s->prog, prog_bytes);
	sum = fnv1a(buf, total - 8);
	memcpy(buf + total - 8, &sum, 8);
	/* Temp file + rename: a reader sees the old entry or the whole new one. */
	(void)sk_write_file_atomic(dfd, name, buf, total, 0600, &ignored);
	sk_err_clear(&ignored);
}

/* ---- the public interface ----------------------------------------------------------------- */

static int compile_or_cached(yajl_val v, const struct profile *p, const char *cache_dir,
			     struct sk_seccomp *s, bool *ret_cached, struct sk_err *err)
{
	_cleanup_free_ char *key = NULL;
	size_t key_len = 0;
	char name[24];

	*ret_cached = false;
	if (cache_dir)
		key = cache_key(v, &key_len);
	if (!key)
		return compile_profile(p, s, err);
	snprintf(name, sizeof(name), "%016" PRIx64, fnv1a(key, key_len));
	if (cache_read(cache_dir, name, key, key_len, s)) {
		*ret_cached = true;
		return 0;
	}
	if (compile_profile(p, s, err) < 0)
		return -1;
	cache_write(cache_dir, name, key, key_len, s);
	return 0;
}

int sk_seccomp_compile(yajl_val seccomp, const char *cache_dir, struct sk_seccomp **ret,
		       bool *ret_cached, struct sk_err *err)
{
	struct profile p = {0};
	struct sk_seccomp *s = NULL;
	bool cached = false;
	const char *lp = NULL, *lm = NULL;
	int r = -1;

	*ret = NULL;
	if (ret_cached)
		*ret_cached = false;
	if (!seccomp)
		return 0;
	if (parse_profile(seccomp, &p, err) < 0)
		goto out;
	if (get_str(get(seccomp, "listenerPath"), ".listenerPath", false, &lp, err) < 0 ||
	    get_str(get(seccomp, "listenerMetadata"), ".listenerMetadata", false, &lm, err) < 0)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s) {
		sk_fail(err, ENOMEM, JPATH);
		goto out;
	}
	s->flags = p.flags;
	if ((lp && !(s->listener_path = strdup(lp))) ||
	    (lm && !(s->listener_metadata = strdup(lm)))) {
		sk_fail(err, ENOMEM, JPATH);
		goto out;
	}
	if (compile_or_cached(seccomp, &p, cache_dir, s, &cached, err) < 0)
		goto out;
	if (ret_cached)
		*ret_cached = cached;
	*ret = TAKE_PTR(s);
	r = 0;
out:
	sk_seccomp_free(s);
	profile_done(&p);
	return r;
}

int sk_seccomp_prepare(yajl_val seccomp, struct sk_seccomp **ret, struct sk_err *err)
{
	return sk_seccomp_compile(seccomp, geteuid() == 0 ? SK_SECCOMP_CACHE_DIR : NULL, ret, NULL,
				  err);
}

int sk_seccomp_load(const struct sk_seccomp *s, int *ret_notify_fd, struct sk_err *err)
{
	struct sock_fprog prog;
	long r;

	*ret_notify_fd = -1;
	if (!s)
		return 0;
	prog = (struct sock_fprog){.len = (unsigned short)s->len, .filter = s->prog};
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
	if (r < 0)
		return sk_fail(err, errno, "load the seccomp filter (%zu instructions, flags %#x)",
			       s->len, s->flags);
	if (s->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		*ret_notify_fd = (int)r;
	return 0;
}

const char *sk_seccomp_listener_path(const struct sk_seccomp *s)
{
	return s ? s->listener_path : NULL;
}

const char *sk_seccomp_listener_metadata(const struct sk_seccomp *s)
{
	return s ? s->listener_metadata : NULL;
}

unsigned int sk_seccomp_flags(const struct sk_seccomp *s)
{
	return s ? s->flags : 0;
}

const void *sk_seccomp_program(const struct sk_seccomp *s, size_t *ret_len)
{
	*ret_len = s ? s->len : 0;
	return s ? s->prog : NULL;
}

void sk_seccomp_free(struct sk_seccomp *s)
{
	if (!s)
		return;
	free(s->prog);
	free(s->listener_path);
	free(s->listener_metadata);
	free(s);
}

/* ---- SCMP_ACT_NOTIFY: the listener hand-off --------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

int sk_seccomp_listener_payload(const struct sk_seccomp *s, const char *state_json, char **ret,
				struct sk_err *err)
{
	char errbuf[128];
	yajl_val st = yajl_tree_parse(state_json, errbuf, sizeof(errbuf));
	yajl_val pid = st ? get(st, "pid") : NULL;
	size_t len = 0, n = strlen(state_json);
	char *buf = NULL;
	FILE *f;

	if (!YAJL_IS_INTEGER(pid)) {
		yajl_tree_free(st);
		return sk_fail(err, EINVAL, "seccomp listener: container state without a pid");
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		yajl_tree_free(st);
		return sk_fail(err, errno, "seccomp listener: payload");
	}
	/* The runtime-spec's "Container Process State". */
	fprintf(f, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%lld,\"metadata\":",
		SK_OCI_VERSION, YAJL_GET_INTEGER(pid));
	json_string(f, s && s->listener_metadata ? s->listener_metadata : "");
	while (n && (state_json[n - 1] == '\n' || state_json[n - 1] == ' '))
		n--;
	fprintf(f, ",\"state\":%.*s}", (int)n, state_json);
	yajl_tree_free(st);
	if (fclose(f) != 0) {
		free(buf);
		return sk_fail(err, ENOMEM, "seccomp listener: payload");
	}
	*ret = buf;
	return 0;
}

/* Connects to a unix socket path of any length: a long one goes through its directory's fd. */
static int listener_connect(const char *path, struct sk_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int dfd = -1;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return sk_fail(err, errno, "seccomp listener %s: socket", path);
	if (strlen(path) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, path, strlen(path) + 1);
	} else {
		_cleanup_free_ char *dir = strdup(path);
		char *slash = dir ? strrchr(dir, '/') : NULL;
		if (!slash)
			return sk_fail(err, ENAMETOOLONG, "seccomp listener %s", path);
		*slash = '\0';
		dfd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return sk_fail(err, errno, "seccomp listener %s: open its directory", path);
		if (snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
			     slash + 1) >= (int)sizeof(sa.sun_path))
			return sk_fail(err, ENAMETOOLONG, "seccomp listener %s", path);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return sk_fail(err, errno, "seccomp listener %s: connect", path);
	return TAKE_FD(fd);
}

int sk_seccomp_send_listener(const struct sk_seccomp *s, int notify_fd, const char *state_json,
			     struct sk_err *err)
{
	_cleanup_free_ char *payload = NULL;
	_cleanup_close_ int sock = -1;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm = {0};
	size_t len, off;
	ssize_t n;

	if (!s || !s->listener_path || notify_fd < 0)
		return 0;
	if (sk_seccomp_listener_payload(s, state_json, &payload, err) < 0)
		return -1;
	sock = listener_connect(s->listener_path, err);
	if (sock < 0)
		return -1;
	len = strlen(payload);
	struct iovec iov = {payload, len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cm.buf,
			     .msg_controllen = sizeof(cm.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
	while ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return sk_fail(err, errno, "seccomp listener %s: send the notify fd",
			       s->listener_path);
	/* A stream socket may take a long payload in parts; the fd went with the first. */
	for (off = (size_t)n; off < len; off += (size_t)n) {
		n = send(sock, payload + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0)
			return sk_fail(err, errno, "seccomp listener %s: send the state",
				       s->listener_path);
	}
	return 0;
}
