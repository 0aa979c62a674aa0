/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the fuzz targets: the libFuzzer entry point's prototype and a helper that turns
 * the input into a NUL-terminated copy (the parsers see files and packets that way).
 * replay.c drives the same entry point over corpus files when built with -DREPLAY.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}
