/* SPDX-License-Identifier: MIT */
/* Fully connected at small batch for the GPU device class, as a GEMV: one work-group per output
 * feature o and block of NB samples; its items stride over K together (the weight row and the
 * sample rows are read by neighbouring items at neighbouring addresses, each weight once per NB
 * samples), then each sample's dot product ends in a work-group tree (common/reduce.h).
 *   dst(n, o) = x[n] . w[o] + bias[o], x dense (N, K), w dense (O, K).
 *
 * Required defines: none. Tunables: WG work-group size (a power of two, default 256); NB samples
 *   per work-group (1, 2 or 4; default 4).
 * Index mapping: global (O * WG, ceil(N / NB)), local (WG, 1). */
#include "common/reduce.h"

#ifndef WG
#define WG 256
#endif
#ifndef NB
#define NB 4
#endif

kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void
oclnn_fc_gemv_gpu(global const float *x, global const float *w, global const float *bias,
                  global float *dst, uint d_off, uint2 d_stride, uint N, uint K, uint O) {
    local float red[WG];
    const uint lid = get_local_id(0), o = get_group_id(0), n0 = get_group_id(1) * NB;
    global const float *wr = w + (size_t)o * K;
    /* rows past N point at the last sample; they are neither read nor stored */
    global const float *x0 = x + (size_t)min(n0, N - 1) * K;
#if NB > 1
    global const float *x1 = x + (size_t)min(n0 + 1, N - 1) * K;
#endif
#if NB > 2
    global const float *x2 = x + (size_t)min(n0 + 2, N - 1) * K;
    global const float *x3 = x + (size_t)min(n0 + 3, N - 1) * K;
#endif
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
    const uint rows = min((uint)NB, N - n0); /* the same for the whole group: no divergence */
    for (uint k = lid; k < K; k += WG) {
        const float wv = wr[k];
        a0 = fma(x0[k], wv, a0);
#if NB > 1
        if (rows > 1) a1 = fma(x1[k], wv, a1);
#endif
#if NB > 2
        if (rows > 2) a2 = fma(x2[k], wv, a2);
        if (rows > 3) a3 = fma(x3[k], wv, a3);
#endif
    }
    const float b = bias && lid == 0 ? bias[o] : 0.0f; /* only item 0 stores */
    a0 = oclnn_group_sum(red, a0, WG, 1u);
    if (lid == 0) dst[d_off + n0 * d_stride.x + o * d_stride.y] = a0 + b;
#if NB > 1
    a1 = oclnn_group_sum(red, a1, WG, 1u);
    if (lid == 0 && n0 + 1 < N) dst[d_off + (n0 + 1) * d_stride.x + o * d_stride.y] = a1 + b;
#endif
#if NB > 2
    a2 = oclnn_group_sum(red, a2, WG, 1u);
    if (lid == 0 && n0 + 2 < N) dst[d_off + (n0 + 2) * d_stride.x + o * d_stride.y] = a2 + b;
    a3 = oclnn_group_sum(red, a3, WG, 1u);
    if (lid == 0 && n0 + 3 < N) dst[d_off + (n0 + 3) * d_stride.x + o * d_stride.y] = a3 + b;
#endif
    (void)a1, (void)a2, (void)a3;
}
