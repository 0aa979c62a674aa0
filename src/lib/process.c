/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process setup inside the container, shared by create and exec. The order matters: what
 * needs privileges (oom score, rlimits, keyring, cwd creation) comes before the uid switch and
 * the capability drop, and the seccomp filter comes last so that it only constrains the
 * user's program. Without no_new_privs a filter needs CAP_SYS_ADMIN, kept until then.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "caps.h"
#include "cleanup.h"
#include "fs.h"
#include "lsm.h"
#include "process.h"
#include "rlimit.h"
#include "sync.h"
#include "terminal.h"
#include "user.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int write_proc_self(struct sk_proc *s, const char *file, const char *val, struct sk_err *err)
{
	_cleanup_free_ char *path = NULL;
	if (s->proc_fd < 0)
		return sk_fail(err, ENOENT, "write %s: the container has no /proc", file);
	if (asprintf(&path, "%d/%s", (int)getpid(), file) < 0)
		return sk_fail(err, ENOMEM, "write %s", file);
	_cleanup_close_ int fd = sk_procfs_openat(s->proc_fd, path, O_WRONLY, err);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) < 0)
		return sk_fail(err, errno, "write %s to /proc/%s", val, path);
	return 0;
}

/* Attributes that need privileges we drop later: oom score, rlimits, scheduling, keyring. */
static int setup_attributes(struct sk_proc *s, struct sk_err *err)
{
	const struct sk_process *p = s->process;
	const struct sk_linux *l = s->linux_;

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
	if (p->has_io_priority && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
					  (p->io_priority_class << 13) | p->io_priority) < 0)
		return sk_fail(err, errno, "set I/O priority");
	if (p->has_scheduler) {
		struct {
			uint32_t size, policy;
			uint64_t flags;
			int32_t nice;
			uint32_t priority;
			uint64_t runtime, deadline, period;
		} attr = {48,
			  (uint32_t)p->sched_policy,
			  p->sched_flags,
			  p->sched_nice,
			  (uint32_t)p->sched_priority,
			  p->sched_runtime,
			  p->sched_deadline,
			  p->sched_period};
		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			return sk_fail(err, errno, "sched_setattr policy %d", p->sched_policy);
	}
	if (!s->no_new_keyring) {
		_cleanup_free_ char *name = NULL;
		if (asprintf(&name, "_ses.%s", s->id) < 0)
			return sk_fail(err, ENOMEM, "session keyring");
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
			return sk_fail(err, errno, "join a new session keyring");
	}
	return 0;
}

/* The working directory must exist (created as root if missing, as runc does) and be inside
 * the container: a cwd reached through a leaked fd shows up as "(unreachable)/..." from the
 * getcwd syscall (CVE-2024-21626). The buffer must hold the whole path: a short one gives
 * ERANGE for exactly the long host paths the check is for. */
static int setup_cwd(const char *cwd, struct sk_err *err)
{
	_cleanup_free_ char *buf = NULL;

	if (chdir(cwd) < 0) {
		if (errno != ENOENT)
			return sk_fail(err, errno, "chdir to cwd %s", cwd);
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int dir = root < 0 ? -1 : sk_mkdir_in_root(root, cwd, 0755, err);
		if (root < 0)
			return sk_fail(err, errno, "open /");
		if (dir < 0 || fchdir(dir) < 0)
			return dir < 0 ? sk_wrap(err, "create cwd")
				       : sk_fail(err, errno, "chdir %s", cwd);
	}
	buf = malloc(PATH_MAX);
	if (!buf)
		return sk_fail(err, ENOMEM, "cwd %s", cwd);
	/* The raw syscall: glibc's getcwd would fall back to walking ".." on ENAMETOOLONG. */
	if (syscall(SYS_getcwd, buf, PATH_MAX) < 0)
		return sk_fail(err, errno, "cwd %s is not inside the container", cwd);
	if (buf[0] != '/')
		return sk_fail(err, EPERM, "cwd %s is not inside the container", cwd);
	return 0;
}

/* Capabilities survive the uid switch in the permitted set (KEEPCAPS); the effective set is
 * refilled from it so that the final sets can be applied, bounding set included. */
