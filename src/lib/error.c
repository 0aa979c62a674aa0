/* SPDX-License-Identifier: Apache-2.0 */
/* The error type: formatting and wrapping of messages. Printing is main()'s job. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "error.h"

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

int sk_fail(struct sk_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	char *base;

	if (!err)
		return -1;
	free(err->msg);
	va_start(ap, fmt);
	base = vformat(fmt, ap);
	va_end(ap);
	err->errnum = errnum;
	err->msg = NULL;
	if (base && errnum) {
		if (asprintf(&err->msg, "%s: %s", base, strerror(errnum)) < 0)
			err->msg = NULL;
		free(base);
	} else {
		err->msg = base;
	}
	return -1;
}

int sk_wrap(struct sk_err *err, const char *fmt, ...)
{
	va_list ap;
	char *ctx, *joined = NULL;

	if (!err)
		return -1;
	va_start(ap, fmt);
	ctx = vformat(fmt, ap);
	va_end(ap);
	if (!ctx)
		return -1;
	if (asprintf(&joined, "%s: %s", ctx, err->msg ? err->msg : "unknown error") < 0)
		joined = NULL;
	free(ctx);
	if (joined) {
		free(err->msg);
		err->msg = joined;
	}
	return -1;
}

void sk_err_clear(struct sk_err *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->errnum = 0;
}

void sk_err_move(struct sk_err *dst, struct sk_err *src)
{
	sk_err_clear(dst);
	*dst = *src;
	src->msg = NULL;
	src->errnum = 0;
}
