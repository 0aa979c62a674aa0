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
#include <sys/socket.h>
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
#include "process.h"
#include "rlimit.h"
#include "rootfs.h"
#include "sync.h"
#include "signals.h"
#include "terminal.h"
#include "trampoline.h"
#include "user.h"

struct child_state {
	struct sk_child_ctx *c;
	struct sk_rootfs rootfs;
	int pty_peer;	     /* terminal peer, or -1 */
	char *state_json;    /* from the parent: the state for createContainer, a newline, and the
				state for startContainer */
	struct sk_proc proc; /* the process half, shared with exec */
	int *tree_fds;	     /* per mount: idmapped tree sent by the parent, or -1 */
};

/* Receives messages until `type`, keeping the idmapped mount trees the parent sends first. */
static int expect_keeping_trees(struct child_state *s, enum sk_sync_type type, struct sk_err *err)
{
	for (;;) {
		enum sk_sync_type got;
		int32_t idx;
		int fd = -1;
		if (sk_sync_recv(s->c->sync_fd, &got, &idx, &fd, NULL, err) < 0)
			return -1;
		if (got == type) {
			closep(&fd);
			return 0;
		}
		if (got != SYNC_MOUNT_FD || fd < 0 || idx < 0 ||
		    (size_t)idx >= s->c->spec->n_mounts) {
			closep(&fd);
			return sk_fail(err, EPROTO, "sync: expected %s, got %s", sk_sync_name(type),
				       sk_sync_name(got));
		}
		closep(&s->tree_fds[idx]);
		s->tree_fds[idx] = fd;
	}
}

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
		    expect_keeping_trees(s, SYNC_USERNS_DONE, err) < 0)
			return -1;
	}
	if ((c->unshare_flags & CLONE_NEWTIME) && sk_ns_write_time_offsets(getpid(), l, err) < 0)
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
	_cleanup_close_ int ptmx =
	    sk_open_in_root(s->rootfs.root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0, err);
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
	if (mount(sk_fd_path(s->pty_peer, src), sk_fd_path(console, (char[32]){0}), NULL, MS_BIND,
		  NULL) < 0)
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
	return sk_rootfs_pivot(&s->rootfs, c->no_pivot, err);
}

/* Blocks until `start` connects to the start socket, runs the startContainer hooks, and tells
 * `start` the outcome on the connection: "0", or "1" and the error text. No path is opened
 * here: the listening socket came from the parent, so neither a procfs nor the state
 * directory needs to be reachable from the container. */
static int wait_for_start(struct child_state *s, struct sk_err *err)
{
	int conn;

	do
		conn = accept4(s->c->start_sock, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		return sk_fail(err, errno, "wait for start");
	close(s->c->start_sock);
	/* Once connected, the container is released: if `start` has gone away meanwhile (killed
	 * by a caller's timeout), the answer is lost (MSG_NOSIGNAL, no SIGPIPE) and the container
	 * goes on; `start` recorded it as started before connecting. */
	if (run_container_hooks(s, SK_HOOK_START_CONTAINER, err) < 0) {
		_cleanup_free_ char *msg = NULL;
		if (asprintf(&msg, "1%s", err->msg ? err->msg : "startContainer hook failed") > 0)
			(void)send(conn, msg, strlen(msg), MSG_NOSIGNAL);
		close(conn);
		return -1;
	}
	(void)send(conn, "0", 1, MSG_NOSIGNAL);
	close(conn);
	return 0;
}

static int child_setup(struct child_state *s, struct sk_err *err)
{
	struct sk_child_ctx *c = s->c;
	const struct sk_spec *spec = c->spec;

	s->tree_fds = malloc(sizeof(int) * (spec->n_mounts + 1));
	if (!s->tree_fds)
		return sk_fail(err, ENOMEM, "container setup");
	for (size_t i = 0; i < spec->n_mounts; i++)
		s->tree_fds[i] = -1;
	s->rootfs.tree_fds = s->tree_fds;
	if (expect_keeping_trees(s, SYNC_GO, err) < 0)
		return -1;
	if (c->stage && stage_namespaces(s, err) < 0)
		return -1;
	if (c->cgroupns_unshare && unshare(CLONE_NEWCGROUP) < 0)
		return sk_fail(err, errno, "unshare the cgroup namespace");
	if (spec->linux_.ns[SK_NS_USER].present && become_root_in_userns(err) < 0)
		return -1;
	if (spec->linux_.ns[SK_NS_NETWORK].present && !spec->linux_.ns[SK_NS_NETWORK].path &&
	    sk_ns_loopback_up(err) < 0)
		return -1;
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return sk_fail(err, errno, "sethostname %s", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return sk_fail(err, errno, "setdomainname %s", spec->domainname);
	if (setup_rootfs(s, err) < 0)
		return -1;
	s->proc = (struct sk_proc){
	    .process = spec->process,
	    .linux_ = &spec->linux_,
	    .userns = spec->linux_.ns[SK_NS_USER].present,
	    .proc_fd = -1,
	    .seccomp = c->seccomp,
	    .sync_fd = c->sync_fd,
	    .id = c->id,
	    .no_new_keyring = c->no_new_keyring,
	    .n_keep_fds = c->n_keep_fds,
	    .listen_fds = c->listen_fds,
	    .pty_peer = s->pty_peer,
	    .foreground = c->foreground,
	};
	return sk_proc_prepare(&s->proc, err);
}

_Noreturn void sk_child_main(struct sk_child_ctx *c)
{
	struct child_state s = {.c = c, .pty_peer = -1};
	struct sk_err err = {0};

	s.rootfs = (struct sk_rootfs){.spec = c->spec,
				      .path = c->rootfs,
				      .root_fd = -1,
				      .userns = c->spec->linux_.ns[SK_NS_USER].present,
				      .cgroupns = c->spec->linux_.ns[SK_NS_CGROUP].present,
				      .netns = c->spec->linux_.ns[SK_NS_NETWORK].present};

	/* `run` blocks signals to forward them; the container starts with none blocked, and with
	 * none of the caller's ignored ones ignored. */
	if (sk_signals_reset(&err) < 0)
		goto fail;
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
	sk_trampoline_exec(c->tramp_fd, s.proc.exe, c->spec->process->args, s.proc.envp);
	sk_fail(&err, errno, "exec %s", s.proc.exe);
	/* After READY only the container's stderr is left to tell. */
	dprintf(2, "skiff: %s\n", err.msg ? err.msg : "container start failed");
	_exit(127);
fail:
	sk_sync_send_error(c->sync_fd, &err);
	_exit(1);
}
