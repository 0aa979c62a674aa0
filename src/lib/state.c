/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-container state directory <root>/<id>/: creating and locking it, writing and
 * parsing state.json, and working out the status of the container's process from /proc.
 * The lock is flock(LOCK_EX) on the directory fd, so it dies with the process that holds it.
 * Which command may run in which status is container.c's business, not this file's.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>
#include "cleanup.h"
#include "id.h"
#include "state.h"

#define STATE_FILE "state.json"
/* state.json holds a few paths and the annotations; anything bigger is not ours. */
#define STATE_MAX_SIZE (16 * 1024 * 1024)
/* Nesting state.json never needs; deeper input is refused before yajl builds (and recursively
 * frees) a tree of it. */
#define STATE_MAX_DEPTH 16

const char *sk_status_name(enum sk_status s)
{
	switch (s) {
	case SK_STATUS_CREATING:
		return "creating";
	case SK_STATUS_CREATED:
		return "created";
	case SK_STATUS_RUNNING:
		return "running";
	case SK_STATUS_PAUSED:
		return "paused";
	case SK_STATUS_STOPPED:
		return "stopped";
	}
	return "unknown";
}

char *sk_rfc3339_now(void)
{
	struct timespec ts;
	struct tm tm;
	char base[32];
	char *out = NULL;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || !gmtime_r(&ts.tv_sec, &tm) ||
	    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return strdup("1970-01-01T00:00:00.000000000Z");
	if (asprintf(&out, "%s.%09ldZ", base, ts.tv_nsec) < 0)
		return NULL;
	return out;
}

/* ---- the directory and its lock ---- */

/* mkdir -p with mode for every directory it creates; existing ones are left as they are. */
static int state_mkdir_p(const char *path, mode_t mode, struct sk_err *err)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return sk_fail(err, ENOMEM, "create %s", path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return sk_fail(err, errno, "create state root %s", p);
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

static int state_lock(int fd, const char *root, const char *id, struct sk_err *err)
{
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return sk_fail(err, errno, "lock state directory %s/%s", root, id);
	}
	return 0;
}

static int fail_not_exist(struct sk_err *err, const char *id)
{
	sk_fail(err, 0, "container \"%s\" does not exist", id);
	err->errnum = ENOENT;
	return -1;
}

int sk_state_dir_create(const char *root, const char *id, int *ret_dirfd, struct sk_err *err)
{
	_cleanup_close_ int root_fd = -1;
	_cleanup_close_ int fd = -1;

	if (sk_id_validate(id, err) < 0)
		return -1;
	if (state_mkdir_p(root, 0700, err) < 0)
		return -1;
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return sk_fail(err, errno, "open state root %s", root);
	if (mkdirat(root_fd, id, 0700) < 0) {
		if (errno == EEXIST) {
			sk_fail(err, 0, "container with id \"%s\" already exists", id);
			err->errnum = EEXIST;
			return -1;
		}
		return sk_fail(err, errno, "create state directory %s/%s", root, id);
	}
	fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		sk_fail(err, errno, "open state directory %s/%s", root, id);
		goto fail;
	}
	if (state_lock(fd, root, id, err) < 0)
		goto fail;
	*ret_dirfd = TAKE_FD(fd);
	return 0;
fail:
	unlinkat(root_fd, id, AT_REMOVEDIR);
	return -1;
}

int sk_state_dir_open(const char *root, const char *id, int *ret_dirfd, struct sk_err *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	struct stat sb;

	if (sk_id_validate(id, err) < 0)
		return -1;
	if (asprintf(&path, "%s/%s", root, id) < 0)
		return sk_fail(err, ENOMEM, "open state of container %s", id);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return fail_not_exist(err, id);
	if (fd < 0)
		return sk_fail(err, errno, "open state directory %s", path);
	if (state_lock(fd, root, id, err) < 0)
		return -1;
	/* A concurrent delete may have removed the directory while we waited for the lock. */
	if (fstat(fd, &sb) < 0)
		return sk_fail(err, errno, "stat state directory %s", path);
	if (sb.st_nlink == 0)
		return fail_not_exist(err, id);
	*ret_dirfd = TAKE_FD(fd);
	return 0;
}

