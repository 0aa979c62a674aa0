/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: state.json parsing (sk_state_parse). A state that parses is encoded back to
 * the OCI and CLI JSON forms, which must not crash either.
 */
#include "fuzz.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_state *st = NULL;
	struct sk_err err = {0};

	if (sk_state_parse((const char *)data, size, &st, &err) == 0) {
		char *out = NULL;

		if (sk_state_oci_json(st, SK_STATUS_RUNNING, &out, &err) == 0)
			free(out);
		sk_err_clear(&err);
		out = NULL;
		if (sk_state_cli_json(st, SK_STATUS_STOPPED, &out, &err) == 0)
			free(out);
		sk_state_free(st);
	} else if (!err.msg) {
		abort();
	}
	sk_err_clear(&err);
	return 0;
}
