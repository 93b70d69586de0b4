/* SPDX-License-Identifier: MIT */
/* Max and average pooling on the C backend, one (n, c) plane per task, with PyTorch's window
 * clipping: for average, the divisor is the window clipped to input + padding
 * (count_include_pad) or to the input. */
#include <math.h>

#include "cpu/cpu.h"
#include "cpu/layers.h"

oclnn_status oclnn__cpu_pool2d(const oclnn_pool2d_desc *d, const oclnn_tensor *src,
                               oclnn_tensor *dst, oclnn_tensor *argmax) {
    const oclnn_shape is = src->shape, os = dst->shape;
    const float *x = oclnn__cpu_cdata(src);
    float *y = oclnn__cpu_data(dst), *am = argmax ? oclnn__cpu_data(argmax) : NULL;
    const size_t *xs = src->stride, *ys = dst->stride;
    const size_t *as = argmax ? argmax->stride : dst->stride;
    const long H = is.h, W = is.w, kh = d->kernel_h, kw = d->kernel_w;
    const long sh = d->stride_h, sw = d->stride_w, ph = d->pad_h, pw = d->pad_w;
    const bool is_max = d->kind == OCLNN_POOL_MAX;
    const ptrdiff_t planes = (ptrdiff_t)os.n * os.c;
#pragma omp parallel for if (planes > 1 && (size_t)planes * os.h * os.w * kh * kw > 32768)
    for (ptrdiff_t p = 0; p < planes; p++) {
        const size_t n = (size_t)p / os.c, c = (size_t)p % os.c;
        const float *xp = x + n * xs[OCLNN__N] + c * xs[OCLNN__C];
        for (long oh = 0; oh < (long)os.h; oh++) {
            long h0 = oh * sh - ph, h1 = h0 + kh;
            for (long ow = 0; ow < (long)os.w; ow++) {
                long w0 = ow * sw - pw, w1 = w0 + kw;
                const size_t yo = n * ys[OCLNN__N] + c * ys[OCLNN__C] + (size_t)oh * ys[OCLNN__H] +
                                  (size_t)ow * ys[OCLNN__W];
                if (is_max) {
                    long a0 = h0 > 0 ? h0 : 0, a1 = h1 < H ? h1 : H;
                    long b0 = w0 > 0 ? w0 : 0, b1 = w1 < W ? w1 : W;
                    float best = -INFINITY;
                    long where = a0 * W + b0;
                    for (long h = a0; h < a1; h++)
                        for (long w = b0; w < b1; w++) {
                            /* branch-free: on real data the maximum moves unpredictably */
                            float v = xp[h * xs[OCLNN__H] + w * xs[OCLNN__W]];
                            bool take = (v > best) | (v != v);
                            best = take ? v : best;
                            where = take ? h * W + w : where;
                        }
                    y[yo] = best;
                    if (am)
                        am[n * as[OCLNN__N] + c * as[OCLNN__C] + (size_t)oh * as[OCLNN__H] +
                           (size_t)ow * as[OCLNN__W]] = (float)where;
                } else {
                    long e1 = h1 < H + ph ? h1 : H + ph, f1 = w1 < W + pw ? w1 : W + pw;
                    long padded = (e1 - h0) * (f1 - w0);
                    long a0 = h0 > 0 ? h0 : 0, a1 = h1 < H ? h1 : H;
                    long b0 = w0 > 0 ? w0 : 0, b1 = w1 < W ? w1 : W;
                    float sum = 0;
                    for (long h = a0; h < a1; h++)
                        for (long w = b0; w < b1; w++) sum += xp[h * xs[OCLNN__H] + w * xs[OCLNN__W]];
                    long div = d->count_include_pad ? padded : (a1 - a0) * (b1 - b0);
                    y[yo] = sum / (float)div;
                }
            }
        }
    }
    return OCLNN_OK;
}