/* Empties the directory dirfd; subdirectories (never written by skiff) are emptied too, down
 * to a small depth. */
static int remove_contents(int dirfd, const char *path, int depth, struct sk_err *err)
{
	DIR *d;
	int fd, ret = 0;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sk_fail(err, errno, "open %s", path);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return sk_fail(err, errno, "read %s", path);
	}
	while (ret == 0) {
		struct dirent *de;
		int sub;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = sk_fail(err, errno, "read %s", path);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR || depth >= 4) {
			ret = sk_fail(err, errno, "remove %s/%s", path, de->d_name);
			break;
		}
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			ret = sk_fail(err, errno, "open %s/%s", path, de->d_name);
			break;
		}
		ret = remove_contents(sub, path, depth + 1, err);
		close(sub);
		if (ret == 0 && unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			ret = sk_fail(err, errno, "remove %s/%s", path, de->d_name);
	}
	closedir(d);
	return ret;
}

int sk_state_dir_remove(const char *root, const char *id, struct sk_err *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	if (sk_id_validate(id, err) < 0)
		return -1;
	if (asprintf(&path, "%s/%s", root, id) < 0)
		return sk_fail(err, ENOMEM, "remove state of container %s", id);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return sk_fail(err, errno, "open state directory %s", path);
	if (remove_contents(fd, path, 0, err) < 0)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return sk_fail(err, errno, "remove state directory %s", path);
	return 0;
}

/* ---- state.json ---- */

#define GEN_STR(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

/* Runs one yajl_gen step inside a function returning yajl_gen_status. */
#define GEN(call)                                                                                  \
	do {                                                                                       \
		yajl_gen_status _s = (call);                                                       \
		if (_s != yajl_gen_status_ok)                                                      \
			return _s;                                                                 \
	} while (0)

static yajl_gen_status gen_kv_str(yajl_gen g, const char *key, const char *value)
{
	if (!value)
		return yajl_gen_status_ok;
	GEN(GEN_STR(g, key));
	return GEN_STR(g, value);
}

static yajl_gen_status gen_kv_int(yajl_gen g, const char *key, long long value)
{
	GEN(GEN_STR(g, key));
	return yajl_gen_integer(g, value);
}

static yajl_gen_status gen_kv_bool(yajl_gen g, const char *key, bool value)
{
	GEN(GEN_STR(g, key));
	return yajl_gen_bool(g, value);
}

static yajl_gen_status gen_annotations(yajl_gen g, const struct sk_state *st)
{
	GEN(GEN_STR(g, "annotations"));
	GEN(yajl_gen_map_open(g));
	for (size_t i = 0; i < st->n_annotations; i++) {
		GEN(GEN_STR(g, st->annotations[i].key ? st->annotations[i].key : ""));
		GEN(GEN_STR(g, st->annotations[i].value ? st->annotations[i].value : ""));
	}
	return yajl_gen_map_close(g);
}

static yajl_gen_status gen_state(yajl_gen g, const struct sk_state *st)
{
	GEN(yajl_gen_map_open(g));
	GEN(gen_kv_str(g, "id", st->id));
	GEN(gen_kv_int(g, "pid", st->pid));
	GEN(gen_kv_int(g, "pid_start", (long long)st->pid_start));
	GEN(gen_kv_str(g, "bundle", st->bundle));
	GEN(gen_kv_str(g, "rootfs", st->rootfs));
	GEN(gen_kv_str(g, "created", st->created));
	GEN(gen_kv_int(g, "owner", st->owner));
	GEN(gen_annotations(g, st));
	GEN(gen_kv_str(g, "cgroup", st->cgroup));
	GEN(gen_kv_bool(g, "started", st->started));
	GEN(gen_kv_bool(g, "paused", st->paused));
	GEN(gen_kv_bool(g, "systemd_cgroup", st->systemd_cgroup));
	return yajl_gen_map_close(g);
}

/* Copies the generated text out of g, without yajl's final newline in beautify mode. */
static int gen_take(yajl_gen g, yajl_gen_status s, const char *what, char **ret, struct sk_err *err)
{
	const unsigned char *buf;
	size_t len;
	char *out;

	if (s == yajl_gen_status_ok)
		s = yajl_gen_get_buf(g, &buf, &len);
	if (s != yajl_gen_status_ok)
		return sk_fail(err, 0, "generate %s: yajl error %d", what, (int)s);
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	out = strndup((const char *)buf, len);
	if (!out)
		return sk_fail(err, ENOMEM, "generate %s", what);
	*ret = out;
	return 0;
}

