/* SPDX-License-Identifier: MIT */
/* Reference transposed convolution and resize. The transposed convolution is written as the
 * scatter that defines it (each input pixel adds its kernel-weighted copy into the output), not
 * as the gather the library's kernels use, so the two derivations check each other. The resize
 * follows ATen's CPU kernels (UpSample.h) step by step, in their float arithmetic. */
#include <math.h>
#include <stdlib.h>

#include "ref/ref.h"

void oclnn__ref_deconv2d(const oclnn_deconv2d_desc *d, const float *src, oclnn_layout layout,
                         const float *weights, const float *bias, float *dst) {
    const oclnn_shape in = d->input;
    const long OH = ((long)in.h - 1) * d->stride_h - 2L * d->pad_h +
                    (long)d->dilation_h * (d->kernel_h - 1) + d->output_pad_h + 1;
    const long OW = ((long)in.w - 1) * d->stride_w - 2L * d->pad_w +
                    (long)d->dilation_w * (d->kernel_w - 1) + d->output_pad_w + 1;
    const oclnn_shape out = {in.n, d->out_channels, (uint32_t)OH, (uint32_t)OW};
    const uint32_t G = d->groups, Cg = in.c / G, Kg = d->out_channels / G;
    const uint32_t R = d->kernel_h, S = d->kernel_w;
    const size_t plane = (size_t)OH * OW;
    double *acc = malloc(plane * sizeof *acc);
    if (!acc) abort(); /* tests only */
    for (uint32_t n = 0; n < in.n; n++)
        for (uint32_t k = 0; k < out.c; k++) {
            const uint32_t g = k / Kg, kk = k % Kg;
            for (size_t i = 0; i < plane; i++) acc[i] = bias ? bias[k] : 0.0;
            for (uint32_t c = g * Cg; c < (g + 1) * Cg; c++)
                for (uint32_t y = 0; y < in.h; y++)
                    for (uint32_t x = 0; x < in.w; x++) {
                        const double v = src[oclnn__ref_index(in, layout, n, c, y, x)];
                        for (uint32_t r = 0; r < R; r++) {
                            long oy = (long)y * d->stride_h - d->pad_h + (long)r * d->dilation_h;
                            if (oy < 0 || oy >= OH) continue;
                            for (uint32_t s = 0; s < S; s++) {
                                long ox = (long)x * d->stride_w - d->pad_w + (long)s * d->dilation_w;
                                if (ox < 0 || ox >= OW) continue;
                                acc[(size_t)oy * OW + ox] +=
                                    v * weights[(((size_t)c * Kg + kk) * R + r) * S + s];
                            }
                        }
                    }
            for (long p = 0; p < OH; p++)
                for (long q = 0; q < OW; q++) {
                    double a = acc[(size_t)p * OW + q];
                    if (d->activation == OCLNN_ACTIVATION_RELU && a < 0) a = 0;
                    dst[oclnn__ref_index(out, layout, n, k, (size_t)p, (size_t)q)] = (float)a;
                }
        }
    free(acc);
}

/* ATen's area_pixel_compute_scale<float> (compute_scales_value when not align_corners). */
static float pixel_scale(uint32_t in, uint32_t out, bool align_corners, double scale) {
    if (align_corners) return out > 1 ? (float)(in - 1) / (float)(out - 1) : 0.0f;
    return scale > 0 ? (float)(1.0 / scale) : (float)in / (float)out;
}

/* The floor rule of ATen's contiguous (NCHW) CPU kernel, nearest_neighbor_compute_source_index.
 * (torch 1.13's channels-last kernel and its N * C == 1 path go through nearest_idx instead, which
 * copies when the size is kept and shifts when it doubles whatever the scale_factor: the two
 * disagree only for a scale_factor that is not the size ratio, e.g. 2.05 on 5 rows.) */
static long nearest_idx(long i, uint32_t in, uint32_t out, double scale) {
    float sc = pixel_scale(in, out, false, scale);
    long s = (long)floorf((float)i * sc);
    return s < (long)in - 1 ? s : (long)in - 1;
}

/* ATen's bilinear source index and weights along one axis. */
static void linear_idx(long i, uint32_t in, uint32_t out, bool align_corners, double scale,
                       long *i0, long *i1, float *l0, float *l1) {
    float sc = pixel_scale(in, out, align_corners, scale);
    float real = align_corners ? sc * (float)i : sc * ((float)i + 0.5f) - 0.5f;
    if (!align_corners && real < 0) real = 0;
    long a = (long)real;
    float lam = real - (float)a;
    if (lam < 0) lam = 0;
    if (lam > 1) lam = 1;
    *i0 = a;
    *i1 = a + (a < (long)in - 1 ? 1 : 0);
    *l1 = lam;
    *l0 = 1.0f - lam;
}

void oclnn__ref_resize(const oclnn_resize_desc *d, const float *src, oclnn_layout layout, float *dst) {
    const oclnn_shape in = d->input, out = {in.n, in.c, d->out_h, d->out_w};
    for (uint32_t n = 0; n < in.n; n++)
        for (uint32_t c = 0; c < in.c; c++)
            for (uint32_t p = 0; p < out.h; p++)
                for (uint32_t q = 0; q < out.w; q++) {
                    double v;
                    if (d->mode == OCLNN_RESIZE_NEAREST) {
                        long y = nearest_idx(p, in.h, out.h, d->scale_h);
                        long x = nearest_idx(q, in.w, out.w, d->scale_w);
                        v = src[oclnn__ref_index(in, layout, n, c, (size_t)y, (size_t)x)];
                    } else {
                        long y0, y1, x0, x1;
                        float a0, a1, b0, b1;
                        linear_idx(p, in.h, out.h, d->align_corners, d->scale_h, &y0, &y1, &a0, &a1);
                        linear_idx(q, in.w, out.w, d->align_corners, d->scale_w, &x0, &x1, &b0, &b1);
#define AT(y, x) (double)src[oclnn__ref_index(in, layout, n, c, (size_t)(y), (size_t)(x))]
                        v = a0 * (b0 * AT(y0, x0) + b1 * AT(y0, x1)) +
                            a1 * (b0 * AT(y1, x0) + b1 * AT(y1, x1));
#undef AT
                    }
                    dst[oclnn__ref_index(out, layout, n, c, p, q)] = (float)v;
                }
}
