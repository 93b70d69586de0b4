/* SPDX-License-Identifier: MIT */
/* Reference layout indexing and conversion. */
#include "ref/ref.h"

size_t oclnn__ref_index(oclnn_shape s, oclnn_layout layout, size_t n, size_t c, size_t h, size_t w) {
    if (layout == OCLNN_LAYOUT_NHWC) return ((n * s.h + h) * s.w + w) * s.c + c;
    return ((n * s.c + c) * s.h + h) * s.w + w;
}

void oclnn__ref_convert_layout(oclnn_shape s, const float *src, oclnn_layout sl, float *dst,
                               oclnn_layout dl) {
    for (size_t n = 0; n < s.n; n++)
        for (size_t c = 0; c < s.c; c++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++)
                    dst[oclnn__ref_index(s, dl, n, c, h, w)] = src[oclnn__ref_index(s, sl, n, c, h, w)];
}
