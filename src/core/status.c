/* SPDX-License-Identifier: MIT */
/* Status strings and the thread-local error message behind oclnn_last_error(). */
#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"

#define MESSAGE_CAPACITY 512

static _Thread_local char message[MESSAGE_CAPACITY];
static _Thread_local char context[128];
static _Thread_local const char *api = "oclnn";
static _Thread_local int depth; /* public calls active on this thread */

void oclnn__enter(const char *api_name) {
    api = api_name;
    message[0] = '\0';
    context[0] = '\0';
}

oclnn__entry oclnn__enter_scope(const char *api_name) {
    if (depth++ == 0) oclnn__enter(api_name);
    return (oclnn__entry){0};
}

void oclnn__leave(oclnn__entry *e) {
    (void)e;
    if (depth > 0) depth--;
}

void oclnn__clear_error(void) { message[0] = '\0'; }

void oclnn__error_context(const char *fmt, ...) {
    context[0] = '\0';
    if (!fmt) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
}

const char *oclnn__current_api(void) { return api; }

oclnn_status oclnn__fail(oclnn_status status, const char *fmt, ...) {
    int n = snprintf(message, sizeof message, "%s: %s", api, context);
    if (n < 0 || (size_t)n >= sizeof message) n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message + n, sizeof message - (size_t)n, fmt, ap);
    va_end(ap);
    oclnn__log(OCLNN__LOG_ERROR, "%s (%s)", message, oclnn_status_string(status));
    return status;
}

void oclnn__append_error(const char *fmt, ...) {
    size_t n = strlen(message);
    if (n + 1 >= sizeof message) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message + n, sizeof message - n, fmt, ap);
    va_end(ap);
}

const char *oclnn_last_error(void) { return message; }

const char *oclnn_status_string(oclnn_status status) {
    switch (status) {
    case OCLNN_OK: return "success";
    case OCLNN_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case OCLNN_ERROR_UNSUPPORTED: return "unsupported";
    case OCLNN_ERROR_OUT_OF_MEMORY: return "out of host memory";
    case OCLNN_ERROR_DEVICE_OUT_OF_MEMORY: return "out of device memory";
    case OCLNN_ERROR_NO_DEVICE: return "no such device";
    case OCLNN_ERROR_BUILD_FAILED: return "kernel build failed";
    case OCLNN_ERROR_DEVICE: return "device error";
    case OCLNN_ERROR_IO: return "input/output error";
    case OCLNN_ERROR_BAD_FILE: return "corrupt or incompatible file";
    }
    return "unknown status";
}
