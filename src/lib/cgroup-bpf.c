/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup v2 device filter: device rules compiled by hand into a BPF_PROG_TYPE_CGROUP_DEVICE
 * program (no libbpf, no compiler at run time), loaded and attached to the container's cgroup2
 * directory. Each access bit is decided on its own by the last rule that covers it, so
 * "allow c 1:3 rw" followed by "deny c 1:3 w" leaves reads allowed and writes denied, as the
 * v1 devices controller would. What the rules are (defaults, order) matches cgroup-v1.c.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cgroup-bpf.h"
#include "cleanup.h"

/* The same list as cgroup-v1.c (runc 1.1's): mknod of any node, and the standard nodes
 * (null, zero, full, random, urandom, tty, ptmx, tun, pts/N). */
static const struct cg_devrule default_rules[] = {
    {true, 'b', -1, -1, "m"},	 {true, 'c', -1, -1, "m"},    {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 5, "rwm"},	 {true, 'c', 1, 7, "rwm"},    {true, 'c', 1, 8, "rwm"},
    {true, 'c', 1, 9, "rwm"},	 {true, 'c', 5, 0, "rwm"},    {true, 'c', 5, 2, "rwm"},
    {true, 'c', 10, 200, "rwm"}, {true, 'c', 136, -1, "rwm"},
};

int cg_bpf_devices_rules(const struct cg_res *r, struct cg_devrule **ret, size_t *ret_n,
			 struct sk_err *err)
{
	static const struct cg_devrule deny_all = {false, 'a', -1, -1, "rwm"};
	size_t n = 1 + r->n_dev + ARRAY_SIZE(default_rules);
	struct cg_devrule *v = calloc(n, sizeof(*v));

	if (!v)
		return sk_fail(err, ENOMEM, "device rules");
	v[0] = deny_all;
	if (r->n_dev)
		memcpy(v + 1, r->dev, r->n_dev * sizeof(*v));
	memcpy(v + 1 + r->n_dev, default_rules, sizeof(default_rules));
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- the program ---- */

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
	bool oom;
};

static void emit(struct prog *p, struct bpf_insn insn)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *v = realloc(p->v, cap * sizeof(*v));
		if (!v) {
			p->oom = true;
			return;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = insn;
}

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
/* Registers after the prologue: r2 type, r3 access, r4 major, r5 minor; r0 scratch/result. */
#define LDX_W(d, off)		 INSN(BPF_LDX | BPF_W | BPF_MEM, d, BPF_REG_1, off, 0)
#define MOV32_REG(d, s)		 INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i)	 INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV64_IMM(d, i)		 INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JMP32_IMM(op, d, i, off) INSN(BPF_JMP32 | (op) | BPF_K, d, 0, off, i)
#define JMP_IMM(op, d, i, off)	 INSN(BPF_JMP | (op) | BPF_K, d, 0, off, i)
#define JA(off)			 INSN(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define EXIT			 INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static bool rule_has(const struct cg_devrule *r, char access)
{
	return strchr(r->access, access) != NULL;
}

/* A rule that matches every device for the accesses it names. */
static bool rule_total(const struct cg_devrule *r)
{
	return r->type == 'a';
}

/* The number of checks a rule needs before its action. */
static int rule_checks(const struct cg_devrule *r)
{
	if (rule_total(r))
		return 0;
	return 1 + (r->major >= 0) + (r->minor >= 0);
}

/* One access bit: "if (!(access & bit)) goto next; rules from the last; else deny". Rule
 * jumps to "next" are recorded in fix[] and resolved when the section ends. */
