/* SPDX-License-Identifier: MIT */
/* Softmax and LRN on the C backend: both walk the channels of one (n, h, w) position at a time. */
#if defined(__GNUC__) && !defined(__clang__)
/* sqrtf vectorizes (and the selects if-convert) only when GCC may ignore errno and FP exception
 * flags, which nothing in oclnn reads. */
#pragma GCC optimize("no-math-errno", "no-trapping-math")
#endif

#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/pool.h"
#include "cpu/layers.h"

typedef struct softmax_job {
    const oclnn_tensor *src;
    oclnn_tensor *dst;
} softmax_job;

static void softmax_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const softmax_job *j = arg;
    const oclnn_tensor *src = j->src;
    oclnn_tensor *dst = j->dst;
    const oclnn_shape s = src->shape;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const size_t xc = src->stride[OCLNN__C], yc = dst->stride[OCLNN__C];
    for (size_t p = begin; p < end; p++) {
        const size_t n = p / ((size_t)s.h * s.w), h = p / s.w % s.h, w = p % s.w;
        const float *xp = x + n * src->stride[OCLNN__N] + h * src->stride[OCLNN__H] + w * src->stride[OCLNN__W];
        float *yp = y + n * dst->stride[OCLNN__N] + h * dst->stride[OCLNN__H] + w * dst->stride[OCLNN__W];
        float m = -INFINITY;
        for (size_t c = 0; c < s.c; c++) m = fmaxf(m, xp[c * xc]);
        double sum = 0;
        for (size_t c = 0; c < s.c; c++) {
            float e = expf(xp[c * xc] - m);
            yp[c * yc] = e;
            sum += e;
        }
        const float inv = (float)(1.0 / sum);
        for (size_t c = 0; c < s.c; c++) yp[c * yc] *= inv;
    }
}

oclnn_status oclnn__cpu_softmax(const oclnn_tensor *src, oclnn_tensor *dst) {
    const oclnn_shape s = src->shape;
    const size_t positions = (size_t)s.n * s.h * s.w;
    softmax_job j = {src, dst};
    oclnn__cpu_parallel_for(positions, oclnn__cpu_grain(positions, 4, s.c ? (32768 + s.c - 1) / s.c : positions),
                            softmax_task, &j);
    return OCLNN_OK;
}

/* base^-beta; beta = 0.75 (AlexNet, GoogLeNet, VGG) as 1 / (sqrt(b) * sqrt(sqrt(b))), which
 * vectorizes where powf does not. */
static inline float inv_pow(float base, float beta, bool three_quarters) {
    if (three_quarters) {
        float r = sqrtf(base);
        return 1.0f / (r * sqrtf(r));
    }
    return powf(base, -beta);
}

/* Channels [c - before, c + after] of a line of `len` values at stride 1 from `src`, squared and
 * summed into sq[0..len), for every line of a plane (NCHW: len = w) or pixel (NHWC: len = c). */
typedef struct lrn_job {
    const oclnn_tensor *src;
    oclnn_tensor *dst;
    float *bufs; /* per worker: sq and x2, `width` floats each */
    size_t width;
    long before, after;
    float alpha, beta, k;
    bool tq;
} lrn_job;

/* per (n, c, h) row: sum the window's squared rows into sq[w] */
static void lrn_rows_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const lrn_job *jb = arg;
    const oclnn_shape s = jb->src->shape;
    const float *x = oclnn__cpu_cdata(jb->src);
    float *y = oclnn__cpu_data(jb->dst);
    const size_t *xs = jb->src->stride, *ys = jb->dst->stride;
    const long C = s.c, before = jb->before, after = jb->after;
    const float alpha = jb->alpha, beta = jb->beta, k = jb->k;
    const bool tq = jb->tq;
    float *sq = jb->bufs + 2 * jb->width * worker;
    const size_t W = s.w, xw = xs[OCLNN__W], yw = ys[OCLNN__W];
    for (size_t r = begin; r < end; r++) {
        const size_t n = r / ((size_t)s.c * s.h), h = r % s.h;
        const long c = (long)(r / s.h % s.c);
        const long c0 = c - before > 0 ? c - before : 0, c1 = c + after < C - 1 ? c + after : C - 1;
        const float *xn = x + n * xs[OCLNN__N] + h * xs[OCLNN__H];
        for (size_t w = 0; w < W; w++) sq[w] = 0.0f;
        for (long j = c0; j <= c1; j++) {
            const float *row = xn + (size_t)j * xs[OCLNN__C];
            if (xw == 1)
                for (size_t w = 0; w < W; w++) sq[w] += row[w] * row[w];
            else
                for (size_t w = 0; w < W; w++) sq[w] += row[w * xw] * row[w * xw];
        }
        const float *xr = xn + (size_t)c * xs[OCLNN__C];
        float *yr = y + n * ys[OCLNN__N] + (size_t)c * ys[OCLNN__C] + h * ys[OCLNN__H];
        if (tq && xw == 1 && yw == 1) /* the common case, with constant strides: vectorizes */
            for (size_t w = 0; w < W; w++) yr[w] = xr[w] * inv_pow(k + alpha * sq[w], beta, true);
        else
            for (size_t w = 0; w < W; w++)
                yr[w * yw] = xr[w * xw] * inv_pow(k + alpha * sq[w], beta, tq);
    }
}

