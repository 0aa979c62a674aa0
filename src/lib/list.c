/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sk_container_list: every container under --root, as runc's `list` prints them: a table
 * aligned like Go's tabwriter (min width 12, padding 3), a JSON array of runc's state objects,
 * or ids only. Reads state.json without taking the locks, which atomic writes make safe.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cleanup.h"
#include "container.h"
#include "id.h"
#include "state.h"

enum { COL_ID, COL_PID, COL_STATUS, COL_BUNDLE, COL_CREATED, COL_OWNER, N_COLS };

struct entry {
	struct sk_state *st;
	enum sk_status status;
	char *owner;
};

struct listing {
	struct entry *v;
	size_t n;
};

static void listing_clear(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		sk_state_free(l->v[i].st);
		free(l->v[i].owner);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The user name of uid from the host's /etc/passwd, or "#uid" as runc shows unknown owners. */
static char *owner_name(uid_t uid)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	char *out = NULL;

	while (f && getline(&line, &cap, f) > 0) {
		char *name = line, *pw, *uid_s, *end;
		if (!(pw = strchr(name, ':')) || !(uid_s = strchr(pw + 1, ':')))
			continue;
		*pw = '\0';
		uid_s++;
		errno = 0;
		unsigned long v = strtoul(uid_s, &end, 10);
		if (errno == 0 && end != uid_s && *end == ':' && v == uid && name[0])
			return strdup(name);
	}
	if (asprintf(&out, "#%u", (unsigned)uid) < 0)
		return NULL;
	return out;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the entries of root that can be container ids, sorted as runc sorts them. */
static int list_names(DIR *d, char ***ret, size_t *ret_n, struct sk_err *err)
{
	_cleanup_strv_ char **names = NULL;
	size_t n = 0;

	for (;;) {
		struct dirent *de;
		char **nv;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return sk_fail(err, errno, "read state root");
			break;
		}
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (sk_id_validate(de->d_name, NULL) < 0)
			continue;
		nv = realloc(names, sizeof(char *) * (n + 2));
		if (!nv)
			return sk_fail(err, ENOMEM, "list containers");
		names = nv;
		names[n] = strdup(de->d_name);
		names[n + 1] = NULL;
		if (!names[n])
			return sk_fail(err, ENOMEM, "list containers");
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(char *), cmp_names);
	*ret = TAKE_PTR(names);
	*ret_n = n;
	return 0;
}

/* Loads one container; 0 and *ret_st NULL when it is to be skipped. */
static int load_entry(const struct sk_global *g, int root_fd, const char *name, struct entry *ret,
		      struct sk_err *err)
{
	_cleanup_close_ int fd = -1;
	struct sk_err e = {0};
	struct stat sb;

	fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0; /* not a directory, or deleted meanwhile */
	if (fstat(fd, &sb) < 0 || sk_state_read(fd, &ret->st, &e) < 0) {
		/* No state.json yet: a container being created. */
		if (e.errnum != ENOENT)
			sk_warn(&g->log, "skipping container %s: %s", name,
				e.msg ? e.msg : "cannot stat its state directory");
		sk_err_clear(&e);
		ret->st = NULL;
		return 0;
	}
	ret->status = sk_state_status(ret->st);
	/* The owner is that of the state directory, as in runc. */
	ret->owner = owner_name(sb.st_uid);
	if (!ret->owner) {
		sk_state_free(TAKE_PTR(ret->st));
		return sk_fail(err, ENOMEM, "list containers");
	}
	return 0;
}

