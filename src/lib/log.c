/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --log file, in the two formats runc's callers parse: logrus-style text lines
 * (time="..." level=error msg="...") and one JSON object per line ({"level","msg","time"}).
 * Each line goes out in a single write() on an O_APPEND fd, so lines from the runtime and the
 * shim sharing one file never interleave. Warnings without a log file go to stderr.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cleanup.h"
#include "log.h"

int sk_log_open(struct sk_log *log, const char *path, struct sk_err *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return sk_fail(err, errno, "open log file %s", path);
	log->fd = fd;
	return 0;
}

void sk_log_close(struct sk_log *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

/* RFC 3339 UTC time: with nanoseconds for JSON, whole seconds for text (as logrus). */
static void log_time(char *buf, size_t size, bool nanos)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || !gmtime_r(&ts.tv_sec, &tm) ||
	    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, size, "1970-01-01T00:00:00Z");
		return;
	}
	if (nanos)
		snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
	else
		snprintf(buf, size, "%sZ", base);
}

/* Writes all of buf with one write() (retried only if the kernel wrote part of it). */
static void write_line(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* msg quoted as a logrus text value: \" \\ \n \r \t and other control bytes escaped. */
static char *text_line(const char *time, const char *level, const char *msg)
{
	size_t mlen = strlen(msg), n = 0;
	_cleanup_free_ char *q = malloc(mlen * 4 + 1);
	char *line = NULL;

	if (!q)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		const char *esc = NULL;
		switch (*p) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			break;
		}
		if (esc) {
			memcpy(q + n, esc, 2);
			n += 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			n += (size_t)snprintf(q + n, 5, "\\x%02x", *p);
		} else {
			q[n++] = (char)*p;
		}
	}
	q[n] = '\0';
	if (asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", time, level, q) < 0)
		return NULL;
	return line;
}

static char *json_line(const char *time, const char *level, const char *msg)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *line = NULL;

	if (!g)
		return NULL;
#define S(s) (const unsigned char *)(s), strlen(s)
	if (yajl_gen_map_open(g) == yajl_gen_status_ok &&
	    yajl_gen_string(g, S("level")) == yajl_gen_status_ok &&
	    yajl_gen_string(g, S(level)) == yajl_gen_status_ok &&
	    yajl_gen_string(g, S("msg")) == yajl_gen_status_ok &&
	    yajl_gen_string(g, S(msg)) == yajl_gen_status_ok &&
	    yajl_gen_string(g, S("time")) == yajl_gen_status_ok &&
	    yajl_gen_string(g, S(time)) == yajl_gen_status_ok &&
	    yajl_gen_map_close(g) == yajl_gen_status_ok &&
	    yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		line = malloc(len + 2);
		if (line) {
			memcpy(line, buf, len);
			line[len] = '\n';
			line[len + 1] = '\0';
		}
	}
#undef S
	yajl_gen_free(g);
	return line;
}

static void log_v(const struct sk_log *log, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void log_v(const struct sk_log *log, const char *level, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = NULL;
	_cleanup_free_ char *line = NULL;
	char time[64];

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	log_time(time, sizeof(time), log->format == SK_LOG_JSON);
	if (log->format == SK_LOG_JSON)
		line = json_line(time, level, msg);
	else
		line = text_line(time, level, msg);
	if (line)
		write_line(log->fd, line, strlen(line));
}

void sk_log(const struct sk_log *log, const char *level, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (!log || log->fd < 0 || (strcmp(level, "debug") == 0 && !log->debug))
		return;
	va_start(ap, fmt);
	log_v(log, level, fmt, ap);
	va_end(ap);
	errno = saved;
}

void sk_warn(const struct sk_log *log, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	_cleanup_free_ char *line = NULL;
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	if (log && log->fd >= 0) {
		log_v(log, "warning", fmt, ap);
	} else if (vasprintf(&msg, fmt, ap) >= 0 &&
		   asprintf(&line, "skiff: warning: %s\n", msg) >= 0) {
		write_line(STDERR_FILENO, line, strlen(line));
	}
	va_end(ap);
	errno = saved;
}

void sk_debug(const struct sk_log *log, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (!log || !log->debug)
		return;
	va_start(ap, fmt);
	if (log->fd >= 0) {
		log_v(log, "debug", fmt, ap);
	} else {
		/* as runc: without --log, --debug writes logrus text lines to stderr */
		struct sk_log err_log = {.fd = STDERR_FILENO, .format = log->format, .debug = true};
		log_v(&err_log, "debug", fmt, ap);
	}
	va_end(ap);
	errno = saved;
}
