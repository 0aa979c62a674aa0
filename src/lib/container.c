/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lifecycle verbs: what create, start, run, state, kill and delete do to a container, on
 * top of the state directory (state.c), the cgroup (cgroup.c) and the spawn (spawn.c). Every
 * verb takes the per-id lock for its whole duration; create undoes everything on failure.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "foreground.h"
#include "fs.h"
#include "hooks.h"
#include "id.h"
#include "lsm.h"
#include "seccomp.h"
#include "spawn.h"
#include "spec.h"
#include "state.h"

int sk_pid_file_write(const char *path, pid_t pid, struct sk_err *err)
{
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int dfd = -1;
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (!dir)
		return sk_fail(err, ENOMEM, "pid file %s", path);
	char *slash = strrchr(dir, '/');
	const char *name = slash ? slash + 1 : dir;
	if (slash)
		*slash = '\0';
	dfd = open(slash ? (dir[0] ? dir : "/") : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return sk_fail(err, errno, "pid file %s: open directory", path);
	if (sk_write_file_atomic(dfd, name, buf, (size_t)n, 0644, err) < 0)
		return sk_wrap(err, "pid file %s", path);
	return 0;
}

/* Loads the copy of config.json that create saved in the state directory. */
static int load_saved_spec(int dirfd, struct sk_spec **ret, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (sk_read_file_at(dirfd, "config.json", &text, &len, err) < 0)
		return -1;
	return sk_spec_parse(text, len, "config.json", ret, err);
}

/* Whether the container has a pid namespace of its own (true when the config cannot be read:
 * the narrower signal is the safe guess). */
static bool own_pid_ns(int dirfd)
{
	_cleanup_(sk_spec_freep) struct sk_spec *spec = NULL;
	struct sk_err err = {0};
	const struct sk_namespace *ns;

	if (load_saved_spec(dirfd, &spec, &err) < 0) {
		sk_err_clear(&err);
		return true;
	}
	ns = &spec->linux_.ns[SK_NS_PID];
	return ns->present && !ns->path;
}

static int open_container(const struct sk_global *g, const char *id, int *ret_dirfd,
			  struct sk_state **ret_st, struct sk_err *err)
{
	if (sk_id_validate(id, err) < 0)
		return -1;
	if (sk_state_dir_open(g->root, id, ret_dirfd, err) < 0)
		return -1;
	if (sk_state_read(*ret_dirfd, ret_st, err) < 0) {
		closep(ret_dirfd);
		*ret_dirfd = -1;
		return sk_wrap(err, "container \"%s\"", id);
	}
	return 0;
}

struct create_ctx {
	char *bundle;
	char *config_text;
	size_t config_len;
	struct sk_spec *spec;
	struct sk_state st;
	struct sk_cgroup *cg;
	struct sk_seccomp *seccomp;
	int dirfd;
	bool dir_created;
	bool spawned; /* the container process was (being) set up: poststop hooks are due */
};

static void create_ctx_done(struct create_ctx *cc)
{
	free(cc->bundle);
	free(cc->config_text);
	sk_spec_free(cc->spec);
	free(cc->st.rootfs);
	free(cc->st.created);
	free(cc->st.cgroup);
	sk_cgroup_free(cc->cg);
	sk_seccomp_free(cc->seccomp);
	closep(&cc->dirfd);
}

/* Checks across fields that the parser cannot make on one field alone (runc makes the same). */
static int validate_spec(const struct sk_spec *spec, struct sk_err *err)
{
	const struct sk_linux *l = &spec->linux_;
	bool new_userns = l->ns[SK_NS_USER].present && !l->ns[SK_NS_USER].path;

	if (!l->ns[SK_NS_MOUNT].present)
		return sk_fail(err, 0,
			       "config.json: .linux.namespaces: a mount namespace is required");
	if ((l->n_uid_mappings || l->n_gid_mappings) && !new_userns)
		return sk_fail(err, 0,
			       "config.json: .linux.uidMappings: id mappings need a new user "
			       "namespace in .linux.namespaces");
	if (new_userns && (!l->n_uid_mappings || !l->n_gid_mappings))
		return sk_fail(err, 0,
			       "config.json: .linux.%s: a new user namespace needs uid and "
			       "gid mappings",
			       l->n_uid_mappings ? "gidMappings" : "uidMappings");
	if ((l->time_boottime.present || l->time_monotonic.present) &&
	    !(l->ns[SK_NS_TIME].present && !l->ns[SK_NS_TIME].path))
		return sk_fail(err, 0,
			       "config.json: .linux.timeOffsets: needs a new time namespace");
	if (spec->hostname && !l->ns[SK_NS_UTS].present)
		return sk_fail(err, 0, "config.json: .hostname: needs a UTS namespace");
	if (spec->domainname && !l->ns[SK_NS_UTS].present)
		return sk_fail(err, 0, "config.json: .domainname: needs a UTS namespace");
	if (l->has_intel_rdt)
		return sk_fail(err, ENOTSUP,
			       "config.json: .linux.intelRdt: resctrl is not supported");
	return 0;
}

static int load_bundle(struct create_ctx *cc, const struct sk_create_opts *o, struct sk_err *err)
{
	_cleanup_free_ char *cfg = NULL, *root = NULL;
	const char *name;
	struct stat sb;

	cc->bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	if (!cc->bundle)
		return sk_fail(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	name = o->config ? o->config : "config.json";
	cfg = name[0] == '/' ? strdup(name) : sk_path_join(cc->bundle, name);
	if (!cfg)
		return sk_fail(err, ENOMEM, "bundle");
	if (sk_read_file_at(AT_FDCWD, cfg, &cc->config_text, &cc->config_len, err) < 0)
		return -1;
	if (sk_spec_parse(cc->config_text, cc->config_len, "config.json", &cc->spec, err) < 0)
		return -1;
	if (!cc->spec->process)
		return sk_fail(err, 0, "config.json: .process: required to create a container");
	if (validate_spec(cc->spec, err) < 0)
		return -1;
	if (cc->spec->process->terminal && !o->console_socket && !o->foreground)
		return sk_fail(err, 0,
			       "cannot allocate tty if skiff will detach without setting "
			       "console socket");
	if (!cc->spec->process->terminal && o->console_socket)
		return sk_fail(err, 0,
			       "cannot use console socket if skiff will not detach or "
			       "allocate tty");
	root = cc->spec->root.path[0] == '/' ? strdup(cc->spec->root.path)
					     : sk_path_join(cc->bundle, cc->spec->root.path);
	if (!root)
		return sk_fail(err, ENOMEM, "rootfs");
	cc->st.rootfs = realpath(root, NULL);
	if (!cc->st.rootfs)
		return sk_fail(err, errno, "rootfs %s", root);
	if (stat(cc->st.rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return sk_fail(err, ENOTDIR, "rootfs %s", cc->st.rootfs);
	/* Checked before anything exists, so that a bad profile leaves nothing behind. */
	if (sk_lsm_check(cc->spec, err) < 0)
		return -1;
	return sk_seccomp_prepare(cc->spec->linux_.seccomp, &cc->seccomp, err);
}

/* Everything of create up to READY; on error the caller removes what exists. */
static int create_steps(const struct sk_global *g, const struct sk_create_opts *o,
			struct create_ctx *cc, int *ret_pty, struct sk_err *err)
{
	struct sk_spawn sp;

	if (sk_state_dir_create(g->root, o->id, &cc->dirfd, err) < 0)
		return -1;
	cc->dir_created = true;
	cc->st.id = (char *)o->id;
	cc->st.bundle = cc->bundle;
	cc->st.owner = geteuid();
	cc->st.annotations = cc->spec->annotations;
	cc->st.n_annotations = cc->spec->n_annotations;
	cc->st.systemd_cgroup = g->cgroup_manager == SK_CGM_SYSTEMD;
	cc->st.created = sk_rfc3339_now();
	if (!cc->st.created)
		return sk_fail(err, ENOMEM, "create");
	if (sk_write_file_atomic(cc->dirfd, "config.json", cc->config_text, cc->config_len, 0600,
				 err) < 0)
		return -1;
	sk_debug(&g->log, "container \"%s\": bundle %s, rootfs %s, state in %s/%s", o->id,
		 cc->bundle, cc->st.rootfs ? cc->st.rootfs : "", g->root, o->id);
	if (sk_cgroup_create(g->cgroup_manager, o->id, cc->spec->linux_.cgroups_path,
			     cc->spec->linux_.resources, &cc->cg, err) < 0)
		return -1;
	sk_debug(&g->log, "container \"%s\": cgroup %s", o->id, sk_cgroup_path(cc->cg));
	/* Saved before the clone so that `delete --force` finds the cgroup even if we die. */
	if (sk_cgroup_save(cc->cg, &cc->st.cgroup, err) < 0 ||
	    sk_state_write(cc->dirfd, &cc->st, err) < 0)
		return -1;
	sp = (struct sk_spawn){.g = g,
			       .o = o,
			       .spec = cc->spec,
			       .st = &cc->st,
			       .state_dirfd = cc->dirfd,
			       .cg = cc->cg,
			       .seccomp = cc->seccomp};
	cc->spawned = true;
	if (sk_spawn_container(&sp, err) < 0)
		return -1;
	sk_debug(&g->log, "container \"%s\": process %d set up, waiting for start", o->id,
		 (int)cc->st.pid);
	*ret_pty = sp.pty_master;
	if (sk_state_write(cc->dirfd, &cc->st, err) < 0)
		return -1;
	if (o->pid_file && sk_pid_file_write(o->pid_file, cc->st.pid, err) < 0)
		return -1;
	return 0;
}

/* fds 3 .. 3+n-1 go to the container (--preserve-fds, then LISTEN_FDS as spawn.c counts
 * them): a slot the caller left closed gets /dev/null, so that none of our own fds (the state
 * dir with its lock, the cgroup dir) can land there and be passed on. */
static int reserve_passed_fds(int preserve_fds, struct sk_err *err)
{
	const char *v = getenv("LISTEN_FDS");
	int listen = v ? atoi(v) : 0;
	int n = preserve_fds + (listen > 0 && listen < 1024 ? listen : 0);

	for (int fd = 3; fd < 3 + n; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0)
			return sk_fail(err, errno, "open /dev/null");
		if (null != fd && (dup3(null, fd, O_CLOEXEC) < 0 || close(null) < 0))
			return sk_fail(err, errno, "reserve fd %d", fd);
	}
	return 0;
}

/* Undoes a failed create. Once the container process was set up, the poststop hooks run after the
 * teardown, as after a delete: runtime-spec's lifecycle goes on to destroy and poststop when a
 * prestart, createRuntime or createContainer hook fails (runc does so for any such failure). */
static void create_undo(const struct sk_global *g, const struct sk_create_opts *o,
			struct create_ctx *cc)
{
	const struct sk_hook_list *poststop = &cc->spec->hooks[SK_HOOK_POSTSTOP];
	_cleanup_free_ char *json = NULL;
	struct sk_err ignored = {0};

	if (cc->st.pid > 0 && kill(cc->st.pid, SIGKILL) == 0)
		waitpid(cc->st.pid, NULL, 0);
	if (cc->cg && sk_cgroup_destroy(cc->cg, &ignored) < 0)
		sk_warn(&g->log, "cleanup: %s", ignored.msg);
	sk_err_clear(&ignored);
	if (cc->spawned && poststop->n > 0 &&
	    (sk_state_oci_json(&cc->st, SK_STATUS_STOPPED, &json, &ignored) < 0 ||
	     sk_hooks_run_all(poststop, SK_HOOK_POSTSTOP, json, &ignored) < 0))
		sk_warn(&g->log, "cleanup: %s", ignored.msg);
	sk_err_clear(&ignored);
	if (cc->dir_created && sk_state_dir_remove(g->root, o->id, &ignored) < 0)
		sk_warn(&g->log, "cleanup: %s", ignored.msg);
	sk_err_clear(&ignored);
}

static int create_internal(const struct sk_global *g, const struct sk_create_opts *o,
			   pid_t *ret_pid, int *ret_pty, struct sk_err *err)
{
	struct create_ctx cc = {.dirfd = -1};
	int pty = -1;
	int ret = -1;

	if (sk_id_validate(o->id, err) < 0 || reserve_passed_fds(o->preserve_fds, err) < 0)
		return -1;
	if (load_bundle(&cc, o, err) < 0)
		goto out;
	if (create_steps(g, o, &cc, &pty, err) < 0) {
		create_undo(g, o, &cc);
		closep(&pty);
		goto out;
	}
	if (ret_pid)
		*ret_pid = cc.st.pid;
	if (ret_pty)
		*ret_pty = pty;
	else
		closep(&pty);
	ret = 0;
out:
	create_ctx_done(&cc);
	return ret;
}

int sk_container_create(const struct sk_global *g, const struct sk_create_opts *o,
			struct sk_err *err)
{
	return create_internal(g, o, NULL, NULL, err);
}

#define NO_PIDFD (-2) /* pidfd_open is missing (kernel < 5.3, seccomp): use the pid */

/* A pidfd of the container's process, checked to still be that process; NO_PIDFD where the
 * kernel has no pidfds; -1 with err set when the process is gone. */
static int pidfd_for(const struct sk_state *st, struct sk_err *err)
{
	int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0 && errno == ENOSYS) {
		if (sk_proc_start_time(st->pid) != st->pid_start)
			return sk_fail(err, ESRCH, "container process %d", (int)st->pid);
		return NO_PIDFD;
	}
	if (fd < 0)
		return sk_fail(err, errno, "pidfd_open %d", (int)st->pid);
	/* The pid may have been reused after our process died: check it is still ours. */
	if (sk_proc_start_time(st->pid) != st->pid_start) {
		close(fd);
		return sk_fail(err, ESRCH, "container process %d", (int)st->pid);
	}
	return fd;
}

static int send_signal(int pidfd, const struct sk_state *st, int sig)
{
	if (pidfd == NO_PIDFD)
		return kill(st->pid, sig);
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Waits up to timeout_ms for the process to exit. */
static bool wait_exit(int pidfd, const struct sk_state *st, int timeout_ms)
{
	struct pollfd p = {pidfd, POLLIN, 0};
	if (pidfd != NO_PIDFD)
		return poll(&p, 1, timeout_ms) == 1;
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		if (sk_state_status(st) == SK_STATUS_STOPPED)
			return true;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	return false;
}

static void run_hooks_warn(const struct sk_global *g, int dirfd, const struct sk_state *st,
			   enum sk_hook_kind kind, enum sk_status status)
{
	_cleanup_(sk_spec_freep) struct sk_spec *spec = NULL;
	_cleanup_free_ char *json = NULL;
	struct sk_err err = {0};

	if (load_saved_spec(dirfd, &spec, &err) < 0 || spec->hooks[kind].n == 0 ||
	    sk_state_oci_json(st, status, &json, &err) < 0 ||
	    sk_hooks_run_all(&spec->hooks[kind], kind, json, &err) < 0) {
		if (err.msg)
			sk_warn(&g->log, "%s", err.msg);
	}
	sk_err_clear(&err);
}

/* Connects to the start socket, which lets the blocked container process go on: it runs the
 * startContainer hooks and answers "0" before execve, or "1" and an error. A pidfd catches a
 * process that died instead. */
static int release(const struct sk_state *st, int dirfd, bool retry, bool *connected,
		   struct sk_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int pidfd = -1;
	char msg[4096];
	size_t len = 0;

	if (sock < 0)
		return sk_fail(err, errno, "start container \"%s\": socket", st->id);
	pidfd = pidfd_for(st, err);
	if (pidfd == -1)
		return sk_wrap(err, "start container \"%s\"", st->id);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/start.sock", dirfd);
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno == ECONNREFUSED && retry) {
			/* released by a start that died before removing the socket */
			*connected = true; /* it runs: "started" stays */
			unlinkat(dirfd, "start.sock", 0);
			return sk_fail(err, 0, "cannot start an already running container");
		}
		if (errno == ECONNREFUSED)
			return sk_fail(err, 0,
				       "start container \"%s\": the container process exited "
				       "before start",
				       st->id);
		return sk_fail(err, errno, "start container \"%s\": connect to its start socket",
			       st->id);
	}
	*connected = true;
	/* The answer, or EOF: the connection closes at execve or when the process dies, so a
	 * plain blocking read cannot outlive the process. */
	while (len < sizeof(msg) - 1) {
		ssize_t n = read(sock, msg + len, sizeof(msg) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sk_fail(err, errno, "start container \"%s\": read", st->id);
		if (n == 0)
			break;
		len += (size_t)n;
		if (msg[0] == '0')
			break;
	}
	msg[len] = '\0';
	if (len && msg[0] == '0') {
		unlinkat(dirfd, "start.sock", 0);
		return 0;
	}
	return sk_fail(err, 0, "start container \"%s\": %s", st->id,
		       len > 1 ? msg + 1 : "the container process exited before start");
}

static int start_locked(const struct sk_global *g, int dirfd, struct sk_state *st,
			struct sk_err *err)
{
	enum sk_status s = sk_state_status(st);
	bool connected = false;

	if (s == SK_STATUS_STOPPED)
		return sk_fail(err, 0, "cannot start a container that has stopped");
	/* A start killed between recording "started" and connecting left the process waiting:
	 * start.sock goes only once a start got its answer, so it says which. */
	bool retry = s == SK_STATUS_RUNNING &&
		     faccessat(dirfd, "start.sock", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	if (retry)
		s = SK_STATUS_CREATED;
	if (s != SK_STATUS_CREATED)
		return sk_fail(err, 0, "cannot start an already running container");
	/* "started" is recorded before the release: once connected, the container goes on even
	 * if this process is killed, and must not be left looking "created" */
	st->started = true;
	if (sk_state_write(dirfd, st, err) < 0)
		return -1;
	if (release(st, dirfd, retry, &connected, err) < 0) {
		/* not released: it still waits, as created */
		if (!connected) {
			struct sk_err e2 = {0};
			st->started = false;
			if (sk_state_write(dirfd, st, &e2) < 0)
				sk_warn(&g->log, "%s", e2.msg);
			sk_err_clear(&e2);
		}
		return -1;
	}
	sk_debug(&g->log, "container \"%s\": released, process %d runs", st->id, (int)st->pid);
	run_hooks_warn(g, dirfd, st, SK_HOOK_POSTSTART, SK_STATUS_RUNNING);
	return 0;
}

int sk_container_start(const struct sk_global *g, const char *id, struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;

	if (open_container(g, id, &dirfd, &st, err) < 0)
		return -1;
	return start_locked(g, dirfd, st, err);
}

/* `state` takes no lock, as `list` does (state.json is replaced atomically): hooks commonly
 * ask for the state while create or start holds the lock to run them, which would deadlock. */
int sk_container_state(const struct sk_global *g, const char *id, char **ret_json,
		       struct sk_err *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;

	if (sk_id_validate(id, err) < 0)
		return -1;
	path = sk_path_join(g->root, id);
	if (!path)
		return sk_fail(err, ENOMEM, "container \"%s\"", id);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 && errno != ENOENT)
		return sk_fail(err, errno, "open state directory %s", path);
	if (dirfd < 0 || sk_state_read(dirfd, &st, err) < 0) {
		/* Gone, or a create that has not written its state yet. */
		if (dirfd < 0 || err->errnum == ENOENT) {
			sk_err_clear(err);
			sk_fail(err, 0, "container \"%s\" does not exist", id);
			err->errnum = ENOENT;
			return -1;
		}
		return sk_wrap(err, "container \"%s\"", id);
	}
	return sk_state_cli_json(st, sk_state_status(st), ret_json, err);
}

int sk_container_kill(const struct sk_global *g, const char *id, int sig, bool all,
		      struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1, pidfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;

	if (open_container(g, id, &dirfd, &st, err) < 0)
		return -1;
	/* Without a pid namespace of its own, the init's death does not take the other
	 * processes with it: SIGKILL goes to the whole cgroup (as runc 1.2 does). */
	bool whole = all || (sig == SIGKILL && st->cgroup && !own_pid_ns(dirfd));
	if (whole && st->cgroup && sk_cgroup_load(st->cgroup, &cg, err) == 0 &&
	    !sk_cgroup_disabled(cg)) {
		if (sk_cgroup_kill(cg, sig, err) == 0)
			return 0;
		if (all)
			return -1;
		/* the cgroup could not be signalled: the init at least, as before */
		sk_warn(&g->log, "%s", err->msg);
	}
	sk_err_clear(err);
	if (sk_state_status(st) == SK_STATUS_STOPPED)
		return sk_fail(err, 0, "container not running");
	pidfd = pidfd_for(st, err);
	if (pidfd == -1) {
		sk_err_clear(err);
		return sk_fail(err, ESRCH, "container not running");
	}
	sk_debug(&g->log, "container \"%s\": signal %d to process %d", id, sig, (int)st->pid);
	if (send_signal(pidfd, st, sig) < 0)
		return sk_fail(err, errno, "kill container \"%s\"", id);
	/* SIGKILL to a paused container: thaw it, or (v1 freezer) the init cannot die */
	if (sig == SIGKILL && st->paused && st->cgroup &&
	    (cg || sk_cgroup_load(st->cgroup, &cg, err) == 0) &&
	    sk_cgroup_freeze(cg, false, err) < 0)
		sk_warn(&g->log, "%s", err->msg);
	sk_err_clear(err);
	return 0;
}

static int delete_locked(const struct sk_global *g, int dirfd, struct sk_state *st, bool force,
			 struct sk_err *err)
{
	enum sk_status s = sk_state_status(st);
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;

	if ((s == SK_STATUS_RUNNING || s == SK_STATUS_PAUSED) && !force)
		return sk_fail(err, 0, "cannot delete container %s that is not stopped: %s", st->id,
			       sk_status_name(s));
	if (st->cgroup && sk_cgroup_load(st->cgroup, &cg, err) < 0)
		return sk_wrap(err, "delete container \"%s\"", st->id);
	if (s != SK_STATUS_STOPPED && st->pid > 0) {
		_cleanup_close_ int pidfd = pidfd_for(st, err);
		if (pidfd == -1) {
			sk_err_clear(err);
		} else {
			if (s == SK_STATUS_PAUSED && cg && sk_cgroup_freeze(cg, false, err) < 0)
				sk_err_clear(err); /* SIGKILL still works; destroy thaws too */
			send_signal(pidfd, st, SIGKILL);
			if (!wait_exit(pidfd, st, 10000))
				return sk_fail(err, ETIMEDOUT,
					       "container \"%s\" did not die after SIGKILL",
					       st->id);
		}
	}
	if (cg && sk_cgroup_destroy(cg, err) < 0)
		return sk_wrap(err, "delete container \"%s\"", st->id);
	run_hooks_warn(g, dirfd, st, SK_HOOK_POSTSTOP, SK_STATUS_STOPPED);
	sk_debug(&g->log, "container \"%s\": deleted", st->id);
	return sk_state_dir_remove(g->root, st->id, err);
}

int sk_container_delete(const struct sk_global *g, const char *id, bool force, struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;

	if (sk_id_validate(id, err) < 0)
		return -1;
	if (sk_state_dir_open(g->root, id, &dirfd, err) < 0) {
		/* As runc: deleting what is already gone is not an error with --force (the
		 * containerd shim's cleanup relies on it). */
		if (force && err->errnum == ENOENT) {
			sk_err_clear(err);
			return 0;
		}
		return -1;
	}
	if (sk_state_read(dirfd, &st, err) < 0) {
		/* A create killed before it wrote its state: nothing runs, only remove the dir. */
		if (!force)
			return sk_wrap(err, "container \"%s\"", id);
		sk_err_clear(err);
		return sk_state_dir_remove(g->root, id, err);
	}
	return delete_locked(g, dirfd, st, force, err);
}

/* A run that fails after create removes the container and the pid file create wrote. */
static void run_undo(const struct sk_global *g, const struct sk_create_opts *o)
{
	struct sk_err ignored = {0};

	sk_container_delete(g, o->id, true, &ignored);
	sk_err_clear(&ignored);
	if (o->pid_file && unlink(o->pid_file) < 0 && errno != ENOENT)
		sk_warn(&g->log, "cleanup: remove pid file %s: %s", o->pid_file, strerror(errno));
}

int sk_container_run(const struct sk_global *g, const struct sk_create_opts *o, bool detach,
		     bool keep, int *ret_status, struct sk_err *err)
{
	struct sk_create_opts fo = *o;
	struct sk_fg fg = {.sigfd = -1};
	_cleanup_close_ int pty = -1;
	pid_t pid = 0;
	int ret = -1;

	*ret_status = 0;
	if (detach) {
		if (create_internal(g, o, NULL, NULL, err) < 0)
			return -1;
		if (sk_container_start(g, o->id, err) == 0)
			return 0;
		run_undo(g, o);
		return -1;
	}
	fo.foreground = true;
	if (sk_fg_begin(&fg, err) < 0)
		return -1;
	if (create_internal(g, &fo, &pid, &pty, err) < 0)
		goto out;
	if (sk_container_start(g, o->id, err) < 0 ||
	    sk_fg_wait(&fg, pid, pty, ret_status, err) < 0) {
		run_undo(g, o);
		goto out;
	}
	ret = 0;
	if (!keep && sk_container_delete(g, o->id, true, err) < 0)
		ret = -1;
out:
	sk_fg_end(&fg);
	return ret;
}
