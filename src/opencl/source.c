/* SPDX-License-Identifier: MIT */
/* Kernel source text: the embedded copy or, when the context has a kernel folder, the file found
 * there; `#include "x.h"` lines are resolved here from the same places (no -I path), with #line
 * markers so compiler messages name the real file and line. The resolved text is what the cache
 * key hashes, so an edited kernel never reuses a stale binary. */
#include "opencl/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/log.h"
#include "core/status.h"
#include "opencl/registry.h"

#define MAX_DEPTH 8
#define MAX_FILE ((size_t)4 << 20)

typedef struct buf {
    char *p;
    size_t len, cap;
    bool failed;
} buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void putf(buf *b, const char *fmt, const char *s, long n) {
    char line[512];
    int k = snprintf(line, sizeof line, fmt, n, s);
    if (k > 0) put(b, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
}

/* Reads `path` from the override folder if it has it, else from the registry. */
static char *read_source(const char *kernel_dir, const char *path, size_t *size) {
    if (strstr(path, "..") || path[0] == '/') return NULL;
    if (kernel_dir) {
        char full[4096], why[512];
        snprintf(full, sizeof full, "%s/%s", kernel_dir, path);
        void *text;
        switch (oclnn__file_read(full, MAX_FILE, 0, &text, size, why, sizeof why)) {
        case OCLNN__FILE_OK:
            oclnn__log(OCLNN__LOG_INFO, "kernel %s read from %s", path, full);
            return text;
        case OCLNN__FILE_MISSING: break;
        default: /* a FIFO, device, folder or oversized file: never blocks, never used */
            oclnn__log(OCLNN__LOG_ERROR, "kernel override ignored, using the embedded %s: %s", path,
                       why);
            break;
        }
    }
    const oclnn__cl_source *src = oclnn__cl_source_find(path);
    if (!src) return NULL;
    size_t n = strlen((const char *)src->data);
    char *text = malloc(n + 1);
    if (!text) return NULL;
    memcpy(text, src->data, n + 1);
    *size = n;
    return text;
}

static oclnn_status resolve(const char *kernel_dir, const char *path, int depth, buf *out) {
    if (depth > MAX_DEPTH)
        return oclnn__fail(OCLNN_ERROR_BUILD_FAILED, "kernel %s: includes nest deeper than %d", path,
                           MAX_DEPTH);
    size_t size;
    char *text = read_source(kernel_dir, path, &size);
    if (!text) return oclnn__fail(OCLNN_ERROR_BUILD_FAILED, "kernel file %s not found", path);
    putf(out, "#line %ld \"%s\"\n", path, 1);
    long line_no = 1;
    oclnn_status st = OCLNN_OK;
    for (char *line = text; *line && st == OCLNN_OK; line_no++) {
        char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        const char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (!strncmp(p, "#include", 8)) {
            const char *q = strchr(p, '"');
            const char *r = q ? strchr(q + 1, '"') : NULL;
            if (!q || !r || r - q - 1 <= 0 || r - q - 1 >= 256) {
                st = oclnn__fail(OCLNN_ERROR_BUILD_FAILED, "%s:%ld: only #include \"file\" is supported",
                                 path, line_no);
                break;
            }
            char inc[256];
            memcpy(inc, q + 1, (size_t)(r - q - 1));
            inc[r - q - 1] = '\0';
            st = resolve(kernel_dir, inc, depth + 1, out);
            putf(out, "#line %ld \"%s\"\n", path, line_no + 1);
        } else {
            put(out, line, n);
        }
        line += n;
    }
    if (st == OCLNN_OK && out->len && out->p[out->len - 1] != '\n') put(out, "\n", 1);
    free(text);
    return st;
}

oclnn_status oclnn__cl_resolve_source(const char *kernel_dir, const char *path, char **text,
                                      size_t *size) {
    buf b = {0};
    oclnn_status st = resolve(kernel_dir, path, 0, &b);
    if (st == OCLNN_OK && b.failed)
        st = oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot hold the source of %s", path);
    if (st != OCLNN_OK) {
        free(b.p);
        return st;
    }
    *text = b.p;
    *size = b.len;
    return OCLNN_OK;
}
