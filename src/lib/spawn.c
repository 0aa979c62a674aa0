/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parent side of create. One clone3 puts the container process into its new namespaces and
 * (on cgroup v2) its cgroup at once; joined namespaces, time offsets and user namespaces that
 * must follow a join take the "stage" path, where the child does setns/unshare/fork itself.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "child.h"
#include "cleanup.h"
#include "hooks.h"
#include "mount.h"
#include "ns.h"
#include "spawn.h"
#include "sync.h"
#include "terminal.h"
#include "trampoline.h"

/* *placed: CLONE_INTO_CGROUP put the child in the cgroup2 directory of cgroup_fd. */
static pid_t do_clone3(uint64_t flags, int cgroup_fd, bool *placed)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	*placed = pid >= 0 && cgroup_fd >= 0;
	if (pid < 0 && cgroup_fd >= 0 &&
	    (errno == EINVAL || errno == EOPNOTSUPP || errno == EBUSY || errno == EBADF))
		return do_clone3(flags, -1, placed); /* old kernel or busy v2 leaf: enter does it */
	if (pid < 0 && errno == ENOSYS && !(flags & CLONE_NEWTIME)) {
		/* No clone3 (kernel < 5.3, or a seccomp profile that hides it, as Docker's does):
		 * clone(2) with fork semantics; the cgroup is entered by cgroup_enter. */
		pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL,
				     NULL);
	}
	return pid;
}

/* In the new process: enters the cgroups it can itself. On failure it reports the error and
 * waits for GO, so the runtime reads the error rather than a broken pipe. */
static void self_enter(const struct sk_cgroup_self *self, int sync_fd)
{
	struct sk_err err = {0};

	if (sk_cgroup_self_enter(self, &err) == 0)
		return;
	sk_sync_send_error(sync_fd, &err);
	sk_sync_expect(sync_fd, SYNC_GO, NULL, NULL, &err);
	_exit(1);
}

static bool has_hooks(const struct sk_spec *spec)
{
	return spec->hooks[SK_HOOK_PRESTART].n || spec->hooks[SK_HOOK_CREATE_RUNTIME].n ||
	       spec->hooks[SK_HOOK_CREATE_CONTAINER].n || spec->hooks[SK_HOOK_START_CONTAINER].n;
}

static int listen_fds(void)
{
	const char *v = getenv("LISTEN_FDS");
	int n = v ? atoi(v) : 0;
	return n > 0 && n < 1024 ? n : 0;
}

/* prestart and createRuntime run here; the child gets the states for its own hooks: creating
 * for createContainer, then created for startContainer (one JSON document per line). */
static int run_runtime_hooks(struct sk_spawn *sp, int sock, struct sk_err *err)
{
	_cleanup_free_ char *json = NULL, *created = NULL, *both = NULL;

	if (sk_state_oci_json(sp->st, SK_STATUS_CREATING, &json, err) < 0 ||
	    sk_state_oci_json(sp->st, SK_STATUS_CREATED, &created, err) < 0)
		return -1;
	if (sk_hooks_run(&sp->spec->hooks[SK_HOOK_PRESTART], SK_HOOK_PRESTART, json, err) < 0 ||
	    sk_hooks_run(&sp->spec->hooks[SK_HOOK_CREATE_RUNTIME], SK_HOOK_CREATE_RUNTIME, json,
			 err) < 0)
		return -1;
	if (asprintf(&both, "%s\n%s", json, created) < 0)
		return sk_fail(err, ENOMEM, "hooks");
	return sk_sync_send(sock, SYNC_HOOKS_DONE, 0, both, -1, err);
}

/* A user namespace with a mount's own mappings: a throwaway process is cloned into a new one,
 * the mappings are written, and the namespace outlives the process through the fd. */
