/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: run one kind's hooks in order, with the state JSON on stdin, env, args, timeout. */
#pragma once
#include "error.h"
#include "spec.h"

/* Runs every hook of the list in the calling process's namespaces. A hook that exits non-zero,
 * is killed, or outlives its timeout (then it is SIGKILLed) fails the call; the error names the
 * hook kind, index and path, and includes the hook's stderr (trimmed). */
int sk_hooks_run(const struct sk_hook_list *list, enum sk_hook_kind kind, const char *state_json,
		 struct sk_err *err);
/* Like sk_hooks_run, but a failed hook does not stop the ones after it (poststart, poststop):
 * every hook runs, and the error lists each failure, joined by "; ". */
int sk_hooks_run_all(const struct sk_hook_list *list, enum sk_hook_kind kind,
		     const char *state_json, struct sk_err *err);
