/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: the parent side (load the container, build the process, pin the container's init with
 * a pidfd and a /proc/<pid> handle, clone3 into its cgroup, the sync loop, the foreground
 * wait) and the child side (join the namespaces, fork into a pid or time namespace, enter the
 * root, user names, terminal, then process.c). The process setup itself is process.c's.
 *
 *   parent                                   child (a clone of skiff, never re-executed)
 *   clone3 into the v2 cgroup --------------> non-dumpable, waits for GO
 *   writes v1 cgroup.procs, GO ------------> setns(pidfd, the namespaces that differ)
 *                                   <------- PID (forked into the pid/time ns: the process)
 *                                   <------- PTY + master fd (--tty)
 *                                   <------- SECCOMP + notify fd
 *                                   <------- READY, then execve: EOF (ok) or ERROR (failed)
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "caps.h"
#include "cgroup.h"
#include "cleanup.h"
#include "exec.h"
#include "foreground.h"
#include "fs.h"
#include "id.h"
#include "lsm.h"
#include "ns.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "signals.h"
#include "terminal.h"
#include "trampoline.h"
#include "user.h"

struct exec_ctx {
	const struct sk_global *g;
	const struct sk_exec_opts *o;
	int dirfd; /* the state dir, locked until the program runs */
	struct sk_state *st;
	struct sk_spec *spec;
	struct sk_process *own; /* from --process */
	struct sk_process proc; /* what runs: a shallow copy with the CLI overrides */
	char **env;		/* arrays behind those overrides (elements borrowed) */
	gid_t *gids;
	const char *user_names; /* --user with names: resolved in the container */
	struct sk_seccomp *seccomp;
	struct sk_cgroup *cg;
	int cgroup_fd; /* v2 directory to clone into (owned when a sub-cgroup), or -1 */
	bool own_cgroup_fd;
	bool cgroup_placed;	    /* CLONE_INTO_CGROUP took cgroup_fd */
	struct sk_cgroup_self self; /* v1 hierarchies the child enters itself */
	int proc_fd;		    /* the host's procfs */
	int pid_dir;		    /* /proc/<init> */
	int pidfd;		    /* the init, verified against state.json */
	int root_fd;		    /* /proc/<init>/root */
	int ns_fds[SK_NS_MAX];	    /* the init's namespaces that differ from ours */
	int ns_flags;
	bool fork;  /* a pid or time namespace: only children enter it */
	int *holes; /* placeholders that keep skiff's fds out of the --preserve-fds range */
	size_t n_holes;
	int sock, child_sock;
	pid_t child; /* the clone, until it is reaped */
	pid_t pid;   /* the process: the clone or its fork */
	int pty_master;
	int tramp_fd; /* the exec trampoline (trampoline.h) */
	bool paused;  /* --ignore-paused: the process stays frozen until `resume` */
};

static const char *const ns_file[SK_NS_MAX] = {
    [SK_NS_PID] = "pid", [SK_NS_NETWORK] = "net", [SK_NS_MOUNT] = "mnt",     [SK_NS_IPC] = "ipc",
    [SK_NS_UTS] = "uts", [SK_NS_USER] = "user",	  [SK_NS_CGROUP] = "cgroup", [SK_NS_TIME] = "time",
};

static void close_fd(int *fd)
{
	closep(fd);
	*fd = -1;
}

/* ---- the process ---- */

static int env_set(char **env, size_t *n, char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);

	for (size_t i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, klen) && (env[i][klen] == '=' || env[i][klen] == '\0')) {
			env[i] = kv; /* a later value wins */
			return 0;
		}
	}
	env[(*n)++] = kv;
	return 0;
}

