/* SPDX-License-Identifier: MIT */
/* Reference batch normalization (inference and training forward), in double. */
#include <math.h>

#include "ref/ref.h"

void oclnn__ref_batchnorm(oclnn_shape s, oclnn_layout layout, const float *src, const float *gamma,
                          const float *beta, const float *mean, const float *var, double eps,
                          float *dst) {
    for (size_t c = 0; c < s.c; c++) {
        double g = gamma ? gamma[c] : 1.0, b = beta ? beta[c] : 0.0;
        double inv = 1.0 / sqrt((double)var[c] + eps);
        for (size_t n = 0; n < s.n; n++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++) {
                    size_t i = oclnn__ref_index(s, layout, n, c, h, w);
                    dst[i] = (float)(g * (src[i] - (double)mean[c]) * inv + b);
                }
    }
}

void oclnn__ref_batchnorm_train(oclnn_shape s, oclnn_layout layout, const float *src,
                                const float *gamma, const float *beta, double eps, double momentum,
                                float *running_mean, float *running_var, float *batch_mean,
                                float *batch_var, float *dst) {
    const double count = (double)s.n * s.h * s.w;
    for (size_t c = 0; c < s.c; c++) {
        double sum = 0, sq = 0;
        for (size_t n = 0; n < s.n; n++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++) sum += src[oclnn__ref_index(s, layout, n, c, h, w)];
        double mean = sum / count;
        for (size_t n = 0; n < s.n; n++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++) {
                    double d = src[oclnn__ref_index(s, layout, n, c, h, w)] - mean;
                    sq += d * d;
                }
        double var = sq / count;
        batch_mean[c] = (float)mean;
        batch_var[c] = (float)var;
        running_mean[c] = (float)((1 - momentum) * running_mean[c] + momentum * mean);
        running_var[c] = (float)((1 - momentum) * running_var[c] + momentum * sq / (count - 1));
        double g = gamma ? gamma[c] : 1.0, b = beta ? beta[c] : 0.0, inv = 1.0 / sqrt(var + eps);
        for (size_t n = 0; n < s.n; n++)
            for (size_t h = 0; h < s.h; h++)
                for (size_t w = 0; w < s.w; w++) {
                    size_t i = oclnn__ref_index(s, layout, n, c, h, w);
                    dst[i] = (float)(g * (src[i] - mean) * inv + b);
                }
    }
}
