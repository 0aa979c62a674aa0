/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff exec: flags -> sk_container_exec. As runc's, the flags come before the container id;
 * what follows the id is the command. Repeated flags (--env, --cap, --additional-gids) add up.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "../lib/exec.h"

enum {
	OPT_PROCESS = 1,
	OPT_CONSOLE_SOCKET,
	OPT_PID_FILE,
	OPT_TTY,
	OPT_DETACH,
	OPT_CWD,
	OPT_ENV,
	OPT_USER,
	OPT_GIDS,
	OPT_CAP,
	OPT_NNP,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_PRESERVE_FDS,
	OPT_IGNORE_PAUSED,
	OPT_CGROUP,
};

static const struct sk_opt exec_opts[] = {
    {"process", 'p', true, OPT_PROCESS},
    {"console-socket", 0, true, OPT_CONSOLE_SOCKET},
    {"pid-file", 0, true, OPT_PID_FILE},
    {"tty", 't', false, OPT_TTY},
    {"detach", 'd', false, OPT_DETACH},
    {"cwd", 0, true, OPT_CWD},
    {"env", 'e', true, OPT_ENV},
    {"user", 'u', true, OPT_USER},
    {"additional-gids", 'g', true, OPT_GIDS},
    {"cap", 'c', true, OPT_CAP},
    {"no-new-privs", 0, false, OPT_NNP},
    {"apparmor", 0, true, OPT_APPARMOR},
    {"process-label", 0, true, OPT_LABEL},
    {"preserve-fds", 0, true, OPT_PRESERVE_FDS},
    {"ignore-paused", 0, false, OPT_IGNORE_PAUSED},
    {"cgroup", 0, true, OPT_CGROUP},
    SK_OPT_HELP_ENTRY,
    {NULL, 0, false, 0},
};

static int push_str(char ***v, size_t *n, const char *s, struct sk_err *err)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return sk_fail(err, ENOMEM, "flags");
	nv[(*n)++] = (char *)s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int push_gid(struct sk_exec_opts *o, const char *s, struct sk_err *err)
{
	long v;
	gid_t *nv;

	if (sk_opt_int("--additional-gids", s, 0, 4294967294L, &v, err) < 0)
		return -1;
	nv = realloc(o->gids, (o->n_gids + 1) * sizeof(gid_t));
	if (!nv)
		return sk_fail(err, ENOMEM, "flags");
	nv[o->n_gids++] = (gid_t)v;
	o->gids = nv;
	return 0;
}

static int set_flag(struct sk_exec_opts *o, int id, const char *arg, struct sk_err *err)
{
	long n;

	switch (id) {
	case OPT_PROCESS:
		o->process_path = arg;
		break;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		break;
	case OPT_PID_FILE:
		o->pid_file = arg;
		break;
	case OPT_TTY:
		o->tty = cmd_bool(arg);
		break;
	case OPT_DETACH:
		o->detach = cmd_bool(arg);
		break;
	case OPT_CWD:
		o->cwd = arg;
		break;
	case OPT_ENV:
		return push_str(&o->env, &o->n_env, arg, err);
	case OPT_USER:
		o->user = arg;
		break;
	case OPT_GIDS:
		return push_gid(o, arg, err);
	case OPT_CAP:
		return push_str(&o->caps, &o->n_caps, arg, err);
	case OPT_NNP:
		o->no_new_privs = cmd_bool(arg);
		break;
	case OPT_APPARMOR:
		o->apparmor = arg;
		break;
	case OPT_LABEL:
		o->process_label = arg;
		break;
	case OPT_IGNORE_PAUSED:
		o->ignore_paused = cmd_bool(arg);
		break;
	case OPT_CGROUP:
		o->cgroup = arg;
		break;
	case OPT_PRESERVE_FDS:
		if (sk_opt_int("--preserve-fds", arg, 0, 65536, &n, err) < 0)
			return -1;
		o->preserve_fds = (int)n;
		break;
	}
	return 0;
}

static int run_exec(const struct sk_global *g, int argc, char **argv, struct sk_err *err)
{
	struct sk_opt_parser p = {
	    .opts = exec_opts, .argc = argc, .argv = argv, .index = 1, .stop_at_positional = true};
	struct sk_exec_opts o = {0};
	const char *arg;
	int id, ret = -1, status = 0;

	while ((id = sk_opt_next(&p, &arg, err)) > 0) {
		if (id == SK_OPT_HELP) {
			ret = cmd_usage(&sk_cmd_exec);
			goto out;
		}
		if (set_flag(&o, id, arg, err) < 0)
			goto out;
	}
	if (id < 0)
		goto out;
	/* "--" makes every following word positional; else the id stops the flags. */
	char **rest = p.n_positional ? p.positional : argv + p.index;
	size_t n_rest = p.n_positional ? (size_t)p.n_positional : (size_t)(argc - p.index);
	if (n_rest < 1 || (n_rest < 2 && !o.process_path)) {
		sk_fail(err, 0, "exec: %s (see 'skiff exec --help')",
			n_rest < 1 ? "missing container id" : "missing the command to run");
		goto out;
	}
	o.id = rest[0];
	o.args = rest + 1;
	o.n_args = n_rest - 1;
	/* 255 when skiff itself failed (as runc): any other status is the process's own. */
	ret = sk_container_exec(g, &o, &status, err) == 0 ? status : 255;
out:
	free(o.env);
	free(o.caps);
	free(o.gids);
	sk_opt_parser_free(&p);
	return ret;
}

const struct sk_cmd sk_cmd_exec = {
    .name = "exec",
    .summary = "run a process in a running container",
    .usage = "usage: skiff exec [options] <container-id> <command> [args...]\n"
	     "       skiff exec [options] --process process.json <container-id>\n\n"
	     "   --process, -p FILE        the process as runtime-spec JSON (other process\n"
	     "                             flags are then ignored)\n"
	     "   --console-socket PATH     unix socket that receives the pty master\n"
	     "   --tty, -t                 allocate a pseudo-terminal\n"
	     "   --detach, -d              return once the process has started\n"
	     "   --pid-file PATH           write the process's pid to PATH\n"
	     "   --cwd DIR                 working directory in the container\n"
	     "   --env, -e K=V             set an environment variable (repeatable)\n"
	     "   --user, -u UID[:GID]      user and group (ids, or names from the container)\n"
	     "   --additional-gids, -g GID add a supplementary group (repeatable)\n"
	     "   --cap, -c CAP             add a capability (repeatable)\n"
	     "   --no-new-privs            set no_new_privs for the process\n"
	     "   --apparmor PROFILE        AppArmor profile of the process\n"
	     "   --process-label LABEL     SELinux label of the process\n"
	     "   --preserve-fds N          pass N more fds (from fd 3) to the process\n"
	     "   --ignore-paused           allow exec in a paused container\n"
	     "   --cgroup [CTRL:]PATH      run in a sub-cgroup of the container's (existing)\n",
    .run = run_exec,
};
