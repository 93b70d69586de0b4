/* SPDX-License-Identifier: MIT */
/* Depthwise convolution (groups == input channels, channel multiplier Kg = K / C): output channel
 * k reads only input channel k / Kg. Each work-item computes QB consecutive output columns of
 * one output row of one channel; the R x S weights of the channel stay in registers.
 *
 * Required defines: none (bias, residual, ReLU are runtime flags; see conv/epilogue.h).
 * Tunables: QB output columns per work-item (default 8)
 * Index mapping: global (ceil(Q/QB), P, N * K). Weights: w[k][r][s] (the user's layout). */
#include "conv/epilogue.h"

#ifndef QB
#define QB 8
#endif

/* shape = (N, C, H, W); kern = (R, S, P, Q); conv = (sh, sw, dh, dw); misc = (pt, pl, K, Kg) */
kernel void oclnn_conv_depthwise(global const float *src, uint src_off, uint4 src_stride, uint4 shape,
                                 uint4 kern, uint4 conv, uint4 misc, global const float *w,
                                 EPI_PARAMS) {
    const uint q0 = get_global_id(0) * QB, p = get_global_id(1), z = get_global_id(2);
    if (q0 >= kern.w || p >= kern.z || z >= shape.x * misc.z) return;
    const uint n = z / misc.z, k = z % misc.z, c = k / misc.w;
    const uint R = kern.x, S = kern.y;
    const global float *plane = src + src_off + n * src_stride.x + c * src_stride.y;
    const global float *wk = w + k * R * S;
    float acc[QB];
    for (uint j = 0; j < QB; j++) acc[j] = 0.0f;
    for (uint r = 0; r < R; r++) {
        const int y = (int)(p * conv.x + r * conv.z) - (int)misc.x;
        if (y < 0 || y >= (int)shape.z) continue;
        const global float *line = plane + (uint)y * src_stride.z;
        for (uint s = 0; s < S; s++) {
            const float wv = wk[r * S + s];
            const int x0 = (int)(q0 * conv.y + s * conv.w) - (int)misc.y;
            for (uint j = 0; j < QB; j++) {
                const int x = x0 + (int)(j * conv.y);
                if (x >= 0 && x < (int)shape.w) acc[j] = fma(line[(uint)x * src_stride.w], wv, acc[j]);
            }
        }
    }
    for (uint j = 0; j < QB && q0 + j < kern.w; j++) epi_store(EPI_ARGS, n, k, p, q0 + j, acc[j]);
}