static yajl_gen gen_new(bool beautify, const char *indent)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (g && beautify) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, indent);
	}
	return g;
}

static void gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

/* Writes data to dir/name through a temp file and rename(), so readers (which do not take the
 * lock, e.g. `list`) see the old or the new file, never a partial one. */
static int write_atomic(int dirfd, const char *name, const char *data, size_t len,
			struct sk_err *err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;

	if (asprintf(&tmp, ".%s.%d.tmp", name, (int)getpid()) < 0)
		return sk_fail(err, ENOMEM, "write %s", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sk_fail(err, errno, "create %s", tmp);
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sk_fail(err, n < 0 ? errno : EIO, "write %s", tmp);
			goto fail;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(TAKE_FD(fd)) < 0) {
		sk_fail(err, errno, "write %s", tmp);
		goto fail;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		sk_fail(err, errno, "rename %s to %s", tmp, name);
		goto fail;
	}
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	return -1;
}

int sk_state_write(int dirfd, const struct sk_state *st, struct sk_err *err)
{
	_cleanup_(gen_freep) yajl_gen g = gen_new(false, NULL);
	_cleanup_free_ char *json = NULL;

	if (!g)
		return sk_fail(err, ENOMEM, "write " STATE_FILE);
	if (gen_take(g, gen_state(g, st), STATE_FILE, &json, err) < 0)
		return -1;
	return write_atomic(dirfd, STATE_FILE, json, strlen(json), err);
}