static void emit_section(struct prog *p, const struct cg_devrule *rules, size_t n, char letter,
			 int bit)
{
	size_t *fix = calloc(n + 2, sizeof(*fix)), n_fix = 0;
	bool total = false;

	if (!fix) {
		p->oom = true;
		return;
	}
	emit(p, MOV32_REG(BPF_REG_0, BPF_REG_3));
	emit(p, ALU32_IMM(BPF_AND, BPF_REG_0, bit));
	fix[n_fix++] = p->n;
	emit(p, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	for (size_t i = n; i-- > 0 && !total;) {
		const struct cg_devrule *r = &rules[i];
		int checks = rule_checks(r), action = r->allow ? 1 : 2, left = checks;
		if (!rule_has(r, letter))
			continue;
		total = rule_total(r);
		/* each check skips the rest of the block when it does not match */
		if (checks)
			emit(p, JMP32_IMM(BPF_JNE, BPF_REG_2,
					  r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
					  --left + action));
		if (r->major >= 0)
			emit(p, JMP32_IMM(BPF_JNE, BPF_REG_4, (int32_t)r->major, --left + action));
		if (r->minor >= 0)
			emit(p, JMP32_IMM(BPF_JNE, BPF_REG_5, (int32_t)r->minor, --left + action));
		if (r->allow) {
			fix[n_fix++] = p->n;
			emit(p, JA(0));
		} else {
			emit(p, MOV64_IMM(BPF_REG_0, 0));
			emit(p, EXIT);
		}
	}
	if (!total) { /* no rule matched: deny (unreachable after a total rule) */
		emit(p, MOV64_IMM(BPF_REG_0, 0));
		emit(p, EXIT);
	}
	for (size_t i = 0; !p->oom && i < n_fix; i++)
		p->v[fix[i]].off = (int16_t)(p->n - fix[i] - 1);
	free(fix);
}

int cg_bpf_devices_build(const struct cg_devrule *rules, size_t n, struct bpf_insn **ret,
			 size_t *ret_n, struct sk_err *err)
{
	static const struct {
		char letter;
		int bit;
	} bits[] = {
	    {'m', BPF_DEVCG_ACC_MKNOD}, {'r', BPF_DEVCG_ACC_READ}, {'w', BPF_DEVCG_ACC_WRITE}};
	struct prog p = {0};

	/* a few thousand rules would overflow the 16-bit jump offsets */
	if (n > 4096)
		return sk_fail(err, E2BIG, "%zu device rules: too many", n);
	/* struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major, minor; } */
	emit(&p, LDX_W(BPF_REG_2, 0));
	emit(&p, MOV32_REG(BPF_REG_3, BPF_REG_2));
	emit(&p, ALU32_IMM(BPF_AND, BPF_REG_2, 0xffff));
	emit(&p, ALU32_IMM(BPF_RSH, BPF_REG_3, 16));
	emit(&p, LDX_W(BPF_REG_4, 4));
	emit(&p, LDX_W(BPF_REG_5, 8));
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		emit_section(&p, rules, n, bits[i].letter, bits[i].bit);
	emit(&p, MOV64_IMM(BPF_REG_0, 1));
	emit(&p, EXIT);
	if (p.oom) {
		free(p.v);
		return sk_fail(err, ENOMEM, "device program");
	}
	*ret = p.v;
	*ret_n = p.n;
	return 0;
}

/* ---- load and attach ---- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int prog_load(const struct bpf_insn *insns, size_t n, struct sk_err *err)
{
	union bpf_attr attr;
	_cleanup_free_ char *log = NULL;
	int fd, e;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "Apache";
	memcpy(attr.prog_name, CG_BPF_PROG_NAME, sizeof(CG_BPF_PROG_NAME));
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	e = errno;
	/* again with the verifier's log, for the error message */
	if (e == EINVAL || e == EACCES) {
		const size_t len = 1 << 16;
		if ((log = calloc(1, len))) {
			attr.log_level = 1;
			attr.log_buf = (uint64_t)(uintptr_t)log;
			attr.log_size = (uint32_t)len;
			fd = sys_bpf(BPF_PROG_LOAD, &attr);
			if (fd >= 0)
				return fd;
			/* the last line of the log says why */
			size_t l = strlen(log);
			while (l > 0 && log[l - 1] == '\n')
				log[--l] = '\0';
			const char *last = strrchr(log, '\n');
			return sk_fail(err, e, "load device program (%zu insns): %s", n,
				       last ? last + 1 : log);
		}
	}
	return sk_fail(err, e, "load device program (%zu insns)", n);
}

