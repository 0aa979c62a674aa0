/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users and groups of the container: parsing /etc/passwd and /etc/group lines, and resolving a
 * "user[:group]" spec against the files of the container's root. The files are opened with
 * in-root resolution (a hostile /etc symlink cannot reach the host's files) and never through
 * the host's NSS. Applying the ids to a process is child.c's job.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cleanup.h"
#include "fs.h"
#include "user.h"

/* A passwd or group file larger than this is refused rather than read. */
#define USER_FILE_MAX (16u << 20)

/* A user or group argument: a name, or a number that may also match an entry's id. */
struct user_query {
	const char *arg;
	bool numeric;
	uint32_t id;
};

/* Decimal id of exactly len digits. (uid_t)-1 is refused: it means "unchanged" to setresuid. */
static int user_parse_id(const char *s, size_t len, uint32_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX - 1)
		return -1;
	*ret = (uint32_t)v;
	return 0;
}

static bool user_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Copies line without its line ending, and splits it at ':' into at most max fields (the last
 * field keeps any further ':'). Returns the number of fields, or -1 for comments, blank lines
 * and allocation failures (errno says which). */
static int user_split(const char *line, char **ret_buf, char **fields, int max)
{
	size_t len = strcspn(line, "\r\n");
	const char *p = line + strspn(line, " \t");
	char *buf, *s;
	int n = 0;

	if (*p == '#' || p >= line + len) {
		errno = EINVAL;
		return -1;
	}
	buf = strndup(line, len);
	if (!buf)
		return -1;
	for (s = buf; n < max - 1; n++) {
		char *colon = strchr(s, ':');
		if (!colon)
			break;
		*colon = '\0';
		fields[n] = s;
		s = colon + 1;
	}
	fields[n++] = s;
	*ret_buf = buf;
	return n;
}

int sk_passwd_parse_line(const char *line, struct sk_pwent *ret)
{
	_cleanup_free_ char *buf = NULL;
	char *f[7];
	uint32_t uid, gid;
	int n = user_split(line, &buf, f, 7);

	*ret = (struct sk_pwent){0};
	if (n < 0)
		return -1;
	if (n < 4 || !f[0][0] || user_parse_id(f[2], strlen(f[2]), &uid) < 0 ||
	    user_parse_id(f[3], strlen(f[3]), &gid) < 0) {
		errno = EINVAL;
		return -1;
	}
	ret->name = strdup(f[0]);
	ret->home = n > 5 && f[5][0] ? strdup(f[5]) : NULL;
	if (!ret->name || (n > 5 && f[5][0] && !ret->home)) {
		sk_pwent_clear(ret);
		errno = ENOMEM;
		return -1;
	}
	ret->uid = uid;
	ret->gid = gid;
	return 0;
}

/* Splits a comma-separated member list into a NULL-terminated array, skipping empty names. */
static char **user_split_members(const char *list)
{
	size_t n = 1, i = 0;
	char **v;

	for (const char *p = list; *p; p++)
		n += *p == ',';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	while (*list) {
		size_t len = strcspn(list, ",");
		if (len > 0) {
			v[i] = strndup(list, len);
			if (!v[i]) {
				strv_free(v);
				return NULL;
			}
			i++;
		}
		list += len;
		if (*list == ',')
			list++;
	}
	return v;
}

int sk_group_parse_line(const char *line, struct sk_grent *ret)
{
	_cleanup_free_ char *buf = NULL;
	char *f[4];
	uint32_t gid;
	int n = user_split(line, &buf, f, 4);

	*ret = (struct sk_grent){0};
	if (n < 0)
		return -1;
	if (n < 3 || !f[0][0] || user_parse_id(f[2], strlen(f[2]), &gid) < 0) {
		errno = EINVAL;
		return -1;
	}
	ret->name = strdup(f[0]);
	ret->members = user_split_members(n > 3 ? f[3] : "");
	if (!ret->name || !ret->members) {
		sk_grent_clear(ret);
		errno = ENOMEM;
		return -1;
	}
	ret->gid = gid;
	return 0;
}

void sk_pwent_clear(struct sk_pwent *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->home);
	*p = (struct sk_pwent){0};
}

void sk_grent_clear(struct sk_grent *g)
{
	if (!g)
		return;
	free(g->name);
	strv_free(g->members);
	*g = (struct sk_grent){0};
}

void sk_resolved_user_clear(struct sk_resolved_user *u)
{
	if (!u)
		return;
	free(u->home);
	free(u->groups);
	*u = (struct sk_resolved_user){0};
}

