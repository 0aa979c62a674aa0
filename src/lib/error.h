/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one error type of skiff. A failing function sets the error exactly once with sk_fail()
 * and returns -1; callers add context with sk_wrap(). Only main() prints an error.
 */
#pragma once
#include <stdarg.h>

struct sk_err {
	int errnum; /* errno of the root cause, 0 if none */
	char *msg;  /* "outer context: inner: cause" */
};

/* Sets *err from errnum and a message; appends ": strerror(errnum)" when errnum != 0. Returns -1.
 */
int sk_fail(struct sk_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the message of an already set error with "context: ". Returns -1. */
int sk_wrap(struct sk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sk_err_clear(struct sk_err *err);
/* Moves src into dst (dst must be clear); src is left clear. */
void sk_err_move(struct sk_err *dst, struct sk_err *src);
