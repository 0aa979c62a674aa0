// SPDX-License-Identifier: Apache-2.0
/*
 * swap: the racing half of the symlink-exchange attacks (CVE-2021-30465, CVE-2024-45310,
 * CVE-2019-18837). Exchanges two names atomically with renameat2(RENAME_EXCHANGE) in a tight
 * loop for SECONDS, so that a path component is a directory one instant and a symlink to a
 * host path the next. Run on the host by cve.bats; prints the number of swaps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	unsigned long n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: swap A B SECONDS\n");
		return 2;
	}
	time_t end = time(NULL) + atoi(argv[3]);
	while (time(NULL) < end) {
		for (int i = 0; i < 1000; i++, n++)
			if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
				fprintf(stderr, "swap: renameat2 %s %s: %s\n", argv[1], argv[2],
					strerror(errno));
				return 1;
			}
	}
	printf("swaps=%lu\n", n);
	return 0;
}