/* Opens path in the container's root for reading; *ret is NULL when the file (or /etc) does not
 * exist. O_NONBLOCK so that a FIFO planted at the path cannot block us before the type check. */
static int user_open(int root_fd, const char *path, FILE **ret, struct sk_err *err)
{
	struct sk_err local = {0};
	_cleanup_close_ int fd = -1;
	struct stat st;

	*ret = NULL;
	fd = sk_open_in_root(root_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, &local);
	if (fd < 0) {
		if (local.errnum == ENOENT || local.errnum == ENOTDIR) {
			sk_err_clear(&local);
			return 0;
		}
		sk_err_move(err, &local);
		return -1;
	}
	if (fstat(fd, &st) < 0)
		return sk_fail(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return sk_fail(err, EINVAL, "%s is not a regular file", path);
	*ret = fdopen(fd, "re");
	if (!*ret)
		return sk_fail(err, errno, "fdopen %s", path);
	TAKE_FD(fd);
	return 0;
}

/* Reads the next line into *line. Returns 1 for a line, 0 at the end, -1 on error. */
static int user_getline(FILE *f, const char *path, char **line, size_t *cap, size_t *total,
			struct sk_err *err)
{
	ssize_t n;

	errno = 0;
	n = getline(line, cap, f);
	if (n < 0) {
		if (ferror(f))
			return sk_fail(err, errno ? errno : EIO, "read %s", path);
		return 0;
	}
	*total += (size_t)n;
	if (*total > USER_FILE_MAX)
		return sk_fail(err, EFBIG, "read %s", path);
	return 1;
}

static bool user_query_matches(const struct user_query *q, const char *name, uint32_t id)
{
	return strcmp(q->arg, name) == 0 || (q->numeric && q->id == id);
}

/* One database file: how to parse a line into an entry, match it against a query, clear it. */
struct user_db {
	const char *path;
	int (*parse)(const char *line, void *ent);
	bool (*match)(const struct user_query *q, const void *ent);
	void (*clear)(void *ent);
};

static int pw_parse(const char *line, void *ent)
{
	return sk_passwd_parse_line(line, ent);
}
static bool pw_match(const struct user_query *q, const void *ent)
{
	const struct sk_pwent *p = ent;
	return user_query_matches(q, p->name, p->uid);
}
static void pw_clear(void *ent)
{
	sk_pwent_clear(ent);
}
static int gr_parse(const char *line, void *ent)
{
	return sk_group_parse_line(line, ent);
}
static bool gr_match(const struct user_query *q, const void *ent)
{
	const struct sk_grent *g = ent;
	return user_query_matches(q, g->name, g->gid);
}
static void gr_clear(void *ent)
{
	sk_grent_clear(ent);
}

static const struct user_db passwd_db = {"/etc/passwd", pw_parse, pw_match, pw_clear};
static const struct user_db group_db = {"/etc/group", gr_parse, gr_match, gr_clear};

/* The first entry of db matching q (as runc: by name, or by id when q is numeric). Returns 1
 * and fills *ret when found, 0 when not (or no such file), -1 on error. */
static int user_find(int root_fd, const struct user_db *db, const struct user_query *q, void *ret,
		     struct sk_err *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, total = 0;
	int r;

	if (user_open(root_fd, db->path, &f, err) < 0)
		return -1;
	while (f && (r = user_getline(f, db->path, &line, &cap, &total, err)) > 0) {
		if (db->parse(line, ret) < 0) {
			if (errno == ENOMEM)
				return sk_fail(err, ENOMEM, "parse %s", db->path);
			continue;
		}
		if (db->match(q, ret))
			return 1;
		db->clear(ret);
	}
	return f ? r : 0;
}

static bool user_is_member(char **members, const char *name)
{
	for (; *members; members++)
		if (strcmp(*members, name) == 0)
			return true;
	return false;
}

static int user_add_gid(struct sk_resolved_user *u, gid_t gid)
{
	gid_t *g;

	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == gid)
			return 0;
	g = reallocarray(u->groups, u->n_groups + 1, sizeof(*g));
	if (!g)
		return -1;
	g[u->n_groups++] = gid;
	u->groups = g;
	return 0;
}