static bool parse_id(const char *s, size_t len, uint32_t *ret)
{
	char *end;
	unsigned long v;

	if (len == 0 || len > 10 || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || (size_t)(end - s) != len || v >= UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* --user UID[:GID] sets the ids here (a missing GID keeps the config's, as runc); names are
 * looked up in the container's /etc/passwd and /etc/group by the child. */
static int cli_user(struct exec_ctx *x, struct sk_err *err)
{
	const char *u = x->o->user, *colon;
	uint32_t uid, gid;

	if (!u)
		return 0;
	if (!*u)
		return sk_fail(err, EINVAL, "--user: empty user");
	colon = strchr(u, ':');
	if (parse_id(u, colon ? (size_t)(colon - u) : strlen(u), &uid) &&
	    (!colon || parse_id(colon + 1, strlen(colon + 1), &gid))) {
		x->proc.user.uid = uid;
		if (colon)
			x->proc.user.gid = gid;
		return 0;
	}
	x->user_names = u;
	return 0;
}

static int cli_caps(struct exec_ctx *x, struct sk_err *err)
{
	struct sk_caps *c = &x->proc.caps;

	for (size_t i = 0; i < x->o->n_caps; i++) {
		int cap;
		if (sk_cap_from_name(x->o->caps[i], &cap, err) < 0)
			return sk_wrap(err, "--cap");
		uint64_t bit = UINT64_C(1) << cap;
		/* As runc 1.1: not inheritable (CVE-2022-29162). */
		c->bounding |= bit;
		c->effective |= bit;
		c->permitted |= bit;
		c->ambient |= bit;
		c->present = true;
	}
	return 0;
}

/* The config's process with the command line's changes, as `runc exec` builds it. */
static int cli_process(struct exec_ctx *x, struct sk_err *err)
{
	const struct sk_exec_opts *o = x->o;
	struct sk_process *p = &x->proc;
	size_t n = 0;

	if (!x->spec->process)
		return sk_fail(err, 0, "config.json of the container has no process");
	if (o->n_args == 0)
		return sk_fail(err, EINVAL, "args must not be empty");
	*p = *x->spec->process;
	p->args = o->args;
	p->n_args = o->n_args;
	p->terminal = o->tty;
	x->env = calloc(p->n_env + o->n_env + 1, sizeof(char *));
	x->gids = calloc(p->user.n_additional_gids + o->n_gids + 1, sizeof(gid_t));
	if (!x->env || !x->gids)
		return sk_fail(err, ENOMEM, "exec process");
	for (size_t i = 0; i < p->n_env; i++)
		env_set(x->env, &n, p->env[i]);
	for (size_t i = 0; i < o->n_env; i++)
		env_set(x->env, &n, o->env[i]);
	p->env = x->env;
	p->n_env = n;
	if (o->cwd && o->cwd[0] != '/')
		return sk_fail(err, EINVAL, "--cwd %s: must be an absolute path", o->cwd);
	if (o->cwd)
		p->cwd = (char *)o->cwd;
	if (o->apparmor)
		p->apparmor_profile = (char *)o->apparmor;
	if (o->process_label)
		p->selinux_label = (char *)o->process_label;
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (p->user.n_additional_gids) /* memcpy's pointers must not be NULL, even for 0 bytes */
		memcpy(x->gids, p->user.additional_gids, p->user.n_additional_gids * sizeof(gid_t));
	if (o->n_gids)
		memcpy(x->gids + p->user.n_additional_gids, o->gids, o->n_gids * sizeof(gid_t));
	p->user.additional_gids = x->gids;
	p->user.n_additional_gids += o->n_gids;
	if (cli_user(x, err) < 0 || cli_caps(x, err) < 0)
		return -1;
	return 0;
}

static int build_process(struct exec_ctx *x, struct sk_err *err)
{
	const struct sk_exec_opts *o = x->o;

	if (o->process_path) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		/* Used whole, as runc does: the other process flags do not apply. */
		if (sk_read_file_at(AT_FDCWD, o->process_path, &text, &len, err) < 0 ||
		    sk_process_parse(text, len, o->process_path, &x->own, err) < 0)
			return -1;
		x->proc = *x->own;
	} else if (cli_process(x, err) < 0) {
		return -1;
	}
	if (x->proc.terminal && o->detach && !o->console_socket)
		return sk_fail(err, 0,
			       "cannot allocate tty if skiff will detach without setting "
			       "console socket");
	if (!x->proc.terminal && o->console_socket)
		return sk_fail(err, 0,
			       "cannot use console socket if skiff will not detach or "
			       "allocate tty");
	return 0;
}

/* ---- the container ---- */

static int load_container(struct exec_ctx *x, struct sk_err *err)
{
	const char *id = x->o->id;
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (sk_id_validate(id, err) < 0 || sk_state_dir_open(x->g->root, id, &x->dirfd, err) < 0)
		return -1;
	if (sk_state_read(x->dirfd, &x->st, err) < 0)
		return sk_wrap(err, "container \"%s\"", id);
	switch (sk_state_status(x->st)) {
	case SK_STATUS_CREATED:
	case SK_STATUS_RUNNING:
		break;
	case SK_STATUS_PAUSED:
		if (x->o->ignore_paused) {
			x->paused = true;
			break;
		}
		return sk_fail(err, 0,
			       "cannot exec in a paused container (use --ignore-paused to "
			       "override)");
	default:
		return sk_fail(err, 0, "cannot exec in a stopped container: container not running");
	}
	if (sk_read_file_at(x->dirfd, "config.json", &text, &len, err) < 0 ||
	    sk_spec_parse(text, len, "config.json", &x->spec, err) < 0)
		return sk_wrap(err, "container \"%s\"", id);
	return 0;
}

static int open_ns(struct exec_ctx *x, enum sk_ns_type t, struct sk_err *err)
{
	_cleanup_free_ char *self = NULL, *theirs = NULL;
	struct stat a, b;

	if (asprintf(&self, "self/ns/%s", ns_file[t]) < 0 ||
	    asprintf(&theirs, "ns/%s", ns_file[t]) < 0)
		return sk_fail(err, ENOMEM, "namespaces");
	int fd = openat(x->pid_dir, theirs, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* the kernel has no such namespace */
	if (fd < 0)
		return sk_fail(err, errno, "open %s namespace of the container", ns_file[t]);
	if (fstat(fd, &a) < 0 || fstatat(x->proc_fd, self, &b, 0) < 0) {
		close(fd);
		return sk_fail(err, errno, "stat %s namespace", ns_file[t]);
	}
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		close(fd); /* shared with us: nothing to join */
		return 0;
	}
	x->ns_fds[t] = fd;
	x->ns_flags |= sk_ns_type_clone_flag(t);
	return 0;
}

/* Pins the container's init: a pidfd, and /proc/<pid> and its root opened while the start
 * time still matches state.json, so that a recycled pid cannot redirect us. The host's procfs
 * is verified to be one (it serves "self" for process.c until execve). */
static int open_init(struct exec_ctx *x, struct sk_err *err)
{
	struct statfs sf;
	char pid[16];

	x->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->proc_fd < 0 || fstatfs(x->proc_fd, &sf) < 0)
		return sk_fail(err, errno, "open /proc");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return sk_fail(err, EINVAL, "/proc is not a procfs");
	x->pidfd = (int)syscall(SYS_pidfd_open, x->st->pid, 0);
	if (x->pidfd < 0)
		return sk_fail(err, errno == ESRCH ? 0 : errno, "container not running");
	snprintf(pid, sizeof(pid), "%d", (int)x->st->pid);
	x->pid_dir = openat(x->proc_fd, pid, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->pid_dir < 0 || sk_proc_start_time(x->st->pid) != x->st->pid_start ||
	    syscall(SYS_pidfd_send_signal, x->pidfd, 0, NULL, 0) < 0)
		return sk_fail(err, 0, "container not running");
	x->root_fd = openat(x->pid_dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->root_fd < 0)
		return sk_fail(err, errno, "open the root of the container's process");
	for (int t = 0; t < SK_NS_MAX; t++)
		if (open_ns(x, t, err) < 0)
			return -1;
	x->fork = x->ns_flags & (CLONE_NEWPID | CLONE_NEWTIME);
	return 0;
}

/* ---- cgroups ---- */

static const char *const v1_controllers[] = {
    "cpu",   "cpuacct",	   "cpuset",  "memory", "devices", "freezer", "net_cls",      "net_prio",
    "blkio", "perf_event", "hugetlb", "pids",	"rdma",	   "misc",    "name=systemd",
};

/* --cgroup [CTRL[,CTRL]:]SUB: does SUB apply to controller c ("" for cgroup2)? */
static bool sub_applies(const char *spec, const char *c)
{
	const char *colon = strchr(spec, ':');
	if (!colon)
		return true;
	for (const char *s = spec; s < colon;) {
		size_t len = strcspn(s, ",:");
		if (len == strlen(c) && !strncmp(s, c, len))
			return true;
		s += len + (s[len] == ',');
	}
	return false;
}

static const char *sub_path(const char *spec)
{
	const char *colon = strchr(spec, ':');
	return colon ? colon + 1 : spec;
}

/* The directory of this exec's process in one hierarchy (malloc'ed), NULL with err set. */
static char *target_dir(struct exec_ctx *x, const char *controller, struct sk_err *err)
{
	const char *dir = sk_cgroup_dir(x->cg, controller);
	const char *sub = x->o->cgroup ? sub_path(x->o->cgroup) : NULL;
	char *r;

	if (!sub || !sub_applies(x->o->cgroup, controller))
		r = strdup(dir);
	else
		r = sk_path_join(dir, sub);
	if (!r)
		sk_fail(err, ENOMEM, "cgroup");
	return r;
}

static int prepare_cgroup(struct exec_ctx *x, struct sk_err *err)
{
	const char *sub = x->o->cgroup ? sub_path(x->o->cgroup) : NULL;

	if (!x->st->cgroup) {
		if (sub)
			return sk_fail(err, 0, "--cgroup: the container has no cgroup");
		return 0;
	}
	if (sub && (!*sub || strstr(sub, "..")))
		return sk_fail(err, EINVAL, "--cgroup %s: invalid sub-cgroup path", x->o->cgroup);
	if (sk_cgroup_load(x->st->cgroup, &x->cg, err) < 0)
		return -1;
	x->cgroup_fd = sk_cgroup_v2_fd(x->cg);
	if (!x->o->cgroup && sk_cgroup_self_open(x->cg, &x->self, err) < 0)
		return -1;
	if (sub && x->cgroup_fd >= 0 && sub_applies(x->o->cgroup, "")) {
		_cleanup_free_ char *dir = target_dir(x, "", err);
		if (!dir)
			return -1;
		x->cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (x->cgroup_fd < 0)
			return sk_fail(err, errno, "--cgroup: sub-cgroup %s", dir);
		x->own_cgroup_fd = true;
	}
	return 0;
}

/* Every hierarchy but a cgroup2 one that clone3 already entered (CLONE_INTO_CGROUP). */
static int enter_cgroups(struct exec_ctx *x, pid_t pid, struct sk_err *err)
{
	char buf[16];

	if (!x->cg)
		return 0;
	if (!x->o->cgroup)
		return sk_cgroup_enter_rest(x->cg, pid, &x->self, x->cgroup_placed, err);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i <= sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++) {
		const char *c =
		    i < sizeof(v1_controllers) / sizeof(v1_controllers[0]) ? v1_controllers[i] : "";
		if (!sk_cgroup_dir(x->cg, c))
			continue;
		_cleanup_free_ char *dir = target_dir(x, c, err);
		_cleanup_free_ char *procs = dir ? sk_path_join(dir, "cgroup.procs") : NULL;
		if (!procs)
			return dir ? sk_fail(err, ENOMEM, "cgroup") : -1;
		if (sk_write_file_at(AT_FDCWD, procs, buf, strlen(buf), err) < 0)
			return sk_wrap(err, "enter cgroup");
	}
	return 0;
}

