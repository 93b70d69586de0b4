/* SPDX-License-Identifier: MIT */
/* Printing helpers of the oclnn tool: progress lines, JSON string literals, layout names, library
 * messages. */
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "tool.h"

/* Without a terminal, at most one progress line per this many milliseconds (and the last). */
#define PROGRESS_LINE_MS 1000.0

void tool_progress_init(tool_progress *p, const char *label) {
    p->label = label;
    p->tty = isatty(2);
    p->last_ms = -PROGRESS_LINE_MS;
}

void tool_progress_show(tool_progress *p, size_t done, size_t total, const char *what) {
    bool last = done >= total;
    double now = oclnn__now_ms();
    if (p->tty) {
        fprintf(stderr, "\r\033[K%s %zu/%zu (%s)%s", p->label, done, total, what, last ? "\n" : "");
    } else if (last || now - p->last_ms >= PROGRESS_LINE_MS) {
        fprintf(stderr, "%s %zu/%zu (%s)\n", p->label, done, total, what);
        p->last_ms = now;
    }
    fflush(stderr);
}

const char *tool_last_error(void) {
    const char *msg = oclnn_last_error();
    return strncmp(msg, "oclnn: ", 7) ? msg : msg + 7;
}

void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

const char *layout_name(oclnn_layout l) {
    return l == OCLNN_LAYOUT_NCHW ? "NCHW" : l == OCLNN_LAYOUT_NHWC ? "NHWC" : "AUTO";
}
