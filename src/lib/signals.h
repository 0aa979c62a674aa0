/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names and numbers as `kill` accepts them: "KILL", "SIGKILL", "kill", "9", "RTMIN+3". */
#pragma once
#include "error.h"

int sk_signal_parse(const char *s, int *ret, struct sk_err *err);
