/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the cgroup v2 device program: the exact instructions for small rule sets, the
 * decisions of the generated program (run by a tiny interpreter here) for the default rules
 * plus user rules, and, as root on a host with cgroup2, the kernel's verifier, the attach, the
 * in-place replacement, and real opens of /dev/null and /dev/zero from a process in the cgroup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup-bpf.h"
#include "cleanup.h"

#define DENY_ALL                                                                                   \
	{                                                                                          \
		false, 'a', -1, -1, "rwm"                                                          \
	}

/* ---- a tiny interpreter for the instructions the builder emits ---- */

/* Runs prog on (type, major, minor, access); fails the test on an unknown opcode. */
static int run(const struct bpf_insn *p, size_t n, int type, uint32_t major, uint32_t minor,
	       int access)
{
	uint32_t ctx[3] = {(uint32_t)(access << 16 | type), major, minor};
	uint64_t r[11] = {0};

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t *d = &r[i->dst_reg], s = r[i->src_reg];
		uint32_t imm = (uint32_t)i->imm;
		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			assert_int_equal(i->src_reg, BPF_REG_1);
			*d = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			*d = (uint32_t)s;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			*d = (uint32_t)*d & imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			*d = (uint32_t)*d >> imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			*d = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)*d != imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (*d == (uint64_t)(int64_t)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_JA:
			pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			fail_msg("unexpected opcode 0x%02x at %zu", i->code, pc);
		}
	}
	fail_msg("ran off the end of the program");
	return -1;
}

static void build(const struct cg_devrule *rules, size_t n, struct bpf_insn **p, size_t *np)
{
	struct sk_err err = {0};
	assert_int_equal(cg_bpf_devices_build(rules, n, p, np, &err), 0);
}

#define I(c, d, s, o, i)                                                                           \
	{                                                                                          \
		c, d, s, o, i                                                                      \
	}
#define PROLOGUE                                                                                   \
	I(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0), I(BPF_ALU | BPF_MOV | BPF_X, 3, 2, 0, 0),        \
	    I(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff),                                         \
	    I(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16), I(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0),   \
	    I(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0)
#define CHECK_BIT(bit, skip)                                                                       \
	I(BPF_ALU | BPF_MOV | BPF_X, 0, 3, 0, 0), I(BPF_ALU | BPF_AND | BPF_K, 0, 0, 0, bit),      \
	    I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, skip, 0)
#define DENY	  I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0), I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define ALLOW_END I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1), I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct raw {
	uint8_t code, dst, src;
	int16_t off;
	int32_t imm;
};

static void assert_prog(const struct bpf_insn *p, size_t n, const struct raw *want, size_t nw)
{
	for (size_t i = 0; i < n && i < nw; i++) {
		if (p[i].code != want[i].code || p[i].dst_reg != want[i].dst ||
		    p[i].src_reg != want[i].src || p[i].off != want[i].off ||
		    p[i].imm != want[i].imm)
			fail_msg("insn %zu: got code=0x%02x dst=%d src=%d off=%d imm=%d, want "
				 "code=0x%02x dst=%d src=%d off=%d imm=%d",
				 i, p[i].code, p[i].dst_reg, p[i].src_reg, p[i].off, p[i].imm,
				 want[i].code, want[i].dst, want[i].src, want[i].off, want[i].imm);
	}
	assert_int_equal(n, nw);
}

/* deny all: every access section ends in an unconditional deny, nothing after it. */
static void test_insns_deny_all(void **state)
{
	(void)state;
	static const struct cg_devrule rules[] = {DENY_ALL};
	static const struct raw want[] = {
	    PROLOGUE, CHECK_BIT(BPF_DEVCG_ACC_MKNOD, 2), DENY, CHECK_BIT(BPF_DEVCG_ACC_READ, 2),
	    DENY,     CHECK_BIT(BPF_DEVCG_ACC_WRITE, 2), DENY, ALLOW_END,
	};
	_cleanup_free_ struct bpf_insn *p = NULL;
	size_t n;

	build(rules, 1, &p, &n);
	assert_prog(p, n, want, sizeof(want) / sizeof(want[0]));
}

/* one specific allow for reads only: m and w have no rule (deny), r checks type, major, minor. */
static void test_insns_one_rule(void **state)
{
	(void)state;
	static const struct cg_devrule rules[] = {{true, 'c', 1, 3, "r"}};
	static const struct raw want[] = {
	    PROLOGUE,
	    CHECK_BIT(BPF_DEVCG_ACC_MKNOD, 2),
	    DENY,
	    CHECK_BIT(BPF_DEVCG_ACC_READ, 6),
	    I(BPF_JMP32 | BPF_JNE | BPF_K, 2, 0, 3, BPF_DEVCG_DEV_CHAR),
	    I(BPF_JMP32 | BPF_JNE | BPF_K, 4, 0, 2, 1),
	    I(BPF_JMP32 | BPF_JNE | BPF_K, 5, 0, 1, 3),
	    I(BPF_JMP | BPF_JA, 0, 0, 2, 0),
	    DENY,
	    CHECK_BIT(BPF_DEVCG_ACC_WRITE, 2),
	    DENY,
	    ALLOW_END,
	};
	_cleanup_free_ struct bpf_insn *p = NULL;
	size_t n;

	build(rules, 1, &p, &n);
	assert_prog(p, n, want, sizeof(want) / sizeof(want[0]));
}

