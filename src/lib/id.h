/* SPDX-License-Identifier: Apache-2.0 */
/* Container id validation: what may name a directory under --root. */
#pragma once
#include "error.h"

/* An id names a directory under --root, so it is at most one file name long (NAME_MAX). */
#define SK_ID_MAX 255

/* Accepts [A-Za-z0-9_.+-]+ (as runc does) up to SK_ID_MAX bytes, except "." and "..".
 * The error is `invalid container id "<id>": <reason>`, with unprintable bytes escaped. */
int sk_id_validate(const char *id, struct sk_err *err);
