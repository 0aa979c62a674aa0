// SPDX-License-Identifier: Apache-2.0
/*
 * bench/stats.c: turns the driver's samples.csv into the markdown table of summary.md:
 * per (measure, op, participant) the count, median, p90 and median peak RSS; per peer the
 * ratio BASE/peer of the medians with a bootstrap 95% interval (rounds resampled in pairs,
 * since the driver interleaves them) and the interquartile range of the per-round ratios.
 * With -d DIR it also writes DIR/<measure>-<op>-<participant>.dat (sorted ms, cumulative
 * fraction) for the gnuplot chart. Only samples with status 0 count.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOOT 2000

struct row {
	char *measure, *who, *op;
	long round;
	double ms;
	long rss;
};

struct series {
	const char *measure, *op, *who;
	double *ms; /* indexed by round; -1 when missing */
	long *rss;
	size_t rounds, n;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Quantile q of v[0..n) (sorts a copy; linear interpolation). */
static double quantile(const double *v, size_t n, double q)
{
	double *c = malloc(n * sizeof(*c)), r, pos;
	size_t lo;

	if (!n || !c) {
		free(c);
		return 0;
	}
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	pos = q * (double)(n - 1);
	lo = (size_t)pos;
	r = lo + 1 < n ? c[lo] + (pos - (double)lo) * (c[lo + 1] - c[lo]) : c[lo];
	free(c);
	return r;
}

static size_t load(FILE *f, struct row **ret)
{
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;

	while (getline(&line, &lcap, f) > 0) {
		char m[64], w[64], o[64];
		long r, rss;
		long long ns;
		int st;

		if (sscanf(line, "%63[^,],%63[^,],%ld,%63[^,],%lld,%ld,%d", m, w, &r, o, &ns, &rss,
			   &st) != 7 ||
		    st != 0 || r < 0)
			continue;
		if (n == cap && !(rows = realloc(rows, (cap = cap * 2 + 256) * sizeof(*rows))))
			exit(2);
		rows[n++] = (struct row){strdup(m), strdup(w), strdup(o), r, (double)ns / 1e6, rss};
	}
	free(line);
	*ret = rows;
	return n;
}

static size_t build(const struct row *rows, size_t n, struct series **ret)
{
	struct series *s = NULL;
	size_t ns = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < ns; k++)
			if (!strcmp(s[k].measure, rows[i].measure) &&
			    !strcmp(s[k].op, rows[i].op) && !strcmp(s[k].who, rows[i].who))
				break;
		if (k == ns) {
			s = realloc(s, (ns + 1) * sizeof(*s));
			s[ns++] = (struct series){
			    .measure = rows[i].measure, .op = rows[i].op, .who = rows[i].who};
		}
		struct series *x = &s[k];
		if ((size_t)rows[i].round >= x->rounds) {
			size_t old = x->rounds;
			x->rounds = (size_t)rows[i].round + 1;
			x->ms = realloc(x->ms, x->rounds * sizeof(double));
			x->rss = realloc(x->rss, x->rounds * sizeof(long));
			for (size_t j = old; j < x->rounds; j++)
				x->ms[j] = -1, x->rss[j] = -1;
		}
		x->ms[rows[i].round] = rows[i].ms;
		x->rss[rows[i].round] = rows[i].rss;
		x->n++;
	}
	*ret = s;
	return ns;
}

