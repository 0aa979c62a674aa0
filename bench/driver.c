// SPDX-License-Identifier: Apache-2.0
/*
 * bench/driver.c: the timing loop. Reads a plan (one participant after the other, each with
 * setup, per-round steps and teardown commands) and runs the rounds interleaved -- A B C, then
 * B C A, ... -- so machine drift cancels between participants. Each timed step is one
 * fork + execve + wait4: wall time from CLOCK_MONOTONIC (from the execve on), peak RSS from
 * the child's rusage.
 * Appends one CSV row per sample. Orchestration, statistics and charts live in run.sh and
 * stats.c; this file only measures.
 *
 * Plan lines, fields separated by tabs:
 *   P name                 a participant; the lines below belong to it
 *   S argv...              setup, once before the first round; must succeed
 *   T op argv...           a timed step, every round; must succeed
 *   B op count argv...     a timed batch: argv run count times ({i} = 0..count-1), one sample
 *   U argv...              an untimed step; must succeed
 *   I argv...              an untimed step whose exit status is ignored
 *   E argv...              teardown, once after the last round; status ignored
 * In argv, {id} is "<prefix>-<participant>-<round>", {r} the round, {i} the batch index,
 * {p} the participant. A participant whose step fails is reported and dropped from the
 * remaining rounds; the exit status is then 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 64

struct step {
	char kind; /* S T B U I E */
	char *op;
	long count;
	char *argv[MAX_ARGS];
	int argc;
};

struct participant {
	char *name;
	struct step *steps;
	size_t n;
	bool failed;
};

struct plan {
	struct participant *p;
	size_t n;
};

struct ctx {
	const char *measure;
	const char *prefix;
	FILE *csv;
	int null_fd;
	int log_fd;
	struct timespec *t0; /* shared with the child: when it calls execve */
};

struct sample {
	long long ns;
	long maxrss_kb;
	int status;
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		perror("driver: realloc");
		exit(2);
	}
	return p;
}

static int parse_step(struct participant *cur, char *line, unsigned lineno)
{
	struct step s = {.kind = line[0], .count = 1};
	char *save = NULL, *tok = strtok_r(line + 1, "\t\n", &save);

	if ((s.kind == 'T' || s.kind == 'B') && tok) {
		s.op = strdup(tok);
		tok = strtok_r(NULL, "\t\n", &save);
	}
	if (s.kind == 'B' && tok) {
		s.count = strtol(tok, NULL, 10);
		tok = strtok_r(NULL, "\t\n", &save);
	}
	for (; tok && s.argc < MAX_ARGS - 1; tok = strtok_r(NULL, "\t\n", &save))
		s.argv[s.argc++] = strdup(tok);
	if (!s.argc || !strchr("STBUIE", s.kind) || s.count < 1) {
		fprintf(stderr, "driver: plan line %u: bad step\n", lineno);
		return -1;
	}
	cur->steps = xrealloc(cur->steps, (cur->n + 1) * sizeof(*cur->steps));
	cur->steps[cur->n++] = s;
	return 0;
}

static int load_plan(const char *path, struct plan *plan)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int r = 0;

	if (!f) {
		fprintf(stderr, "driver: open plan %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (r == 0 && getline(&line, &cap, f) > 0) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == 'P' && line[1] == '\t') {
			plan->p = xrealloc(plan->p, (plan->n + 1) * sizeof(*plan->p));
			plan->p[plan->n++] = (struct participant){
			    .name = strndup(line + 2, strcspn(line + 2, "\t\n"))};
		} else if (!plan->n || line[1] != '\t') {
			fprintf(stderr, "driver: plan line %u: expected P first\n", lineno);
			r = -1;
		} else {
			r = parse_step(&plan->p[plan->n - 1], line, lineno);
		}
	}
	free(line);
	fclose(f);
	return r;
}

/* Replaces {id} {r} {i} {p} in one argument; returns a new string. */
static char *expand(const char *arg, const struct ctx *c, const char *who, long round, long i)
{
	size_t cap = strlen(arg) + 256, len = 0;
	char *out = xrealloc(NULL, cap);

	for (const char *s = arg; *s; s++) {
		char buf[200] = "";
		size_t skip = 0;

		if (!strncmp(s, "{id}", 4))
			skip = 4, snprintf(buf, sizeof(buf), "%s-%s-%ld", c->prefix, who, round);
		else if (!strncmp(s, "{r}", 3))
			skip = 3, snprintf(buf, sizeof(buf), "%ld", round);
		else if (!strncmp(s, "{i}", 3))
			skip = 3, snprintf(buf, sizeof(buf), "%ld", i);
		else if (!strncmp(s, "{p}", 3))
			skip = 3, snprintf(buf, sizeof(buf), "%s", who);
		if (len + strlen(buf) + 2 > cap)
			out = xrealloc(out, cap = (len + strlen(buf)) * 2 + 2);
		if (skip) {
			len += (size_t)snprintf(out + len, cap - len, "%s", buf);
			s += skip - 1;
		} else {
			out[len++] = *s;
		}
	}
	out[len] = '\0';
	return out;
}

/* One command: fork, exec, wait, time. stdout goes to /dev/null, stderr to the log.
 * fork, not posix_spawn: a vfork-style child shares the driver's memory, and execve carries
 * that memory's high-water mark into the child's ru_maxrss, so every participant showed the
 * driver's 1.6 MiB. A forked child starts with only the driver's few anonymous pages. The
 * clock starts in the child just before execve (c->t0, a shared page), so fork is not timed. */
