/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: a process object alone (sk_process_parse, as `exec --process FILE` reads it).
 */
#include "fuzz.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_strndup(data, size);
	struct sk_process *p = NULL;
	struct sk_err err = {0};

	if (!json)
		return 0;
	if (sk_process_parse(json, size, "process.json", &p, &err) == 0)
		sk_process_free(p);
	else if (!err.msg)
		abort();
	sk_err_clear(&err);
	free(json);
	return 0;
}
