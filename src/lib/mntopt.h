/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount option tables: the fstab-style option words of config.json mounts decoded into
 * mount(2) flags, propagation, mount_setattr attributes and leftover data. Pure logic.
 */
#pragma once
#include "error.h"
#include "spec.h"

/* Decodes m->options into the flag fields of m and m->data. Unknown words go to data (they
 * are filesystem options such as "mode=755"). Errors name the option. */
int sk_mount_options_parse(struct sk_mount *m, struct sk_err *err);
/* Decodes a rootfsPropagation value ("shared", "rslave", ...) into MS_* flags. */
int sk_propagation_parse(const char *s, unsigned long *ret, struct sk_err *err);
/* The option words skiff understands, NULL-terminated (for `skiff features`). */
extern const char *const sk_mount_option_names[];