/* ---- the child ---- */

/* setns with a pidfd (5.8+) joins all of them at once, in the kernel's order; older kernels
 * take the namespace fds one by one, user first and mount last. */
static int join_namespaces(struct exec_ctx *x, struct sk_err *err)
{
	if (!x->ns_flags)
		return 0;
	if (setns(x->pidfd, x->ns_flags) == 0)
		return 0;
	if (errno != EINVAL)
		return sk_fail(err, errno, "join the container's namespaces");
	return sk_ns_join_all(x->ns_fds, err);
}

/* setns(pid/time) applies to children only: fork once more. The fork is our parent's child
 * (CLONE_PARENT), so skiff waits for it directly; the clone reports its pid and exits. The
 * fork waits for that report (the pipe closing) before it goes on. */
static int fork_process(struct exec_ctx *x, struct sk_err *err)
{
	struct clone_args a = {.flags = CLONE_PARENT};
	int p[2];
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe");
	pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0 && errno == ENOSYS) /* no clone3 (seccomp profiles hide it) */
		pid = (pid_t)syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, NULL);
	if (pid < 0)
		return sk_fail(err, errno, "fork into the container's pid namespace");
	if (pid == 0) {
		close(p[1]);
		/* Should skiff die before this, the next sync message fails and we exit. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			_exit(1);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		close(p[0]);
		return 0;
	}
	if (sk_sync_send(x->child_sock, SYNC_PID, pid, NULL, -1, err) < 0) {
		kill(pid, SIGKILL);
		_exit(1);
	}
	_exit(0);
}

/* After setns(mnt) the root is the mount namespace's; make sure it is the init's own root
 * (opened before joining), whatever the container did to its mount tree. */
static int enter_root(struct exec_ctx *x, struct sk_err *err)
{
	struct stat want, have;

	if (fstat(x->root_fd, &want) < 0 || stat("/", &have) < 0)
		return sk_fail(err, errno, "stat the container's root");
	if ((want.st_dev != have.st_dev || want.st_ino != have.st_ino) &&
	    (fchdir(x->root_fd) < 0 || chroot(".") < 0))
		return sk_fail(err, errno, "enter the container's root");
	if (chdir("/") < 0)
		return sk_fail(err, errno, "chdir to the container's root");
	return 0;
}

static int resolve_user(struct exec_ctx *x, int root, struct sk_err *err)
{
	struct sk_user *u = &x->proc.user;
	struct sk_resolved_user r = {0};

	if (!x->user_names)
		return 0;
	if (sk_user_resolve(root, x->user_names, &r, err) < 0)
		return -1;
	gid_t *all = calloc(r.n_groups + u->n_additional_gids + 1, sizeof(gid_t));
	if (!all) {
		sk_resolved_user_clear(&r);
		return sk_fail(err, ENOMEM, "user %s", x->user_names);
	}
	if (r.n_groups)
		memcpy(all, r.groups, r.n_groups * sizeof(gid_t));
	if (u->n_additional_gids)
		memcpy(all + r.n_groups, u->additional_gids, u->n_additional_gids * sizeof(gid_t));
	u->uid = r.uid;
	u->gid = r.gid;
	u->additional_gids = all; /* this copy of memory ends at execve */
	u->n_additional_gids += r.n_groups;
	sk_resolved_user_clear(&r);
	return 0;
}

/* The terminal comes from the container's devpts; the master goes to the parent. */
static int open_terminal(struct exec_ctx *x, int root, int *ret_peer, struct sk_err *err)
{
	const struct sk_process *p = &x->proc;
	_cleanup_close_ int ptmx = -1, master = -1;

	ptmx = sk_open_in_root(root, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0, err);
	if (ptmx < 0)
		return sk_wrap(err, "terminal");
	if (sk_pty_open(ptmx, p->has_console_size, p->console_height, p->console_width, &master,
			ret_peer, err) < 0)
		return -1;
	/* Here, not in the parent: the process may write before the parent reads SYNC_PTY. */
	if (!x->o->console_socket && sk_pty_clear_onlcr(master, err) < 0)
		return -1;
	return sk_sync_send(x->child_sock, SYNC_PTY, 0, NULL, master, err);
}

static int child_inside(struct exec_ctx *x, struct sk_proc *s, struct sk_err *err)
{
	_cleanup_close_ int root = -1;

	if (enter_root(x, err) < 0)
		return -1;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return sk_fail(err, errno, "open /");
	if (resolve_user(x, root, err) < 0)
		return -1;
	/* exec does not create a missing cwd (create does). */
	if (chdir(x->proc.cwd) < 0)
		return sk_fail(err, errno, "chdir to cwd (\"%s\") set in config.json failed",
			       x->proc.cwd);
	if (x->proc.terminal && open_terminal(x, root, &s->pty_peer, err) < 0)
		return -1;
	return 0;
}

static int child_setup(struct exec_ctx *x, struct sk_proc *s, struct sk_err *err)
{
	if (sk_sync_expect(x->child_sock, SYNC_GO, NULL, NULL, err) < 0)
		return -1;
	if (join_namespaces(x, err) < 0)
		return -1;
	if (x->fork && fork_process(x, err) < 0)
		return -1;
	if (child_inside(x, s, err) < 0)
		return -1;
	/* Nothing of the host stays open: sk_proc_prepare uses the container's own procfs. */
	close_fd(&x->root_fd);
	close_fd(&x->pid_dir);
	close_fd(&x->proc_fd);
	close_fd(&x->pidfd);
	sk_ns_close_fds(x->ns_fds);
	for (size_t i = 0; i < x->n_holes; i++)
		close(x->holes[i]);
	return sk_proc_prepare(s, err);
}

static int listen_fds(void)
{
	const char *v = getenv("LISTEN_FDS");
	int n = v ? atoi(v) : 0;
	return n > 0 && n < 1024 ? n : 0;
}

_Noreturn static void exec_child(struct exec_ctx *x)
{
	struct sk_err err = {0};
	int lfds = listen_fds();
	struct sk_proc s = {
	    .process = &x->proc,
	    .linux_ = &x->spec->linux_,
	    .userns = x->ns_fds[SK_NS_USER] >= 0,
	    .proc_fd = -1,
	    .seccomp = x->seccomp,
	    .sync_fd = x->child_sock,
	    .id = x->st->id,
	    .n_keep_fds = x->o->preserve_fds + lfds,
	    .listen_fds = lfds,
	    .pty_peer = -1,
	    .foreground = !x->o->detach,
	};

	/* Not dumpable until execve: the container cannot ptrace us or open our /proc files
	 * (CVE-2019-5736); our copy of the state dir fd would hold the lock (shared). Then,
	 * still single-threaded and in our namespaces, into the v1 cgroups by ourselves (an
	 * error waits for GO so that skiff reads it rather than a broken pipe). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		sk_fail(&err, errno, "prctl PR_SET_DUMPABLE");
	else
		sk_cgroup_self_enter(&x->self, &err);
	sk_cgroup_self_close(&x->self);
	if (err.msg) {
		sk_sync_send_error(x->child_sock, &err);
		sk_sync_expect(x->child_sock, SYNC_GO, NULL, NULL, &err);
		_exit(1);
	}
	close(x->dirfd);
	close(x->sock);
	if (sk_signals_reset(&err) < 0 || child_setup(x, &s, &err) < 0) {
		sk_sync_send_error(x->child_sock, &err);
		_exit(1);
	}
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sk_sync_send(x->child_sock, SYNC_READY, 0, NULL, -1, &err) < 0)
		_exit(1);
	sk_trampoline_exec(x->tramp_fd, s.exe, x->proc.args, s.envp);
	sk_fail(&err, errno, "exec %s", s.exe);
	sk_sync_send_error(x->child_sock, &err);
	_exit(127);
}

/* ---- the parent ---- */

/* Fills the holes in fds 3 .. 3+N-1 so that nothing of skiff lands there: those fds reach the
 * program. The child closes the placeholders before the process setup. */
static int reserve_fds(struct exec_ctx *x, int n, struct sk_err *err)
{
	if (n <= 0)
		return 0;
	x->holes = calloc((size_t)n + 3, sizeof(int));
	if (!x->holes)
		return sk_fail(err, ENOMEM, "--preserve-fds");
	for (;;) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return sk_fail(err, errno, "open /dev/null");
		if (fd >= 3 + n || x->n_holes >= (size_t)n + 3) {
			close(fd);
			return 0;
		}
		x->holes[x->n_holes++] = fd;
	}
}

static pid_t clone_child(struct exec_ctx *x)
{
	struct clone_args a = {.exit_signal = SIGCHLD};
	pid_t pid;

	if (x->cgroup_fd >= 0) {
		a.flags = CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)x->cgroup_fd;
	}
	pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	x->cgroup_placed = pid >= 0 && x->cgroup_fd >= 0;
	if (pid < 0 && x->cgroup_fd >= 0 &&
	    (errno == EINVAL || errno == EOPNOTSUPP || errno == EBUSY || errno == ENOSYS ||
	     errno == EBADF)) {
		/* Old kernel: enter_cgroups writes cgroup.procs instead. */
		a.flags = 0;
		pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	}
	if (pid < 0 && errno == ENOSYS)
		pid = fork();
	return pid;
}

