/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container process. Runs single-threaded in a clone of the runtime (no re-exec, so no
 * copy of the skiff binary is reachable: CVE-2019-5736), non-dumpable until execve. Each step
 * returns an error that goes to the parent over the sync socket; the process then exits.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "caps.h"
#include "child.h"
#include "cleanup.h"
#include "fs.h"
#include "hooks.h"
#include "lsm.h"
#include "ns.h"
#include "rlimit.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"
#include "user.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct child_state {
	struct sk_child_ctx *c;
	struct sk_rootfs rootfs;
	int proc_fd;	  /* the runtime's procfs, opened before pivot_root */
	int pty_peer;	  /* terminal peer, or -1 */
	char *state_json; /* from the parent: the state for createContainer, a newline, and the
			     state for startContainer */
	char *exe;	  /* resolved args[0] */
	char **envp;
};

/* Stage path: join the namespaces given by path, unshare the new ones, and fork when the
 * pid or time namespace only applies to children. The forked init goes on; the stage exits. */
static int stage_namespaces(struct child_state *s, struct sk_err *err)
{
	struct sk_child_ctx *c = s->c;
	const struct sk_linux *l = &c->spec->linux_;

	if (sk_ns_join_all(c->ns_fds, err) < 0)
		return -1;
	if (c->unshare_flags && unshare(c->unshare_flags) < 0)
		return sk_fail(err, errno, "unshare namespaces (flags %#x)", c->unshare_flags);
	if (c->unshare_flags & CLONE_NEWUSER) {
		if (sk_sync_send(c->sync_fd, SYNC_USERNS_READY, 0, NULL, -1, err) < 0 ||
		    sk_sync_expect(c->sync_fd, SYNC_USERNS_DONE, NULL, NULL, err) < 0)
			return -1;
	}
	if ((c->unshare_flags & CLONE_NEWTIME) &&
	    sk_ns_write_time_offsets(getpid(), l, err) < 0)
		return -1;
	if (!(c->unshare_flags & (CLONE_NEWPID | CLONE_NEWTIME)) && c->ns_fds[SK_NS_PID] < 0 &&
	    c->ns_fds[SK_NS_TIME] < 0)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return sk_fail(err, errno, "fork the container process");
	if (pid > 0) {
		/* The parent learns the init's pid from us (same pid namespace as ours). */
		int rc = sk_sync_send(c->sync_fd, SYNC_PID, pid, NULL, -1, err) < 0;
		_exit(rc);
	}
	return 0;
}

static int become_root_in_userns(struct sk_err *err)
{
	if (setresgid(0, 0, 0) < 0)
		return sk_fail(err, errno, "setgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return sk_fail(err, errno, "setuid 0 in the user namespace");
	return 0;
}

static int setup_terminal(struct child_state *s, struct sk_err *err)
{
	const struct sk_process *p = s->c->spec->process;
	_cleanup_close_ int ptmx = sk_open_in_root(s->rootfs.root_fd, "/dev/pts/ptmx",
						   O_RDWR | O_NOCTTY, 0, err);
	_cleanup_close_ int master = -1, console = -1;
	char src[32];

	if (ptmx < 0)
		return sk_wrap(err, "terminal");
	if (sk_pty_open(ptmx, p->has_console_size, p->console_height, p->console_width, &master,
			&s->pty_peer, err) < 0)
		return -1;
	console = sk_mkfile_in_root(s->rootfs.root_fd, "/dev/console", 0600, err);
	if (console < 0)
		return -1;
	if (mount(sk_fd_path(s->pty_peer, src), sk_fd_path(console, (char[32]){ 0 }), NULL,
		  MS_BIND, NULL) < 0)
		return sk_fail(err, errno, "bind mount the console on /dev/console");
	return sk_sync_send(s->c->sync_fd, SYNC_PTY, 0, NULL, master, err);
}

static int run_container_hooks(struct child_state *s, enum sk_hook_kind kind, struct sk_err *err)
{
	const struct sk_hook_list *l = &s->c->spec->hooks[kind];
	char *json = s->state_json ? s->state_json : "{}";
	char *nl = strchr(json, '\n');

	if (l->n == 0)
		return 0;
	if (nl) {
		*nl = '\0';
		if (kind == SK_HOOK_START_CONTAINER)
			json = nl + 1;
	}
	int r = sk_hooks_run(l, kind, json, err);
	if (nl)
		*nl = '\n';
	return r;
}

static int setup_rootfs(struct child_state *s, struct sk_err *err)
{
	struct sk_child_ctx *c = s->c;
	const struct sk_spec *spec = c->spec;

	if (chdir(c->bundle) < 0) /* relative bind sources are relative to the bundle */
		return sk_fail(err, errno, "chdir to bundle %s", c->bundle);
	if (sk_rootfs_prepare(&s->rootfs, err) < 0)
		return -1;
	if (spec->process->terminal && setup_terminal(s, err) < 0)
		return -1;
	if (c->hooks) {
		/* The parent runs prestart and createRuntime now, and sends the state JSON. */
		if (sk_sync_send(c->sync_fd, SYNC_HOOKS, 0, NULL, -1, err) < 0 ||
		    sk_sync_expect_text(c->sync_fd, SYNC_HOOKS_DONE, &s->state_json, err) < 0)
			return -1;
		if (run_container_hooks(s, SK_HOOK_CREATE_CONTAINER, err) < 0)
			return -1;
	}
	if (sk_rootfs_protect(&s->rootfs, err) < 0)
		return -1;
	s->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->proc_fd < 0)
		return sk_fail(err, errno, "open /proc");
	return sk_rootfs_pivot(&s->rootfs, c->no_pivot, err);
}