static int restore_effective(struct sk_err *err)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return sk_fail(err, errno, "capget");
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	if (syscall(SYS_capset, &h, d) < 0)
		return sk_fail(err, errno, "capset");
	return 0;
}

/*
 * Hands the process's stdio (or the terminal that becomes it) to its user, the group kept, as
 * runc does: a non-root user must be able to use its console and reopen /dev/stdout
 * (/proc/self/fd/1), which a pipe or pty owned by root forbids. /dev/null is never touched
 * (runc issue 3674). Errors that only say "cannot, here" (an owner or group not mapped in
 * the user namespace, a read-only /dev) leave the fd as it is.
 */
static int fix_stdio_owner(const struct sk_proc *s, struct sk_err *err)
{
	uid_t uid = s->process->user.uid;
	int fds[3] = {0, 1, 2}, n = 3;

	if (s->pty_peer >= 0) {
		fds[0] = s->pty_peer;
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (fstat(fds[i], &st) < 0) {
			if (errno == EBADF)
				continue;
			return sk_fail(err, errno, "stat fd %d", fds[i]);
		}
		if (st.st_uid == uid || (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
			continue;
		/* In the foreground only pipes and sockets: a file or terminal of the caller's
		 * must not change hands on the host (`skiff exec -u 1000 ID cmd >>/root/log`
		 * from a shell; runc puts pipes in between there). Detached, as runc: the fds
		 * were handed over for the container's use. */
		if (s->foreground && s->pty_peer < 0 && !S_ISFIFO(st.st_mode) &&
		    !S_ISSOCK(st.st_mode))
			continue;
		if (fchown(fds[i], uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM &&
		    errno != EROFS)
			return sk_fail(err, errno, "chown stdio fd %d to uid %u", fds[i], uid);
	}
	return 0;
}

static int setup_user(struct sk_proc *s, struct sk_err *err)
{
	const struct sk_process *p = s->process;
	const struct sk_user *u = &p->user;
	bool userns = s->userns;
	char setgroups_val[16] = "allow";

	if (userns) {
		/* setgroups is refused where the user namespace has setgroups "deny". */
		char path[32];
		snprintf(path, sizeof(path), "%d/setgroups", (int)getpid());
		_cleanup_close_ int fd =
		    s->proc_fd < 0 ? -1 : openat(s->proc_fd, path, O_RDONLY | O_CLOEXEC);
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
	if (s->seccomp && !p->no_new_privileges) {
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

/* The slot of envp[0..n) whose name is that of var ("NAME=..."), or n. */
static size_t env_slot(char **envp, size_t n, const char *var)
{
	size_t len = strcspn(var, "=");

	for (size_t i = 0; i < n; i++)
		if (!strncmp(envp[i], var, len) && (envp[i][len] == '=' || envp[i][len] == '\0'))
			return i;
	return n;
}

/*
 * process.env with each name once, the last value winning in the first one's place, and an
 * unset or empty HOME taken from the user's passwd entry: what runc does, and what images
 * built by Docker rely on ("HOME=" in an image config means "the user's home").
 */
static int build_env(struct sk_proc *s, struct sk_err *err)
{
	const struct sk_process *p = s->process;
	char **envp = calloc(p->n_env + 4, sizeof(char *));
	size_t n = 0, home;

	if (!envp)
		return sk_fail(err, ENOMEM, "environment");
	s->envp = envp;
	for (size_t i = 0; i < p->n_env; i++) {
		size_t at = env_slot(envp, n, p->env[i]);
		envp[at] = p->env[i];
		if (at == n)
			n++;
	}
	home = env_slot(envp, n, "HOME=");
	if (home == n || !strchr(envp[home], '=') || strchr(envp[home], '=')[1] == '\0') {
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_free_ char *dir = NULL;
		if (root >= 0 && sk_user_home(root, p->user.uid, &dir, err) < 0)
			sk_err_clear(err);
		if (asprintf(&envp[home], "HOME=%s", dir ? dir : "/") < 0)
			return sk_fail(err, ENOMEM, "environment");
		if (home == n)
			n++;
	}
	if (s->listen_fds > 0) {
		if (asprintf(&envp[n++], "LISTEN_FDS=%d", s->listen_fds) < 0 ||
		    !(envp[n++] = strdup("LISTEN_PID=1")))
			return sk_fail(err, ENOMEM, "environment");
	}
	return 0;
}

/* args[0] without a slash is looked up in the container's PATH, before READY, so that a
 * missing program fails `create` rather than the container. */
static int resolve_exe(struct sk_proc *s, struct sk_err *err)
{
	const char *arg0 = s->process->args[0];
	const char *path = env_get(s->envp, "PATH");

	if (strchr(arg0, '/')) {
		struct stat st;
		if (access(arg0, X_OK) < 0)
			return sk_fail(err, errno, "exec %s", arg0);
		/* A directory passes access(X_OK): execve would refuse it (EACCES) only once the
		 * container was started. runc's create fails; podman then says 126, not 127. */
		if (stat(arg0, &st) < 0)
			return sk_fail(err, errno, "exec %s", arg0);
		if (!S_ISREG(st.st_mode))
			return sk_fail(err, EACCES, "exec %s", arg0);
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
		if (cand && stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0) {
			s->exe = TAKE_PTR(cand);
			return 0;
		}
	}
	sk_fail(err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
	err->errnum = ENOENT; /* runc's text, which has no strerror after it */
	return -1;
}

static int keep_fds(const struct sk_proc *c, struct sk_err *err)
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
static int finish_security(struct sk_proc *s, struct sk_err *err)
{
	const struct sk_process *p = s->process;
	int notify_fd = -1;

	if (!s->seccomp)
		return 0;
	if (sk_seccomp_load(s->seccomp, &notify_fd, err) < 0)
		return -1;
	if (notify_fd >= 0) {
		int r = sk_sync_send(s->sync_fd, SYNC_SECCOMP, 0, NULL, notify_fd, err);
		close(notify_fd);
		if (r < 0)
			return -1;
	}
	if (!p->no_new_privileges && sk_caps_apply(&p->caps, err) < 0)
		return sk_wrap(err, "drop CAP_SYS_ADMIN after loading the seccomp filter");
	return 0;
}

int sk_proc_prepare(struct sk_proc *s, struct sk_err *err)
{
	const struct sk_process *p = s->process;

	/* The container's own procfs (we are inside its root): a container without /proc gets
	 * no /proc writes (oomScoreAdj, LSM labels then fail clearly). */
	s->proc_fd = sk_procfs_open(err);
	if (s->proc_fd < 0)
		sk_err_clear(err);
	/* Above the fds passed on, so that it can never take one of their slots. */
	if (s->proc_fd >= 0 && s->proc_fd < 3 + s->n_keep_fds) {
		int high = fcntl(s->proc_fd, F_DUPFD_CLOEXEC, 3 + s->n_keep_fds);
		close(s->proc_fd);
		s->proc_fd = high;
		if (high < 0)
			return sk_fail(err, errno, "move the procfs fd");
	}

	if (setup_attributes(s, err) < 0 || setup_cwd(p->cwd, err) < 0 || build_env(s, err) < 0)
		return -1;
	if (resolve_exe(s, err) < 0 || fix_stdio_owner(s, err) < 0 || setup_user(s, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sk_fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	if (sk_lsm_apply_exec(s->proc_fd, p, err) < 0)
		return -1;
	/* With a terminal or without, the process leads its own session, as with runc: it leaves
	 * the caller's (conmon's, a shell's) process group and controlling terminal, so a ^C
	 * meant for a foreground `run` or a signal to the caller's group does not reach it. */
	if (s->pty_peer >= 0) {
		if (sk_pty_make_controlling(s->pty_peer, err) < 0)
			return -1;
	} else if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid())) {
		return sk_fail(err, errno, "setsid");
	}
	/* Only the setup needed the procfs: the waiting process keeps no fd of it. */
	if (s->proc_fd >= 0) {
		close(s->proc_fd);
		s->proc_fd = -1;
	}
	/* fd hygiene before the filter, which may not allow close_range (older profiles). */
	if (keep_fds(s, err) < 0)
		return -1;
	return finish_security(s, err);
}