static int handle_fd_message(struct exec_ctx *x, enum sk_sync_type type, int fd, struct sk_err *err)
{
	_cleanup_close_ int owned = fd;
	_cleanup_free_ char *json = NULL;

	if (type == SYNC_PTY && !x->o->console_socket) {
		x->pty_master = TAKE_FD(owned);
		return 0;
	}
	if (type == SYNC_PTY)
		return sk_console_socket_send(x->o->console_socket, fd, err);
	if (sk_state_oci_json(x->st, SK_STATUS_RUNNING, &json, err) < 0)
		return -1;
	return sk_seccomp_send_listener(x->seccomp, fd, json, err);
}

/* Answers the child until READY, then learns from the sync socket whether execve worked: EOF
 * (the socket is close-on-exec) or the child's error. */
static int sync_loop(struct exec_ctx *x, struct sk_err *err)
{
	for (;;) {
		enum sk_sync_type type;
		int32_t value;
		int fd = -1;
		if (sk_sync_recv(x->sock, &type, &value, &fd, NULL, err) < 0)
			return -1;
		switch (type) {
		case SYNC_PID:
			waitpid(x->child, NULL, 0);
			x->child = 0;
			x->pid = value;
			break;
		case SYNC_PTY:
		case SYNC_SECCOMP:
			if (handle_fd_message(x, type, fd, err) < 0)
				return -1;
			break;
		case SYNC_READY: {
			char c;
			ssize_t n;
			while ((n = recv(x->sock, &c, 1, MSG_PEEK)) < 0 && errno == EINTR)
				;
			if (n == 0)
				return 0;
			/* execve failed: the child's error follows. */
			if (sk_sync_recv(x->sock, &type, NULL, NULL, NULL, err) < 0)
				return -1;
			return sk_fail(err, EPROTO, "unexpected sync message %s",
				       sk_sync_name(type));
		}
		default:
			if (fd >= 0)
				close(fd);
			return sk_fail(err, EPROTO, "unexpected sync message %s",
				       sk_sync_name(type));
		}
	}
}

