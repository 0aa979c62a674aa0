/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities: names <-> numbers, and applying the five sets of process.capabilities. */
#pragma once
#include <stdint.h>
#include "error.h"
#include "spec.h"

/* "CAP_SYS_ADMIN" -> 21; unknown names are an error. */
int sk_cap_from_name(const char *name, int *ret, struct sk_err *err);
const char *sk_cap_name(int cap); /* NULL if unknown */
int sk_cap_last(void);		  /* highest capability the running kernel knows */
/* Drops from the bounding set what is not in caps->bounding, then sets inheritable, permitted,
 * effective and ambient (in that order). Called after the uid switch (with KEEPCAPS). */
int sk_caps_apply(const struct sk_caps *caps, struct sk_err *err);