static size_t values(const struct series *s, double *out, long *rss)
{
	size_t n = 0;

	for (size_t r = 0; r < s->rounds; r++)
		if (s->ms[r] >= 0) {
			if (rss)
				rss[n] = s->rss[r];
			out[n++] = s->ms[r];
		}
	return n;
}

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Ratio base/peer over the rounds both have: median ratio, bootstrap CI and IQR. */
static void ratio(const struct series *b, const struct series *p, char *out, size_t len)
{
	size_t n = 0, rounds = b->rounds < p->rounds ? b->rounds : p->rounds;
	double *x = malloc(rounds * sizeof(double) + 1), *y = malloc(rounds * sizeof(double) + 1);
	double *pr = malloc(rounds * sizeof(double) + 1), *boot = malloc(BOOT * sizeof(double));
	double *bx = malloc(rounds * sizeof(double) + 1), *by = malloc(rounds * sizeof(double) + 1);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (size_t r = 0; r < rounds; r++)
		if (b->ms[r] >= 0 && p->ms[r] > 0) {
			x[n] = b->ms[r], y[n] = p->ms[r];
			pr[n] = x[n] / y[n];
			n++;
		}
	if (n == 0) {
		snprintf(out, len, "n/a | n/a | n/a");
	} else {
		for (int k = 0; k < BOOT; k++) {
			for (size_t i = 0; i < n; i++) {
				size_t j = rng_next(&seed) % n;
				bx[i] = x[j], by[i] = y[j];
			}
			boot[k] = quantile(bx, n, 0.5) / quantile(by, n, 0.5);
		}
		snprintf(out, len, "**%.2f** | %.2f-%.2f | %.2f-%.2f",
			 quantile(x, n, 0.5) / quantile(y, n, 0.5), quantile(boot, BOOT, 0.025),
			 quantile(boot, BOOT, 0.975), quantile(pr, n, 0.25), quantile(pr, n, 0.75));
	}
	free(x), free(y), free(pr), free(boot), free(bx), free(by);
}

static void write_dat(const char *dir, const struct series *s)
{
	double *v = malloc((s->rounds + 1) * sizeof(double));
	size_t n = values(s, v, NULL);
	char *path = NULL;
	FILE *f;

	if (asprintf(&path, "%s/%s-%s-%s.dat", dir, s->measure, s->op, s->who) < 0 ||
	    !(f = fopen(path, "we"))) {
		perror("stats: write chart data");
		exit(2);
	}
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%.4f %.4f\n", v[i], (double)(i + 1) / (double)n);
	fclose(f);
	free(path);
	free(v);
}

static void table(struct series *s, size_t ns, const char *base, const char *dir)
{
	printf("| measure | op | participant | n | median ms | p90 ms | peak RSS KiB | "
	       "%s/this | 95%% CI | paired IQR |\n",
	       base);
	printf("|---|---|---|---:|---:|---:|---:|---:|---|---|\n");
	for (size_t i = 0; i < ns; i++) {
		const struct series *b = NULL;
		double *v = malloc((s[i].rounds + 1) * sizeof(double));
		long *rss = malloc((s[i].rounds + 1) * sizeof(long));
		size_t n = values(&s[i], v, rss);
		char rat[128] = "";

		for (size_t k = 0; k < ns; k++)
			if (!strcmp(s[k].measure, s[i].measure) && !strcmp(s[k].op, s[i].op) &&
			    !strcmp(s[k].who, base))
				b = &s[k];
		if (b && b != &s[i])
			ratio(b, &s[i], rat, sizeof(rat));
		else
			snprintf(rat, sizeof(rat), "%s | | ", b ? "1" : "n/a");
		qsort(rss, n, sizeof(*rss), cmp_long);
		printf("| %s | %s | %s | %zu | %.3f | %.3f | %ld | %s |\n", s[i].measure, s[i].op,
		       s[i].who, n, quantile(v, n, 0.5), quantile(v, n, 0.9), n ? rss[n / 2] : 0,
		       rat);
		if (dir)
			write_dat(dir, &s[i]);
		free(v);
		free(rss);
	}
}

int main(int argc, char **argv)
{
	const char *base = "skiff", *dir = NULL;
	struct series *s;
	struct row *rows;
	FILE *f;
	int opt;

	while ((opt = getopt(argc, argv, "b:d:")) != -1) {
		if (opt == 'b')
			base = optarg;
		else if (opt == 'd')
			dir = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || !(f = fopen(argv[optind], "re"))) {
		fprintf(stderr, "usage: stats [-b BASE] [-d CHARTDIR] samples.csv\n");
		return 2;
	}
	size_t n = load(f, &rows);
	fclose(f);
	size_t ns = build(rows, n, &s);
	table(s, ns, base, dir);
	return 0;
}
