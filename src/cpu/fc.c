/* SPDX-License-Identifier: MIT */
/* Fully connected on the C backend: dst(n, o) = x[n] . w[o] + bias[o]. Each task takes one output
 * feature and up to four samples, so a weight row is read once per four samples (at small batch,
 * the op is bound by reading the weights once); eight partial sums let the compiler vectorize the
 * dot products without reassociating a single sum. */
#include "cpu/cpu.h"
#include "cpu/layers.h"

enum { ROWS = 4, LANES = 8 };

oclnn_status oclnn__cpu_fc(const oclnn_tensor *x, const oclnn_tensor *w, const oclnn_tensor *bias,
                           oclnn_tensor *dst) {
    const size_t N = x->shape.n, K = x->shape.c, O = w->shape.n;
    const float *px = oclnn__cpu_cdata(x), *pw = oclnn__cpu_cdata(w);
    const float *pb = bias ? oclnn__cpu_cdata(bias) : NULL;
    float *pd = oclnn__cpu_data(dst);
    const size_t dn = dst->stride[OCLNN__N], dc = dst->stride[OCLNN__C];
    const size_t k8 = K / LANES * LANES;
#pragma omp parallel for schedule(static) if (O * N * K > 65536)
    for (ptrdiff_t oi = 0; oi < (ptrdiff_t)O; oi++) {
        const size_t o = (size_t)oi;
        const float *wr = pw + o * K;
        for (size_t n0 = 0; n0 < N; n0 += ROWS) {
            const size_t rows = N - n0 < ROWS ? N - n0 : ROWS;
            float acc[ROWS][LANES] = {{0}};
            for (size_t k = 0; k < k8; k += LANES)
                for (size_t r = 0; r < rows; r++) {
                    const float *xr = px + (n0 + r) * K + k;
                    for (int l = 0; l < LANES; l++) acc[r][l] += xr[l] * wr[k + l];
                }
            for (size_t r = 0; r < rows; r++) {
                const float *xr = px + (n0 + r) * K;
                float sum = 0;
                for (int l = 0; l < LANES; l++) sum += acc[r][l];
                for (size_t k = k8; k < K; k++) sum += xr[k] * wr[k];
                pd[(n0 + r) * dn + o * dc] = sum + (pb ? pb[o] : 0.0f);
            }
        }
    }
    return OCLNN_OK;
}