int sk_state_read(int dirfd, struct sk_state **ret, struct sk_err *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	fd = openat(dirfd, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sk_fail(err, errno, "open " STATE_FILE);
	for (;;) {
		if (len == cap) {
			char *nb;
			if (cap >= STATE_MAX_SIZE)
				return sk_fail(err, EFBIG, "read " STATE_FILE);
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				return sk_fail(err, ENOMEM, "read " STATE_FILE);
			buf = nb;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sk_fail(err, errno, "read " STATE_FILE);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return sk_state_parse(buf, len, ret, err);
}

/* ---- parsing ---- */

/* True when brackets nest at most max deep (strings skipped). */
static bool json_depth_ok(const char *s, size_t len, int max)
{
	bool in_str = false;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

static int parse_fail(struct sk_err *err, const char *key, const char *what)
{
	return sk_fail(err, 0, "invalid " STATE_FILE ": \"%s\": %s", key, what);
}

static int take_string(yajl_val v, const char *key, char **dst, struct sk_err *err)
{
	char *s;

	if (YAJL_IS_NULL(v)) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (!YAJL_IS_STRING(v))
		return parse_fail(err, key, "expected a string");
	s = strdup(v->u.string);
	if (!s)
		return sk_fail(err, ENOMEM, "parse " STATE_FILE);
	free(*dst);
	*dst = s;
	return 0;
}

static int take_uint(yajl_val v, const char *key, long long max, long long *dst, struct sk_err *err)
{
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 || YAJL_GET_INTEGER(v) > max)
		return parse_fail(err, key, "expected an integer in range");
	*dst = YAJL_GET_INTEGER(v);
	return 0;
}

static int take_bool(yajl_val v, const char *key, bool *dst, struct sk_err *err)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return parse_fail(err, key, "expected true or false");
	*dst = YAJL_IS_TRUE(v);
	return 0;
}

static void annotations_free(struct sk_state *st)
{
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	st->annotations = NULL;
	st->n_annotations = 0;
}

static int take_annotations(yajl_val v, struct sk_state *st, struct sk_err *err)
{
	size_t n;

	annotations_free(st);
	if (YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_OBJECT(v))
		return parse_fail(err, "annotations", "expected an object");
	n = v->u.object.len;
	if (n == 0)
		return 0;
	st->annotations = calloc(n, sizeof(*st->annotations));
	if (!st->annotations)
		return sk_fail(err, ENOMEM, "parse " STATE_FILE);
	for (size_t i = 0; i < n; i++) {
		yajl_val val = v->u.object.values[i];
		if (!YAJL_IS_STRING(val))
			return parse_fail(err, "annotations", "values must be strings");
		st->annotations[i].key = strdup(v->u.object.keys[i]);
		st->annotations[i].value = strdup(val->u.string);
		st->n_annotations = i + 1;
		if (!st->annotations[i].key || !st->annotations[i].value)
			return sk_fail(err, ENOMEM, "parse " STATE_FILE);
	}
	return 0;
}

static int take_field(const char *key, yajl_val v, struct sk_state *st, struct sk_err *err)
{
	long long n = 0;

	if (strcmp(key, "id") == 0)
		return take_string(v, key, &st->id, err);
	if (strcmp(key, "bundle") == 0)
		return take_string(v, key, &st->bundle, err);
	if (strcmp(key, "rootfs") == 0)
		return take_string(v, key, &st->rootfs, err);
	if (strcmp(key, "created") == 0)
		return take_string(v, key, &st->created, err);
	if (strcmp(key, "cgroup") == 0)
		return take_string(v, key, &st->cgroup, err);
	if (strcmp(key, "annotations") == 0)
		return take_annotations(v, st, err);
	if (strcmp(key, "started") == 0)
		return take_bool(v, key, &st->started, err);
	if (strcmp(key, "paused") == 0)
		return take_bool(v, key, &st->paused, err);
	if (strcmp(key, "systemd_cgroup") == 0)
		return take_bool(v, key, &st->systemd_cgroup, err);
	if (strcmp(key, "pid") == 0) {
		if (take_uint(v, key, INT_MAX, &n, err) < 0)
			return -1;
		st->pid = (pid_t)n;
	} else if (strcmp(key, "pid_start") == 0) {
		if (take_uint(v, key, LLONG_MAX, &n, err) < 0)
			return -1;
		st->pid_start = (unsigned long long)n;
	} else if (strcmp(key, "owner") == 0) {
		if (take_uint(v, key, (uid_t)-2, &n, err) < 0)
			return -1;
		st->owner = (uid_t)n;
	}
	/* Unknown keys are ignored: a newer skiff may have written them. */
	return 0;
}

/* yajl's message goes on to quote the input on more lines: keep the first, printable. */
static void sanitize(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = ' ';
}

int sk_state_parse(const char *json, size_t len, struct sk_state **ret, struct sk_err *err)
{
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;
	_cleanup_free_ char *buf = NULL;
	char errbuf[256] = "";
	yajl_val tree;
	int r = 0;

	if (memchr(json, '\0', len))
		return sk_fail(err, 0, "invalid " STATE_FILE ": contains a NUL byte");
	if (!json_depth_ok(json, len, STATE_MAX_DEPTH))
		return sk_fail(err, 0, "invalid " STATE_FILE ": nested too deeply");
	buf = strndup(json, len);
	st = calloc(1, sizeof(*st));
	if (!buf || !st)
		return sk_fail(err, ENOMEM, "parse " STATE_FILE);
	tree = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!tree) {
		sanitize(errbuf);
		return sk_fail(err, 0, "invalid " STATE_FILE ": %s", errbuf);
	}
	if (!YAJL_IS_OBJECT(tree)) {
		r = sk_fail(err, 0, "invalid " STATE_FILE ": not a JSON object");
	} else {
		for (size_t i = 0; r == 0 && i < tree->u.object.len; i++)
			r = take_field(tree->u.object.keys[i], tree->u.object.values[i], st, err);
	}
	yajl_tree_free(tree);
	if (r < 0)
		return -1;
	if (!st->id || !st->id[0])
		return parse_fail(err, "id", "missing");
	*ret = TAKE_PTR(st);
	return 0;
}

void sk_state_free(struct sk_state *st)
{
	if (!st)
		return;
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup);
	annotations_free(st);
	free(st);
}

/* ---- the process ---- */

/* State letter (field 3) and start time (field 22) of /proc/<pid>/stat. comm (field 2) is in
 * parentheses and may itself contain spaces and ')', so fields are counted from the last ')'. */
