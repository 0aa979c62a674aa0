/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount option words of config.json mounts -> mount(2) flags, propagation, mount_setattr(2)
 * attributes (the recursive "r*" words) and leftover filesystem data. One table drives both the
 * decoder and the list `skiff features` prints. Pure logic: nothing here touches the system.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "cleanup.h"
#include "mntopt.h"

enum opt_kind {
	OPT_SET,	 /* flags |= value */
	OPT_CLR,	 /* flags &= ~value */
	OPT_PROPAGATION, /* propagation = value */
	OPT_ATTR_SET,	 /* attr_set |= value, attr_clr &= ~value */
	OPT_ATTR_CLR,	 /* attr_clr |= value, attr_set &= ~value */
	OPT_ATIME,	 /* recursive atime mode: an enum inside MOUNT_ATTR__ATIME */
	OPT_BIND,
	OPT_RBIND,
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_COPY_SYMLINK,
	OPT_IGNORE, /* accepted, no effect: "defaults", "tmpcopyup" (a crun extension) */
};

/*
 * The kernel takes one atime mode for a mount_setattr() call: MOUNT_ATTR__ATIME must be in
 * attr_clr and exactly one mode in attr_set. So the recursive atime words pick a mode:
 * "ratime" and "rnostrictatime" mean the kernel default (relatime), "rnorelatime" asks for
 * full atime updates (strictatime).
 */
#define MOUNT_OPTIONS(X)                                                                           \
	X("ro", OPT_SET, MS_RDONLY)                                                                \
	X("rw", OPT_CLR, MS_RDONLY)                                                                \
	X("nosuid", OPT_SET, MS_NOSUID)                                                            \
	X("suid", OPT_CLR, MS_NOSUID)                                                              \
	X("nodev", OPT_SET, MS_NODEV)                                                              \
	X("dev", OPT_CLR, MS_NODEV)                                                                \
	X("noexec", OPT_SET, MS_NOEXEC)                                                            \
	X("exec", OPT_CLR, MS_NOEXEC)                                                              \
	X("sync", OPT_SET, MS_SYNCHRONOUS)                                                         \
	X("async", OPT_CLR, MS_SYNCHRONOUS)                                                        \
	X("dirsync", OPT_SET, MS_DIRSYNC)                                                          \
	X("remount", OPT_SET, MS_REMOUNT)                                                          \
	X("mand", OPT_SET, MS_MANDLOCK)                                                            \
	X("nomand", OPT_CLR, MS_MANDLOCK)                                                          \
	X("noatime", OPT_SET, MS_NOATIME)                                                          \
	X("atime", OPT_CLR, MS_NOATIME)                                                            \
	X("nodiratime", OPT_SET, MS_NODIRATIME)                                                    \
	X("diratime", OPT_CLR, MS_NODIRATIME)                                                      \
	X("relatime", OPT_SET, MS_RELATIME)                                                        \
	X("norelatime", OPT_CLR, MS_RELATIME)                                                      \
	X("strictatime", OPT_SET, MS_STRICTATIME)                                                  \
	X("nostrictatime", OPT_CLR, MS_STRICTATIME)                                                \
	X("lazytime", OPT_SET, MS_LAZYTIME)                                                        \
	X("nolazytime", OPT_CLR, MS_LAZYTIME)                                                      \
	X("silent", OPT_SET, MS_SILENT)                                                            \
	X("loud", OPT_CLR, MS_SILENT)                                                              \
	X("iversion", OPT_SET, MS_I_VERSION)                                                       \
	X("noiversion", OPT_CLR, MS_I_VERSION)                                                     \
	X("nosymfollow", OPT_SET, MS_NOSYMFOLLOW)                                                  \
	X("symfollow", OPT_CLR, MS_NOSYMFOLLOW)                                                    \
	X("acl", OPT_SET, MS_POSIXACL)                                                             \
	X("noacl", OPT_CLR, MS_POSIXACL)                                                           \
	X("defaults", OPT_IGNORE, 0)                                                               \
	X("bind", OPT_BIND, MS_BIND)                                                               \
	X("rbind", OPT_RBIND, MS_BIND | MS_REC)                                                    \
	X("private", OPT_PROPAGATION, MS_PRIVATE)                                                  \
	X("rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC)                                        \
	X("shared", OPT_PROPAGATION, MS_SHARED)                                                    \
	X("rshared", OPT_PROPAGATION, MS_SHARED | MS_REC)                                          \
	X("slave", OPT_PROPAGATION, MS_SLAVE)                                                      \
	X("rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC)                                            \
	X("unbindable", OPT_PROPAGATION, MS_UNBINDABLE)                                            \
	X("runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC)                                  \
	X("rro", OPT_ATTR_SET, MOUNT_ATTR_RDONLY)                                                  \
	X("rrw", OPT_ATTR_CLR, MOUNT_ATTR_RDONLY)                                                  \
	X("rnosuid", OPT_ATTR_SET, MOUNT_ATTR_NOSUID)                                              \
	X("rsuid", OPT_ATTR_CLR, MOUNT_ATTR_NOSUID)                                                \
	X("rnodev", OPT_ATTR_SET, MOUNT_ATTR_NODEV)                                                \
	X("rdev", OPT_ATTR_CLR, MOUNT_ATTR_NODEV)                                                  \
	X("rnoexec", OPT_ATTR_SET, MOUNT_ATTR_NOEXEC)                                              \
	X("rexec", OPT_ATTR_CLR, MOUNT_ATTR_NOEXEC)                                                \
	X("rnodiratime", OPT_ATTR_SET, MOUNT_ATTR_NODIRATIME)                                      \
	X("rdiratime", OPT_ATTR_CLR, MOUNT_ATTR_NODIRATIME)                                        \
	X("rnosymfollow", OPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW)                                    \
	X("rsymfollow", OPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW)                                      \
	X("rrelatime", OPT_ATIME, MOUNT_ATTR_RELATIME)                                             \
	X("rnorelatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME)                                        \
	X("ratime", OPT_ATIME, MOUNT_ATTR_RELATIME)                                                \
	X("rnoatime", OPT_ATIME, MOUNT_ATTR_NOATIME)                                               \
	X("rstrictatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME)                                       \
	X("rnostrictatime", OPT_ATIME, MOUNT_ATTR_RELATIME)                                        \
	X("idmap", OPT_IDMAP, 0)                                                                   \
	X("ridmap", OPT_RIDMAP, 0)                                                                 \
	X("copy-symlink", OPT_COPY_SYMLINK, 0)                                                     \
	X("tmpcopyup", OPT_IGNORE, 0)

struct mount_opt {
	const char *name;
	enum opt_kind kind;
	uint64_t value;
};

#define OPT_ENTRY(n, k, v) {n, k, v},
#define OPT_NAME(n, k, v)  n,

static const struct mount_opt mount_opts[] = {MOUNT_OPTIONS(OPT_ENTRY)};

const char *const sk_mount_option_names[] = {MOUNT_OPTIONS(OPT_NAME) NULL};

static const struct mount_opt *opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (strcmp(mount_opts[i].name, name) == 0)
			return &mount_opts[i];
	return NULL;
}

