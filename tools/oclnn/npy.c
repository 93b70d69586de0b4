/* SPDX-License-Identifier: MIT */
/* .npy reading and writing (see npy.h). The header is a Python dict literal; it is parsed
 * strictly for the three keys NumPy writes, and anything but little-endian float32 in C order is
 * refused with the reason. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static bool fail(char *err, size_t n, const char *path, const char *what) {
    snprintf(err, n, "%s: %s", path, what);
    return false;
}

static const char *skip(const char *p) {
    while (*p == ' ') p++;
    return p;
}

bool npy_read(const char *path, npy_array *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    unsigned char pre[12];
    char *header = NULL;
    bool ok = false;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
        fail(err, err_size, path, "not a .npy file (bad magic)");
        goto done;
    }
    size_t hlen;
    if (pre[6] == 1) {
        hlen = pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, f) != 2) {
            fail(err, err_size, path, "truncated header");
            goto done;
        }
        hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    } else {
        fail(err, err_size, path, "unknown .npy version");
        goto done;
    }
    if (hlen > (1u << 20) || !(header = malloc(hlen + 1)) || fread(header, 1, hlen, f) != hlen) {
        fail(err, err_size, path, "bad or truncated header");
        goto done;
    }
    header[hlen] = '\0';
    const char *d = strstr(header, "'descr':"), *fo = strstr(header, "'fortran_order':"),
               *sh = strstr(header, "'shape':");
    if (!d || !fo || !sh) {
        fail(err, err_size, path, "header lacks descr, fortran_order or shape");
        goto done;
    }
    d = skip(d + 8);
    if (strncmp(d, "'<f4'", 5)) {
        fail(err, err_size, path, "dtype is not little-endian float32 ('<f4'); use x.astype('<f4')");
        goto done;
    }
    if (strncmp(skip(fo + 16), "False", 5)) {
        fail(err, err_size, path, "Fortran order is not supported; use np.ascontiguousarray");
        goto done;
    }
    const char *p = skip(sh + 8);
    if (*p++ != '(') {
        fail(err, err_size, path, "bad shape");
        goto done;
    }
    size_t count = 1;
    for (;;) {
        p = skip(p);
        if (*p == ')') break;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno || out->ndim == NPY_MAX_DIMS || (v && count > SIZE_MAX / 4 / v)) {
            fail(err, err_size, path, "bad shape");
            goto done;
        }
        out->shape[out->ndim++] = v;
        count *= (size_t)v;
        p = skip(end);
        if (*p == ',') p++;
        else if (*p != ')') {
            fail(err, err_size, path, "bad shape");
            goto done;
        }
    }
    out->count = count;
    /* The file must hold the data before anything is allocated for it: a header can declare any
     * shape (found by the .npy fuzzer: 160 bytes asked for 19 GB). */
    long here = ftell(f);
    if (here < 0 || fseek(f, 0, SEEK_END) != 0) {
        fail(err, err_size, path, "cannot seek in the file");
        goto done;
    }
    long end_pos = ftell(f);
    if (end_pos < here || (uint64_t)(end_pos - here) < (uint64_t)count * sizeof(float) ||
        fseek(f, here, SEEK_SET) != 0) {
        fail(err, err_size, path, "data shorter than the shape says");
        goto done;
    }
    out->data = malloc(count ? count * sizeof(float) : 1);
    if (!out->data || fread(out->data, sizeof(float), count, f) != count) {
        fail(err, err_size, path, out->data ? "data shorter than the shape says" : "out of memory");
        goto done;
    }
    ok = true;
done:
    free(header);
    fclose(f);
    if (!ok) {
        free(out->data);
        out->data = NULL;
    }
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
