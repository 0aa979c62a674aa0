/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay driver: runs every file given on the command line (or every file in a directory
 * given) through a fuzz target's LLVMFuzzerTestOneInput, with the normal compiler and no
 * libFuzzer. Built by build-and-replay.sh together with one fuzz-<target>.c and -DREPLAY;
 * `make check` runs it over tests/fuzz/corpus/<target>/. Exits non-zero if it reads nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			uint8_t *n = realloc(buf, cap = cap ? cap * 2 : 8192);
			if (!n) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = n;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int replay_path(const char *path, int *count)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	struct dirent **names = NULL;
	int n = scandir(path, &names, NULL, alphasort), rc = 0;
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char *p = NULL;
			if (asprintf(&p, "%s/%s", path, names[i]->d_name) < 0 ||
			    replay_path(p, count) < 0)
				rc = -1;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0, rc = 0;

	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) < 0)
			rc = 1;
	printf("replayed %d input%s\n", count, count == 1 ? "" : "s");
	return rc || count == 0;
}
