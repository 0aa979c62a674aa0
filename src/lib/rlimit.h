/* SPDX-License-Identifier: Apache-2.0 */
/* process.rlimits: "RLIMIT_NOFILE" <-> RLIMIT_NOFILE, and setting them with prlimit. */
#pragma once
#include "error.h"
#include "spec.h"

int sk_rlimit_from_name(const char *name, int *ret); /* 0 ok, -1 unknown */
const char *sk_rlimit_name(int resource);
int sk_rlimits_apply(const struct sk_rlimit *r, size_t n, struct sk_err *err);
