/* SPDX-License-Identifier: MIT */
/* Training-mode batch-norm statistics on the C backend: per channel, the mean and the biased
 * variance over (n, h, w) by two passes in double, the running update, and the scale/shift that
 * the element-wise SCALE op then applies. */
#include <math.h>

#include "cpu/cpu.h"
#include "cpu/layers.h"

oclnn_status oclnn__cpu_bn_train_stats(const oclnn_tensor *src, float eps, float momentum,
                                       const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                       oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                       oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                       oclnn_tensor *scale, oclnn_tensor *shift) {
    const oclnn_shape s = src->shape;
    const size_t sn = src->stride[OCLNN__N], sc = src->stride[OCLNN__C];
    const size_t sh = src->stride[OCLNN__H], sw = src->stride[OCLNN__W];
    const double count = (double)s.n * s.h * s.w;
    const float *x = oclnn__cpu_cdata(src);
    const float *g = oclnn__cpu_cdata(gamma), *bt = oclnn__cpu_cdata(beta);
    float *rm = oclnn__cpu_data(running_mean), *rv = oclnn__cpu_data(running_var);
    float *bm = oclnn__cpu_data(batch_mean), *bv = oclnn__cpu_data(batch_var);
    float *ks = oclnn__cpu_data(scale), *kt = oclnn__cpu_data(shift);
#pragma omp parallel for if (count * s.c > 32768)
    for (ptrdiff_t ci = 0; ci < (ptrdiff_t)s.c; ci++) {
        const size_t c = (size_t)ci;
        double sum = 0;
        for (size_t n = 0; n < s.n; n++)
            for (size_t h = 0; h < s.h; h++) {
                const float *p = x + n * sn + c * sc + h * sh;
                for (size_t w = 0; w < s.w; w++) sum += p[w * sw];
            }
        const double mean = sum / count;
        double sq = 0;
        for (size_t n = 0; n < s.n; n++)
            for (size_t h = 0; h < s.h; h++) {
                const float *p = x + n * sn + c * sc + h * sh;
                for (size_t w = 0; w < s.w; w++) {
                    double d = p[w * sw] - mean;
                    sq += d * d;
                }
            }
        const double var = sq / count, unbiased = sq / (count - 1);
        bm[c] = (float)mean;
        bv[c] = (float)var;
        rm[c] = (float)((1.0 - momentum) * rm[c] + momentum * mean);
        rv[c] = (float)((1.0 - momentum) * rv[c] + momentum * unbiased);
        const double k = g[c] / sqrt(var + eps);
        ks[c] = (float)k;
        kt[c] = (float)(bt[c] - mean * k);
    }
    return OCLNN_OK;
}
