/* SPDX-License-Identifier: MIT */
/* .npy reading and writing (see npy.h). The file is read through the library's untrusted-file
 * helper (regular files only, never blocking). The header is a Python dict literal, parsed as
 * one (quoted strings with escapes, True/False, integer tuples): exactly the three keys NumPy
 * writes, and anything but little-endian float32 in C order is refused with the reason. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

#include "core/alloc.h"
#include "core/file.h"

static bool fail(char *err, size_t n, const char *path, const char *what) {
    snprintf(err, n, "%s: %s", path, what);
    return false;
}

/* ---- the header: a Python dict literal, parsed as one ---- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static void spaces(cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static bool eat(cursor *c, char ch) {
    spaces(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* A quoted string ('...' or "...") with Python's simple escapes, decoded into out (cap bytes,
 * NUL-terminated; longer strings are refused: no key or value NumPy writes is long). */
static bool string_literal(cursor *c, char *out, size_t cap) {
    spaces(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return false;
    char quote = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != quote) {
        char ch = *c->p++;
        if (ch == '\n' || ch == '\0') return false;
        if (ch == '\\') {
            if (c->p >= c->end) return false;
            switch (ch = *c->p++) {
            case '\\': case '\'': case '"': break;
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            default: return false; /* octal, \x, \u...: never in a NumPy header */
            }
        }
        if (n + 1 >= cap) return false;
        out[n++] = ch;
    }
    if (c->p >= c->end) return false;
    c->p++;
    out[n] = '\0';
    return true;
}

static bool word(cursor *c, const char *w) {
    spaces(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n)) return false;
    c->p += n;
    return true;
}

/* A tuple of non-negative integers: (), (3,), (1, 3, 32, 32). */
static bool shape_tuple(cursor *c, npy_array *out, size_t *count) {
    if (!eat(c, '(')) return false;
    *count = 1;
    out->ndim = 0;
    for (;;) {
        if (eat(c, ')')) return true;
        spaces(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9' || out->ndim == NPY_MAX_DIMS) return false;
        uint64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (UINT64_MAX - 9) / 10) return false;
            v = v * 10 + (uint64_t)(*c->p++ - '0');
        }
        if (v && *count > SIZE_MAX / 4 / v) return false;
        out->shape[out->ndim++] = v;
        *count *= (size_t)v;
        if (!eat(c, ',')) return eat(c, ')');
    }
}

/* The dict must hold exactly descr, fortran_order and shape (as np.load demands), each once:
 * descr '<f4', fortran_order False, shape a tuple of integers; then only padding. */
static const char *parse_header(const char *text, size_t len, npy_array *out, size_t *count) {
    cursor c = {text, text + len};
    bool seen_descr = false, seen_order = false, seen_shape = false;
    if (!eat(&c, '{')) return "header is not a dict";
    while (!eat(&c, '}')) {
        char key[32], value[32];
        if (!string_literal(&c, key, sizeof key) || !eat(&c, ':')) return "bad header dict";
        if (!strcmp(key, "descr")) {
            if (seen_descr) return "header repeats descr";
            seen_descr = true;
            if (!string_literal(&c, value, sizeof value)) return "descr is not a dtype string";
            if (strcmp(value, "<f4"))
                return "dtype is not little-endian float32 ('<f4'); use x.astype('<f4')";
        } else if (!strcmp(key, "fortran_order")) {
            if (seen_order) return "header repeats fortran_order";
            seen_order = true;
            if (word(&c, "True")) return "Fortran order is not supported; use np.ascontiguousarray";
            if (!word(&c, "False")) return "fortran_order is not True or False";
        } else if (!strcmp(key, "shape")) {
            if (seen_shape) return "header repeats shape";
            seen_shape = true;
            if (!shape_tuple(&c, out, count)) return "bad shape";
        } else {
            return "header has a key other than descr, fortran_order and shape";
        }
        if (!eat(&c, ',')) {
            if (!eat(&c, '}')) return "bad header dict";
            break;
        }
    }
    spaces(&c);
    if (c.p != c.end) return "text after the header dict";
    if (!seen_descr || !seen_order || !seen_shape) return "header lacks descr, fortran_order or shape";
    return NULL;
}

bool npy_parse(unsigned char *file, size_t size, const char *path, npy_array *out, char *err,
               size_t err_size) {
    memset(out, 0, sizeof *out);
    if (size < 10 || memcmp(file, "\x93NUMPY", 6)) return fail(err, err_size, path, "not a .npy file (bad magic)");
    size_t hlen, start;
    if (file[6] == 1) {
        hlen = file[8] | (size_t)file[9] << 8;
        start = 10;
    } else if (file[6] == 2 || file[6] == 3) {
        if (size < 12) return fail(err, err_size, path, "truncated header");
        hlen = file[8] | (size_t)file[9] << 8 | (size_t)file[10] << 16 | (size_t)file[11] << 24;
        start = 12;
    } else {
        return fail(err, err_size, path, "unknown .npy version");
    }
    if (hlen > (1u << 20) || hlen > size - start) return fail(err, err_size, path, "bad or truncated header");
    if (memchr(file + start, '\0', hlen)) return fail(err, err_size, path, "NUL byte in the header");
    size_t count = 0;
    const char *why = parse_header((const char *)file + start, hlen, out, &count);
    if (why) return fail(err, err_size, path, why);
    /* The file must hold exactly the data the shape declares. */
    size_t data = start + hlen;
    if ((uint64_t)(size - data) != (uint64_t)count * sizeof(float))
        return fail(err, err_size, path,
                    size - data < count * sizeof(float) ? "data shorter than the shape says"
                                                         : "data longer than the shape says");
    out->count = count;
    out->data = malloc(count ? count * sizeof(float) : 1);
    if (!out->data) return fail(err, err_size, path, "out of memory");
    memcpy(out->data, file + data, count * sizeof(float));
    return true;
}

bool npy_read(const char *path, npy_array *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    void *file;
    size_t size;
    if (oclnn__file_read(path, oclnn__host_memory_bytes(), 0, &file, &size, err, err_size) !=
        OCLNN__FILE_OK)
        return false;
    bool ok = npy_parse(file, size, path, out, err, err_size);
    free(file);
    return ok;
}

bool npy_write(const char *path, const float *data, int ndim, const uint64_t *shape, char *err, size_t err_size) {
    char dict[256];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%llu,%s", (unsigned long long)shape[i],
                      i + 1 < ndim ? " " : "");
        count *= (size_t)shape[i];
    }
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
    size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64; /* header ends 64-aligned */
    size_t hlen = (size_t)n + pad + 1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
        return false;
    }
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)hlen, (unsigned char)(hlen >> 8)};
    bool ok = fwrite(pre, 1, 10, f) == 10 && fwrite(dict, 1, (size_t)n, f) == (size_t)n;
    for (size_t i = 0; i < pad && ok; i++) ok = fputc(' ', f) != EOF;
    ok = ok && fputc('\n', f) != EOF && fwrite(data, sizeof(float), count, f) == count;
    ok = (fclose(f) == 0) && ok;
    if (!ok) snprintf(err, err_size, "cannot write %s", path);
    return ok;
}

bool npy_fold4(npy_array *a, uint32_t depth) {
    if (depth) {
        if (a->ndim != 5 || a->shape[2] != depth || a->shape[3] > UINT32_MAX / depth) return false;
        a->shape[2] *= a->shape[3];
        a->shape[3] = a->shape[4];
        a->ndim = 4;
    } else if (a->ndim == 3) {
        a->shape[3] = a->shape[2];
        a->shape[2] = 1;
        a->ndim = 4;
    }
    return true;
}
