/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: signal names and numbers (sk_signal_parse: "KILL", "SIGRTMIN+3", "9" ...).
 * A signal that parses must be a valid signal number.
 */
#include <signal.h>
#include "fuzz.h"
#include "signals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	struct sk_err err = {0};
	int sig = -1;

	if (!s)
		return 0;
	if (sk_signal_parse(s, &sig, &err) == 0) {
		if (sig < 0 || sig >= 65)
			abort();
	} else if (!err.msg) {
		abort();
	}
	sk_err_clear(&err);
	free(s);
	return 0;
}
