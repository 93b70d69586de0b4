/* SPDX-License-Identifier: MIT */
/* Reference softmax over channels and local response normalization, in double. */
#include <math.h>

#include "ref/ref.h"

void oclnn__ref_softmax(oclnn_shape s, oclnn_layout layout, const float *src, float *dst) {
    for (size_t n = 0; n < s.n; n++)
        for (size_t h = 0; h < s.h; h++)
            for (size_t w = 0; w < s.w; w++) {
                double m = -INFINITY, sum = 0;
                for (size_t c = 0; c < s.c; c++)
                    m = fmax(m, src[oclnn__ref_index(s, layout, n, c, h, w)]);
                for (size_t c = 0; c < s.c; c++)
                    sum += exp(src[oclnn__ref_index(s, layout, n, c, h, w)] - m);
                for (size_t c = 0; c < s.c; c++) {
                    size_t i = oclnn__ref_index(s, layout, n, c, h, w);
                    dst[i] = (float)(exp(src[i] - m) / sum);
                }
            }
}

void oclnn__ref_lrn(const oclnn_lrn_desc *d, oclnn_layout layout, const float *src, float *dst) {
    const oclnn_shape s = d->shape;
    const long C = s.c, lo = d->size / 2, hi = (d->size - 1) / 2;
    for (size_t n = 0; n < s.n; n++)
        for (size_t h = 0; h < s.h; h++)
            for (size_t w = 0; w < s.w; w++)
                for (long c = 0; c < C; c++) {
                    double sq = 0;
                    /* the window clipped to the channels that exist */
                    const long j0 = c - lo > 0 ? c - lo : 0, j1 = c + hi < C - 1 ? c + hi : C - 1;
                    for (long j = j0; j <= j1; j++) {
                        double v = src[oclnn__ref_index(s, layout, n, (size_t)j, h, w)];
                        sq += v * v;
                    }
                    size_t i = oclnn__ref_index(s, layout, n, (size_t)c, h, w);
                    double div = pow((double)d->k + (double)d->alpha * sq / d->size, (double)d->beta);
                    dst[i] = (float)(src[i] / div);
                }
}

void oclnn__ref_channel_shuffle(const oclnn_channel_shuffle_desc *d, oclnn_layout layout, const float *src, float *dst) {
    const oclnn_shape s = d->input;
    oclnn_shape o = s;
    o.c = d->count;
    const size_t per = d->count / d->groups;
    for (size_t n = 0; n < s.n; n++)
        for (size_t j = 0; j < o.c; j++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++)
                    dst[oclnn__ref_index(o, layout, n, j, h, w)] =
                        src[oclnn__ref_index(s, layout, n, d->start + (j % d->groups) * per + j / d->groups, h, w)];
}