/* Every group of /etc/group that lists name as a member, in file order, without duplicates. */
static int user_supplementary(int root_fd, const char *name, struct sk_resolved_user *u,
			      struct sk_err *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, total = 0;
	int r;

	if (user_open(root_fd, "/etc/group", &f, err) < 0)
		return -1;
	while (f && (r = user_getline(f, "/etc/group", &line, &cap, &total, err)) > 0) {
		struct sk_grent g;
		bool member;

		if (sk_group_parse_line(line, &g) < 0) {
			if (errno == ENOMEM)
				return sk_fail(err, ENOMEM, "parse /etc/group");
			continue;
		}
		member = user_is_member(g.members, name);
		if (member && user_add_gid(u, g.gid) < 0) {
			sk_grent_clear(&g);
			return sk_fail(err, ENOMEM, "supplementary groups of %s", name);
		}
		sk_grent_clear(&g);
	}
	return f ? r : 0;
}

/* arg is a name, or an id when all digits; an all-digit id out of range is an error. */
static int user_query_init(struct user_query *q, const char *arg, const char *what,
			   struct sk_err *err)
{
	q->arg = arg;
	q->numeric = false;
	q->id = 0;
	if (!user_all_digits(arg))
		return 0;
	if (user_parse_id(arg, strlen(arg), &q->id) < 0)
		return sk_fail(err, ERANGE, "invalid %s %s", what, arg);
	q->numeric = true;
	return 0;
}

/* Applies an explicit group argument: a name must exist in /etc/group, a number need not. */
static int user_resolve_group(int root_fd, const char *arg, struct sk_resolved_user *u,
			      struct sk_err *err)
{
	struct sk_grent g = {0};
	struct user_query q;
	int r;

	if (user_query_init(&q, arg, "gid", err) < 0)
		return -1;
	r = user_find(root_fd, &group_db, &q, &g, err);
	if (r < 0)
		return -1;
	if (r == 0 && !q.numeric)
		return sk_fail(err, 0, "unable to find group %s: no matching entries in group file",
			       arg);
	u->gid = r ? g.gid : q.id;
	sk_grent_clear(&g);
	return 0;
}

int sk_user_resolve(int root_fd, const char *spec, struct sk_resolved_user *ret, struct sk_err *err)
{
	_cleanup_(sk_resolved_user_clear) struct sk_resolved_user u = {0};
	_cleanup_(sk_pwent_clear) struct sk_pwent pw = {0};
	_cleanup_free_ char *user_arg = NULL;
	const char *colon = strchr(spec, ':');
	const char *group_arg = colon ? colon + 1 : NULL;
	struct user_query q;
	int found;

	*ret = (struct sk_resolved_user){0};
	user_arg = colon ? strndup(spec, (size_t)(colon - spec)) : strdup(spec);
	if (!user_arg)
		return sk_fail(err, ENOMEM, "user %s", spec);
	/* An empty user part means root, as an absent process.user does. */
	if (user_query_init(&q, user_arg[0] ? user_arg : "0", "uid", err) < 0)
		return -1;
	found = user_find(root_fd, &passwd_db, &q, &pw, err);
	if (found < 0)
		return sk_wrap(err, "user %s", spec);
	if (!found && !q.numeric)
		return sk_fail(err, 0, "unable to find user %s: no matching entries in passwd file",
			       user_arg);
	/* A numeric uid needs no entry; then the gid is 0 and the home "/" (as runc). */
	u.uid = found ? pw.uid : q.id;
	u.gid = found ? pw.gid : 0;
	u.home = strdup(found && pw.home ? pw.home : "/");
	if (!u.home)
		return sk_fail(err, ENOMEM, "user %s", spec);
	if (group_arg && group_arg[0]) {
		/* Supplementary groups only come with the implicit form, as runc does. */
		if (user_resolve_group(root_fd, group_arg, &u, err) < 0)
			return -1;
	} else if (found && user_supplementary(root_fd, pw.name, &u, err) < 0) {
		return sk_wrap(err, "user %s", spec);
	}
	*ret = u;
	u = (struct sk_resolved_user){0};
	return 0;
}

int sk_user_home(int root_fd, uid_t uid, char **ret, struct sk_err *err)
{
	_cleanup_(sk_pwent_clear) struct sk_pwent pw = {0};
	/* The name can never match: entries with an empty name are malformed. */
	struct user_query q = {.arg = "", .numeric = true, .id = uid};
	int found = user_find(root_fd, &passwd_db, &q, &pw, err);

	*ret = NULL;
	if (found < 0)
		return sk_wrap(err, "home of uid %u", (unsigned)uid);
	*ret = strdup(found && pw.home ? pw.home : "/");
	if (!*ret)
		return sk_fail(err, ENOMEM, "home of uid %u", (unsigned)uid);
	return 0;
}
