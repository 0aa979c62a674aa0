/* SPDX-License-Identifier: Apache-2.0 */
/* Container id validation: what may name a directory under --root. */
#pragma once
#include "error.h"

#define SK_ID_MAX 1024

/* Accepts [A-Za-z0-9][A-Za-z0-9_.+-]* up to SK_ID_MAX bytes, except "." and "..". */
int sk_id_validate(const char *id, struct sk_err *err);
