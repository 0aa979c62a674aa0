/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec trampoline (src/trampoline/trampoline.c) as a sealed memfd: the container's
 * process execs it, and it execs the user's program, so that the runtime binary is never the
 * process's /proc/<pid>/exe once the container runs code (CVE-2019-5736).
 */
#pragma once
#include "error.h"

extern const unsigned char sk_trampoline_blob[];
extern const unsigned long sk_trampoline_blob_len;

/* A close-on-exec, write-sealed memfd holding the trampoline. */
int sk_trampoline_open(struct sk_err *err);
/* execveat(tramp_fd) with argv = [exe, args...]; falls back to a plain execve of exe when the
 * kernel refuses to exec a memfd (vm.memfd_noexec = 2). Returns only on failure. */
int sk_trampoline_exec(int tramp_fd, const char *exe, char *const args[], char *const envp[]);