/* The fds of the programs named CG_BPF_PROG_NAME attached to dirfd (*ret_n of them). */
static int query_ours(int dirfd, int **ret, size_t *ret_n, struct sk_err *err)
{
	uint32_t ids[64];
	union bpf_attr attr;
	_cleanup_free_ int *fds = NULL;
	size_t n = 0;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)dirfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = ARRAY_SIZE(ids);
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return sk_fail(err, errno, "query device programs");
	if (!(fds = calloc(attr.query.prog_cnt + 1, sizeof(*fds))))
		return sk_fail(err, ENOMEM, "query device programs");
	for (uint32_t i = 0; i < attr.query.prog_cnt && i < ARRAY_SIZE(ids); i++) {
		struct bpf_prog_info info;
		union bpf_attr a;
		int fd;

		memset(&a, 0, sizeof(a));
		a.prog_id = ids[i];
		if ((fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a)) < 0)
			continue; /* detached meanwhile */
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)fd;
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0 &&
		    strcmp(info.name, CG_BPF_PROG_NAME) == 0)
			fds[n++] = fd;
		else
			close(fd);
	}
	*ret = TAKE_PTR(fds);
	*ret_n = n;
	return 0;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

int cg_bpf_devices_count(int dirfd, struct sk_err *err)
{
	int *fds;
	size_t n;

	if (query_ours(dirfd, &fds, &n, err) < 0)
		return -1;
	close_all(fds, n);
	return (int)n;
}

static int prog_attach(int dirfd, int prog_fd, int replace_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI | (replace_fd >= 0 ? BPF_F_REPLACE : 0);
	attr.replace_bpf_fd = replace_fd >= 0 ? (uint32_t)replace_fd : 0;
	return sys_bpf(BPF_PROG_ATTACH, &attr);
}

static void prog_detach(int dirfd, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	sys_bpf(BPF_PROG_DETACH, &attr);
}

int cg_bpf_devices_install(int dirfd, const struct cg_devrule *rules, size_t n, struct sk_err *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int prog = -1;
	int *old = NULL, r = 0;
	size_t n_insns, n_old = 0;

	if (cg_bpf_devices_build(rules, n, &insns, &n_insns, err) < 0)
		return -1;
	if ((prog = prog_load(insns, n_insns, err)) < 0)
		return -1;
	if (query_ours(dirfd, &old, &n_old, err) < 0)
		return -1;
	/* one old program: swap it atomically (5.6+); else attach the new one first, then detach
	 * the old ones, so there is no moment without a filter */
	if (n_old == 1 && prog_attach(dirfd, prog, old[0]) == 0)
		goto out;
	if (prog_attach(dirfd, prog, -1) < 0) {
		r = sk_fail(err, errno, "attach device program");
		goto out;
	}
	for (size_t i = 0; i < n_old; i++)
		prog_detach(dirfd, old[i]);
out:
	close_all(old, n_old);
	return r;
}

int cg_bpf_devices_apply(const struct sk_cgroup *cg, const char *dir, const struct cg_res *r,
			 struct sk_err *err)
{
	_cleanup_free_ struct cg_devrule *rules = NULL;
	_cleanup_close_ int dirfd = -1;
	size_t n;

	if (cg->fake)
		return 0; /* plain directories in the unit tests: no cgroup to attach to */
	if (cg_bpf_devices_rules(r, &rules, &n, err) < 0)
		return -1;
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sk_fail(err, errno, "open %s", dir);
	if (cg_bpf_devices_install(dirfd, rules, n, err) < 0)
		return sk_wrap(err, "linux.resources.devices in %s", dir);
	return 0;
}
