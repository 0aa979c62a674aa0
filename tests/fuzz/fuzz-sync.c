/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: decoding one parent<->child sync packet (sk_sync_decode), as sk_sync_recv
 * does with what the (untrusted, container-side) peer sent: header, then text.
 */
#include "fuzz.h"
#include "sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* sk_sync_recv terminates the received bytes; so does this copy. */
	char *buf = fuzz_strndup(data, size);
	struct sk_sync_hdr hdr;
	const char *text = NULL;
	struct sk_err err = {0};

	if (!buf)
		return 0;
	if (sk_sync_decode(buf, size, &hdr, &text, &err) == 0) {
		if (!text || hdr.type == 0 || hdr.type >= SYNC_MAX)
			abort();
		(void)strlen(text);
		(void)sk_sync_name((enum sk_sync_type)hdr.type);
	} else if (!err.msg) {
		abort();
	}
	sk_err_clear(&err);
	free(buf);
	return 0;
}