/* per pixel: squares of all channels, then each channel's window */
static void lrn_pixels_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const lrn_job *jb = arg;
    const oclnn_shape s = jb->src->shape;
    const float *x = oclnn__cpu_cdata(jb->src);
    float *y = oclnn__cpu_data(jb->dst);
    const size_t *xs = jb->src->stride, *ys = jb->dst->stride;
    const long C = s.c, before = jb->before, after = jb->after;
    const float alpha = jb->alpha, beta = jb->beta, k = jb->k;
    const bool tq = jb->tq;
    float *sq = jb->bufs + 2 * jb->width * worker, *x2 = sq + jb->width;
    const size_t xc = xs[OCLNN__C], yc = ys[OCLNN__C];
    for (size_t p = begin; p < end; p++) {
        const size_t n = p / ((size_t)s.h * s.w), h = p / s.w % s.h, w = p % s.w;
        const float *xp = x + n * xs[OCLNN__N] + h * xs[OCLNN__H] + w * xs[OCLNN__W];
        float *yp = y + n * ys[OCLNN__N] + h * ys[OCLNN__H] + w * ys[OCLNN__W];
        for (long c = 0; c < C; c++) {
            x2[c] = xp[(size_t)c * xc] * xp[(size_t)c * xc];
            sq[c] = 0.0f;
        }
        for (long j = -before; j <= after; j++) {
            long lo = j < 0 ? -j : 0, hi = j > 0 ? C - j : C;
            for (long c = lo; c < hi; c++) sq[c] += x2[c + j];
        }
        if (tq && xc == 1 && yc == 1)
            for (long c = 0; c < C; c++) yp[c] = xp[c] * inv_pow(k + alpha * sq[c], beta, true);
        else
            for (long c = 0; c < C; c++)
                yp[(size_t)c * yc] = xp[(size_t)c * xc] * inv_pow(k + alpha * sq[c], beta, tq);
    }
}

oclnn_status oclnn__cpu_lrn(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst) {
    const oclnn_shape s = src->shape;
    const size_t *xs = src->stride;
    /* Window halves beyond the channel count add nothing: clip them, so a huge `size` costs no
     * more than size = 2C (it once looped over the whole window per pixel). */
    const long C = s.c;
    const long before = d->size / 2 < (uint32_t)C ? (long)(d->size / 2) : C - 1;
    const long after = (d->size - 1) / 2 < (uint32_t)C ? (long)((d->size - 1) / 2) : C - 1;
    const bool c_inner = xs[OCLNN__C] < xs[OCLNN__W];
    const size_t width = c_inner ? (size_t)C : s.w;
    const size_t team = (size_t)oclnn__cpu_threads();
    lrn_job jb = {src, dst, malloc(team * 2 * (width ? width : 1) * sizeof(float)), width, before, after,
                  d->alpha / (float)d->size, d->beta, d->k, d->beta == 0.75f};
    if (!jb.bufs) return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate LRN rows");
    const size_t items = c_inner ? (size_t)s.n * s.h * s.w : (size_t)s.n * s.c * s.h;
    const size_t per = c_inner ? (size_t)C : s.w;
    oclnn__cpu_parallel_for(items, oclnn__cpu_grain(items, 4, per ? (32768 + per - 1) / per : items),
                            c_inner ? lrn_pixels_task : lrn_rows_task, &jb);
    free(jb.bufs);
    return OCLNN_OK;
}
