/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users and groups from the container's own /etc/passwd and /etc/group (never the host's NSS),
 * read through a root fd with in-root resolution.
 */
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

struct sk_resolved_user {
	uid_t uid;
	gid_t gid;
	char *home;    /* from passwd, "/" when unknown */
	gid_t *groups; /* supplementary groups of the user from /etc/group */
	size_t n_groups;
};

/* spec: "user", "uid", "user:group", "uid:gid", "user:gid", "uid:group". Numeric ids need no
 * passwd entry (as runc: then gid 0, home "/"); names that are not found are an error with
 * runc's text ("unable to find user NAME: no matching entries in passwd file"). Supplementary
 * groups are filled only in the implicit form (no group given), as runc does. */
int sk_user_resolve(int root_fd, const char *spec, struct sk_resolved_user *ret,
		    struct sk_err *err);
/* Home directory of uid from /etc/passwd, "/" when no entry or no file. */
int sk_user_home(int root_fd, uid_t uid, char **ret, struct sk_err *err);
void sk_resolved_user_clear(struct sk_resolved_user *u);

/* Pure parsers, unit-tested: one passwd or group line into fields. */
struct sk_pwent {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home; /* NULL when the field is missing or empty */
};
/* Comments, blank lines, fewer than 4 (passwd) or 3 (group) fields, bad ids (> UINT32_MAX - 1)
 * are malformed (errno EINVAL); errno ENOMEM on allocation failure. */
int sk_passwd_parse_line(const char *line, struct sk_pwent *ret); /* 0 ok, -1 malformed */
struct sk_grent {
	char *name;
	gid_t gid;
	char **members; /* NULL-terminated, never NULL after a successful parse */
};
int sk_group_parse_line(const char *line, struct sk_grent *ret); /* 0 ok, -1 malformed */
void sk_pwent_clear(struct sk_pwent *p);
void sk_grent_clear(struct sk_grent *g);