static void kill_children(struct exec_ctx *x)
{
	pid_t v[2] = {x->child, x->pid != x->child ? x->pid : 0};
	for (int i = 0; i < 2; i++) {
		if (v[i] > 0) {
			kill(v[i], SIGKILL);
			waitpid(v[i], NULL, 0);
		}
	}
	x->child = x->pid = 0;
}

static int spawn(struct exec_ctx *x, struct sk_err *err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return sk_fail(err, errno, "socketpair");
	x->sock = sv[0];
	x->child_sock = sv[1];
	pid_t pid = clone_child(x);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		exec_child(x);
	}
	close_fd(&x->child_sock);
	if (pid < 0)
		return sk_fail(err, errno, "clone3 the exec process");
	x->child = x->pid = pid;
	if (enter_cgroups(x, pid, err) < 0 ||
	    sk_sync_send(x->sock, SYNC_GO, 0, NULL, -1, err) < 0 || sync_loop(x, err) < 0) {
		kill_children(x);
		return -1;
	}
	return 0;
}

static void ctx_done(struct exec_ctx *x)
{
	close_fd(&x->dirfd);
	sk_state_free(x->st);
	sk_spec_free(x->spec);
	sk_process_free(x->own);
	free(x->env);
	free(x->gids);
	sk_seccomp_free(x->seccomp);
	if (x->own_cgroup_fd)
		close_fd(&x->cgroup_fd);
	sk_cgroup_self_close(&x->self);
	sk_cgroup_free(x->cg);
	close_fd(&x->proc_fd);
	close_fd(&x->pid_dir);
	close_fd(&x->pidfd);
	close_fd(&x->root_fd);
	sk_ns_close_fds(x->ns_fds);
	for (size_t i = 0; i < x->n_holes; i++)
		close(x->holes[i]);
	free(x->holes);
	close_fd(&x->sock);
	close_fd(&x->child_sock);
	close_fd(&x->pty_master);
	close_fd(&x->tramp_fd);
}

