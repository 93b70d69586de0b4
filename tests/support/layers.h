/* SPDX-License-Identifier: MIT */
/* Helpers for the layers tests (issue 4): tensors from NCHW host data in a chosen layout, the
 * same as a channel view inside a wider parent (so kernels meet offsets and foreign strides),
 * and reads back in NCHW. Header-only so each test stays one file. */
#ifndef OCLNN_TEST_LAYERS_H
#define OCLNN_TEST_LAYERS_H

#include <stdarg.h>
#include <stdlib.h>

#include "support/harness.h"

static inline size_t shape_count(oclnn_shape s) { return (size_t)s.n * s.c * s.h * s.w; }

static inline oclnn_layout other_layout(oclnn_layout l) {
    return l == OCLNN_LAYOUT_NCHW ? OCLNN_LAYOUT_NHWC : OCLNN_LAYOUT_NCHW;
}

/* A tensor that is either a plain tensor or (as_view) channels [2, 2 + s.c) of a parent with
 * s.c + 3 channels (the parent is kept alive by the view). nchw may be NULL (not written). */
static inline oclnn_tensor *make_tensor(oclnn_context *ctx, oclnn_shape s, oclnn_layout layout,
                                        bool as_view, const float *nchw) {
    oclnn_tensor *t;
    if (as_view) {
        oclnn_tensor *parent;
        oclnn_shape ps = {s.n, s.c + 3, s.h, s.w};
        assert_ok(oclnn_tensor_create(ctx, ps, layout, &parent));
        assert_ok(oclnn_tensor_fill(parent, -1234.5f));
        assert_ok(oclnn_tensor_view_channels(parent, 2, s.c, &t));
        oclnn_tensor_destroy(parent);
    } else {
        assert_ok(oclnn_tensor_create(ctx, s, layout, &t));
    }
    if (nchw) assert_ok(oclnn_tensor_write(t, nchw, OCLNN_LAYOUT_NCHW));
    return t;
}

/* Reads t in NCHW into a new array (free() it). */
static inline float *read_nchw(const oclnn_tensor *t) {
    size_t n = shape_count(oclnn_tensor_shape(t));
    float *p = malloc(n * sizeof *p);
    assert_non_null(p);
    assert_ok(oclnn_tensor_read(t, p, OCLNN_LAYOUT_NCHW));
    return p;
}

/* The failing problem as a line to paste: "oclnn bench <args> --device D --layout L" for ctx's
 * backend (static buffer: use before the next call). */
static inline const char *bench_line(oclnn_context *ctx, oclnn_layout layout, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline const char *bench_line(oclnn_context *ctx, oclnn_layout layout, const char *fmt, ...) {
    static char buf[320];
    oclnn_device_info info;
    bool cpu = oclnn_context_device(ctx, &info) == OCLNN_OK && info.backend == OCLNN_BACKEND_CPU;
    int n = snprintf(buf, sizeof buf, "oclnn bench ");
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n, " --device %s --layout %s",
                 cpu ? "cpu" : test_opencl_device(), layout == OCLNN_LAYOUT_NHWC ? "nhwc" : "nchw");
    return buf;
}

#endif
