/* SPDX-License-Identifier: MIT */
/* Strided 4-D copy (a fill is the same copy with all source strides 0). The loop nest puts the
 * destination's smallest stride innermost, so writes stay sequential whether the destination is
 * NCHW, NHWC or a channel view. */
#include "cpu/cpu.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int oclnn__cpu_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

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

void oclnn__cpu_copy_strided(oclnn_shape s, const float *src, const size_t ss[4], float *dst,
                             const size_t ds[4]) {
    const size_t dims[4] = {s.n, s.c, s.h, s.w};
    int o[4];
    axis_order(ds, o);
    const size_t d0 = dims[o[0]], d1 = dims[o[1]], d2 = dims[o[2]], d3 = dims[o[3]];
    const ptrdiff_t outer = (ptrdiff_t)(d0 * d1);
#pragma omp parallel for if (outer > 1 && d0 * d1 * d2 * d3 > 65536)
    for (ptrdiff_t i01 = 0; i01 < outer; i01++) {
        size_t i0 = (size_t)i01 / d1, i1 = (size_t)i01 % d1;
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
