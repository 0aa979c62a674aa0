/* SPDX-License-Identifier: Apache-2.0 */
/*
 * update, pause, resume, ps and events on an existing container: state checks and the calls
 * into the cgroup module. The resources object of `update` (a runc --resources file merged with
 * the flags) is built here too. Stats and the OOM watch are stats.c's; the lifecycle verbs are
 * container.c's.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cgroup.h"
#include "cleanup.h"
#include "id.h"
#include "ops.h"
#include "log.h"
#include "state.h"
#include "stats.h"

int sk_ops_open(const struct sk_global *g, const char *id, int *ret_dirfd, struct sk_state **ret_st,
		struct sk_err *err)
{
	int dirfd;

	if (sk_id_validate(id, err) < 0 || sk_state_dir_open(g->root, id, &dirfd, err) < 0)
		return -1;
	if (sk_state_read(dirfd, ret_st, err) < 0) {
		close(dirfd);
		return sk_wrap(err, "container \"%s\"", id);
	}
	*ret_dirfd = dirfd;
	return 0;
}

/* The state and the cgroup of a container that has one. */
static int open_with_cgroup(const struct sk_global *g, const char *id, int *ret_dirfd,
			    struct sk_state **ret_st, struct sk_cgroup **ret_cg, struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;

	if (sk_ops_open(g, id, &dirfd, &st, err) < 0)
		return -1;
	if (!st->cgroup)
		return sk_fail(err, 0, "container \"%s\" has no cgroup", id);
	if (sk_cgroup_load(st->cgroup, ret_cg, err) < 0)
		return sk_wrap(err, "container \"%s\"", id);
	*ret_dirfd = TAKE_FD(dirfd);
	*ret_st = TAKE_PTR(st);
	return 0;
}

/* ---- update ---- */

