/* SPDX-License-Identifier: MIT */
/* OCLNN_LOG is read once per process; messages go to stderr, one line each. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

static once_flag once = ONCE_FLAG_INIT;
static oclnn__log_level threshold = OCLNN__LOG_OFF;

static void read_env(void) {
    const char *v = getenv("OCLNN_LOG");
    if (!v || !*v) return;
    if (!strcmp(v, "error")) threshold = OCLNN__LOG_ERROR;
    else if (!strcmp(v, "info")) threshold = OCLNN__LOG_INFO;
    else if (!strcmp(v, "debug")) threshold = OCLNN__LOG_DEBUG;
    else if (!strcmp(v, "off") || !strcmp(v, "0")) threshold = OCLNN__LOG_OFF;
    else threshold = OCLNN__LOG_INFO;
}

oclnn__log_level oclnn__log_threshold(void) {
    call_once(&once, read_env);
    return threshold;
}

void oclnn__log(oclnn__log_level level, const char *fmt, ...) {
    if (level > oclnn__log_threshold()) return;
    static const char *names[] = {"", "error", "info", "debug"};
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "oclnn[%s] %s\n", names[level], line);
}
