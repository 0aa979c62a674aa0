/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process half of a container start, shared by create (child.c) and exec: everything
 * from process attributes to the last security step, inside the container's namespaces and
 * root, ending with the program resolved and the fds ready for execve.
 */
#pragma once
#include <stdbool.h>
#include "seccomp.h"
#include "spec.h"

struct sk_proc {
	/* inputs */
	const struct sk_process *process;
	const struct sk_linux *linux_; /* personality */
	bool userns;		       /* in a user namespace: setgroups may be denied */
	int proc_fd;		       /* set by sk_proc_prepare: the container's procfs, or -1 */
	const struct sk_seccomp *seccomp; /* or NULL */
	int sync_fd;			  /* where SYNC_SECCOMP goes (notify profiles) */
	const char *id;			  /* for the session keyring name */
	bool no_new_keyring;
	int n_keep_fds;	 /* fds 3 .. 3+n-1 reach the program */
	int listen_fds;	 /* LISTEN_FDS to pass on (0: none) */
	int pty_peer;	 /* becomes the controlling terminal and stdio, or -1 */
	bool foreground; /* stdio is the caller's own (run, exec without -d): see fix_stdio_owner */
	/* outputs */
	char *exe;   /* args[0] resolved in the container's PATH */
	char **envp; /* process.env (+ HOME, LISTEN_FDS) */
};

/* Applies, in order: oom score, rlimits, personality, I/O priority, scheduler, keyring, cwd
 * (created if missing, verified inside the root: CVE-2024-21626), environment, program lookup,
 * groups/gid/uid and capabilities, no_new_privs, LSM exec labels, seccomp (last), terminal,
 * and marks every fd but stdio and the kept ones close-on-exec. */
int sk_proc_prepare(struct sk_proc *s, struct sk_err *err);