/* The last rule is tried first; wildcards drop their checks; a deny rule exits at once; the
 * deny-all before them ends the section (no fallthrough after it). */
static void test_insns_order_and_wildcards(void **state)
{
	(void)state;
	static const struct cg_devrule rules[] = {
	    DENY_ALL,
	    {true, 'b', 8, -1, "w"},
	    {false, 'c', -1, -1, "w"},
	};
	static const struct raw want[] = {
	    PROLOGUE,
	    CHECK_BIT(BPF_DEVCG_ACC_MKNOD, 2),
	    DENY,
	    CHECK_BIT(BPF_DEVCG_ACC_READ, 2),
	    DENY,
	    CHECK_BIT(BPF_DEVCG_ACC_WRITE, 8),
	    /* deny c *:* w */
	    I(BPF_JMP32 | BPF_JNE | BPF_K, 2, 0, 2, BPF_DEVCG_DEV_CHAR),
	    DENY,
	    /* allow b 8:* w */
	    I(BPF_JMP32 | BPF_JNE | BPF_K, 2, 0, 2, BPF_DEVCG_DEV_BLOCK),
	    I(BPF_JMP32 | BPF_JNE | BPF_K, 4, 0, 1, 8),
	    I(BPF_JMP | BPF_JA, 0, 0, 2, 0),
	    /* deny all */
	    DENY,
	    ALLOW_END,
	};
	_cleanup_free_ struct bpf_insn *p = NULL;
	size_t n;

	build(rules, 3, &p, &n);
	assert_prog(p, n, want, sizeof(want) / sizeof(want[0]));
}

enum { M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE };
enum { B = BPF_DEVCG_DEV_BLOCK, C = BPF_DEVCG_DEV_CHAR };

static void test_decisions_defaults(void **state)
{
	(void)state;
	struct cg_devrule user[] = {
	    {true, 'c', 10, 229, "rw"}, /* fuse, no mknod */
	    {true, 'b', 8, 0, "rwm"},	/* sda */
	    {false, 'b', 8, 0, "w"},	/* ...read-only */
	    {true, 'c', 4, -1, "r"},	/* ttyN: read */
	    {false, 'c', 1, 9, "rwm"},	/* urandom: the default list re-allows it */
	};
	struct cg_res res = {.dev = user, .n_dev = 5, .has_devices = true};
	_cleanup_free_ struct cg_devrule *rules = NULL;
	_cleanup_free_ struct bpf_insn *p = NULL;
	struct sk_err err = {0};
	size_t nr, n;

	assert_int_equal(cg_bpf_devices_rules(&res, &rules, &nr, &err), 0);
	assert_int_equal(nr, 1 + 5 + 11);
	assert_false(rules[0].allow);
	assert_int_equal(rules[0].type, 'a');
	build(rules, nr, &p, &n);

	assert_int_equal(run(p, n, C, 1, 3, R | W), 1);	  /* /dev/null */
	assert_int_equal(run(p, n, C, 1, 5, R), 1);	  /* /dev/zero */
	assert_int_equal(run(p, n, C, 5, 2, R | W), 1);	  /* /dev/ptmx */
	assert_int_equal(run(p, n, C, 136, 7, R | W), 1); /* /dev/pts/7 */
	assert_int_equal(run(p, n, C, 1, 9, R), 1);	  /* urandom: default after the deny */
	assert_int_equal(run(p, n, C, 1, 1, R), 0);	  /* /dev/mem */
	assert_int_equal(run(p, n, C, 1, 1, M), 1);	  /* mknod of anything */
	assert_int_equal(run(p, n, B, 7, 0, M), 1);
	assert_int_equal(run(p, n, C, 10, 229, R | W), 1); /* fuse */
	assert_int_equal(run(p, n, C, 10, 229, M), 1);	   /* mknod via the default */
	assert_int_equal(run(p, n, C, 10, 228, R), 0);
	assert_int_equal(run(p, n, B, 8, 0, R), 1); /* sda read */
	assert_int_equal(run(p, n, B, 8, 0, W), 0); /* sda write: denied by the later rule */
	assert_int_equal(run(p, n, B, 8, 0, R | W), 0);
	assert_int_equal(run(p, n, B, 8, 1, R), 0);
	assert_int_equal(run(p, n, C, 8, 0, R), 0); /* same numbers, other type */
	assert_int_equal(run(p, n, C, 4, 1, R), 1);
	assert_int_equal(run(p, n, C, 4, 1, W), 0);
	assert_int_equal(run(p, n, C, 4, 1, R | W), 0);
	assert_int_equal(run(p, n, B, 1, 3, R), 0); /* block 1:3 is not /dev/null */
	/* a big major number stays unsigned: no sign-extension mismatch */
	struct cg_devrule big[] = {DENY_ALL, {true, 'c', 4000000000LL, 1, "r"}};
	_cleanup_free_ struct bpf_insn *p2 = NULL;
	build(big, 2, &p2, &n);
	assert_int_equal(run(p2, n, C, 4000000000U, 1, R), 1);
	assert_int_equal(run(p2, n, C, 4000000000U, 2, R), 0);
}