static int userns_with_maps(const struct sk_mount *m, struct sk_err *err)
{
	struct sk_linux l = {.uid_mappings = m->uid_mappings,
			     .n_uid_mappings = m->n_uid_mappings,
			     .gid_mappings = m->gid_mappings,
			     .n_gid_mappings = m->n_gid_mappings};
	char path[64];
	int pfd[2], fd = -1;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe");
	bool placed;
	pid_t pid = do_clone3(CLONE_NEWUSER, -1, &placed);
	if (pid == 0) {
		char c;
		close(pfd[1]);
		_exit(read(pfd[0], &c, 1) < 0);
	}
	close(pfd[0]);
	if (pid < 0) {
		sk_fail(err, errno, "clone a user namespace for an idmapped mount");
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		if (sk_ns_write_id_maps(pid, &l, err) == 0 &&
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			sk_fail(err, errno, "open %s", path);
	}
	close(pfd[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}

/* Idmapped mounts must be made where the filesystem's owner has CAP_SYS_ADMIN (here), then
 * attached by the child: one MOUNT_FD per idmap/ridmap mount, indexed by mount. */
static int send_idmapped_trees(struct sk_spawn *sp, int sock, pid_t userns_pid, struct sk_err *err)
{
	const struct sk_spec *spec = sp->spec;
	_cleanup_close_ int bundle = -1;

	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct sk_mount *m = &spec->mounts[i];
		_cleanup_close_ int userns = -1, tree = -1;
		char path[64];
		if (!m->idmap && !m->ridmap)
			continue;
		if (bundle < 0 &&
		    (bundle = open(sp->st->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return sk_fail(err, errno, "open bundle %s", sp->st->bundle);
		if (m->n_uid_mappings || m->n_gid_mappings) {
			userns = userns_with_maps(m, err);
		} else if (userns_pid > 0) {
			snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)userns_pid);
			if ((userns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
				sk_fail(err, errno, "open %s", path);
		} else {
			return sk_fail(err, 0,
				       "config.json: .mounts[%zu]: idmap needs uidMappings and "
				       "gidMappings or a user namespace",
				       i);
		}
		if (userns < 0)
			return sk_wrap(err, "mounts[%zu]", i);
		tree = sk_mount_make_idmapped(bundle, m, userns, err);
		if (tree < 0 || sk_sync_send(sock, SYNC_MOUNT_FD, (int32_t)i, NULL, tree, err) < 0)
			return sk_wrap(err, "mounts[%zu]", i);
	}
	return 0;
}

/* The sync loop: answers the child's requests until READY. */
static int sync_loop(struct sk_spawn *sp, int sock, pid_t *stage_pid, struct sk_err *err)
{
	for (;;) {
		enum sk_sync_type type;
		int32_t value;
		int fd = -1;
		if (sk_sync_recv(sock, &type, &value, &fd, NULL, err) < 0)
			return -1;
		switch (type) {
		case SYNC_USERNS_READY:
			if (sk_ns_write_id_maps(*stage_pid, &sp->spec->linux_, err) < 0 ||
			    send_idmapped_trees(sp, sock, *stage_pid, err) < 0 ||
			    sk_sync_send(sock, SYNC_USERNS_DONE, 0, NULL, -1, err) < 0)
				return -1;
			break;
		case SYNC_PID:
			/* The stage forked the init and exits: reap it, follow the init. */
			waitpid(*stage_pid, NULL, 0);
			*stage_pid = 0;
			sp->st->pid = value;
			break;
		case SYNC_PTY:
			if (sp->o->console_socket) {
				int r = sk_console_socket_send(sp->o->console_socket, fd, err);
				close(fd);
				if (r < 0)
					return -1;
			} else {
				/* the process waits for start: no output can precede this */
				sp->pty_master = fd;
				if (sk_pty_clear_onlcr(fd, err) < 0)
					return -1;
			}
			break;
		case SYNC_SECCOMP: {
			_cleanup_free_ char *json = NULL;
			int r = sk_state_oci_json(sp->st, SK_STATUS_CREATING, &json, err);
			if (r == 0)
				r = sk_seccomp_send_listener(sp->seccomp, fd, json, err);
			close(fd);
			if (r < 0)
				return -1;
			break;
		}
		case SYNC_HOOKS:
			if (run_runtime_hooks(sp, sock, err) < 0)
				return -1;
			break;
		case SYNC_READY:
			return 0;
		default:
			if (fd >= 0)
				close(fd);
			return sk_fail(err, EPROTO, "unexpected sync message %s",
				       sk_sync_name(type));
		}
	}
}

static void kill_and_reap(pid_t stage, pid_t init)
{
	if (init > 0)
		kill(init, SIGKILL);
	if (stage > 0) {
		kill(stage, SIGKILL);
		waitpid(stage, NULL, 0);
	}
	if (init > 0 && init != stage)
		waitpid(init, NULL, 0); /* ours in the fast path; else reaped by our subreaper */
}

/* The start socket: <state>/start.sock, listened on by the container process until `start`
 * connects. Bound through the state dir fd, so the socket path stays short whatever --root. */
static int make_start_socket(struct sk_spawn *sp, struct sk_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return sk_fail(err, errno, "create the start socket");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/start.sock",
		 sp->state_dirfd);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4) < 0) {
		sk_fail(err, errno, "bind the start socket in the state directory");
		close(fd);
		return -1;
	}
	return fd;
}

/* The container process keeps only what it uses: stdio, the fds passed on, and ours for the
 * setup. Anything else the caller or we had open (cgroup dir, log, signalfd, ...) is closed
 * now rather than at execve, so nothing of the host is reachable through /proc/<pid>/fd while
 * the container waits for `start` (CVE-2024-21626). */
static void close_other_fds(const struct sk_child_ctx *c)
{
	int keep[SK_NS_MAX + 4], n = 0;

	keep[n++] = c->sync_fd;
	keep[n++] = c->start_sock;
	keep[n++] = c->tramp_fd;
	for (int t = 0; t < SK_NS_MAX; t++)
		if (c->ns_fds[t] >= 0)
			keep[n++] = c->ns_fds[t];
	/* Sort (tiny n), then close the gaps above the passed-on fds. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned from = 3 + (unsigned)c->n_keep_fds;
	for (int i = 0; i < n; i++) {
		if ((unsigned)keep[i] < from)
			continue;
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

int sk_spawn_container(struct sk_spawn *sp, struct sk_err *err)
{
	const struct sk_linux *l = &sp->spec->linux_;
	int fds[SK_NS_MAX], sv[2];
	int new_flags = sk_ns_new_flags(l);
	pid_t pid, stage_pid = 0;
	_cleanup_(sk_cgroup_self_close) struct sk_cgroup_self self = {0};
	bool placed = false;
	struct sk_child_ctx c = {
	    .spec = sp->spec,
	    .id = sp->st->id,
	    .bundle = sp->st->bundle,
	    .rootfs = sp->st->rootfs,
	    .no_pivot = sp->o->no_pivot,
	    .no_new_keyring = sp->o->no_new_keyring,
	    .listen_fds = listen_fds(),
	    .send_pty = sp->spec->process->terminal,
	    .foreground = sp->o->foreground,
	    .hooks = has_hooks(sp->spec),
	};

	sp->pty_master = -1;
	c.seccomp = sp->seccomp;
	c.n_keep_fds = sp->o->preserve_fds + c.listen_fds;
	_cleanup_close_ int start_sock = make_start_socket(sp, err);
	if (start_sock < 0)
		return -1;
	c.start_sock = start_sock;
	_cleanup_close_ int tramp = sk_trampoline_open(err);
	if (tramp < 0)
		return -1;
	c.tramp_fd = tramp;
	if (sk_ns_open_paths(l, fds, err) < 0)
		return -1;
	memcpy(c.ns_fds, fds, sizeof(fds));
	c.stage = sk_ns_any_path(fds) || ((new_flags & CLONE_NEWTIME) &&
					  (l->time_boottime.present || l->time_monotonic.present));
	if (c.stage)
		c.unshare_flags = new_flags;
	else
		c.cgroupns_unshare = new_flags & CLONE_NEWCGROUP;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		sk_ns_close_fds(fds);
		return sk_fail(err, errno, "socketpair");
	}
	c.sync_fd = sv[1];
	/* The fast path's child is root in our namespaces right after the clone: it enters the
	 * v1 hierarchies itself (see sk_cgroup_self_open). */
	if (!c.stage && !(new_flags & CLONE_NEWUSER) &&
	    sk_cgroup_self_open(sp->cg, &self, err) < 0) {
		sk_ns_close_fds(fds);
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	pid = do_clone3(c.stage ? 0 : (uint64_t)(new_flags & ~CLONE_NEWCGROUP),
			sk_cgroup_v2_fd(sp->cg), &placed);
	if (pid == 0) {
		self_enter(&self, c.sync_fd);
		/* This also drops our copy of the state dir fd, which would share the parent's
		 * flock and keep the container locked until execve. */
		close_other_fds(&c);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		sk_child_main(&c);
	}
	close(sv[1]);
	sk_ns_close_fds(fds);
	if (pid < 0) {
		close(sv[0]);
		return sk_fail(err, errno, "clone3 the container process");
	}
	stage_pid = c.stage ? pid : 0;
	sp->st->pid = pid;
	if (!c.stage && (new_flags & CLONE_NEWUSER) && sk_ns_write_id_maps(pid, l, err) < 0)
		goto fail;
	if (sk_cgroup_enter_rest(sp->cg, pid, &self, placed, err) < 0)
		goto fail;
	/* Stage path with a new user namespace: the trees follow its maps (USERNS_READY). */
	if (!(c.stage && (new_flags & CLONE_NEWUSER)) &&
	    send_idmapped_trees(sp, sv[0], (new_flags & CLONE_NEWUSER) ? pid : 0, err) < 0)
		goto fail;
	if (sk_sync_send(sv[0], SYNC_GO, 0, NULL, -1, err) < 0 ||
	    sync_loop(sp, sv[0], &stage_pid, err) < 0)
		goto fail;
	close(sv[0]);
	sp->st->pid_start = sk_proc_start_time(sp->st->pid);
	return 0;
fail:
	close(sv[0]);
	kill_and_reap(stage_pid, sp->st->pid);
	/* Reaped: the pid may be reused at once, so the caller must not signal it again. */
	sp->st->pid = 0;
	if (sp->pty_master >= 0)
		closep(&sp->pty_master), sp->pty_master = -1;
	return -1;
}
