/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --log file: text lines or JSON objects ({"level","msg","time"}), as runc writes them.
 * The log is part of the command's context (struct sk_log), never a global.
 */
#pragma once
#include <stdbool.h>
#include "error.h"

enum sk_log_format { SK_LOG_TEXT, SK_LOG_JSON };

struct sk_log {
	int fd; /* -1: no log file */
	enum sk_log_format format;
	bool debug;
};

int sk_log_open(struct sk_log *log, const char *path, struct sk_err *err);
void sk_log_close(struct sk_log *log);
/* level: "debug" (only with --debug), "info", "warning", "error". */
void sk_log(const struct sk_log *log, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* --debug only: to the log file, or to stderr when there is none (as runc). */
void sk_debug(const struct sk_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Warnings go to the log file, or to stderr when there is none. */
void sk_warn(const struct sk_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
