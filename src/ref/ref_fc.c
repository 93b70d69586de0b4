/* SPDX-License-Identifier: MIT */
/* Reference fully connected layer over the (c, h, w)-order flattening, in double. */
#include "ref/ref.h"

void oclnn__ref_fc(oclnn_shape in, oclnn_layout layout, const float *src, uint32_t out_features,
                   const float *weights, const float *bias, float *dst) {
    const size_t K = (size_t)in.c * in.h * in.w;
    for (size_t n = 0; n < in.n; n++)
        for (size_t o = 0; o < out_features; o++) {
            double sum = bias ? bias[o] : 0.0;
            size_t k = 0;
            for (size_t c = 0; c < in.c; c++)
                for (size_t h = 0; h < in.h; h++)
                    for (size_t w = 0; w < in.w; w++, k++)
                        sum += (double)src[oclnn__ref_index(in, layout, n, c, h, w)] * weights[o * K + k];
            dst[n * out_features + o] = (float)sum;
        }
}
