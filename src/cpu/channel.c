/* SPDX-License-Identifier: MIT */
/* Softmax and LRN on the C backend: both walk the channels of one (n, h, w) position at a time. */
#include <math.h>

#include "cpu/cpu.h"
#include "cpu/layers.h"

oclnn_status oclnn__cpu_softmax(const oclnn_tensor *src, oclnn_tensor *dst) {
    const oclnn_shape s = src->shape;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const size_t xc = src->stride[OCLNN__C], yc = dst->stride[OCLNN__C];
    const ptrdiff_t positions = (ptrdiff_t)s.n * s.h * s.w;
#pragma omp parallel for if (positions > 1 && (size_t)positions * s.c > 32768)
    for (ptrdiff_t p = 0; p < positions; p++) {
        const size_t n = (size_t)p / ((size_t)s.h * s.w), h = (size_t)p / s.w % s.h, w = (size_t)p % s.w;
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
    return OCLNN_OK;
}

oclnn_status oclnn__cpu_lrn(const oclnn_lrn_desc *d, const oclnn_tensor *src, oclnn_tensor *dst) {
    const oclnn_shape s = src->shape;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst);
    const size_t xc = src->stride[OCLNN__C], yc = dst->stride[OCLNN__C];
    const long C = s.c, before = d->size / 2, after = (d->size - 1) / 2;
    const float alpha = d->alpha / (float)d->size, beta = d->beta, k = d->k;
    const ptrdiff_t positions = (ptrdiff_t)s.n * s.h * s.w;
#pragma omp parallel for if (positions > 1 && (size_t)positions * s.c > 32768)
    for (ptrdiff_t p = 0; p < positions; p++) {
        const size_t n = (size_t)p / ((size_t)s.h * s.w), h = (size_t)p / s.w % s.h, w = (size_t)p % s.w;
        const float *xp = x + n * src->stride[OCLNN__N] + h * src->stride[OCLNN__H] + w * src->stride[OCLNN__W];
        float *yp = y + n * dst->stride[OCLNN__N] + h * dst->stride[OCLNN__H] + w * dst->stride[OCLNN__W];
        for (long c = 0; c < C; c++) {
            long c0 = c - before > 0 ? c - before : 0, c1 = c + after < C - 1 ? c + after : C - 1;
            float sq = 0;
            for (long j = c0; j <= c1; j++) {
                float v = xp[(size_t)j * xc];
                sq += v * v;
            }
            yp[(size_t)c * yc] = xp[(size_t)c * xc] / powf(k + alpha * sq, beta);
        }
    }
    return OCLNN_OK;
}
