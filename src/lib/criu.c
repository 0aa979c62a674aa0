/* SPDX-License-Identifier: Apache-2.0 */
/*
 * checkpoint / restore through the `criu` binary (simpler than its RPC protocol, and the same
 * images). What skiff adds: runc's flags mapped to CRIU's, the container's bind mounts and
 * masked files as external mounts, the init's stdio in descriptors.json (as runc writes it)
 * so that restore can hand its own stdio back through --inherit-fd, and the state directory
 * and cgroup around a restored process. CRIU's errors are reported from its log.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup.h"
#include "cleanup.h"
#include "criu.h"
#include "foreground.h"
#include "fs.h"
#include "id.h"
#include "spec.h"
#include "state.h"

/* ---- running criu ---- */

struct args {
	char **v;
	size_t n;
	bool oom;
};

static void args_free(struct args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

static void push(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	char **nv = realloc(a->v, (a->n + 2) * sizeof(char *));

	if (!nv) {
		a->oom = true;
		return;
	}
	a->v = nv;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->oom = true;
		s = NULL;
	}
	va_end(ap);
	if (s)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

/* Runs criu with its stdout and stderr captured in *ret_out; returns its exit status (127:
 * could not be executed) or -1 with err set. */
static int criu_run(struct args *a, char **ret_out, struct sk_err *err)
{
	int p[2], status;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (a->oom)
		return sk_fail(err, ENOMEM, "criu arguments");
	if (pipe2(p, O_CLOEXEC) < 0)
		return sk_fail(err, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return sk_fail(err, errno, "fork criu");
	}
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(126);
		execvp("criu", a->v);
		dprintf(2, "exec criu: %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	f = open_memstream(&out, &len);
	if (f) {
		char buf[4096];
		ssize_t n;
		while ((n = read(p[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				fwrite(buf, 1, (size_t)n, f);
		fclose(f);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sk_fail(err, errno, "wait for criu");
	*ret_out = out;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* CRIU's first "Error" line in text, else its last line: what to show the user. */
static char *first_error(const char *text)
{
	const char *e = text ? strstr(text, "Error (") : NULL;
	const char *last = text;

	if (!e && text) {
		for (const char *s = text; *s; s++)
			if (s[0] == '\n' && s[1] && s[1] != '\n')
				last = s + 1;
		e = last;
	}
	if (!e || !*e)
		return strdup("no error message");
	return strndup(e, strcspn(e, "\n"));
}

int sk_criu_check(struct sk_err *err)
{
	struct args a = {0};
	_cleanup_free_ char *out = NULL, *why = NULL;
	int r;

	push(&a, "criu");
	push(&a, "check");
	r = criu_run(&a, &out, err);
	args_free(&a);
	if (r < 0)
		return -1;
	if (r == 127)
		return sk_fail(err, ENOENT, "CRIU is not installed (no criu in PATH)");
	if (r == 0)
		return 0;
	why = first_error(out);
	return sk_fail(err, 0, "CRIU cannot work on this kernel: criu check: %s",
		       why ? why : "failed");
}

/* Runs criu and turns a failure into one line: CRIU's first error and where its log is. */
static int criu_exec(struct args *a, const char *what, const char *work, const char *log,
		     struct sk_err *err)
{
	_cleanup_free_ char *out = NULL, *text = NULL, *path = sk_path_join(work, log), *why = NULL;
	size_t len;
	int r = criu_run(a, &out, err);

	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	if (path && sk_read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
		sk_err_clear(err);
	why = first_error(text && strstr(text, "Error (") ? text : out);
	return sk_fail(err, 0, "criu %s failed: %s (log: %s)", what, why ? why : "unknown error",
		       path ? path : log);
}

/* ---- options shared by dump and restore ---- */

static void common_flags(struct args *a, const struct sk_criu_opts *o, const char *image,
			 const char *work, const char *log)
{
	push(a, "--images-dir");
	push(a, "%s", image);
	push(a, "--work-dir");
	push(a, "%s", work);
	push(a, "--log-file");
	push(a, "%s", log);
	push(a, "-v4");
	if (o->tcp_established)
		push(a, "--tcp-established");
	if (o->ext_unix_sk)
		push(a, "--ext-unix-sk");
	if (o->shell_job)
		push(a, "--shell-job");
	if (o->file_locks)
		push(a, "--file-locks");
	if (o->auto_dedup)
		push(a, "--auto-dedup");
	if (o->manage_cgroups_mode)
		push(a, "--manage-cgroups=%s", o->manage_cgroups_mode);
	else
		push(a, "--manage-cgroups");
}

static int check_cgroups_mode(const char *m, struct sk_err *err)
{
	static const char *const ok[] = {"soft", "full", "strict", "ignore"};
	if (!m)
		return 0;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(m, ok[i]))
			return 0;
	return sk_fail(err, EINVAL,
		       "--manage-cgroups-mode %s: must be soft, full, strict or ignore", m);
}

/* A directory path made absolute (created when create is set). */
static char *abs_dir(const char *path, bool create, struct sk_err *err)
{
	char *r;
	if (create && sk_mkdir_p(path, 0700, err) < 0)
		return NULL;
	r = realpath(path, NULL);
	if (!r)
		sk_fail(err, errno, "%s", path);
	return r;
}

/* ---- checkpoint ---- */

/* descriptors.json as runc writes it: what the init's fds 0, 1 and 2 were. */
static int write_descriptors(pid_t pid, const char *image, struct sk_err *err)
{
	_cleanup_close_ int dir = open(image, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	FILE *f;

	if (dir < 0)
		return sk_fail(err, errno, "open %s", image);
	f = open_memstream(&json, &len);
	if (!f)
		return sk_fail(err, ENOMEM, "descriptors.json");
	fputc('[', f);
	for (int fd = 0; fd < 3; fd++) {
		char link[64], target[4096];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		fprintf(f, "%s\"", fd ? "," : "");
		for (char *c = target; *c; c++) {
			if (*c == '"' || *c == '\\')
				fputc('\\', f);
			if ((unsigned char)*c >= 0x20)
				fputc(*c, f);
		}
		fputc('"', f);
	}
	fputc(']', f);
	if (fclose(f) != 0)
		return sk_fail(err, ENOMEM, "descriptors.json");
	return sk_write_file_atomic(dir, "descriptors.json", json, len, 0600, err);
}

/* Bind mounts come from outside the container's images: mark them external (the key is the
 * destination, as runc does), and so are masked files (/dev/null bind-mounted over them). */
static int dump_externals(struct args *a, const struct sk_spec *spec, pid_t pid, const char *image,
			  struct sk_err *err)
{
	_cleanup_free_ char *root_path = NULL, *list = NULL;
	_cleanup_close_ int root = -1;
	size_t len = 0;
	FILE *f;

	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].bind)
			push(a, "--external=mnt[%s]:%s", spec->mounts[i].destination,
			     spec->mounts[i].destination);
	if (asprintf(&root_path, "/proc/%d/root", (int)pid) < 0)
		return sk_fail(err, ENOMEM, "checkpoint");
	root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return sk_fail(err, errno, "open %s", root_path);
	f = open_memstream(&list, &len);
	if (!f)
		return sk_fail(err, ENOMEM, "checkpoint");
	for (size_t i = 0; i < spec->linux_.n_masked_paths; i++) {
		const char *p = spec->linux_.masked_paths[i];
		struct sk_err ignored = {0};
		struct stat st;
		_cleanup_close_ int fd = sk_open_in_root(root, p, O_PATH | O_NOFOLLOW, 0, &ignored);
		sk_err_clear(&ignored);
		if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		push(a, "--external=mnt[%s]:%s", p, p);
		fprintf(f, "%s\n", p);
	}
	if (fclose(f) != 0)
		return sk_fail(err, ENOMEM, "checkpoint");
	_cleanup_close_ int dir = open(image, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return sk_fail(err, errno, "open %s", image);
	return sk_write_file_atomic(dir, "skiff-masked-files", list ? list : "", len, 0600, err);
}

static int dump_args(struct args *a, const struct sk_criu_opts *o, const struct sk_state *st,
		     const struct sk_spec *spec, const char *image, const char *work,
		     struct sk_err *err)
{
	push(a, "criu");
	push(a, "%s", o->pre_dump ? "pre-dump" : "dump");
	push(a, "--tree");
	push(a, "%d", (int)st->pid);
	common_flags(a, o, image, work, o->pre_dump ? "pre-dump.log" : "dump.log");
	if (o->leave_running && !o->pre_dump)
		push(a, "--leave-running");
	if (o->parent_path) {
		push(a, "--prev-images-dir");
		push(a, "%s", o->parent_path);
	}
	if (o->page_server) {
		const char *colon = strrchr(o->page_server, ':');
		if (!colon || colon == o->page_server || !colon[1])
			return sk_fail(err, EINVAL, "--page-server %s: want ADDRESS:PORT",
				       o->page_server);
		push(a, "--page-server");
		push(a, "--address");
		push(a, "%.*s", (int)(colon - o->page_server), o->page_server);
		push(a, "--port");
		push(a, "%s", colon + 1);
	}
	if (st->cgroup) {
		_cleanup_(sk_cgroup_freep) struct sk_cgroup *cg = NULL;
		if (sk_cgroup_load(st->cgroup, &cg, err) < 0)
			return -1;
		const char *freezer = sk_cgroup_dir(cg, "freezer");
		if (freezer) {
			push(a, "--freeze-cgroup");
			push(a, "%s", freezer);
		}
	}
	return dump_externals(a, spec, st->pid, image, err);
}

static int checkpoint_locked(const struct sk_global *g, int dirfd, const struct sk_state *st,
			     const struct sk_criu_opts *o, struct sk_err *err)
{
	_cleanup_(sk_spec_freep) struct sk_spec *spec = NULL;
	_cleanup_free_ char *text = NULL, *image = NULL, *work = NULL;
	struct args a = {0};
	size_t len;
	int r;

	(void)g;
	enum sk_status s = sk_state_status(st);
	if (s != SK_STATUS_RUNNING && s != SK_STATUS_PAUSED)
		return sk_fail(err, 0, "container not running");
	if (check_cgroups_mode(o->manage_cgroups_mode, err) < 0)
		return -1;
	if (sk_read_file_at(dirfd, "config.json", &text, &len, err) < 0 ||
	    sk_spec_parse(text, len, "config.json", &spec, err) < 0)
		return -1;
	if (sk_criu_check(err) < 0)
		return -1;
	image = abs_dir(o->image_path ? o->image_path : "checkpoint", true, err);
	work = image ? abs_dir(o->work_path ? o->work_path : image, true, err) : NULL;
	if (!work)
		return -1;
	if (write_descriptors(st->pid, image, err) < 0)
		return -1;
	r = dump_args(&a, o, st, spec, image, work, err);
	if (r == 0)
		r = criu_exec(&a, o->pre_dump ? "pre-dump" : "dump", work,
			      o->pre_dump ? "pre-dump.log" : "dump.log", err);
	args_free(&a);
	return r;
}

int sk_container_checkpoint(const struct sk_global *g, const char *id, const struct sk_criu_opts *o,
			    struct sk_err *err)
{
	_cleanup_close_ int dirfd = -1;
	_cleanup_(sk_state_freep) struct sk_state *st = NULL;

	if (sk_id_validate(id, err) < 0 || sk_state_dir_open(g->root, id, &dirfd, err) < 0)
		return sk_wrap(err, "checkpoint");
	if (sk_state_read(dirfd, &st, err) < 0)
		return sk_wrap(err, "checkpoint: container \"%s\"", id);
	if (checkpoint_locked(g, dirfd, st, o, err) < 0)
		return sk_wrap(err, "checkpoint container \"%s\"", id);
	if (o->leave_running || o->pre_dump)
		return 0;
	/* The process is gone into the images: remove the container, as runc does. */
	closep(&dirfd);
	dirfd = -1;
	return sk_container_delete(g, id, true, err);
}

/* ---- restore ---- */

struct restore_ctx {
	const struct sk_global *g;
	const char *id;
	const struct sk_criu_opts *o;
	struct sk_spec *spec;
	char *bundle, *rootfs, *image, *work, *criu_root;
	struct sk_state st;
	struct sk_cgroup *cg;
	int dirfd;
	bool dir_created, mounted;
};

/* The inverse of dump_externals: bind sources (relative to the bundle), /dev/null for masked
 * files, and the stdio of this skiff for pipes and sockets the init had. */
static int restore_externals(struct args *a, struct restore_ctx *r, struct sk_err *err)
{
	_cleanup_free_ char *masked = NULL, *desc = NULL;
	size_t len;

	for (size_t i = 0; i < r->spec->n_mounts; i++) {
		const struct sk_mount *m = &r->spec->mounts[i];
		if (!m->bind)
			continue;
		if (m->source[0] == '/')
			push(a, "--external=mnt[%s]:%s", m->destination, m->source);
		else
			push(a, "--external=mnt[%s]:%s/%s", m->destination, r->bundle, m->source);
	}
	_cleanup_close_ int dir = open(r->image, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return sk_fail(err, errno, "open %s", r->image);
	if (sk_read_file_at(dir, "skiff-masked-files", &masked, &len, err) == 0) {
		for (char *s = masked, *save = NULL, *p; (p = strtok_r(s, "\n", &save)); s = NULL)
			push(a, "--external=mnt[%s]:/dev/null", p);
	}
	sk_err_clear(err);
	if (sk_read_file_at(dir, "descriptors.json", &desc, &len, err) == 0) {
		/* ["pipe:[1]","pipe:[2]","/dev/null"]: non-path entries are inherited. */
		int fd = 0;
		for (char *s = strchr(desc, '"'); s && fd < 3; fd++) {
			char *end = strchr(s + 1, '"');
			if (!end)
				break;
			if (s[1] != '/' && end > s + 1)
				push(a, "--inherit-fd=fd[%d]:%.*s", fd, (int)(end - s - 1), s + 1);
			s = strchr(end + 1, '"');
		}
	}
	sk_err_clear(err);
	return 0;
}

static int restore_args(struct args *a, struct restore_ctx *r, struct sk_err *err)
{
	push(a, "criu");
	push(a, "restore");
	common_flags(a, r->o, r->image, r->work, "restore.log");
	push(a, "--root");
	push(a, "%s", r->criu_root);
	push(a, "--restore-detached");
	push(a, "--pidfile");
	push(a, "%s/restore.pid", r->work);
	if (r->cg && sk_cgroup_path(r->cg)[0]) {
		push(a, "--cgroup-root");
		push(a, "%s", sk_cgroup_path(r->cg));
	}
	return restore_externals(a, r, err);
}

static int load_bundle(struct restore_ctx *r, struct sk_err *err)
{
	const char *b = r->o->bundle ? r->o->bundle : ".";
	_cleanup_free_ char *cfg = NULL, *root = NULL;

	r->bundle = realpath(b, NULL);
	if (!r->bundle)
		return sk_fail(err, errno, "bundle %s", b);
	cfg = sk_path_join(r->bundle, "config.json");
	if (!cfg || sk_spec_load(cfg, &r->spec, err) < 0)
		return cfg ? -1 : sk_fail(err, ENOMEM, "bundle");
	root = r->spec->root.path[0] == '/' ? strdup(r->spec->root.path)
					    : sk_path_join(r->bundle, r->spec->root.path);
	if (!root)
		return sk_fail(err, ENOMEM, "rootfs");
	r->rootfs = realpath(root, NULL);
	if (!r->rootfs)
		return sk_fail(err, errno, "rootfs %s", root);
	/* CRIU's ability to work here is the first thing a caller needs to hear about. */
	if (sk_criu_check(err) < 0)
		return -1;
	r->image = abs_dir(r->o->image_path ? r->o->image_path : "checkpoint", false, err);
	if (!r->image)
		return sk_wrap(err, "image path");
	r->work = abs_dir(r->o->work_path ? r->o->work_path : r->image, true, err);
	return r->work ? 0 : -1;
}

/* State dir, cgroup and a private bind of the rootfs for criu --root. */
static int restore_prepare(struct restore_ctx *r, struct sk_err *err)
{
	if (sk_state_dir_create(r->g->root, r->id, &r->dirfd, err) < 0)
		return -1;
	r->dir_created = true;
	r->st = (struct sk_state){.id = (char *)r->id,
				  .bundle = r->bundle,
				  .rootfs = r->rootfs,
				  .owner = geteuid(),
				  .annotations = r->spec->annotations,
				  .n_annotations = r->spec->n_annotations,
				  .systemd_cgroup = r->g->cgroup_manager == SK_CGM_SYSTEMD,
				  .created = sk_rfc3339_now()};
	if (!r->st.created)
		return sk_fail(err, ENOMEM, "restore");
	if (sk_cgroup_create(r->g->cgroup_manager, r->id, r->spec->linux_.cgroups_path,
			     r->spec->linux_.resources, &r->cg, err) < 0 ||
	    sk_cgroup_save(r->cg, &r->st.cgroup, err) < 0 ||
	    sk_state_write(r->dirfd, &r->st, err) < 0)
		return -1;
	if (asprintf(&r->criu_root, "%s/%s/criu-root", r->g->root, r->id) < 0)
		return sk_fail(err, ENOMEM, "restore");
	if (mkdir(r->criu_root, 0700) < 0)
		return sk_fail(err, errno, "mkdir %s", r->criu_root);
	if (mount(r->rootfs, r->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sk_fail(err, errno, "bind mount %s on %s", r->rootfs, r->criu_root);
	r->mounted = true;
	if (mount(NULL, r->criu_root, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
		return sk_fail(err, errno, "make %s private", r->criu_root);
	return 0;
}

static void restore_unmount(struct restore_ctx *r)
{
	if (r->mounted && umount2(r->criu_root, MNT_DETACH) == 0)
		r->mounted = false;
	if (r->criu_root)
		rmdir(r->criu_root);
}

static int restore_run(struct restore_ctx *r, struct sk_err *err)
{
	struct args a = {0};
	_cleanup_free_ char *pidtext = NULL;
	size_t len;
	int ret = restore_args(&a, r, err);

	if (ret == 0)
		ret = criu_exec(&a, "restore", r->work, "restore.log", err);
	args_free(&a);
	restore_unmount(r);
	if (ret < 0)
		return -1;
	_cleanup_free_ char *pidfile = sk_path_join(r->work, "restore.pid");
	if (!pidfile || sk_read_file_at(AT_FDCWD, pidfile, &pidtext, &len, err) < 0)
		return pidfile ? sk_wrap(err, "criu restore") : sk_fail(err, ENOMEM, "restore");
	r->st.pid = (pid_t)atoi(pidtext);
	if (r->st.pid <= 0)
		return sk_fail(err, EINVAL, "criu restore: bad pid file %s", pidfile);
	r->st.pid_start = sk_proc_start_time(r->st.pid);
	r->st.started = true;
	if (sk_cgroup_enter(r->cg, r->st.pid, err) < 0 || sk_state_write(r->dirfd, &r->st, err) < 0)
		return -1;
	return r->o->pid_file ? sk_pid_file_write(r->o->pid_file, r->st.pid, err) : 0;
}

static void restore_undo(struct restore_ctx *r)
{
	struct sk_err ignored = {0};

	restore_unmount(r);
	if (r->st.pid > 0)
		kill(r->st.pid, SIGKILL);
	if (r->cg && sk_cgroup_destroy(r->cg, &ignored) < 0)
		sk_warn(&r->g->log, "cleanup: %s", ignored.msg);
	sk_err_clear(&ignored);
	if (r->dir_created && sk_state_dir_remove(r->g->root, r->id, &ignored) < 0)
		sk_warn(&r->g->log, "cleanup: %s", ignored.msg);
	sk_err_clear(&ignored);
}

static void restore_done(struct restore_ctx *r)
{
	sk_spec_free(r->spec);
	free(r->bundle);
	free(r->rootfs);
	free(r->image);
	free(r->work);
	free(r->criu_root);
	free(r->st.created);
	free(r->st.cgroup);
	sk_cgroup_free(r->cg);
	closep(&r->dirfd);
}

int sk_container_restore(const struct sk_global *g, const char *id, const struct sk_criu_opts *o,
			 int *ret_status, struct sk_err *err)
{
	struct restore_ctx r = {.g = g, .id = id, .o = o, .dirfd = -1};
	struct sk_fg fg = {.sigfd = -1};
	int ret = -1;

	*ret_status = 0;
	if (sk_id_validate(id, err) < 0 || check_cgroups_mode(o->manage_cgroups_mode, err) < 0)
		goto out;
	if (o->console_socket) {
		sk_fail(err, ENOTSUP, "--console-socket is not supported by restore");
		goto out;
	}
	if (load_bundle(&r, err) < 0)
		goto out;
	/* In the foreground the restored tree is reparented to us (subreaper) when criu exits. */
	if (!o->detach && sk_fg_begin(&fg, err) < 0)
		goto out;
	if (restore_prepare(&r, err) < 0 || restore_run(&r, err) < 0) {
		restore_undo(&r);
		goto out;
	}
	ret = 0;
	if (o->detach)
		goto out;
	closep(&r.dirfd);
	r.dirfd = -1;
	if (sk_fg_wait(&fg, r.st.pid, -1, ret_status, err) < 0)
		ret = -1;
	if (ret == 0) {
		if (sk_container_delete(g, id, true, err) < 0)
			ret = -1;
	} else {
		struct sk_err ignored = {0};
		sk_container_delete(g, id, true, &ignored);
		sk_err_clear(&ignored);
	}
out:
	if (ret < 0 && err->msg)
		sk_wrap(err, "restore container \"%s\"", id);
	sk_fg_end(&fg);
	restore_done(&r);
	return ret;
}