static struct sample run_cmd(const struct ctx *c, const struct step *s, const char *who, long round,
			     long i)
{
	char *argv[MAX_ARGS] = {NULL};
	struct timespec t1;
	struct sample out = {.status = -1};
	struct rusage ru;
	pid_t pid;
	int st;

	for (int k = 0; k < s->argc; k++)
		argv[k] = expand(s->argv[k], c, who, round, i);
	*c->t0 = (struct timespec){0};
	pid = fork();
	if (pid == 0) {
		if (dup2(c->null_fd, 0) < 0 || dup2(c->null_fd, 1) < 0 || dup2(c->log_fd, 2) < 0)
			_exit(127);
		clock_gettime(CLOCK_MONOTONIC, c->t0);
		execve(argv[0], argv, environ);
		dprintf(2, "driver: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0) {
		while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		out.ns = (t1.tv_sec - c->t0->tv_sec) * 1000000000LL + (t1.tv_nsec - c->t0->tv_nsec);
		out.maxrss_kb = ru.ru_maxrss;
		if (c->t0->tv_sec == 0 && c->t0->tv_nsec == 0)
			out.ns = 0; /* the child failed before its execve */
		out.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	} else {
		dprintf(c->log_fd, "driver: fork for %s: %s\n", argv[0], strerror(errno));
	}
	if (out.status != 0 && s->kind != 'I' && s->kind != 'E') {
		dprintf(c->log_fd, "driver: %s round %ld: exit %d:", who, round, out.status);
		for (int k = 0; argv[k]; k++)
			dprintf(c->log_fd, " %s", argv[k]);
		dprintf(c->log_fd, "\n");
	}
	for (int k = 0; argv[k]; k++)
		free(argv[k]);
	return out;
}

static void record(const struct ctx *c, const char *who, long round, const char *op,
		   const struct sample *s)
{
	if (round >= 0)
		fprintf(c->csv, "%s,%s,%ld,%s,%lld,%ld,%d\n", c->measure, who, round, op, s->ns,
			s->maxrss_kb, s->status);
}

/* Runs the per-round steps of one participant; round < 0 is a warm-up (not recorded). */
static bool run_round(const struct ctx *c, struct participant *p, long round)
{
	for (size_t k = 0; k < p->n; k++) {
		const struct step *s = &p->steps[k];
		struct sample total = {0};

		if (s->kind == 'S' || s->kind == 'E')
			continue;
		for (long i = 0; i < s->count; i++) {
			struct sample one =
			    run_cmd(c, s, p->name, round < 0 ? 1000000 - round : round, i);
			total.ns += one.ns;
			total.maxrss_kb =
			    one.maxrss_kb > total.maxrss_kb ? one.maxrss_kb : total.maxrss_kb;
			total.status = one.status;
			if (one.status != 0 && s->kind != 'I')
				break;
		}
		if (s->kind == 'T' || s->kind == 'B')
			record(c, p->name, round, s->op, &total);
		if (total.status != 0 && s->kind != 'I') {
			fprintf(stderr, "driver: %s: %s failed (exit %d) in round %ld; dropped\n",
				p->name, s->op ? s->op : s->argv[0], total.status, round);
			return false;
		}
	}
	return true;
}

static void run_once(const struct ctx *c, struct participant *p, char kind)
{
	for (size_t k = 0; k < p->n; k++) {
		if (p->steps[k].kind != kind)
			continue;
		struct sample s = run_cmd(c, &p->steps[k], p->name, 0, 0);
		if (s.status != 0 && kind == 'S') {
			fprintf(stderr, "driver: %s: setup %s failed (exit %d); dropped\n", p->name,
				p->steps[k].argv[0], s.status);
			p->failed = true;
			return;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: driver -m MEASURE -o CSV -l LOG [-n ROUNDS] [-w WARMUP] "
			"[-x PREFIX] PLAN\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct ctx c = {.measure = "run", .prefix = "bench"};
	struct plan plan = {0};
	const char *csv = NULL, *log = NULL;
	long rounds = 10, warmup = 1;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "m:o:l:n:w:x:")) != -1) {
		switch (opt) {
		case 'm':
			c.measure = optarg;
			break;
		case 'o':
			csv = optarg;
			break;
		case 'l':
			log = optarg;
			break;
		case 'n':
			rounds = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		case 'x':
			c.prefix = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !csv || !log || load_plan(argv[optind], &plan) < 0)
		usage();
	c.t0 = mmap(NULL, sizeof(*c.t0), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c.t0 == MAP_FAILED) {
		perror("driver: mmap");
		return 2;
	}
	c.csv = fopen(csv, "ae");
	c.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	c.log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (!c.csv || c.null_fd < 0 || c.log_fd < 0) {
		fprintf(stderr, "driver: open %s or %s: %s\n", csv, log, strerror(errno));
		return 2;
	}
	for (size_t k = 0; k < plan.n; k++)
		run_once(&c, &plan.p[k], 'S');
	for (long r = -warmup; r < rounds; r++) {
		/* rotate who goes first so no participant always follows the same one */
		for (size_t j = 0; j < plan.n; j++) {
			struct participant *p = &plan.p[((size_t)(r + warmup) + j) % plan.n];
			if (!p->failed && !run_round(&c, p, r))
				p->failed = true;
		}
		fflush(c.csv);
	}
	for (size_t k = 0; k < plan.n; k++) {
		run_once(&c, &plan.p[k], 'E');
		if (plan.p[k].failed) {
			fprintf(stderr, "driver: %s: FAILED (%s)\n", plan.p[k].name, c.measure);
			failed = 1;
		}
	}
	return fclose(c.csv) == 0 ? failed : 2;
}
