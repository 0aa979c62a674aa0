/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container id validation. An id becomes a directory name under --root and part of cgroup
 * paths, so anything that could walk out of the directory ("/", "..") or confuse a log line
 * (control characters, spaces) is refused. The error quotes the id with hostile bytes escaped.
 */
#include "config.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cleanup.h"
#include "id.h"

/* At most this many bytes of a bad id are quoted in the error message. */
#define ID_QUOTE_MAX 64

static bool id_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '+' || c == '-';
}

/* The id as printable ASCII: bytes outside 0x20..0x7e, '"' and '\' become \xNN. */
static char *id_quote(const char *id)
{
	size_t len = strnlen(id, ID_QUOTE_MAX + 1);
	bool cut = len > ID_QUOTE_MAX;
	char *out, *p;

	if (cut)
		len = ID_QUOTE_MAX;
	out = malloc(len * 4 + 4);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
			static const char hex[] = "0123456789abcdef";
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0xf];
		} else {
			*p++ = (char)c;
		}
	}
	if (cut) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return out;
}

__attribute__((format(printf, 3, 4))) static int id_fail(struct sk_err *err, const char *id,
							 const char *fmt, ...)
{
	_cleanup_free_ char *q = id_quote(id);
	_cleanup_free_ char *reason = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) < 0)
		reason = NULL;
	va_end(ap);
	return sk_fail(err, 0, "invalid container id \"%s\": %s", q ? q : "?",
		       reason ? reason : "not allowed");
}

int sk_id_validate(const char *id, struct sk_err *err)
{
	size_t len;

	if (!id || !id[0])
		return sk_fail(err, 0, "invalid container id \"\": empty");
	len = strnlen(id, SK_ID_MAX + 1);
	if (len > SK_ID_MAX)
		return id_fail(err, id, "longer than %d bytes", SK_ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return id_fail(err, id, "\".\" and \"..\" are not ids");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (id_char_ok(c))
			continue;
		if (c > 0x20 && c < 0x7f)
			return id_fail(err, id,
				       "character '%c' at offset %zu is not allowed "
				       "(only A-Z a-z 0-9 _ . + -)",
				       c, i);
		return id_fail(err, id,
			       "byte 0x%02x at offset %zu is not allowed "
			       "(only A-Z a-z 0-9 _ . + -)",
			       c, i);
	}
	return 0;
}
