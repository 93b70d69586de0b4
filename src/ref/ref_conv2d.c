/* SPDX-License-Identifier: MIT */
/* Reference 2-D convolution: the textbook seven-deep loop, double accumulation, either layout.
 * Padding modes are resolved here on their own (not with the library's code) so that a mistake
 * there shows up in the tests. */
#include "ref/ref.h"

static void resolve(uint32_t in, uint32_t k, uint32_t stride, uint32_t dil, oclnn_pad_mode mode,
                    uint32_t lo, uint32_t hi, long *pad_lo, uint32_t *out) {
    long eff = (long)dil * ((long)k - 1) + 1;
    if (mode == OCLNN_PAD_VALID) lo = hi = 0;
    if (mode == OCLNN_PAD_SAME) {
        long o = ((long)in + stride - 1) / stride;
        long total = (o - 1) * (long)stride + eff - (long)in;
        if (total < 0) total = 0;
        lo = (uint32_t)(total / 2);
        hi = (uint32_t)(total - total / 2);
    }
    *pad_lo = lo;
    *out = (uint32_t)(((long)in + lo + hi - eff) / (long)stride + 1);
}

void oclnn__ref_conv2d(const oclnn_conv2d_desc *d, const float *src, oclnn_layout layout,
                       const float *weights, const float *bias, const float *residual, float *dst) {
    oclnn_shape in = d->input;
    long pt, pl;
    uint32_t P, Q;
    resolve(in.h, d->kernel_h, d->stride_h, d->dilation_h, d->padding.mode, d->padding.top,
            d->padding.bottom, &pt, &P);
    resolve(in.w, d->kernel_w, d->stride_w, d->dilation_w, d->padding.mode, d->padding.left,
            d->padding.right, &pl, &Q);
    oclnn_shape out = {in.n, d->out_channels, P, Q};
    uint32_t G = d->groups, Cg = in.c / G, Kg = d->out_channels / G, R = d->kernel_h, S = d->kernel_w;
    for (uint32_t n = 0; n < in.n; n++)
        for (uint32_t k = 0; k < out.c; k++) {
            uint32_t g = k / Kg;
            for (uint32_t p = 0; p < P; p++)
                for (uint32_t q = 0; q < Q; q++) {
                    double acc = bias ? bias[k] : 0.0;
                    for (uint32_t c = 0; c < Cg; c++)
                        for (uint32_t r = 0; r < R; r++) {
                            long y = (long)p * d->stride_h - pt + (long)r * d->dilation_h;
                            if (y < 0 || y >= (long)in.h) continue;
                            for (uint32_t s = 0; s < S; s++) {
                                long x = (long)q * d->stride_w - pl + (long)s * d->dilation_w;
                                if (x < 0 || x >= (long)in.w) continue;
                                double v = src[oclnn__ref_index(in, layout, n, g * Cg + c, (size_t)y,
                                                                (size_t)x)];
                                acc += v * weights[(((size_t)k * Cg + c) * R + r) * S + s];
                            }
                        }
                    size_t o = oclnn__ref_index(out, layout, n, k, p, q);
                    if (residual) acc += residual[o];
                    if (d->activation == OCLNN_ACTIVATION_RELU && acc < 0) acc = 0;
                    dst[o] = (float)acc;
                }
        }
}
