/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the cgroup module: mode and mount detection from mountinfo fixtures, path rules,
 * resource files and v2 conversions in fake cgroupfs trees (a temp dir; writes are appended one
 * per line), errors with JSON paths and rollback. One test uses the real host's cgroups when run
 * as root, with a unique path, and removes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup-internal.h"
#include "cleanup.h"

#define FIX FIXTURES_DIR "/cgroup/"

struct fake {
	char root[64];
	struct cg_env env;
	struct sk_err err;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 16);
	n = (long)fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* The content of root/rel, "" if missing is NOT returned: NULL. */
static char *readf(struct fake *fk, const char *rel)
{
	char *path, *s;

	assert_true(asprintf(&path, "%s%s", fk->root, rel) > 0);
	s = slurp(path);
	free(path);
	return s;
}

static void assert_file(struct fake *fk, const char *rel, const char *want)
{
	_cleanup_free_ char *got = readf(fk, rel);
	if (!got)
		fail_msg("%s: missing", rel);
	if (strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", rel, got, want);
}

static bool exists(struct fake *fk, const char *rel)
{
	_cleanup_free_ char *path = NULL;
	assert_true(asprintf(&path, "%s%s", fk->root, rel) > 0);
	return access(path, F_OK) == 0;
}

static void mkdirs(const char *path)
{
	_cleanup_free_ char *p = strdup(path);
	for (char *s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* Creates root/rel (a file with content, or a directory when content is NULL). */
static void put(struct fake *fk, const char *rel, const char *content)
{
	_cleanup_free_ char *path = NULL;
	FILE *f;

	assert_true(asprintf(&path, "%s%s", fk->root, rel) > 0);
	if (!content) {
		mkdirs(path);
		return;
	}
	*strrchr(path, '/') = '\0';
	mkdirs(path);
	path[strlen(path)] = '/';
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void fake_init(struct fake *fk, const char *kind)
{
	static char mi[256], pc[256];

	memset(fk, 0, sizeof(*fk));
	snprintf(fk->root, sizeof(fk->root), "/tmp/skiff-cg-XXXXXX");
	assert_non_null(mkdtemp(fk->root));
	snprintf(mi, sizeof(mi), FIX "mountinfo-%s", kind);
	snprintf(pc, sizeof(pc), FIX "proc-cgroup-%s", kind);
	fk->env = (struct cg_env){mi, pc, fk->root, "/sys/fs/cgroup", true};
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void fake_done(struct fake *fk)
{
	nftw(fk->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	sk_err_clear(&fk->err);
}

static yajl_val json(const char *text)
{
	char ebuf[128];
	yajl_val v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!v)
		fail_msg("bad test JSON: %s", ebuf);
	return v;
}

static void hybrid_tree(struct fake *fk)
{
	static const char *const dirs[] = {"systemd", "cpu,cpuacct", "memory",		 "pids",
					   "freezer", "devices",     "net_cls,net_prio", "blkio",
					   "unified"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "/sys/fs/cgroup/%s", dirs[i]);
		put(fk, rel, NULL);
	}
	put(fk, "/sys/fs/cgroup/cpuset/cpuset.cpus", "0-3\n");
	put(fk, "/sys/fs/cgroup/cpuset/cpuset.mems", "0\n");
	put(fk, "/sys/fs/cgroup/unified/cgroup.controllers", "\n");
}

/* ---- detection ---- */

static void parse_fixture(const char *name, struct cg_mounts *m)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *path = NULL;
	struct sk_err err = {0};

	assert_true(asprintf(&path, FIX "%s", name) > 0);
	text = slurp(path);
	assert_non_null(text);
	if (cg_mounts_parse(text, "/sys/fs/cgroup", m, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_detect_hybrid(void **state)
{
	struct cg_mounts m;
	(void)state;

	parse_fixture("mountinfo-hybrid", &m);
	assert_int_equal(m.mode, SK_CGROUP_HYBRID);
	/* 9 v1 hierarchies (freezer mounted twice counts once, name=other skipped) + unified */
	assert_int_equal(m.n, 10);
	assert_string_equal(m.h[0].controllers, "name=systemd");
	assert_string_equal(m.h[1].controllers, "cpu,cpuacct");
	assert_string_equal(m.h[1].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(m.h[3].controllers, "cpuset");
	assert_string_equal(m.h[5].mountpoint, "/sys/fs/cgroup/freezer");
	assert_string_equal(m.h[7].controllers, "net_cls,net_prio");
	assert_true(m.h[9].v2);
	assert_string_equal(m.h[9].mountpoint, "/sys/fs/cgroup/unified");
	for (size_t i = 0; i < 9; i++)
		assert_false(m.h[i].v2);
	cg_mounts_clear(&m);
}

static void test_detect_unified_legacy(void **state)
{
	struct cg_mounts m;
	(void)state;

	parse_fixture("mountinfo-unified", &m);
	assert_int_equal(m.mode, SK_CGROUP_UNIFIED);
	assert_int_equal(m.n, 1);
	assert_true(m.h[0].v2);
	assert_string_equal(m.h[0].mountpoint, "/sys/fs/cgroup");
	cg_mounts_clear(&m);

	/* a cgroup2 mount elsewhere does not make a host hybrid */
	parse_fixture("mountinfo-legacy", &m);
	assert_int_equal(m.mode, SK_CGROUP_LEGACY);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.h[0].controllers, "name=systemd");
	for (size_t i = 0; i < m.n; i++)
		assert_false(m.h[i].v2);
	cg_mounts_clear(&m);

	parse_fixture("mountinfo-nested", &m);
	assert_int_equal(m.mode, SK_CGROUP_LEGACY);
	assert_string_equal(m.h[0].root, "/docker/abc");
	cg_mounts_clear(&m);
}

static void test_detect_escapes_and_errors(void **state)
{
	struct cg_mounts m;
	struct sk_err err = {0};
	(void)state;

	assert_int_equal(cg_mounts_parse("50 31 0:40 /a\\040b /sys/fs/cgroup/p\\040q rw - cgroup "
					 "cgroup rw,pids\n",
					 "/sys/fs/cgroup", &m, &err),
			 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.h[0].mountpoint, "/sys/fs/cgroup/p q");
	assert_string_equal(m.h[0].root, "/a b");
	assert_string_equal(m.h[0].controllers, "pids");
	cg_mounts_clear(&m);

	assert_int_equal(
	    cg_mounts_parse("1 0 0:1 / /proc rw - proc proc rw\n", "/sys/fs/cgroup", &m, &err), -1);
	assert_non_null(strstr(err.msg, "no cgroup hierarchy"));
	sk_err_clear(&err);
}

static void test_detect_real_host(void **state)
{
	enum sk_cgroup_mode mode;
	struct sk_err err = {0};
	(void)state;

	if (access("/proc/self/mountinfo", R_OK) != 0)
		skip();
	if (sk_cgroup_mode_detect(&mode, &err) < 0) {
		sk_err_clear(&err);
		skip();
	}
	assert_true(mode == SK_CGROUP_LEGACY || mode == SK_CGROUP_HYBRID ||
		    mode == SK_CGROUP_UNIFIED);
}

/* ---- paths ---- */

static void check_clean(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;
	struct sk_err err = {0};

	if (cg_path_clean(in, &out, &err) < 0)
		fail_msg("%s: %s", in, err.msg);
	assert_string_equal(out, want);
}

static void check_escape(const char *in)
{
	_cleanup_free_ char *out = NULL;
	struct sk_err err = {0};

	assert_int_equal(cg_path_clean(in, &out, &err), -1);
	assert_non_null(strstr(err.msg, "leaves the cgroup hierarchy"));
	sk_err_clear(&err);
}

static void test_path_clean(void **state)
{
	(void)state;
	check_clean("/a/b/../c", "/a/c");
	check_clean("a/./b//c/", "a/b/c");
	check_clean("/", "/");
	check_clean("/a/..", "/");
	check_clean("machine.slice/x", "machine.slice/x");
	check_escape("/..");
	check_escape("/a/../../etc");
	check_escape("../x");
	check_escape("a/../../x");
}

/* ---- create in fake trees ---- */

static const char hybrid_res[] =
    "{\"memory\":{\"limit\":1048576,\"reservation\":4096},"
    "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"1\"},"
    "\"pids\":{\"limit\":100},"
    "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]},"
    "\"blockIO\":{\"weight\":500,\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,"
    "\"rate\":300}]},"
    "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rw\"}]}";

static void test_create_hybrid(void **state)
{
	struct fake fk;
	struct sk_cgroup *cg = NULL, *loaded = NULL;
	_cleanup_free_ char *saved = NULL, *saved2 = NULL, *memdir = NULL;
	yajl_val res = json(hybrid_res);
	bool frozen;
	(void)state;

	fake_init(&fk, "hybrid");
	hybrid_tree(&fk);
	if (cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c1", "/skiff-test/c1", res, &cg, &fk.err) < 0)
		fail_msg("%s", fk.err.msg);
	assert_int_equal(sk_cgroup_get_mode(cg), SK_CGROUP_HYBRID);
	assert_string_equal(sk_cgroup_path(cg), "/skiff-test/c1");
	assert_true(asprintf(&memdir, "%s/sys/fs/cgroup/memory/skiff-test/c1", fk.root) > 0);
	assert_string_equal(sk_cgroup_dir(cg, "memory"), memdir);
	assert_non_null(sk_cgroup_dir(cg, "cpuacct"));
	assert_non_null(sk_cgroup_dir(cg, "name=systemd"));
	assert_null(sk_cgroup_dir(cg, "hugetlb"));
	assert_true(sk_cgroup_v2_fd(cg) >= 0);

	assert_file(&fk, "/sys/fs/cgroup/memory/skiff-test/c1/memory.limit_in_bytes", "1048576\n");
	assert_file(&fk, "/sys/fs/cgroup/memory/skiff-test/c1/memory.soft_limit_in_bytes",
		    "4096\n");
	assert_file(&fk, "/sys/fs/cgroup/cpu,cpuacct/skiff-test/c1/cpu.shares", "512\n");
	assert_file(&fk, "/sys/fs/cgroup/cpu,cpuacct/skiff-test/c1/cpu.cfs_period_us", "100000\n");
	assert_file(&fk, "/sys/fs/cgroup/cpu,cpuacct/skiff-test/c1/cpu.cfs_quota_us", "50000\n");
	/* cpuset: every new level inherits the parent's cpus and mems, then the leaf is set */
	assert_file(&fk, "/sys/fs/cgroup/cpuset/skiff-test/cpuset.cpus", "0-3\n");
	assert_file(&fk, "/sys/fs/cgroup/cpuset/skiff-test/cpuset.mems", "0\n");
	assert_file(&fk, "/sys/fs/cgroup/cpuset/skiff-test/c1/cpuset.cpus", "0-3\n1\n");
	assert_file(&fk, "/sys/fs/cgroup/pids/skiff-test/c1/pids.max", "100\n");
	assert_file(&fk, "/sys/fs/cgroup/net_cls,net_prio/skiff-test/c1/net_cls.classid",
		    "1048577\n");
	assert_file(&fk, "/sys/fs/cgroup/net_cls,net_prio/skiff-test/c1/net_prio.ifpriomap",
		    "eth0 5\n");
	assert_file(&fk, "/sys/fs/cgroup/blkio/skiff-test/c1/blkio.weight", "500\n");
	assert_file(&fk, "/sys/fs/cgroup/blkio/skiff-test/c1/blkio.throttle.write_iops_device",
		    "8:0 300\n");
	assert_file(&fk, "/sys/fs/cgroup/devices/skiff-test/c1/devices.deny", "a\na\n");
	assert_file(&fk, "/sys/fs/cgroup/devices/skiff-test/c1/devices.allow",
		    "c 1:3 rwm\nc 136:* rw\n"
		    "b *:* m\nc *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\n"
		    "c 5:0 rwm\nc 5:2 rwm\nc 10:200 rwm\nc 136:* rwm\n");
	assert_true(exists(&fk, "/sys/fs/cgroup/systemd/skiff-test/c1"));
	assert_true(exists(&fk, "/sys/fs/cgroup/unified/skiff-test/c1"));

	assert_int_equal(sk_cgroup_enter(cg, 4242, &fk.err), 0);
	assert_file(&fk, "/sys/fs/cgroup/systemd/skiff-test/c1/cgroup.procs", "4242\n");
	assert_file(&fk, "/sys/fs/cgroup/unified/skiff-test/c1/cgroup.procs", "4242\n");

	/* self entry: the new process writes "0" into every v1 `tasks`; the runtime enters
	 * only the cgroup2 tree, and not even that when CLONE_INTO_CGROUP placed it */
	struct sk_cgroup_self self;
	assert_int_equal(sk_cgroup_self_open(cg, &self, &fk.err), 0);
	assert_int_equal(sk_cgroup_self_enter(&self, &fk.err), 0);
	assert_file(&fk, "/sys/fs/cgroup/memory/skiff-test/c1/tasks", "0");
	assert_file(&fk, "/sys/fs/cgroup/systemd/skiff-test/c1/tasks", "0");
	assert_false(exists(&fk, "/sys/fs/cgroup/unified/skiff-test/c1/tasks"));
	assert_int_equal(sk_cgroup_enter_rest(cg, 4343, &self, true, &fk.err), 0);
	assert_file(&fk, "/sys/fs/cgroup/systemd/skiff-test/c1/cgroup.procs", "4242\n");
	assert_file(&fk, "/sys/fs/cgroup/unified/skiff-test/c1/cgroup.procs", "4242\n");
	assert_int_equal(sk_cgroup_enter_rest(cg, 4444, &self, false, &fk.err), 0);
	assert_file(&fk, "/sys/fs/cgroup/memory/skiff-test/c1/cgroup.procs", "4242\n");
	assert_file(&fk, "/sys/fs/cgroup/unified/skiff-test/c1/cgroup.procs", "4242\n4444\n");
	sk_cgroup_self_close(&self);
	assert_null(self.fds);
	/* without self entry the runtime writes the pid everywhere but the placed v2 tree */
	assert_int_equal(sk_cgroup_enter_rest(cg, 4545, NULL, true, &fk.err), 0);
	assert_file(&fk, "/sys/fs/cgroup/memory/skiff-test/c1/cgroup.procs", "4242\n4545\n");
	assert_file(&fk, "/sys/fs/cgroup/unified/skiff-test/c1/cgroup.procs", "4242\n4444\n");

	assert_int_equal(sk_cgroup_freeze(cg, true, &fk.err), 0);
	assert_file(&fk, "/sys/fs/cgroup/freezer/skiff-test/c1/freezer.state", "FROZEN\n");
	assert_int_equal(sk_cgroup_is_frozen(cg, &frozen, &fk.err), 0);
	assert_true(frozen);

	assert_int_equal(sk_cgroup_save(cg, &saved, &fk.err), 0);
	assert_non_null(strstr(saved, "\"mode\":\"hybrid\""));
	assert_int_equal(sk_cgroup_load(saved, &loaded, &fk.err), 0);
	assert_string_equal(sk_cgroup_path(loaded), "/skiff-test/c1");
	assert_string_equal(sk_cgroup_dir(loaded, "memory"), memdir);
	assert_true(sk_cgroup_v2_fd(loaded) >= 0);
	assert_int_equal(sk_cgroup_save(loaded, &saved2, &fk.err), 0);
	assert_string_equal(saved, saved2);

	/* no real pid may be signalled from a fake tree: empty the procs files first */
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *p = NULL;
		assert_true(asprintf(&p, "%s/cgroup.procs", cg->h[i].dir) > 0);
		unlink(p);
	}
	loaded->fake = true;
	if (sk_cgroup_destroy(loaded, &fk.err) < 0)
		fail_msg("%s", fk.err.msg);
	assert_false(exists(&fk, "/sys/fs/cgroup/memory/skiff-test/c1"));
	assert_false(exists(&fk, "/sys/fs/cgroup/unified/skiff-test/c1"));
	assert_false(exists(&fk, "/sys/fs/cgroup/systemd/skiff-test/c1"));
	/* destroy removes the container's cgroup only, as runc does */
	assert_true(exists(&fk, "/sys/fs/cgroup/memory/skiff-test"));
	/* destroying again: missing directories are fine */
	assert_int_equal(sk_cgroup_destroy(loaded, &fk.err), 0);

	sk_cgroup_free(cg);
	sk_cgroup_free(loaded);
	yajl_tree_free(res);
	fake_done(&fk);
}

static const char unified_res[] =
    "{\"memory\":{\"limit\":1000000,\"reservation\":500},"
    "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0\",\"mems\":\"0\"},"
    "\"pids\":{\"limit\":-1},"
    "\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":100}],"
    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}]},"
    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
    "\"rdma\":{\"mlx4_0\":{\"hcaHandles\":2}}}";

static void unified_tree(struct fake *fk)
{
	put(fk, "/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
	put(fk, "/sys/fs/cgroup/user.slice/user-0.slice/session-1.scope", NULL);
}

static void test_create_unified(void **state)
{
	static const char all[] = "+cpuset +cpu +io +memory +hugetlb +pids +rdma\n";
	const char *leaf = "/sys/fs/cgroup/user.slice/user-0.slice/c2";
	struct fake fk;
	struct sk_cgroup *cg = NULL;
	yajl_val res = json(unified_res);
	char rel[128];
	(void)state;

	fake_init(&fk, "unified");
	unified_tree(&fk);
	/* no cgroupsPath: the id, beside this process's own cgroup (runc's cgroupfs default) */
	if (cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c2", NULL, res, &cg, &fk.err) < 0)
		fail_msg("%s", fk.err.msg);
	assert_string_equal(sk_cgroup_path(cg), "/user.slice/user-0.slice/c2");
	assert_file(&fk, "/sys/fs/cgroup/cgroup.subtree_control", all);
	assert_file(&fk, "/sys/fs/cgroup/user.slice/cgroup.subtree_control", all);
	assert_file(&fk, "/sys/fs/cgroup/user.slice/user-0.slice/cgroup.subtree_control", all);
#define LEAF(f) (snprintf(rel, sizeof(rel), "%s/%s", leaf, f), rel)
	assert_false(exists(&fk, LEAF("cgroup.subtree_control")));
	assert_file(&fk, LEAF("memory.max"), "1000000\n");
	assert_file(&fk, LEAF("memory.low"), "500\n");
	assert_file(&fk, LEAF("cpu.weight"), "39\n");
	assert_file(&fk, LEAF("cpu.max"), "50000 100000\n");
	assert_file(&fk, LEAF("cpuset.cpus"), "0\n");
	assert_file(&fk, LEAF("cpuset.mems"), "0\n");
	assert_file(&fk, LEAF("pids.max"), "max\n");
	assert_file(&fk, LEAF("io.weight"), "4950\n8:0 910\n");
	assert_file(&fk, LEAF("io.max"), "8:0 rbps=1048576\n");
	assert_file(&fk, LEAF("hugetlb.2MB.max"), "4194304\n");
	assert_file(&fk, LEAF("rdma.max"), "mlx4_0 hca_handle=2 hca_object=max\n");

	/* update: a later period keeps the quota in cpu.max */
	yajl_tree_free(res);
	res = json("{\"cpu\":{\"period\":200000},\"unified\":{\"memory.max\":\"max\"}}");
	assert_int_equal(sk_cgroup_update(cg, res, &fk.err), 0);
	assert_file(&fk, LEAF("cpu.max"), "50000 100000\n50000 200000\n");
	assert_file(&fk, LEAF("memory.max"), "1000000\nmax\n");
	yajl_tree_free(res);
	res = json("{\"memory\":{\"limit\":\"1g\"}}");
	assert_int_equal(sk_cgroup_update(cg, res, &fk.err), -1);
	assert_non_null(strstr(fk.err.msg, "resources: .memory.limit: must be an integer"));
	sk_err_clear(&fk.err);

	assert_int_equal(sk_cgroup_destroy(cg, &fk.err), 0);
	assert_false(exists(&fk, leaf));
	assert_true(exists(&fk, "/sys/fs/cgroup/user.slice/user-0.slice/session-1.scope"));
#undef LEAF
	sk_cgroup_free(cg);
	yajl_tree_free(res);
	fake_done(&fk);
}

static void test_create_paths(void **state)
{
	struct fake fk;
	struct sk_cgroup *cg = NULL;
	(void)state;

	/* inside a cgroup namespace: own cgroup "/", the container goes to "/<id>" */
	fake_init(&fk, "cgroupns");
	put(&fk, "/sys/fs/cgroup/cgroup.controllers", "memory pids\n");
	assert_int_equal(cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c3", "", NULL, &cg, &fk.err), 0);
	assert_string_equal(sk_cgroup_path(cg), "/c3");
	assert_true(exists(&fk, "/sys/fs/cgroup/c3"));
	/* nothing asked: every available controller is still delegated on unified hosts */
	assert_file(&fk, "/sys/fs/cgroup/cgroup.subtree_control", "+memory +pids\n");
	sk_cgroup_free(cg);
	cg = NULL;
	fake_done(&fk);

	/* a bind-mounted sub-hierarchy (mount root /docker/abc): relative paths start from this
	 * process's cgroup below that root, absolute ones from the mount point */
	fake_init(&fk, "nested");
	put(&fk, "/sys/fs/cgroup/memory", NULL);
	put(&fk, "/sys/fs/cgroup/cpu,cpuacct", NULL);
	assert_int_equal(cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c4", "rel/x", NULL, &cg, &fk.err),
			 0);
	assert_true(exists(&fk, "/sys/fs/cgroup/memory/inner/rel/x"));
	assert_true(exists(&fk, "/sys/fs/cgroup/cpu,cpuacct/rel/x"));
	assert_string_equal(cg->h[0].path, "/docker/abc/inner/rel/x");
	sk_cgroup_free(cg);
	cg = NULL;
	assert_int_equal(cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c4", "/abs", NULL, &cg, &fk.err),
			 0);
	assert_true(exists(&fk, "/sys/fs/cgroup/memory/abs"));
	assert_string_equal(cg->h[0].path, "/docker/abc/abs");
	sk_cgroup_free(cg);
	fake_done(&fk);
}

static void expect_create_error(const char *kind, const char *path, const char *res_text,
				const char *want)
{
	struct fake fk;
	struct sk_cgroup *cg = NULL;
	yajl_val res = res_text ? json(res_text) : NULL;

	fake_init(&fk, kind);
	if (strcmp(kind, "hybrid") == 0)
		hybrid_tree(&fk);
	else
		unified_tree(&fk);
	assert_int_equal(cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c5", path, res, &cg, &fk.err),
			 -1);
	assert_null(cg);
	if (!strstr(fk.err.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", fk.err.msg, want);
	/* nothing left behind */
	assert_false(exists(&fk, "/sys/fs/cgroup/memory/t"));
	assert_false(exists(&fk, "/sys/fs/cgroup/unified/t"));
	assert_false(exists(&fk, "/sys/fs/cgroup/t"));
	assert_false(exists(&fk, "/sys/fs/cgroup/user.slice/user-0.slice/c5"));
	assert_true(exists(&fk, "/sys/fs/cgroup/user.slice/user-0.slice/session-1.scope") ||
		    strcmp(kind, "hybrid") == 0);
	yajl_tree_free(res);
	fake_done(&fk);
}

static void test_create_errors(void **state)
{
	(void)state;
	expect_create_error("hybrid", "/t/x", "{\"memory\":{\"limit\":\"1g\"}}",
			    "config.json: .linux.resources.memory.limit: must be an integer");
	expect_create_error("hybrid", "/t/x", "{\"memory\":[]}",
			    "config.json: .linux.resources.memory: must be an object");
	expect_create_error(
	    "hybrid", "/t/x",
	    "{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0},{\"minor\":1}]}}",
	    ".linux.resources.blockIO.weightDevice[1].major: is required");
	expect_create_error("hybrid", "/t/x", "{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}",
			    ".linux.resources.devices[0].type: must be");
	expect_create_error("hybrid", "/t/x", "{\"unified\":{\"../memory.max\":\"1\"}}",
			    ".linux.resources.unified.../memory.max: is not a cgroup file name");
	expect_create_error("hybrid", "/t/x",
			    "{\"hugepageLimits\":[{\"pageSize\":\"2MB/..\","
			    "\"limit\":1}]}",
			    ".linux.resources.hugepageLimits[0].pageSize: must look like");
	expect_create_error("hybrid", "/t/x", "{\"memory\":{\"swappiness\":101}}",
			    ".linux.resources.memory.swappiness: must be between 0 and 100");
	expect_create_error("hybrid", "/t/../../etc", NULL, "leaves the cgroup hierarchy");
	expect_create_error("hybrid", "/", NULL, "names the root cgroup");
	/* v1 has no unified files; unified keys must be files of the leaf */
	expect_create_error("hybrid", "/t/x", "{\"unified\":{\"memory.max\":\"1\"}}",
			    "cgroup controller memory is not available in");
	expect_create_error("unified", NULL, "{\"unified\":{\"memory.high\":\"1\"}}",
			    "linux.resources.unified.memory.high: no such file in");
	expect_create_error("unified", NULL, "{\"memory\":{\"limit\":1000,\"swap\":500}}",
			    "memory.swap 500 is below memory.limit 1000");
	expect_create_error("unified", NULL, "{\"cpu\":{\"realtimeRuntime\":1000}}",
			    "realtime limits are not supported on cgroup v2");
}

/* A write the host refuses names the file and the value, and only what this call created
 * is removed: a pre-existing cgroup stays. */
static void test_create_write_error_rollback(void **state)
{
	struct fake fk;
	struct sk_cgroup *cg = NULL;
	yajl_val res = json("{\"memory\":{\"limit\":1048576}}");
	_cleanup_free_ char *want = NULL;
	(void)state;

	fake_init(&fk, "hybrid");
	hybrid_tree(&fk);
	put(&fk, "/sys/fs/cgroup/memory/pre/c6/memory.limit_in_bytes", NULL); /* a dir: EISDIR */
	assert_int_equal(
	    cg_create_env(&fk.env, SK_CGM_CGROUPFS, "c6", "/pre/c6", res, &cg, &fk.err), -1);
	assert_true(
	    asprintf(&want,
		     "write 1048576 to %s/sys/fs/cgroup/memory/pre/c6/memory.limit_in_bytes: "
		     "Is a directory",
		     fk.root) > 0);
	if (!strstr(fk.err.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", fk.err.msg, want);
	assert_true(exists(&fk, "/sys/fs/cgroup/memory/pre/c6/memory.limit_in_bytes"));
	assert_false(exists(&fk, "/sys/fs/cgroup/cpu,cpuacct/pre"));
	assert_false(exists(&fk, "/sys/fs/cgroup/cpuset/pre"));
	assert_false(exists(&fk, "/sys/fs/cgroup/unified/pre"));
	assert_true(exists(&fk, "/sys/fs/cgroup/cpuset/cpuset.cpus"));
	yajl_tree_free(res);
	fake_done(&fk);
}

static void test_managers(void **state)
{
	struct fake fk;
	struct sk_cgroup *cg = NULL;
	_cleanup_free_ char *saved = NULL;
	pid_t *pids = NULL;
	size_t n = 1;
	(void)state;

	fake_init(&fk, "hybrid");
	/* systemd (cgroup-systemd.c): the scope's path is known before systemd creates it */
	assert_int_equal(cg_create_env(&fk.env, SK_CGM_SYSTEMD, "x", NULL, NULL, &cg, &fk.err), 0);
	assert_string_equal(sk_cgroup_path(cg), "/system.slice/skiff-x.scope");
	assert_int_equal(sk_cgroup_v2_fd(cg), -1);
	sk_cgroup_free(cg);
	cg = NULL;

	assert_int_equal(cg_create_env(&fk.env, SK_CGM_DISABLED, "x", NULL, NULL, &cg, &fk.err), 0);
	assert_string_equal(sk_cgroup_path(cg), "");
	assert_int_equal(sk_cgroup_v2_fd(cg), -1);
	assert_int_equal(sk_cgroup_enter(cg, 1, &fk.err), 0);
	assert_int_equal(sk_cgroup_kill(cg, SIGKILL, &fk.err), 0);
	assert_int_equal(sk_cgroup_pids(cg, &pids, &n, &fk.err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sk_cgroup_save(cg, &saved, &fk.err), 0);
	assert_non_null(strstr(saved, "\"manager\":\"disabled\""));
	assert_int_equal(sk_cgroup_destroy(cg, &fk.err), 0);
	sk_cgroup_free(cg);
	free(pids);

	assert_int_equal(sk_cgroup_load("{\"manager\":\"cgroupfs\"}", &cg, &fk.err), -1);
	sk_err_clear(&fk.err);
	assert_int_equal(
	    sk_cgroup_load("{\"manager\":\"cgroupfs\",\"mode\":\"legacy\",\"path\":"
			   "\"/x\",\"hierarchies\":[{\"controllers\":\"memory\",\"dir\":"
			   "\"/sys/fs/cgroup/memory/../../../etc\",\"path\":\"/x\"}]}",
			   &cg, &fk.err),
	    -1);
	assert_non_null(strstr(fk.err.msg, "bad cgroup directory"));
	fake_done(&fk);
}

static void test_v2_conversions(void **state)
{
	struct sk_err err = {0};
	int64_t v;
	(void)state;

	assert_int_equal(cg_v2_shares_to_weight(0), 0);
	assert_int_equal(cg_v2_shares_to_weight(2), 1);
	assert_int_equal(cg_v2_shares_to_weight(1024), 39);
	assert_int_equal(cg_v2_shares_to_weight(262144), 10000);
	assert_int_equal(cg_v2_shares_to_weight(1), 1);
	assert_int_equal(cg_v2_blkio_to_io_weight(10), 1);
	assert_int_equal(cg_v2_blkio_to_io_weight(500), 4950);
	assert_int_equal(cg_v2_blkio_to_io_weight(1000), 10000);

	assert_int_equal(cg_v2_swap_value(2000, 1000, &v, &err), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(cg_v2_swap_value(-1, 1000, &v, &err), 0);
	assert_int_equal(v, -1);
	assert_int_equal(cg_v2_swap_value(0, -1, &v, &err), 0);
	assert_int_equal(v, -1);
	assert_int_equal(cg_v2_swap_value(0, 1000, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cg_v2_swap_value(2000, 0, &v, &err), -1);
	sk_err_clear(&err);
	assert_int_equal(cg_v2_swap_value(500, 1000, &v, &err), -1);
	sk_err_clear(&err);
}

/* ---- the real host (root only) ---- */

static void test_real_host_memory_limit(void **state)
{
	struct sk_cgroup *cg = NULL;
	struct sk_err err = {0};
	yajl_val res = json("{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":50}}");
	_cleanup_free_ char *path = NULL, *limit = NULL, *own = NULL, *dirs[16] = {NULL};
	const char *memdir;
	size_t ndirs = 0;
	pid_t child;
	int status;
	(void)state;

	if (geteuid() != 0 || getenv("SKIFF_TEST_NO_HOST_CGROUP")) {
		yajl_tree_free(res);
		skip();
	}
	assert_true(asprintf(&path, "/skiff-unit-%d", (int)getpid()) > 0);
	if (sk_cgroup_create(SK_CGM_CGROUPFS, "unit", path, res, &cg, &err) < 0) {
		/* a read-only or delegated-away cgroupfs: nothing to test here */
		if (err.errnum == EROFS || err.errnum == EACCES || err.errnum == EPERM) {
			sk_err_clear(&err);
			yajl_tree_free(res);
			skip();
		}
		fail_msg("%s", err.msg);
	}
	yajl_tree_free(res);
	for (size_t i = 0; i < cg->n && ndirs < ARRAY_SIZE(dirs); i++)
		dirs[ndirs++] = strdup(cg->h[i].dir);

	memdir = sk_cgroup_dir(cg, "memory");
	if (memdir)
		assert_int_equal(cg_read(memdir, "memory.limit_in_bytes", &limit, &err), 0);
	else
		assert_int_equal(cg_read(sk_cgroup_dir(cg, NULL), "memory.max", &limit, &err), 0);
	assert_string_equal(limit, "67108864\n");
	if (sk_cgroup_dir(cg, "devices")) {
		_cleanup_free_ char *list = NULL;
		/* what runc 1.1 leaves in devices.list for a config without device rules */
		assert_int_equal(cg_read(sk_cgroup_dir(cg, "devices"), "devices.list", &list, &err),
				 0);
		assert_string_equal(list,
				    "b *:* m\nc *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\n"
				    "c 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\nc 5:2 rwm\nc 10:200 rwm\n"
				    "c 136:* rwm\n");
	}

	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	if (sk_cgroup_enter(cg, child, &err) < 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		fail_msg("%s", err.msg);
	}
	{
		_cleanup_free_ char *procpath = NULL;
		assert_true(asprintf(&procpath, "/proc/%d/cgroup", (int)child) > 0);
		own = slurp(procpath);
		assert_non_null(own);
		assert_non_null(strstr(own, path));
	}
	{
		pid_t *pids = NULL;
		size_t n = 0;
		assert_int_equal(sk_cgroup_pids(cg, &pids, &n, &err), 0);
		assert_int_equal(n, 1);
		assert_int_equal(pids[0], child);
		free(pids);
	}
	{
		bool frozen = false;
		if (sk_cgroup_freeze(cg, true, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(sk_cgroup_is_frozen(cg, &frozen, &err), 0);
		assert_true(frozen);
		assert_int_equal(sk_cgroup_freeze(cg, false, &err), 0);
		assert_int_equal(sk_cgroup_is_frozen(cg, &frozen, &err), 0);
		assert_false(frozen);
	}
	assert_int_equal(sk_cgroup_kill(cg, SIGKILL, &err), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (sk_cgroup_destroy(cg, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < ndirs; i++) {
		if (access(dirs[i], F_OK) == 0)
			fail_msg("%s still exists", dirs[i]);
		free(dirs[i]);
		dirs[i] = NULL;
	}
	sk_cgroup_free(cg);
}

/* A value the host refuses: the error names the file and the value, nothing is left. */
static void test_real_host_rollback(void **state)
{
	struct sk_cgroup *cg = NULL;
	struct sk_err err = {0};
	yajl_val res = json("{\"cpu\":{\"cpus\":\"4095\"}}");
	_cleanup_free_ char *path = NULL, *want = NULL, *probe = NULL;
	enum sk_cgroup_mode mode;
	(void)state;

	if (geteuid() != 0 || getenv("SKIFF_TEST_NO_HOST_CGROUP") ||
	    sk_cgroup_mode_detect(&mode, &err) < 0) {
		sk_err_clear(&err);
		yajl_tree_free(res);
		skip();
	}
	assert_true(asprintf(&path, "/skiff-unit-rb-%d", (int)getpid()) > 0);
	assert_int_equal(sk_cgroup_create(SK_CGM_CGROUPFS, "unit", path, res, &cg, &err), -1);
	yajl_tree_free(res);
	if (err.errnum == EROFS || err.errnum == EACCES || err.errnum == EPERM) {
		sk_err_clear(&err);
		skip();
	}
	assert_true(asprintf(&want, "write 4095 to ") > 0);
	if (!strstr(err.msg, want) || !strstr(err.msg, "cpuset.cpus: "))
		fail_msg("unexpected error: %s", err.msg);
	sk_err_clear(&err);
	assert_true(asprintf(&probe, "/sys/fs/cgroup/%s%s",
			     mode == SK_CGROUP_UNIFIED ? "" : "cpuset", path) > 0);
	assert_int_equal(access(probe, F_OK), -1);
	free(probe);
	assert_true(asprintf(&probe, "/sys/fs/cgroup/%s%s",
			     mode == SK_CGROUP_UNIFIED ? "" : "memory", path) > 0);
	assert_int_equal(access(probe, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_hybrid),
	    cmocka_unit_test(test_detect_unified_legacy),
	    cmocka_unit_test(test_detect_escapes_and_errors),
	    cmocka_unit_test(test_detect_real_host),
	    cmocka_unit_test(test_path_clean),
	    cmocka_unit_test(test_create_hybrid),
	    cmocka_unit_test(test_create_unified),
	    cmocka_unit_test(test_create_paths),
	    cmocka_unit_test(test_create_errors),
	    cmocka_unit_test(test_create_write_error_rollback),
	    cmocka_unit_test(test_managers),
	    cmocka_unit_test(test_v2_conversions),
	    cmocka_unit_test(test_real_host_memory_limit),
	    cmocka_unit_test(test_real_host_rollback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
