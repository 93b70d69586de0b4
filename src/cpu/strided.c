/* SPDX-License-Identifier: MIT */
/* Strided 4-D copy (a fill is the same copy with all source strides 0). The loop nest puts the
 * destination's smallest stride innermost, so writes stay sequential whether the destination is
 * NCHW, NHWC or a channel view. */
#include "cpu/cpu.h"
#include "cpu/pool.h"

/* Orders the four axes by decreasing destination stride. */
static void axis_order(const size_t ds[4], int order[4]) {
    for (int i = 0; i < 4; i++) order[i] = i;
    for (int i = 1; i < 4; i++)
        for (int j = i; j > 0 && ds[order[j]] > ds[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

typedef struct copy_job {
    const float *src;
    float *dst;
    const size_t *ss, *ds;
    int o[4];
    size_t d1, d2, d3;
} copy_job;

static void copy_rows(void *arg, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    const copy_job *j = arg;
    const float *src = j->src;
    float *dst = j->dst;
    const size_t *ss = j->ss, *ds = j->ds, d1 = j->d1, d2 = j->d2, d3 = j->d3;
    const int *o = j->o;
    for (size_t i01 = begin; i01 < end; i01++) {
        size_t i0 = i01 / d1, i1 = i01 % d1;
        for (size_t i2 = 0; i2 < d2; i2++) {
            const float *sp = src + i0 * ss[o[0]] + i1 * ss[o[1]] + i2 * ss[o[2]];
            float *dp = dst + i0 * ds[o[0]] + i1 * ds[o[1]] + i2 * ds[o[2]];
            const size_t si = ss[o[3]], di = ds[o[3]];
            if (si == 1 && di == 1)
                for (size_t i3 = 0; i3 < d3; i3++) dp[i3] = sp[i3];
            else
                for (size_t i3 = 0; i3 < d3; i3++) dp[i3 * di] = sp[i3 * si];
        }
    }
}

void oclnn__cpu_copy_strided(oclnn_shape s, const float *src, const size_t ss[4], float *dst,
                             const size_t ds[4]) {
    const size_t dims[4] = {s.n, s.c, s.h, s.w};
    copy_job j = {.src = src, .dst = dst, .ss = ss, .ds = ds};
    axis_order(ds, j.o);
    j.d1 = dims[j.o[1]], j.d2 = dims[j.o[2]], j.d3 = dims[j.o[3]];
    const size_t outer = dims[j.o[0]] * j.d1, per = j.d2 * j.d3;
    /* about 16K elements a chunk at least */
    oclnn__cpu_parallel_for(outer, oclnn__cpu_grain(outer, 4, per ? (16384 + per - 1) / per : outer), copy_rows, &j);
}
