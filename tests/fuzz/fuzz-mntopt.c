/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: mount option words (sk_mount_options_parse) and rootfsPropagation values
 * (sk_propagation_parse). The input is split at newlines into the options array; the first
 * line is also tried as a propagation value.
 */
#include "fuzz.h"
#include "mntopt.h"

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	char *words[MAX_WORDS + 1];
	size_t n = 0;
	struct sk_mount m = {0};
	struct sk_err err = {0};
	unsigned long prop = 0;

	if (!text)
		return 0;
	for (char *save = NULL, *w = strtok_r(text, "\n", &save); w && n < MAX_WORDS;
	     w = strtok_r(NULL, "\n", &save))
		words[n++] = w;
	words[n] = NULL;
	m.options = words;
	m.destination = (char *)"/mnt";
	if (sk_mount_options_parse(&m, &err) < 0 && !err.msg)
		abort();
	sk_err_clear(&err);
	free(m.data);
	if (n > 0 && sk_propagation_parse(words[0], &prop, &err) < 0 && !err.msg)
		abort();
	sk_err_clear(&err);
	free(text);
	return 0;
}