/* allow all last: everything is allowed; a deny before it changes nothing. */
static void test_decisions_allow_all(void **state)
{
	(void)state;
	struct cg_devrule rules[] = {{false, 'c', 1, 3, "rwm"}, {true, 'a', -1, -1, "rwm"}};
	_cleanup_free_ struct bpf_insn *p = NULL;
	size_t n;

	build(rules, 2, &p, &n);
	assert_int_equal(run(p, n, C, 1, 3, R | W | M), 1);
	assert_int_equal(run(p, n, B, 8, 0, W), 1);
	/* and the reverse: a later deny wins */
	struct cg_devrule rev[] = {{true, 'a', -1, -1, "rwm"}, {false, 'c', 1, 3, "w"}};
	_cleanup_free_ struct bpf_insn *p2 = NULL;
	build(rev, 2, &p2, &n);
	assert_int_equal(run(p2, n, C, 1, 3, R), 1);
	assert_int_equal(run(p2, n, C, 1, 3, W), 0);
	assert_int_equal(run(p2, n, C, 1, 5, W), 1);
}

/* ---- the kernel ---- */

static char *cgroup2_dir(void)
{
	static const char *const mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	struct statfs s;
	char *dir;

	for (size_t i = 0; i < 2; i++)
		if (statfs(mounts[i], &s) == 0 &&
		    s.f_type == 0x63677270 /* CGROUP2_SUPER_MAGIC */) {
			if (asprintf(&dir, "%s/skiff-test-bpf-%d", mounts[i], (int)getpid()) < 0)
				return NULL;
			return dir;
		}
	return NULL;
}

/* A child in dir opens /dev/null and /dev/zero; returns a bit per successful open. */
static int opens_in(const char *dir)
{
	char procs[256], pid_s[16];
	int p[2], st, fd;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		int bits = 0;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(100);
		if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0)
			bits |= 1, close(fd);
		if ((fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) >= 0)
			bits |= 2, close(fd);
		_exit(bits);
	}
	close(p[0]);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	int len = snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	assert_int_equal(write(fd, pid_s, (size_t)len), len);
	close(fd);
	assert_int_equal(write(p[1], "x", 1), 1);
	close(p[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_kernel_attach_replace(void **state)
{
	(void)state;
	_cleanup_free_ char *dir = NULL;
	struct cg_devrule null_only[] = {DENY_ALL, {true, 'c', 1, 3, "rw"}};
	struct cg_devrule both[] = {DENY_ALL, {true, 'c', 1, 3, "rw"}, {true, 'c', 1, 5, "r"}};
	struct sk_err err = {0};
	int dfd;

	if (geteuid() != 0 || !(dir = cgroup2_dir()))
		skip();
	if (mkdir(dir, 0755) < 0)
		skip();
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	if (cg_bpf_devices_install(dfd, null_only, 2, &err) < 0 &&
	    (err.errnum == EPERM || err.errnum == ENOSYS)) {
		sk_err_clear(&err);
		close(dfd);
		rmdir(dir);
		skip();
	}
	if (err.msg)
		fail_msg("install: %s", err.msg);
	assert_int_equal(cg_bpf_devices_count(dfd, &err), 1);
	assert_int_equal(opens_in(dir), 1); /* null yes, zero no */
	/* update: replaced in place, still one program */
	assert_int_equal(cg_bpf_devices_install(dfd, both, 3, &err), 0);
	assert_int_equal(cg_bpf_devices_count(dfd, &err), 1);
	assert_int_equal(opens_in(dir), 3);
	assert_int_equal(cg_bpf_devices_install(dfd, null_only, 2, &err), 0);
	assert_int_equal(opens_in(dir), 1);
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

/* The real default list passes the verifier (the program is the biggest one skiff makes for
 * a plain container). */
static void test_kernel_verifier_defaults(void **state)
{
	(void)state;
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ struct cg_devrule *rules = NULL;
	struct cg_res res = {0};
	struct sk_err err = {0};
	size_t n;
	int dfd;

	if (geteuid() != 0 || !(dir = cgroup2_dir()))
		skip();
	if (mkdir(dir, 0755) < 0)
		skip();
	assert_int_equal(cg_bpf_devices_rules(&res, &rules, &n, &err), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	if (cg_bpf_devices_install(dfd, rules, n, &err) < 0)
		fail_msg("install: %s", err.msg);
	assert_int_equal(opens_in(dir), 3);
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_insns_deny_all),
	    cmocka_unit_test(test_insns_one_rule),
	    cmocka_unit_test(test_insns_order_and_wildcards),
	    cmocka_unit_test(test_decisions_defaults),
	    cmocka_unit_test(test_decisions_allow_all),
	    cmocka_unit_test(test_kernel_attach_replace),
	    cmocka_unit_test(test_kernel_verifier_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