static int prepare(struct exec_ctx *x, struct sk_err *err)
{
	if (reserve_fds(x, x->o->preserve_fds + listen_fds(), err) < 0 ||
	    load_container(x, err) < 0 || build_process(x, err) < 0)
		return -1;
	/* Checked and compiled here, before anything runs, so that a bad label or profile
	 * leaves nothing behind. */
	struct sk_lsm_host lsm;
	sk_lsm_host_detect(&lsm);
	if (sk_lsm_validate(&lsm, &x->proc, NULL, err) < 0)
		return -1;
	if (sk_seccomp_prepare(x->spec->linux_.seccomp, &x->seccomp, err) < 0)
		return -1;
	if (open_init(x, err) < 0 || prepare_cgroup(x, err) < 0)
		return -1;
	x->tramp_fd = sk_trampoline_open(err);
	return x->tramp_fd < 0 ? -1 : 0;
}

int sk_container_exec(const struct sk_global *g, const struct sk_exec_opts *o, int *ret_status,
		      struct sk_err *err)
{
	struct exec_ctx x = {.g = g,
			     .o = o,
			     .dirfd = -1,
			     .cgroup_fd = -1,
			     .proc_fd = -1,
			     .pid_dir = -1,
			     .pidfd = -1,
			     .root_fd = -1,
			     .sock = -1,
			     .child_sock = -1,
			     .pty_master = -1,
			     .tramp_fd = -1};
	struct sk_fg fg = {.sigfd = -1};
	int ret = -1;

	*ret_status = 0;
	for (int t = 0; t < SK_NS_MAX; t++)
		x.ns_fds[t] = -1;
	if (prepare(&x, err) < 0)
		goto out;
	/* A frozen process would keep the lock until `resume`, which needs it. */
	if (x.paused)
		close_fd(&x.dirfd);
	if (!o->detach && sk_fg_begin(&fg, err) < 0)
		goto out;
	if (spawn(&x, err) < 0)
		goto out;
	close_fd(&x.dirfd); /* the program runs: other commands may go on */
	if (o->pid_file && sk_pid_file_write(o->pid_file, x.pid, err) < 0) {
		kill_children(&x);
		goto out;
	}
	if (!o->detach && sk_fg_wait(&fg, x.pid, x.pty_master, ret_status, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0 && err->msg)
		sk_wrap(err, "exec failed");
	sk_fg_end(&fg);
	ctx_done(&x);
	return ret;
}
