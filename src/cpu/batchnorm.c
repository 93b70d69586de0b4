/* SPDX-License-Identifier: MIT */
/* Training-mode batch-norm statistics on the C backend: per channel, the mean and the biased
 * variance over (n, h, w) in two passes (mean, then squared deviations), the running update, and
 * the scale/shift that the element-wise SCALE op then applies.
 *
 * Rows are summed in float across eight lanes (so they vectorize) and rows are added in double,
 * which keeps the error of long sums small. Two walks: w innermost (NCHW), one channel per task
 * over its planes; c innermost (NHWC), all channels of each pixel at once, each pool worker
 * summing its share of the pixels into its own double array, added up in worker order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "cpu/cpu.h"
#include "cpu/pool.h"
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

/* The moments' loops, for the pool. NHWC: each worker sums its share of the (n, h) rows into its
 * own double array (sums + worker * C), all channels at once; the caller adds the arrays up. */
typedef struct moments_job {
    const float *x;
    oclnn_shape s;
    const size_t *st;
    double *mean, *m2, *sums;
    float *rows; /* per worker: C floats */
    double count;
    int k;
} moments_job;

static void pixel_moments_task(void *arg, size_t begin, size_t end, unsigned worker) {
    const moments_job *j = arg;
    const oclnn_shape s = j->s;
    const size_t C = s.c, *st = j->st, sc = st[OCLNN__C];
    float *row = j->rows + (size_t)worker * C;
    double *mine = j->sums + (size_t)worker * C;
    for (size_t r = begin; r < end; r++) {
        const size_t n = r / s.h, h = r % s.h;
        for (size_t c = 0; c < C; c++) row[c] = 0.0f;
        for (size_t w = 0; w < s.w; w++) {
            const float *p = j->x + n * st[OCLNN__N] + h * st[OCLNN__H] + w * st[OCLNN__W];
            if (j->k == 1) {
                for (size_t c = 0; c < C; c++) row[c] += p[c * sc];
            } else {
                for (size_t c = 0; c < C; c++) {
                    float d = p[c * sc] - (float)j->mean[c];
                    row[c] += d * d;
                }
            }
        }
        for (size_t c = 0; c < C; c++) mine[c] += row[c];
    }
}

static void channel_moments_task(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const moments_job *j = arg;
    for (size_t ci = begin; ci < end; ci++) {
        const float *xc = j->x + ci * j->st[OCLNN__C];
        j->mean[ci] = channel_moment(xc, j->s, j->st, 0.0f, 1) / j->count;
        j->m2[ci] = channel_moment(xc, j->s, j->st, (float)j->mean[ci], 2);
    }
}

/* NHWC: acc[c] = the moment over all (n, h, w). */
static void pixel_moments(moments_job *j, size_t team, int k, double *acc) {
    const size_t C = j->s.c, rows = (size_t)j->s.n * j->s.h;
    j->k = k;
    memset(j->sums, 0, team * C * sizeof *j->sums);
    const size_t per = (size_t)j->s.w * C;
    oclnn__cpu_parallel_for(rows, oclnn__cpu_grain(rows, 4, per ? (32768 + per - 1) / per : rows),
                            pixel_moments_task, j);
    for (size_t c = 0; c < C; c++) acc[c] = 0.0;
    for (size_t t = 0; t < team; t++)
        for (size_t c = 0; c < C; c++) acc[c] += j->sums[t * C + c];
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
    const size_t team = (size_t)oclnn__cpu_threads();
    moments_job j = {x, s, st, mean, m2, NULL, NULL, count, 1};
    if (!failed && st[OCLNN__C] < st[OCLNN__W]) {
        j.sums = calloc(team * (C ? C : 1), sizeof *j.sums);
        j.rows = malloc(team * (C ? C : 1) * sizeof *j.rows);
        failed = !j.sums || !j.rows;
        if (!failed) {
            pixel_moments(&j, team, 1, mean);
            for (size_t c = 0; c < C; c++) mean[c] /= count;
            pixel_moments(&j, team, 2, m2);
        }
        free(j.sums);
        free(j.rows);
    } else if (!failed) {
        const size_t per = (size_t)(count > 0 ? count : 1);
        oclnn__cpu_parallel_for(C, oclnn__cpu_grain(C, 4, (32768 + per - 1) / per), channel_moments_task, &j);
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
