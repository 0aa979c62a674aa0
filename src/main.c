/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff's entry point: global flags, the verb table, and the one place an error is printed
 * (stderr and --log). Everything else lives in src/cmd/ (flags) and src/lib/ (the work).
 */
#include "config.h"
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "lib/spec.h"

static const struct sk_cmd *const commands[] = {
    &sk_cmd_create,	&sk_cmd_start,	 &sk_cmd_run,  &sk_cmd_state,	 &sk_cmd_kill,
    &sk_cmd_delete,	&sk_cmd_list,	 &sk_cmd_spec, &sk_cmd_features, &sk_cmd_update,
    &sk_cmd_pause,	&sk_cmd_resume,	 &sk_cmd_ps,   &sk_cmd_events,	 &sk_cmd_exec,
    &sk_cmd_checkpoint, &sk_cmd_restore, NULL,
};

enum {
	OPT_ROOT = 1,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
	OPT_CGROUP_MANAGER,
	OPT_VERSION,
	OPT_HELP,
	OPT_IGNORED, /* runc flags that take a value skiff does not need: --criu, --rootless */
};

static const struct sk_opt global_opts[] = {
    {"root", 0, true, OPT_ROOT},
    {"log", 0, true, OPT_LOG},
    {"log-format", 0, true, OPT_LOG_FORMAT},
    {"debug", 0, false, OPT_DEBUG},
    {"systemd-cgroup", 0, false, OPT_SYSTEMD_CGROUP},
    {"cgroup-manager", 0, true, OPT_CGROUP_MANAGER},
    {"version", 'v', false, OPT_VERSION},
    {"help", 'h', false, OPT_HELP},
    {"criu", 0, true, OPT_IGNORED},
    {"rootless", 0, true, OPT_IGNORED},
    {NULL, 0, false, 0},
};

static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("skiff version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, GIT_COMMIT,
	       SK_OCI_VERSION);
	if (v)
		printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static void print_help(void)
{
	printf("skiff - an OCI container runtime\n\n"
	       "usage: skiff [global options] command [command options] [arguments...]\n\n"
	       "commands:\n");
	for (size_t i = 0; commands[i]; i++)
		printf("   %-10s %s\n", commands[i]->name, commands[i]->summary);
	printf("   %-10s %s\n", "help", "show the commands or one command's help");
	printf("\nglobal options:\n"
	       "   --root DIR             state directory (default /run/skiff)\n"
	       "   --log FILE             log file (default: none, errors go to stderr)\n"
	       "   --log-format text|json log format (default text)\n"
	       "   --debug                also log debug messages\n"
	       "   --systemd-cgroup       place containers with systemd (slice:prefix:name paths)\n"
	       "   --cgroup-manager M     cgroupfs, systemd or disabled\n"
	       "   --version, -v          print the version\n"
	       "   --help, -h             show this help\n");
}

static const struct sk_cmd *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static int parse_globals(struct sk_global *g, struct sk_opt_parser *p, const char **log_path,
			 bool *done, struct sk_err *err)
{
	const char *arg;
	int id;

	while ((id = sk_opt_next(p, &arg, err)) > 0) {
		switch (id) {
		case OPT_ROOT:
			g->root = arg;
			break;
		case OPT_LOG:
			*log_path = arg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(arg, "text") == 0)
				g->log.format = SK_LOG_TEXT;
			else if (strcmp(arg, "json") == 0)
				g->log.format = SK_LOG_JSON;
			else
				return sk_fail(err, 0, "invalid log format \"%s\" (text or json)",
					       arg);
			break;
		case OPT_DEBUG:
			g->debug = g->log.debug = cmd_bool(arg);
			break;
		case OPT_SYSTEMD_CGROUP:
			if (cmd_bool(arg))
				g->cgroup_manager = SK_CGM_SYSTEMD;
			break;
		case OPT_CGROUP_MANAGER:
			if (strcmp(arg, "cgroupfs") == 0)
				g->cgroup_manager = SK_CGM_CGROUPFS;
			else if (strcmp(arg, "systemd") == 0)
				g->cgroup_manager = SK_CGM_SYSTEMD;
			else if (strcmp(arg, "disabled") == 0)
				g->cgroup_manager = SK_CGM_DISABLED;
			else
				return sk_fail(
				    err, 0,
				    "invalid cgroup manager \"%s\" (cgroupfs, systemd or "
				    "disabled)",
				    arg);
			break;
		case OPT_VERSION:
			print_version();
			*done = true;
			return 0;
		case OPT_HELP:
			print_help();
			*done = true;
			return 0;
		default:
			break;
		}
	}
	return id;
}