static int write_proc_self(struct child_state *s, const char *file, const char *val,
			   struct sk_err *err)
{
	_cleanup_free_ char *path = NULL;
	if (asprintf(&path, "self/%s", file) < 0)
		return sk_fail(err, ENOMEM, "write %s", file);
	return sk_write_file_at(s->proc_fd, path, val, strlen(val), err);
}

/* Attributes that need privileges we drop later: oom score, rlimits, scheduling, keyring. */
static int setup_attributes(struct child_state *s, struct sk_err *err)
{
	const struct sk_process *p = s->c->spec->process;
	const struct sk_linux *l = &s->c->spec->linux_;

	if (p->has_oom_score_adj) {
		char v[16];
		snprintf(v, sizeof(v), "%d", p->oom_score_adj);
		if (write_proc_self(s, "oom_score_adj", v, err) < 0)
			return -1;
	}
	if (sk_rlimits_apply(p->rlimits, p->n_rlimits, err) < 0)
		return -1;
	if (l->has_personality && personality(l->personality) < 0)
		return sk_fail(err, errno, "personality %#lx", l->personality);
	if (p->has_io_priority &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
		    (p->io_priority_class << 13) | p->io_priority) < 0)
		return sk_fail(err, errno, "set I/O priority");
	if (p->has_scheduler) {
		struct {
			uint32_t size, policy;
			uint64_t flags;
			int32_t nice;
			uint32_t priority;
			uint64_t runtime, deadline, period;
		} attr = { 48, (uint32_t)p->sched_policy, p->sched_flags, p->sched_nice,
			   (uint32_t)p->sched_priority, p->sched_runtime, p->sched_deadline,
			   p->sched_period };
		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			return sk_fail(err, errno, "sched_setattr policy %d", p->sched_policy);
	}
	if (!s->c->no_new_keyring) {
		_cleanup_free_ char *name = NULL;
		if (asprintf(&name, "_ses.%s", s->c->id) < 0)
			return sk_fail(err, ENOMEM, "session keyring");
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
			return sk_fail(err, errno, "join a new session keyring");
	}
	return 0;
}

/* The working directory must exist (created as root if missing, as runc does) and be inside
 * the container: a cwd reached through a leaked fd shows up as "(unreachable)" in getcwd
 * (CVE-2024-21626). */
static int setup_cwd(const char *cwd, struct sk_err *err)
{
	char buf[16];

	if (chdir(cwd) < 0) {
		if (errno != ENOENT)
			return sk_fail(err, errno, "chdir to cwd %s", cwd);
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int dir = root < 0 ? -1 : sk_mkdir_in_root(root, cwd, 0755, err);
		if (root < 0)
			return sk_fail(err, errno, "open /");
		if (dir < 0 || fchdir(dir) < 0)
			return dir < 0 ? sk_wrap(err, "create cwd") : sk_fail(err, errno, "chdir %s", cwd);
	}
	if (!getcwd(buf, sizeof(buf)) && errno != ERANGE)
		return sk_fail(err, errno, "cwd %s is not inside the container", cwd);
	if (getcwd(buf, sizeof(buf)) && buf[0] != '/')
		return sk_fail(err, EPERM, "cwd %s is not inside the container", cwd);
	return 0;
}

/* Capabilities survive the uid switch in the permitted set (KEEPCAPS); the effective set is
 * refilled from it so that the final sets can be applied, bounding set included. */
