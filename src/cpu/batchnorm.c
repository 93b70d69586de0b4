/* SPDX-License-Identifier: MIT */
/* Training-mode batch-norm statistics on the C backend: per channel, the mean and the biased
 * variance over (n, h, w) in two passes (mean, then squared deviations), the running update, and
 * the scale/shift that the element-wise SCALE op then applies.
 *
 * Rows are summed in float across eight lanes (so they vectorize) and rows are added in double,
 * which keeps the error of long sums small. Two walks: w innermost (NCHW), one channel per task
 * over its planes; c innermost (NHWC), all channels of each pixel at once, each thread summing a
 * share of the pixels into its own double arrays. */
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/layers.h"

enum { LANES = 8 };

/* sum of (p[i*s] - mean)^k over i < n, k = 1 (mean = 0) or 2 */
static double row_moment(const float *p, size_t n, size_t s, float mean, int k) {
    float lane[LANES] = {0};
    size_t i = 0;
    if (s == 1) {
        for (; i + LANES <= n; i += LANES)
            for (int l = 0; l < LANES; l++) {
                float d = p[i + l] - mean;
                lane[l] += k == 1 ? d : d * d;
            }
    }
    double sum = 0;
    for (; i < n; i++) {
        double d = (double)p[i * s] - mean;
        sum += k == 1 ? d : d * d;
    }
    for (int l = 0; l < LANES; l++) sum += lane[l];
    return sum;
}

/* One channel's moment over n, h, w (w innermost; a plane whose rows are back to back is one row). */
static double channel_moment(const float *x, oclnn_shape s, const size_t st[4], float mean, int k) {
    const bool plane_row = st[OCLNN__H] == s.w * st[OCLNN__W];
    double sum = 0;
    for (size_t n = 0; n < s.n; n++) {
        const float *p = x + n * st[OCLNN__N];
        if (plane_row)
            sum += row_moment(p, (size_t)s.h * s.w, st[OCLNN__W], mean, k);
        else
            for (size_t h = 0; h < s.h; h++) sum += row_moment(p + h * st[OCLNN__H], s.w, st[OCLNN__W], mean, k);
    }
    return sum;
}

/* NHWC: acc[c] += moment over this thread's share of the (n, h) rows, all channels at once. */
static void pixel_moments(const float *x, oclnn_shape s, const size_t st[4], const double *mean,
                          int k, double *acc, bool *failed) {
    const size_t C = s.c, sc = st[OCLNN__C];
    float *row = malloc(C * sizeof *row);
    double *mine = calloc(C, sizeof *mine);
    const bool ready = row && mine;
    if (!ready) {
OCLNN__OMP(omp atomic write)
        *failed = true;
    }
    /* every thread takes part in the worksharing loop, even one whose buffers failed */
OCLNN__OMP(omp for schedule(static))
    for (ptrdiff_t r = 0; r < (ptrdiff_t)((size_t)s.n * s.h); r++) {
        if (!ready) continue;
        const size_t n = (size_t)r / s.h, h = (size_t)r % s.h;
        for (size_t c = 0; c < C; c++) row[c] = 0.0f;
        for (size_t w = 0; w < s.w; w++) {
            const float *p = x + n * st[OCLNN__N] + h * st[OCLNN__H] + w * st[OCLNN__W];
            if (k == 1) {
                for (size_t c = 0; c < C; c++) row[c] += p[c * sc];
            } else {
                for (size_t c = 0; c < C; c++) {
                    float d = p[c * sc] - (float)mean[c];
                    row[c] += d * d;
                }
            }
        }
        for (size_t c = 0; c < C; c++) mine[c] += row[c];
    }
    if (ready) {
OCLNN__OMP(omp critical(oclnn_bn_moments))
        for (size_t c = 0; c < C; c++) acc[c] += mine[c];
    }
    free(row);
    free(mine);
}

oclnn_status oclnn__cpu_bn_train_stats(const oclnn_tensor *src, float eps, float momentum,
                                       const oclnn_tensor *gamma, const oclnn_tensor *beta,
                                       oclnn_tensor *running_mean, oclnn_tensor *running_var,
                                       oclnn_tensor *batch_mean, oclnn_tensor *batch_var,
                                       oclnn_tensor *scale, oclnn_tensor *shift) {
    const oclnn_shape s = src->shape;
    const size_t *st = src->stride, C = s.c;
    const double count = (double)s.n * s.h * s.w;
    const float *x = oclnn__cpu_cdata(src);
    const float *g = oclnn__cpu_cdata(gamma), *bt = oclnn__cpu_cdata(beta);
    float *rm = oclnn__cpu_data(running_mean), *rv = oclnn__cpu_data(running_var);
    float *bm = oclnn__cpu_data(batch_mean), *bv = oclnn__cpu_data(batch_var);
    float *ks = oclnn__cpu_data(scale), *kt = oclnn__cpu_data(shift);
    double *mean = calloc(C, sizeof *mean), *m2 = calloc(C, sizeof *m2);
    bool failed = !mean || !m2;
    const bool big = count * (double)C > 32768;
    (void)big; /* only read by OpenMP */
    if (!failed && st[OCLNN__C] < st[OCLNN__W]) {
OCLNN__OMP(omp parallel if (big))
        pixel_moments(x, s, st, NULL, 1, mean, &failed);
        for (size_t c = 0; c < C; c++) mean[c] /= count;
OCLNN__OMP(omp parallel if (big))
        pixel_moments(x, s, st, mean, 2, m2, &failed);
    } else if (!failed) {
OCLNN__OMP(omp parallel for schedule(static) if (big))
        for (ptrdiff_t ci = 0; ci < (ptrdiff_t)C; ci++) {
            const float *xc = x + (size_t)ci * st[OCLNN__C];
            mean[ci] = channel_moment(xc, s, st, 0.0f, 1) / count;
            m2[ci] = channel_moment(xc, s, st, (float)mean[ci], 2);
        }
    }
    if (failed) {
        free(mean);
        free(m2);
        return oclnn__fail(OCLNN_ERROR_OUT_OF_MEMORY, "cannot allocate batch-norm sums");
    }
    for (size_t c = 0; c < C; c++) {
        const double var = m2[c] / count, unbiased = m2[c] / (count - 1);
        bm[c] = (float)mean[c];
        bv[c] = (float)var;
        rm[c] = (float)((1.0 - momentum) * rm[c] + momentum * mean[c]);
        rv[c] = (float)((1.0 - momentum) * rv[c] + momentum * unbiased);
        const double k = g[c] / sqrt(var + eps);
        ks[c] = (float)k;
        kt[c] = (float)(bt[c] - mean[c] * k);
    }
    free(mean);
    free(m2);
    return OCLNN_OK;
}
