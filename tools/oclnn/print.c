/* SPDX-License-Identifier: MIT */
/* Printing helpers of the oclnn tool: JSON string literals, layout names, library messages. */
#include <string.h>

#include "tool.h"

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
