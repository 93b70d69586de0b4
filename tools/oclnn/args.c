/* SPDX-License-Identifier: MIT */
/* Command-line and JSON helpers for the oclnn tool. */
#include <string.h>

#include "tool.h"

bool arg_flag(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

bool arg_value(int argc, char **argv, int *i, const char *name, const char **value) {
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0') return false;
    if (*i + 1 >= argc) {
        *value = NULL; /* the caller reports the missing value */
        return true;
    }
    *value = argv[++*i];
    return true;
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