int sk_parse_bytes(const char *s, long long *ret, struct sk_err *err)
{
	static const char units[] = "kmgtp";
	const char *p = s, *u;
	char *end;
	double v, mult = 1;

	if (strcmp(s, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	v = strtod(p, &end);
	if (errno || end == p)
		goto bad;
	p = end;
	if (*p == ' ')
		p++;
	if (*p && (u = strchr(units, *p | 0x20))) {
		for (const char *k = units; k <= u; k++)
			mult *= 1024;
		p++;
	}
	if ((*p | 0x20) == 'i')
		p++;
	if ((*p | 0x20) == 'b')
		p++;
	if (*p || v * mult >= 9.2e18)
		goto bad;
	*ret = (long long)(v * mult);
	return 0;
bad:
	return sk_fail(err, 0, "invalid size \"%s\" (bytes, or a number with k, m, g, t or p)", s);
}

static int override_value(const struct sk_res_override *o, yajl_gen g, struct sk_err *err)
{
	long long i;
	char *end;

	switch (o->kind) {
	case SK_RES_STRING:
		yajl_gen_string(g, (const unsigned char *)o->value, strlen(o->value));
		return 0;
	case SK_RES_BYTES:
		if (sk_parse_bytes(o->value, &i, err) < 0)
			return sk_wrap(err, "invalid value for --%s", o->flag);
		yajl_gen_integer(g, i);
		return 0;
	case SK_RES_INT:
	case SK_RES_UINT:
		errno = 0;
		i = strtoll(o->value, &end, 10);
		if (errno || end == o->value || *end || (o->kind == SK_RES_UINT && i < 0))
			return sk_fail(err, 0, "invalid value for --%s: \"%s\" is not %s integer",
				       o->flag, o->value,
				       o->kind == SK_RES_UINT ? "a non-negative" : "an");
		yajl_gen_integer(g, i);
		return 0;
	}
	return sk_fail(err, 0, "--%s: unknown kind", o->flag);
}

static void gen_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

/* Copies a yajl tree into g (numbers keep their text). */
static void gen_copy(yajl_gen g, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			gen_key(g, v->u.object.keys[i]);
			gen_copy(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_copy(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		gen_key(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

static bool overridden(const struct sk_res_override *ov, size_t n, const char *section,
		       const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ov[i].section, section) == 0 && (!key || strcmp(ov[i].key, key) == 0))
			return true;
	return false;
}

/* section: the file's object for it (may be NULL); the overrides for it come last. */
static int gen_section(yajl_gen g, const char *name, yajl_val section,
		       const struct sk_res_override *ov, size_t n, struct sk_err *err)
{
	gen_key(g, name);
	yajl_gen_map_open(g);
	for (size_t i = 0; section && YAJL_IS_OBJECT(section) && i < section->u.object.len; i++) {
		if (overridden(ov, n, name, section->u.object.keys[i]))
			continue;
		gen_key(g, section->u.object.keys[i]);
		gen_copy(g, section->u.object.values[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ov[i].section, name) != 0)
			continue;
		gen_key(g, ov[i].key);
		if (override_value(&ov[i], g, err) < 0)
			return -1;
	}
	yajl_gen_map_close(g);
	return 0;
}

static int gen_merged(yajl_gen g, yajl_val file, const struct sk_res_override *ov, size_t n,
		      struct sk_err *err)
{
	yajl_gen_map_open(g);
	for (size_t i = 0; file && i < file->u.object.len; i++) {
		const char *k = file->u.object.keys[i];
		if (overridden(ov, n, k, NULL)) {
			if (gen_section(g, k, file->u.object.values[i], ov, n, err) < 0)
				return -1;
			continue;
		}
		gen_key(g, k);
		gen_copy(g, file->u.object.values[i]);
	}
	for (size_t i = 0; i < n; i++) {
		bool done =
		    file && yajl_tree_get(file, (const char *[]){ov[i].section, NULL}, yajl_t_any);
		for (size_t k = 0; k < i && !done; k++)
			done = strcmp(ov[k].section, ov[i].section) == 0;
		if (!done && gen_section(g, ov[i].section, NULL, ov, n, err) < 0)
			return -1;
	}
	yajl_gen_map_close(g);
	return 0;
}

int sk_resources_build(const char *json, size_t len, const struct sk_res_override *ov, size_t n,
		       yajl_val *ret, struct sk_err *err)
{
	_cleanup_free_ char *copy = NULL;
	yajl_val file = NULL;
	yajl_gen g = NULL;
	const unsigned char *out;
	size_t out_len;
	char ebuf[256];
	int r = -1;

	if (json) {
		if (!(copy = strndup(json, len)))
			return sk_fail(err, ENOMEM, "resources");
		file = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
		if (!file)
			return sk_fail(err, 0, "resources: invalid JSON: %.*s",
				       (int)strcspn(ebuf, "\n"), ebuf);
		if (!YAJL_IS_OBJECT(file)) {
			yajl_tree_free(file);
			return sk_fail(err, 0,
				       "resources: must be a JSON object (linux.resources)");
		}
	}
	if (!(g = yajl_gen_alloc(NULL))) {
		sk_fail(err, ENOMEM, "resources");
		goto out;
	}
	if (gen_merged(g, file, ov, n, err) < 0)
		goto out;
	if (yajl_gen_get_buf(g, &out, &out_len) != yajl_gen_status_ok) {
		sk_fail(err, 0, "resources: cannot generate JSON");
		goto out;
	}
	*ret = yajl_tree_parse((const char *)out, ebuf, sizeof(ebuf));
	r = *ret ? 0 : sk_fail(err, 0, "resources: %s", ebuf);
out:
	if (g)
		yajl_gen_free(g);
	yajl_tree_free(file);
	return r;
}

int sk_container_update(const struct sk_global *g, const char *id, yajl_val resources,
			struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;

	if (open_with_cgroup(g, id, &dirfd, &st, &cg, err) < 0)
		return -1;
	if (sk_state_status(st) == SK_STATUS_STOPPED)
		return sk_fail(err, 0, "cannot update container \"%s\": it is stopped", id);
	if (sk_cgroup_update(cg, resources, err) < 0)
		return sk_wrap(err, "update container \"%s\"", id);
	return 0;
}

/* ---- pause / resume ---- */

static int set_frozen(const struct sk_global *g, const char *id, bool frozen, struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;
	enum sk_status s;

	if (open_with_cgroup(g, id, &dirfd, &st, &cg, err) < 0)
		return -1;
	s = sk_state_status(st);
	if (frozen && s != SK_STATUS_RUNNING)
		return sk_fail(err, 0, "container not running");
	if (!frozen && s != SK_STATUS_PAUSED)
		return sk_fail(err, 0, "container not paused");
	if (sk_cgroup_freeze(cg, frozen, err) < 0)
		return sk_wrap(err, "%s container \"%s\"", frozen ? "pause" : "resume", id);
	st->paused = frozen;
	if (sk_state_write(dirfd, st, err) < 0) {
		struct sk_err ign = {0};
		sk_cgroup_freeze(cg, !frozen, &ign); /* keep the state and the cgroup in step */
		sk_err_clear(&ign);
		return sk_wrap(err, "%s container \"%s\"", frozen ? "pause" : "resume", id);
	}
	return 0;
}

int sk_container_pause(const struct sk_global *g, const char *id, struct sk_err *err)
{
	return set_frozen(g, id, true, err);
}

int sk_container_resume(const struct sk_global *g, const char *id, struct sk_err *err)
{
	return set_frozen(g, id, false, err);
}

/* ---- ps ---- */

static int print_json_pids(const pid_t *pids, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	puts("]");
	return fflush(stdout) == 0 ? 0 : -1;
}

/* Runs argv with its stdout on a pipe; returns the read end and the child's pid. */
static int spawn_reader(char *const *argv, pid_t *ret_pid, struct sk_err *err)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe for %s", argv[0]);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return sk_fail(err, errno, "fork for %s", argv[0]);
	}
	if (pid == 0) {
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "skiff: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*ret_pid = pid;
	return p[0];
}

/* The index of the PID column in a ps header line, or -1. */
static int pid_column(const char *line)
{
	int col = 0;
	for (const char *p = line;;) {
		p += strspn(p, " \t");
		if (!*p || *p == '\n')
			return -1;
		size_t w = strcspn(p, " \t\n");
		if (w == 3 && strncmp(p, "PID", 3) == 0)
			return col;
		p += w;
		col++;
	}
}

static long field_long(const char *line, int col)
{
	const char *p = line;
	for (int c = 0; c < col; c++) {
		p += strspn(p, " \t");
		p += strcspn(p, " \t\n");
	}
	p += strspn(p, " \t");
	char *end;
	long v = strtol(p, &end, 10);
	return end == p ? -1 : v;
}

static int filter_ps(FILE *in, const pid_t *pids, size_t n, struct sk_err *err)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int col = -1;

	if (getline(&line, &cap, in) <= 0)
		return sk_fail(err, 0, "ps printed nothing");
	if ((col = pid_column(line)) < 0)
		return sk_fail(err, 0, "ps output has no PID column: %s", line);
	fputs(line, stdout);
	while (getline(&line, &cap, in) > 0) {
		long pid = field_long(line, col);
		for (size_t i = 0; i < n; i++)
			if (pids[i] == pid) {
				fputs(line, stdout);
				break;
			}
	}
	return 0;
}

static int ps_table(char *const *ps_args, const pid_t *pids, size_t n, struct sk_err *err)
{
	size_t na = 0;
	_cleanup_free_ char **argv = NULL;
	FILE *in;
	pid_t child = -1;
	int fd, status, r;

	while (ps_args && ps_args[na])
		na++;
	if (!(argv = calloc(na + 3, sizeof(*argv))))
		return sk_fail(err, ENOMEM, "ps");
	argv[0] = (char *)"ps";
	if (na == 0)
		argv[1] = (char *)"-ef";
	for (size_t i = 0; i < na; i++)
		argv[i + 1] = ps_args[i];
	if ((fd = spawn_reader(argv, &child, err)) < 0)
		return -1;
	if (!(in = fdopen(fd, "r"))) {
		close(fd);
		r = sk_fail(err, errno, "read ps output");
	} else {
		r = filter_ps(in, pids, n, err);
		fclose(in);
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = sk_fail(err, 0, "ps failed (exit status %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fflush(stdout);
	return r;
}

int sk_container_ps(const struct sk_global *g, const char *id, bool json, char *const *ps_args,
		    struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (open_with_cgroup(g, id, &dirfd, &st, &cg, err) < 0)
		return -1;
	/*
	 * A stopped container is listed, not refused (runc prints the bare header): its cgroup
	 * may still hold processes when it shared the host's pid namespace, or be gone already.
	 */
	if (sk_cgroup_pids(cg, &pids, &n, err) < 0) {
		if (sk_state_status(st) != SK_STATUS_STOPPED)
			return sk_wrap(err, "ps container \"%s\"", id);
		sk_err_clear(err);
		n = 0;
	}
	/* ps runs without the lock: it may take a while and others must not wait */
	closep(&dirfd);
	dirfd = -1;
	if (json)
		return print_json_pids(pids, n) < 0 ? sk_fail(err, errno, "write stdout") : 0;
	return ps_table(ps_args, pids, n, err);
}

/* ---- events ---- */

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int emit_stats(const char *id, struct sk_cgroup *cg, struct sk_err *err)
{
	_cleanup_free_ char *json = NULL;

	if (sk_stats_event(id, cg, &json, err) < 0)
		return -1;
	if (puts(json) < 0 || fflush(stdout) != 0)
		return sk_fail(err, errno, "write stdout");
	return 0;
}

static int emit_oom(const char *id, struct sk_err *err)
{
	_cleanup_free_ char *json = NULL;

	if (sk_stats_simple_event("oom", id, &json, err) < 0)
		return -1;
	if (puts(json) < 0 || fflush(stdout) != 0)
		return sk_fail(err, errno, "write stdout");
	return 0;
}

/* A pidfd of the container's init, checked against the start time in the state; -1 if gone. */
static int init_pidfd(const struct sk_state *st)
{
	int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd >= 0 && st->pid_start && sk_proc_start_time(st->pid) != st->pid_start) {
		close(fd);
		return -1;
	}
	return fd;
}

static int events_loop(const struct sk_global *g, const struct sk_state *st, struct sk_cgroup *cg,
		       int pidfd, long interval_ms, struct sk_err *err)
{
	struct sk_oom_watch w = {.fd = -1};
	const char *id = st->id;
	long next = now_ms();
	int r = 0;

	/* without an OOM source (no memory controller) stats still flow */
	if (sk_oom_watch_open(cg, &w, err) < 0) {
		sk_warn(&g->log, "container \"%s\": no oom events: %s", id, err->msg);
		sk_err_clear(err);
	}
	while (r == 0) {
		struct pollfd p[2] = {{pidfd, POLLIN, 0}, {w.fd, POLLIN, 0}};
		long wait = next - now_ms();
		if (wait <= 0) {
			/* the pidfd tells when the init exits; this also catches a reused pid */
			if (sk_proc_start_time(st->pid) != st->pid_start && st->pid_start)
				break;
			if (emit_stats(id, cg, err) < 0)
				break;
			next += interval_ms;
			continue;
		}
		if (poll(p, 2, (int)wait) < 0) {
			if (errno != EINTR)
				r = sk_fail(err, errno, "poll");
			continue;
		}
		if (p[1].revents && sk_oom_watch_fired(&w))
			r = emit_oom(id, err);
		if (p[0].revents) {
			/* the container stopped: report a last OOM that killed it, then end */
			if (r == 0 && sk_oom_watch_fired(&w))
				r = emit_oom(id, err);
			break;
		}
	}
	sk_oom_watch_close(&w);
	return r < 0 || err->msg ? -1 : 0;
}

int sk_container_events(const struct sk_global *g, const char *id, bool stats_only,
			long interval_ms, struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1, pidfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;
	_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;

	if (open_with_cgroup(g, id, &dirfd, &st, &cg, err) < 0)
		return -1;
	if (sk_state_status(st) == SK_STATUS_STOPPED)
		return sk_fail(err, 0, "container \"%s\" is not running", id);
	pidfd = init_pidfd(st);
	if (pidfd < 0)
		return sk_fail(err, ESRCH, "container \"%s\" is not running", id);
	/* events runs for long: release the lock so kill and delete can go on */
	closep(&dirfd);
	dirfd = -1;
	if (stats_only)
		return emit_stats(id, cg, err);
	if (interval_ms <= 0)
		return sk_fail(err, 0, "events: the interval must be positive");
	return events_loop(g, st, cg, pidfd, interval_ms, err);
}