static void report(const struct sk_global *g, struct sk_err *err)
{
	const char *msg = err->msg ? err->msg : "unknown error";
	fprintf(stderr, "skiff: %s\n", msg);
	sk_log(&g->log, "error", "%s", msg);
}

/* fds 3 .. 3+N-1 go to the container (--preserve-fds N, LISTEN_FDS): the log file must not
 * sit there, or the container would get a host file it can write. The command's flags are
 * parsed later, so this over-estimates N from any --preserve-fds in the arguments (a higher
 * log fd costs nothing; if the rlimit forbids it, the fd stays where it is and create/exec's
 * slot reservation cannot move it: runc shares that corner). */
static void keep_log_out_of_passed_fds(struct sk_log *log, int argc, char **argv)
{
	const char *v = getenv("LISTEN_FDS");
	long n = v ? strtol(v, NULL, 10) : 0, most = 0;

	if (log->fd < 0)
		return;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		while (*a == '-')
			a++;
		if (a == argv[i] || strncmp(a, "preserve-fds", 12) != 0)
			continue;
		if (a[12] == '=')
			val = a + 13;
		else if (a[12] == '\0' && i + 1 < argc)
			val = argv[i + 1];
		long k = val ? strtol(val, NULL, 10) : 0;
		if (k > most)
			most = k;
	}
	if (n < 0 || n > 65536)
		n = 0;
	n += most;
	if (log->fd >= 3 + n)
		return;
	int fd = fcntl(log->fd, F_DUPFD_CLOEXEC, (int)(3 + n));
	if (fd >= 0) {
		close(log->fd);
		log->fd = fd;
	}
}

int main(int argc, char **argv)
{
	struct sk_global g = {.root = "/run/skiff", .log = {.fd = -1}};
	struct sk_opt_parser p = {.opts = global_opts,
				  .argc = argc,
				  .argv = argv,
				  .index = 1,
				  .stop_at_positional = true};
	struct sk_err err = {0};
	const char *log_path = NULL;
	const struct sk_cmd *cmd;
	bool done = false;
	int status = 1;

	if (parse_globals(&g, &p, &log_path, &done, &err) < 0)
		goto out;
	if (done) {
		status = 0;
		goto out;
	}
	if (log_path && sk_log_open(&g.log, log_path, &err) < 0)
		goto out;
	keep_log_out_of_passed_fds(&g.log, argc - p.index, argv + p.index);
	if (p.index >= argc) {
		print_help();
		status = 0;
		goto out;
	}
	if (strcmp(argv[p.index], "help") == 0) {
		cmd = p.index + 1 < argc ? find_command(argv[p.index + 1]) : NULL;
		if (cmd)
			cmd_usage(cmd);
		else
			print_help();
		status = 0;
		goto out;
	}
	cmd = find_command(argv[p.index]);
	if (!cmd) {
		sk_fail(&err, 0, "no such command: %s (see 'skiff --help')", argv[p.index]);
		goto out;
	}
	sk_debug(&g.log, "skiff %s: %s (root %s)", PACKAGE_VERSION, argv[p.index], g.root);
	status = cmd->run(&g, argc - p.index, argv + p.index, &err);
out:
	if (status < 0 || (status != 0 && err.msg)) {
		report(&g, &err);
		if (status < 0)
			status = 1;
	}
	sk_err_clear(&err);
	sk_opt_parser_free(&p);
	sk_log_close(&g.log);
	return status;
}
