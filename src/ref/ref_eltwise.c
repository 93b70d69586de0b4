/* SPDX-License-Identifier: MIT */
/* Reference element-wise ops, in double. */
#include <math.h>

#include "ref/ref.h"

void oclnn__ref_eltwise(oclnn_shape s, oclnn_layout layout, oclnn_eltwise_op op, const float *a,
                        const float *b, const float *scale, const float *shift, float *dst) {
    for (size_t n = 0; n < s.n; n++)
        for (size_t c = 0; c < s.c; c++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++) {
                    size_t i = oclnn__ref_index(s, layout, n, c, h, w);
                    double x = a[i], y;
                    switch (op) {
                    case OCLNN_ELTWISE_ADD: y = x + b[i]; break;
                    case OCLNN_ELTWISE_ADD_RELU: y = x + b[i] < 0 ? 0.0 : x + b[i]; break;
                    case OCLNN_ELTWISE_SCALE: y = x * scale[c] + (shift ? shift[c] : 0.0); break;
                    case OCLNN_ELTWISE_RELU: y = x < 0 ? 0.0 : x; break; /* NaN stays */
                    case OCLNN_ELTWISE_RELU6: y = x < 0 ? 0.0 : x > 6 ? 6.0 : x; break;
                    case OCLNN_ELTWISE_SIGMOID: y = 1.0 / (1.0 + exp(-x)); break;
                    case OCLNN_ELTWISE_TANH: y = tanh(x); break;
                    case OCLNN_ELTWISE_HARDSIGMOID: y = fmin(fmax(x + 3, 0), 6) / 6; break;
                    case OCLNN_ELTWISE_HARDSWISH: y = x * fmin(fmax(x + 3, 0), 6) / 6; break;
                    case OCLNN_ELTWISE_MUL: y = x * b[i]; break;
                    case OCLNN_ELTWISE_LEAKY_RELU: y = x < 0 ? x * scale[c] : x; break; /* issue 16 */
                    case OCLNN_ELTWISE_ELU: y = x < 0 ? scale[c] * expm1(x) : x; break;
                    case OCLNN_ELTWISE_SUB: y = x - b[i]; break;
                    case OCLNN_ELTWISE_DIV: y = x / b[i]; break;
                    default: y = NAN; break;
                    }
                    dst[i] = (float)y;
                }
}