static void opt_apply(struct sk_mount *m, const struct mount_opt *o)
{
	switch (o->kind) {
	case OPT_SET:
		m->flags |= o->value;
		break;
	case OPT_CLR:
		m->flags &= ~o->value;
		break;
	case OPT_PROPAGATION:
		m->propagation = o->value;
		break;
	case OPT_ATTR_SET:
		m->attr_set |= o->value;
		m->attr_clr &= ~o->value;
		break;
	case OPT_ATTR_CLR:
		m->attr_clr |= o->value;
		m->attr_set &= ~o->value;
		break;
	case OPT_ATIME:
		m->attr_clr |= MOUNT_ATTR__ATIME;
		m->attr_set = (m->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | o->value;
		break;
	case OPT_RBIND:
		m->recursive_bind = true;
		/* fall through */
	case OPT_BIND:
		m->bind = true;
		m->flags |= o->value;
		break;
	case OPT_IDMAP:
		m->idmap = true;
		break;
	case OPT_RIDMAP:
		m->ridmap = true;
		break;
	case OPT_COPY_SYMLINK:
		m->copy_symlink = true;
		break;
	case OPT_IGNORE:
		break;
	}
}

/* Appends word to m->data with a ',' separator. */
static int data_append(struct sk_mount *m, const char *word, struct sk_err *err)
{
	size_t old = m->data ? strlen(m->data) : 0, n = strlen(word);
	char *d = realloc(m->data, old + n + 2);

	if (!d)
		return sk_fail(err, ENOMEM, "mount option %s", word);
	if (old)
		d[old++] = ',';
	memcpy(d + old, word, n + 1);
	m->data = d;
	return 0;
}

int sk_mount_options_parse(struct sk_mount *m, struct sk_err *err)
{
	m->flags = 0;
	m->propagation = 0;
	m->attr_set = m->attr_clr = 0;
	m->bind = m->recursive_bind = m->readonly_bind = false;
	m->idmap = m->ridmap = m->copy_symlink = false;
	free(m->data);
	m->data = NULL;

	/* type "bind" is a bind mount even without a "bind" option (non-recursive, as runc). */
	if (m->type && strcmp(m->type, "bind") == 0)
		opt_apply(m, opt_find("bind"));
	for (char **w = m->options; w && *w; w++) {
		const struct mount_opt *o = opt_find(*w);
		if (o)
			opt_apply(m, o);
		else if (**w && data_append(m, *w, err) < 0)
			return -1;
	}
	/* MS_RDONLY is ignored when a bind mount is created: it needs a remount. */
	m->readonly_bind = m->bind && (m->flags & MS_RDONLY);
	return 0;
}

int sk_propagation_parse(const char *s, unsigned long *ret, struct sk_err *err)
{
	const struct mount_opt *o;

	/* runc treats an empty rootfsPropagation as not given. */
	if (s[0] == '\0') {
		*ret = 0;
		return 0;
	}
	o = opt_find(s);
	if (!o || o->kind != OPT_PROPAGATION)
		return sk_fail(err, 0, "unknown propagation \"%s\"", s);
	*ret = o->value;
	return 0;
}