static int proc_stat(pid_t pid, char *ret_state, unsigned long long *ret_start)
{
	char path[64], buf[4096];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *s, *end;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = memrchr(buf, ')', (size_t)n);
	if (!s || s[1] != ' ' || s[2] == '\0')
		return -1;
	*ret_state = s[2];
	s += 2;
	for (int field = 3; field < 22; field++) {
		s = strchr(s, ' ');
		if (!s)
			return -1;
		s++;
	}
	errno = 0;
	*ret_start = strtoull(s, &end, 10);
	if (end == s || errno || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	return 0;
}

unsigned long long sk_proc_start_time(pid_t pid)
{
	unsigned long long start;
	char state;

	if (proc_stat(pid, &state, &start) < 0)
		return 0;
	return start;
}

enum sk_status sk_state_status(const struct sk_state *st)
{
	unsigned long long start;
	char state;

	if (st->pid <= 0)
		return SK_STATUS_CREATING;
	if (proc_stat(st->pid, &state, &start) < 0)
		return SK_STATUS_STOPPED;
	/* A zombie has exited; X is the dead state a reaped task is briefly in. */
	if (state == 'Z' || state == 'X' || state == 'x')
		return SK_STATUS_STOPPED;
	/* The pid was recycled by another process. */
	if (st->pid_start != 0 && start != st->pid_start)
		return SK_STATUS_STOPPED;
	if (!st->started)
		return SK_STATUS_CREATED;
	if (st->paused)
		return SK_STATUS_PAUSED;
	return SK_STATUS_RUNNING;
}

/* ---- the JSON others read ---- */

static yajl_gen_status gen_oci(yajl_gen g, const struct sk_state *st, enum sk_status status)
{
	GEN(yajl_gen_map_open(g));
	GEN(gen_kv_str(g, "ociVersion", SK_OCI_VERSION));
	GEN(gen_kv_str(g, "id", st->id ? st->id : ""));
	GEN(gen_kv_str(g, "status", sk_status_name(status)));
	if (status != SK_STATUS_STOPPED && st->pid > 0)
		GEN(gen_kv_int(g, "pid", st->pid));
	GEN(gen_kv_str(g, "bundle", st->bundle ? st->bundle : ""));
	if (st->n_annotations > 0)
		GEN(gen_annotations(g, st));
	return yajl_gen_map_close(g);
}

int sk_state_oci_json(const struct sk_state *st, enum sk_status status, char **ret,
		      struct sk_err *err)
{
	_cleanup_(gen_freep) yajl_gen g = gen_new(false, NULL);

	if (!g)
		return sk_fail(err, ENOMEM, "generate state JSON");
	return gen_take(g, gen_oci(g, st, status), "state JSON", ret, err);
}

yajl_gen_status sk_state_gen_cli(yajl_gen g, const struct sk_state *st, enum sk_status status,
				 const char *owner)
{
	/* runc's field order; pid is 0 once the process is gone. */
	GEN(yajl_gen_map_open(g));
	GEN(gen_kv_str(g, "ociVersion", SK_OCI_VERSION));
	GEN(gen_kv_str(g, "id", st->id ? st->id : ""));
	GEN(gen_kv_int(g, "pid", status == SK_STATUS_STOPPED ? 0 : st->pid));
	GEN(gen_kv_str(g, "status", sk_status_name(status)));
	GEN(gen_kv_str(g, "bundle", st->bundle ? st->bundle : ""));
	GEN(gen_kv_str(g, "rootfs", st->rootfs ? st->rootfs : ""));
	GEN(gen_kv_str(g, "created", st->created ? st->created : ""));
	GEN(gen_kv_str(g, "owner", owner ? owner : ""));
	if (st->n_annotations > 0)
		GEN(gen_annotations(g, st));
	return yajl_gen_map_close(g);
}

int sk_state_cli_json(const struct sk_state *st, enum sk_status status, char **ret,
		      struct sk_err *err)
{
	/* Two-space indentation, as Go's json.MarshalIndent(v, "", "  ") prints it. */
	_cleanup_(gen_freep) yajl_gen g = gen_new(true, "  ");

	if (!g)
		return sk_fail(err, ENOMEM, "generate state JSON");
	return gen_take(g, sk_state_gen_cli(g, st, status, ""), "state JSON", ret, err);
}