static int list_load(const struct sk_global *g, struct listing *l, struct sk_err *err)
{
	_cleanup_strv_ char **names = NULL;
	size_t n = 0;
	DIR *d;

	d = opendir(g->root);
	if (!d && errno == ENOENT)
		return 0; /* nothing was ever created */
	if (!d)
		return sk_fail(err, errno, "open state root %s", g->root);
	if (list_names(d, &names, &n, err) < 0) {
		closedir(d);
		return sk_wrap(err, "%s", g->root);
	}
	l->v = calloc(n ? n : 1, sizeof(*l->v));
	if (!l->v) {
		closedir(d);
		return sk_fail(err, ENOMEM, "list containers");
	}
	for (size_t i = 0; i < n; i++) {
		struct entry e = {0};
		if (load_entry(g, dirfd(d), names[i], &e, err) < 0) {
			closedir(d);
			return -1;
		}
		if (e.st)
			l->v[l->n++] = e;
	}
	closedir(d);
	return 0;
}

/* Display width as tabwriter counts it: UTF-8 code points. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static int print_table(const struct listing *l)
{
	static const char *const header[N_COLS] = {"ID",     "PID",	"STATUS",
						   "BUNDLE", "CREATED", "OWNER"};
	_cleanup_free_ const char **cells = calloc((l->n + 1) * N_COLS, sizeof(char *));
	_cleanup_free_ char *pids = calloc(l->n + 1, 16);
	size_t width[N_COLS];

	if (!cells || !pids)
		return -1;
	for (int c = 0; c < N_COLS; c++)
		cells[c] = header[c];
	for (size_t i = 0; i < l->n; i++) {
		const struct entry *e = &l->v[i];
		const char **row = cells + (i + 1) * N_COLS;
		char *pid = pids + i * 16;
		snprintf(pid, 16, "%d", e->status == SK_STATUS_STOPPED ? 0 : (int)e->st->pid);
		row[COL_ID] = e->st->id;
		row[COL_PID] = pid;
		row[COL_STATUS] = sk_status_name(e->status);
		row[COL_BUNDLE] = e->st->bundle ? e->st->bundle : "";
		row[COL_CREATED] = e->st->created ? e->st->created : "";
		row[COL_OWNER] = e->owner;
	}
	/* tabwriter.NewWriter(out, 12, 1, 3, ' ', 0): width = max(12, widest + 3). */
	for (int c = 0; c < N_COLS; c++) {
		width[c] = 12;
		for (size_t r = 0; r <= l->n; r++)
			if (text_width(cells[r * N_COLS + c]) + 3 > width[c])
				width[c] = text_width(cells[r * N_COLS + c]) + 3;
	}
	for (size_t r = 0; r <= l->n; r++) {
		for (int c = 0; c < N_COLS - 1; c++) {
			const char *s = cells[r * N_COLS + c];
			printf("%s%*s", s, (int)(width[c] - text_width(s)), "");
		}
		printf("%s\n", cells[r * N_COLS + N_COLS - 1]);
	}
	return 0;
}

static int print_json(const struct listing *l)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_status s;
	const unsigned char *buf;
	size_t len;
	int ret = -1;

	if (!g)
		return -1;
	s = yajl_gen_array_open(g);
	for (size_t i = 0; s == yajl_gen_status_ok && i < l->n; i++)
		s = sk_state_gen_cli(g, l->v[i].st, l->v[i].status, l->v[i].owner);
	if (s == yajl_gen_status_ok)
		s = yajl_gen_array_close(g);
	if (s == yajl_gen_status_ok && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok &&
	    fwrite(buf, 1, len, stdout) == len && putchar('\n') != EOF)
		ret = 0;
	yajl_gen_free(g);
	return ret;
}

int sk_container_list(const struct sk_global *g, bool json, bool quiet, struct sk_err *err)
{
	struct listing l = {0};
	int r = 0;

	if (list_load(g, &l, err) < 0) {
		listing_clear(&l);
		return -1;
	}
	if (quiet) {
		for (size_t i = 0; i < l.n; i++)
			printf("%s\n", l.v[i].st->id);
	} else if (json) {
		r = print_json(&l);
	} else {
		r = print_table(&l);
	}
	listing_clear(&l);
	if (r < 0)
		return sk_fail(err, ENOMEM, "list containers");
	if (fflush(stdout) != 0 || ferror(stdout))
		return sk_fail(err, errno, "list containers: write to stdout");
	return 0;
}
