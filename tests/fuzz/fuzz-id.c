/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: container id validation (sk_id_validate). An accepted id is used as a path
 * component under --root, so it must never contain '/', be "." or "..", or be empty.
 */
#include "fuzz.h"
#include "id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *id = fuzz_strndup(data, size);
	struct sk_err err = {0};

	if (!id)
		return 0;
	if (sk_id_validate(id, &err) == 0) {
		if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
			abort();
	} else if (!err.msg) {
		abort();
	}
	sk_err_clear(&err);
	free(id);
	return 0;
}
