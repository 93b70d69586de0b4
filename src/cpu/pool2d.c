/* SPDX-License-Identifier: MIT */
/* Max and average pooling on the C backend, with PyTorch's window clipping: for average, the
 * divisor is the window clipped to input + padding (count_include_pad) or to the input.
 *
 * Two loop orders keep the innermost loop long, independent and unit-stride where the layout
 * allows, so it vectorizes and has no loop-carried dependency:
 *   - w innermost (NCHW, views of it): per output row, accumulate whole rows of outputs, one
 *     window tap (h, j) at a time, into acc[0..OW);
 *   - c innermost (NHWC): per output pixel, accumulate all channels at once into acc[0..C).
 * The max keeps the first maximum and propagates NaN (PyTorch's rule), branch-free. */
#if defined(__GNUC__) && !defined(__clang__)
/* GCC if-converts (and so vectorizes) the max's compare-and-select only when it may ignore
 * floating-point exception flags, which nothing in oclnn reads. */
#pragma GCC optimize("no-trapping-math")
#endif

#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/pool.h"
#include "cpu/layers.h"

typedef struct pool_geom {
    long H, W, OH, OW, kh, kw, sh, sw, ph, pw;
    bool is_max, include_pad;
    long pb, pr; /* bottom/right padding (issue 16: may differ from ph, pw) */
} pool_geom;

/* where[] holds flat input positions as floats (exact: planes are < 2^24 elements), so the
 * selects work on one element type and vectorize. */
static inline void take_max(float *acc, float *where, long i, float v, float at) {
    float a = acc[i], wh = where[i];
    int take = (v > a) | __builtin_isnan(v);
    acc[i] = take ? v : a;
    where[i] = take ? at : wh;
}

/* The same without argmax. */
static inline void take_max_value(float *acc, long i, float v) {
    float a = acc[i];
    int take = (v > a) | __builtin_isnan(v);
    acc[i] = take ? v : a;
}

/* Window sides are below 2^34 (kernel < 2^32, padding at most half of it), so every coordinate
 * fits a long; their product may not (a window of (2^32-1)^2 elements), so it is taken in double,
 * exact below 2^53 and correctly rounded beyond. */
static float divisor(const pool_geom *g, long h0, long w0) {
    long h1 = h0 + g->kh, w1 = w0 + g->kw;
    if (g->include_pad) {
        long e1 = h1 < g->H + g->pb ? h1 : g->H + g->pb, f1 = w1 < g->W + g->pr ? w1 : g->W + g->pr;
        return (float)((double)(e1 - h0) * (double)(f1 - w0));
    }
    long a0 = h0 > 0 ? h0 : 0, a1 = h1 < g->H ? h1 : g->H, b0 = w0 > 0 ? w0 : 0, b1 = w1 < g->W ? w1 : g->W;
    return (float)((double)(a1 - a0) * (double)(b1 - b0));
}

#define TAPS_MAX(SW, XW)                                                                          \
    do {                                                                                          \
        for (long ow = lo; ow <= hi; ow++) {                                                      \
            int w = (int)(ow * (SW) + off);                                                       \
            take_max(acc, where, ow, row[(size_t)w * (XW)], (float)(base + w));                   \
        }                                                                                         \
    } while (0)
#define TAPS_MAX_VALUE(SW, XW)                                                                    \
    do {                                                                                          \
        for (long ow = lo; ow <= hi; ow++) take_max_value(acc, ow, row[(size_t)(ow * (SW) + off) * (XW)]); \
    } while (0)
#define TAPS_SUM(SW, XW)                                                                          \
    do {                                                                                          \
        for (long ow = lo; ow <= hi; ow++) acc[ow] += row[(size_t)(ow * (SW) + off) * (XW)];     \
    } while (0)

