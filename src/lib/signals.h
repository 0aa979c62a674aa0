/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names and numbers as `kill` accepts them: "KILL", "SIGKILL", "kill", "9", "RTMIN+3";
 * the signal state a container process starts with. */
#pragma once
#include "error.h"

int sk_signal_parse(const char *s, int *ret, struct sk_err *err);

/* Unblocks every signal and gives back the default action to the signals the runtime's caller
 * ignored. For a container process before its execve. */
int sk_signals_reset(struct sk_err *err);
