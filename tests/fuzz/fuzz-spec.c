/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: config.json parsing (sk_spec_parse), the largest parser of untrusted input.
 * A parsed spec is freed again so leaks and double frees show up under ASan.
 */
#include "fuzz.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_strndup(data, size);
	struct sk_spec *spec = NULL;
	struct sk_err err = {0};

	if (!json)
		return 0;
	if (sk_spec_parse(json, size, "config.json", &spec, &err) == 0)
		sk_spec_free(spec);
	else if (!err.msg)
		abort(); /* a failure must always say why */
	sk_err_clear(&err);
	free(json);
	return 0;
}