static int restore_effective(struct sk_err *err)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return sk_fail(err, errno, "capget");
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	if (syscall(SYS_capset, &h, d) < 0)
		return sk_fail(err, errno, "capset");
	return 0;
}

static int setup_user(struct child_state *s, struct sk_err *err)
{
	const struct sk_process *p = s->c->spec->process;
	const struct sk_user *u = &p->user;
	bool userns = s->c->spec->linux_.ns[SK_NS_USER].present;
	char setgroups_val[16] = "allow";

	if (userns) {
		/* setgroups is refused where the user namespace has setgroups "deny". */
		_cleanup_close_ int fd = openat(s->proc_fd, "self/setgroups", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, setgroups_val, sizeof(setgroups_val) - 1);
		if (n > 0)
			setgroups_val[n] = '\0';
	}
	if (strncmp(setgroups_val, "deny", 4) &&
	    setgroups(u->n_additional_gids, u->additional_gids) < 0)
		return sk_fail(err, errno, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return sk_fail(err, errno, "setgid %u", u->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return sk_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return sk_fail(err, errno, "setuid %u", u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return sk_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	struct sk_caps caps = p->caps;
	if (s->c->seccomp && !p->no_new_privileges) {
		/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: keep it until the
		 * filter is in, so that the filter can come last (finish_security drops it). */
		caps.effective |= UINT64_C(1) << CAP_SYS_ADMIN;
		caps.permitted |= UINT64_C(1) << CAP_SYS_ADMIN;
	}
	if (restore_effective(err) < 0 || sk_caps_apply(&caps, err) < 0)
		return -1;
	umask(u->has_umask ? u->umask : 0022);
	return 0;
}

static const char *env_get(char **envp, const char *key)
{
	size_t len = strlen(key);
	for (char **e = envp; e && *e; e++)
		if (!strncmp(*e, key, len) && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static int build_env(struct child_state *s, struct sk_err *err)
{
	const struct sk_process *p = s->c->spec->process;
	size_t n = p->n_env;
	char **envp = calloc(n + 4, sizeof(char *));

	if (!envp)
		return sk_fail(err, ENOMEM, "environment");
	s->envp = envp;
	for (size_t i = 0; i < n; i++)
		envp[i] = p->env[i];
	if (!env_get(envp, "HOME")) {
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_free_ char *home = NULL;
		if (root >= 0 && sk_user_home(root, p->user.uid, &home, err) < 0)
			sk_err_clear(err);
		if (asprintf(&envp[n++], "HOME=%s", home ? home : "/") < 0)
			return sk_fail(err, ENOMEM, "environment");
	}
	if (s->c->listen_fds > 0) {
		if (asprintf(&envp[n++], "LISTEN_FDS=%d", s->c->listen_fds) < 0 ||
		    !(envp[n++] = strdup("LISTEN_PID=1")))
			return sk_fail(err, ENOMEM, "environment");
	}
	return 0;
}

/* args[0] without a slash is looked up in the container's PATH, before READY, so that a
 * missing program fails `create` rather than the container. */
static int resolve_exe(struct child_state *s, struct sk_err *err)
{
	const char *arg0 = s->c->spec->process->args[0];
	const char *path = env_get(s->envp, "PATH");

	if (strchr(arg0, '/')) {
		if (access(arg0, X_OK) < 0)
			return sk_fail(err, errno, "exec %s", arg0);
		s->exe = strdup(arg0);
		return s->exe ? 0 : sk_fail(err, ENOMEM, "exec %s", arg0);
	}
	_cleanup_free_ char *dirs = strdup(path ? path : DEFAULT_PATH);
	char *save = NULL;
	if (!dirs)
		return sk_fail(err, ENOMEM, "exec %s", arg0);
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = sk_path_join(*d ? d : ".", arg0);
		struct stat st;
		if (cand && stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			s->exe = TAKE_PTR(cand);
			return 0;
		}
	}
	return sk_fail(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

/* Blocks until `start` opens exec.fifo for reading, runs the startContainer hooks, and tells
 * `start` the outcome through the fifo: "0", or "1" and the error text. */
static int wait_for_start(struct child_state *s, struct sk_err *err)
{
	char path[32];
	snprintf(path, sizeof(path), "self/fd/%d", s->c->fifo_fd);
	_cleanup_close_ int fd = openat(s->proc_fd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sk_fail(err, errno, "open exec.fifo");
	if (run_container_hooks(s, SK_HOOK_START_CONTAINER, err) < 0) {
		dprintf(fd, "1%s", err->msg ? err->msg : "startContainer hook failed");
		return -1;
	}
	if (write(fd, "0", 1) != 1)
		return sk_fail(err, errno, "write exec.fifo");
	return 0;
}

static int keep_fds(const struct sk_child_ctx *c, struct sk_err *err)
{
	for (int fd = 3; fd < 3 + c->n_keep_fds; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return sk_fail(err, errno, "keep fd %d", fd);
	}
	/* Everything else is closed by execve, whatever its flags were (CVE-2024-21626). */
	if (syscall(SYS_close_range, 3 + c->n_keep_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return sk_fail(err, errno, "close_range");
	return 0;
}

/* The seccomp filter goes in last, so that it constrains only the user's program (and the
 * few calls between here and execve); the notify fd goes to the parent. */
static int finish_security(struct child_state *s, struct sk_err *err)
{
	const struct sk_process *p = s->c->spec->process;
	int notify_fd = -1;

	if (!s->c->seccomp)
		return 0;
	if (sk_seccomp_load(s->c->seccomp, &notify_fd, err) < 0)
		return -1;
	if (notify_fd >= 0) {
		int r = sk_sync_send(s->c->sync_fd, SYNC_SECCOMP, 0, NULL, notify_fd, err);
		close(notify_fd);
		if (r < 0)
			return -1;
	}
	if (!p->no_new_privileges && sk_caps_apply(&p->caps, err) < 0)
		return sk_wrap(err, "drop CAP_SYS_ADMIN after loading the seccomp filter");
	return 0;
}

static int child_setup(struct child_state *s, struct sk_err *err)
{
	struct sk_child_ctx *c = s->c;
	const struct sk_spec *spec = c->spec;

	if (sk_sync_expect(c->sync_fd, SYNC_GO, NULL, NULL, err) < 0)
		return -1;
	if (c->stage && stage_namespaces(s, err) < 0)
		return -1;
	if (c->cgroupns_unshare && unshare(CLONE_NEWCGROUP) < 0)
		return sk_fail(err, errno, "unshare the cgroup namespace");
	if (spec->linux_.ns[SK_NS_USER].present && become_root_in_userns(err) < 0)
		return -1;
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return sk_fail(err, errno, "sethostname %s", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return sk_fail(err, errno, "setdomainname %s", spec->domainname);
	if (setup_rootfs(s, err) < 0 || setup_attributes(s, err) < 0)
		return -1;
	if (setup_cwd(spec->process->cwd, err) < 0 || build_env(s, err) < 0)
		return -1;
	if (resolve_exe(s, err) < 0 || setup_user(s, err) < 0)
		return -1;
	if (spec->process->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sk_fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	if (sk_lsm_apply_exec(s->proc_fd, spec->process, err) < 0 || finish_security(s, err) < 0)
		return -1;
	if (s->pty_peer >= 0 && sk_pty_make_controlling(s->pty_peer, err) < 0)
		return -1;
	return keep_fds(c, err);
}

_Noreturn void sk_child_main(struct sk_child_ctx *c)
{
	struct child_state s = { .c = c, .proc_fd = -1, .pty_peer = -1 };
	struct sk_err err = { 0 };

	s.rootfs = (struct sk_rootfs){ .spec = c->spec, .path = c->rootfs, .root_fd = -1,
				       .userns = c->spec->linux_.ns[SK_NS_USER].present,
				       .cgroupns = c->spec->linux_.ns[SK_NS_CGROUP].present,
				       .netns = c->spec->linux_.ns[SK_NS_NETWORK].present };
	sigset_t none;

	/* `run` blocks signals to forward them; the container starts with none blocked. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	umask(0);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		sk_fail(&err, errno, "prctl PR_SET_DUMPABLE");
		goto fail;
	}
	if (child_setup(&s, &err) < 0)
		goto fail;
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sk_sync_send(c->sync_fd, SYNC_READY, 0, NULL, -1, &err) < 0)
		_exit(1);
	close(c->sync_fd);
	if (wait_for_start(&s, &err) < 0)
		_exit(1); /* `start` reports the error */
	execve(s.exe, c->spec->process->args, s.envp);
	sk_fail(&err, errno, "exec %s", s.exe);
	/* After READY only the container's stderr is left to tell. */
	dprintf(2, "skiff: %s\n", err.msg ? err.msg : "container start failed");
	_exit(127);
fail:
	sk_sync_send_error(c->sync_fd, &err);
	_exit(1);
}