/* One (n, c) plane, w innermost. xs/ys/as: element strides (h, w) of src, dst and argmax. */
static void plane_rows(const pool_geom *g, const float *x, size_t xh, size_t xw, float *y, size_t yh,
                       size_t yw, float *am, size_t ah, size_t aw, float *acc, float *where) {
    if (g->OH == 1 && g->OW == 1 && g->kh == g->H && g->kw == g->W && xh == (size_t)g->W * xw) {
        /* global pooling of a plane whose rows are back to back: one reduction */
        const size_t n = (size_t)g->H * g->W;
        if (g->is_max) {
            float best = -INFINITY, at = 0.0f;
            for (size_t i = 0; i < n; i++) {
                float v = x[i * xw];
                bool take = (v > best) | (v != v);
                best = take ? v : best;
                at = take ? (float)i : at;
            }
            y[0] = best;
            if (am) am[0] = at;
        } else {
            float part[8] = {0}, sum = 0.0f; /* eight partial sums vectorize */
            size_t i = 0;
            for (; i + 8 <= n; i += 8)
                for (size_t k = 0; k < 8; k++) part[k] += x[(i + k) * xw];
            for (; i < n; i++) sum += x[i * xw];
            for (size_t k = 0; k < 8; k++) sum += part[k];
            y[0] = sum / (float)n;
        }
        (void)yh, (void)yw, (void)ah, (void)aw, (void)acc, (void)where;
        return;
    }
    for (long oh = 0; oh < g->OH; oh++) {
        long h0 = oh * g->sh - g->ph, a0 = h0 > 0 ? h0 : 0, a1 = h0 + g->kh < g->H ? h0 + g->kh : g->H;
        for (long ow = 0; ow < g->OW; ow++) {
            acc[ow] = g->is_max ? -INFINITY : 0.0f;
            long b0 = ow * g->sw - g->pw;
            where[ow] = (float)(a0 * g->W + (b0 > 0 ? b0 : 0));
        }
        for (long h = a0; h < a1; h++) {
            const float *row = x + (size_t)h * xh;
            /* only the taps that some output's window puts inside the row: 0 <= j - pw + ow*sw < W
             * for an ow < OW (a window of 2^32 taps over a 3-wide row visits 3, not 2^32) */
            long j_lo = g->pw - (g->OW - 1) * g->sw, j_hi = g->W - 1 + g->pw;
            if (j_lo < 0) j_lo = 0;
            if (j_hi > g->kw - 1) j_hi = g->kw - 1;
            for (long j = j_lo; j <= j_hi; j++) {
                /* outputs whose tap j falls inside the row: 0 <= ow*sw - pw + j < W */
                long off = j - g->pw, lo = off >= 0 ? 0 : (-off + g->sw - 1) / g->sw;
                long hi = (g->W - 1 - off) / g->sw;
                if (g->W - 1 - off < 0) continue;
                if (hi > g->OW - 1) hi = g->OW - 1;
                /* constant strides for the common unit-stride rows let the compiler vectorize */
                const int base = (int)(h * g->W);
                if (g->is_max && !am && xw == 1 && g->sw == 1)
                    TAPS_MAX_VALUE(1, 1);
                else if (g->is_max && !am && xw == 1 && g->sw == 2)
                    TAPS_MAX_VALUE(2, 1);
                else if (g->is_max && !am)
                    TAPS_MAX_VALUE(g->sw, xw);
                else if (g->is_max && xw == 1 && g->sw == 1)
                    TAPS_MAX(1, 1);
                else if (g->is_max && xw == 1 && g->sw == 2)
                    TAPS_MAX(2, 1);
                else if (g->is_max)
                    TAPS_MAX(g->sw, xw);
                else if (xw == 1 && g->sw == 1)
                    TAPS_SUM(1, 1);
                else if (xw == 1 && g->sw == 2)
                    TAPS_SUM(2, 1);
                else
                    TAPS_SUM(g->sw, xw);
            }
        }
        for (long ow = 0; ow < g->OW; ow++) {
            float v = g->is_max ? acc[ow] : acc[ow] / divisor(g, h0, ow * g->sw - g->pw);
            y[(size_t)oh * yh + (size_t)ow * yw] = v;
            if (am) am[(size_t)oh * ah + (size_t)ow * aw] = where[ow];
        }
    }
}

typedef struct pool_job {
    const pool_geom *g;
    oclnn_shape os;
    const float *x;
    float *y, *am, *bufs; /* bufs: 2 * width floats per worker */
    const size_t *xs, *ys, *as;
    size_t width;
} pool_job;

static void planes_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const pool_job *j = arg;
    const oclnn_shape os = j->os;
    const size_t *xs = j->xs, *ys = j->ys, *as = j->as;
    float *acc = j->bufs + 2 * j->width * worker, *where = acc + j->width, *am = j->am;
    for (size_t p = begin; p < end; p++) {
        const size_t n = p / os.c, c = p % os.c;
        plane_rows(j->g, j->x + n * xs[OCLNN__N] + c * xs[OCLNN__C], xs[OCLNN__H], xs[OCLNN__W],
                   j->y + n * ys[OCLNN__N] + c * ys[OCLNN__C], ys[OCLNN__H], ys[OCLNN__W],
                   am ? am + n * as[OCLNN__N] + c * as[OCLNN__C] : NULL, as[OCLNN__H],
                   as[OCLNN__W], acc, where);
    }
}

/* unit: unit channel strides and no argmax (the NHWC case), which the compiler then vectorizes
 * over contiguous channels. */
OCLNN__CPU_INLINE void pixels_body(const pool_job *j, size_t begin, size_t end, unsigned worker, bool unit) {
    const pool_geom g = *j->g;
    const oclnn_shape os = j->os;
    const float *x = j->x;
    float *y = j->y, *am = j->am;
    const size_t *xs = j->xs, *ys = j->ys, *as = j->as;
    float *acc = j->bufs + 2 * j->width * worker, *where = acc + j->width;
    const size_t C = os.c, xc = unit ? 1 : xs[OCLNN__C], yc = unit ? 1 : ys[OCLNN__C], ac = as[OCLNN__C];
    if (unit) am = NULL;
    for (size_t p = begin; p < end; p++) {
        const size_t n = p / ((size_t)os.h * os.w);
        const long oh = (long)(p / os.w % os.h), ow = (long)(p % os.w);
        const long h0 = oh * g.sh - g.ph, w0 = ow * g.sw - g.pw;
        const long a0 = h0 > 0 ? h0 : 0, a1 = h0 + g.kh < g.H ? h0 + g.kh : g.H;
        const long b0 = w0 > 0 ? w0 : 0, b1 = w0 + g.kw < g.W ? w0 + g.kw : g.W;
        for (size_t c = 0; c < C; c++) acc[c] = g.is_max ? -INFINITY : 0.0f;
        if (am)
            for (size_t c = 0; c < C; c++) where[c] = (float)(a0 * g.W + b0);
        for (long h = a0; h < a1; h++)
            for (long w = b0; w < b1; w++) {
                const float *px = x + n * xs[OCLNN__N] + (size_t)h * xs[OCLNN__H] + (size_t)w * xs[OCLNN__W];
                const float at = (float)(h * g.W + w);
                if (g.is_max && !am)
                    for (size_t c = 0; c < C; c++) take_max_value(acc, (long)c, px[c * xc]);
                else if (g.is_max)
                    for (size_t c = 0; c < C; c++) take_max(acc, where, (long)c, px[c * xc], at);
                else
                    for (size_t c = 0; c < C; c++) acc[c] += px[c * xc];
            }
        const float div = g.is_max ? 1.0f : divisor(&g, h0, w0);
        float *py = y + n * ys[OCLNN__N] + (size_t)oh * ys[OCLNN__H] + (size_t)ow * ys[OCLNN__W];
        for (size_t c = 0; c < C; c++) py[c * yc] = g.is_max ? acc[c] : acc[c] / div;
        if (am) {
            float *pa = am + n * as[OCLNN__N] + (size_t)oh * as[OCLNN__H] + (size_t)ow * as[OCLNN__W];
            for (size_t c = 0; c < C; c++) pa[c * ac] = where[c];
        }
    }
}

OCLNN__CPU_TASK(pixels_task) {
    const pool_job *j = arg;
    if (j->xs[OCLNN__C] == 1 && j->ys[OCLNN__C] == 1 && !j->am) pixels_body(j, begin, end, worker, true);
    else pixels_body(j, begin, end, worker, false);
}

oclnn_status oclnn__cpu_pool2d(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                               oclnn_tensor *dst, oclnn_tensor *argmax) {
    const oclnn_shape is = src->shape, os = dst->shape;
    const pool_geom g = {is.h, is.w, os.h, os.w, d->kernel_h, d->kernel_w, d->stride_h, d->stride_w,
                         d->pad_h, d->pad_w, d->kind == OCLNN_POOL_MAX, d->count_include_pad,
                         d->pad_bottom, d->pad_right}; /* the op resolved them (pad_asymmetric) */
    const size_t *xs = src->stride;
    const bool c_inner = xs[OCLNN__C] < xs[OCLNN__W];
    const size_t width = c_inner ? os.c : os.w;
    const long taps_h = g.kh < g.H ? g.kh : g.H, taps_w = g.kw < g.W ? g.kw : g.W; /* clipped */
    const size_t items = c_inner ? (size_t)os.n * os.h * os.w : (size_t)os.n * os.c;
    const size_t per_item = (c_inner ? os.c : (size_t)os.h * os.w) * (size_t)taps_h * (size_t)taps_w;
    const size_t team = (size_t)oclnn__cpu_threads();
    /* each worker's two rows of `width` floats (team is at most 1024, width a tensor dimension) */
    float *bufs = width ? malloc(team * 2 * width * sizeof *bufs) : NULL;
    if (width && !bufs) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate pooling rows");
    pool_job j = {&g, os, oclnn__cpu_cdata(src), oclnn__cpu_data(dst), argmax ? oclnn__cpu_data(argmax) : NULL,
                  bufs, xs, dst->stride, argmax ? argmax->stride : dst->stride, width};
    const size_t min_items = per_item ? (65536 / 4 + per_item - 1) / per_item : items;
    oclnn__cpu_parallel_for(items, oclnn__cpu_grain(items, 4, min_items), c_inner ? pixels_task : planes_task, &j);
    free(bufs);
    return OCLNN_OK;
}
