/* SPDX-License-Identifier: MIT */
/* Ops across the channels of one (n, h, w) position: softmax over channels (the maximum is
 * subtracted first, so large inputs do not overflow) and local response normalization as
 * torch.nn.functional.local_response_norm:
 *   dst = src / (k + alpha / size * sum of src^2 over channels [c - size/2, c + (size-1)/2])^beta.
 *
 * Required defines: none. Tunables: none.
 * Index mapping: one work-item per position; global (x, y, z) = (w, h, n). */
#include "common/index.h"

kernel void oclnn_softmax(global const float *src, uint s_off, uint4 ss, global float *dst,
                          uint d_off, uint4 ds, uint4 shape) {
    uint w = get_global_id(0), h = get_global_id(1), n = get_global_id(2);
    if (w >= shape.w || h >= shape.z || n >= shape.x) return;
    global const float *x = src + s_off + OCLNN_AT(ss, n, 0, h, w);
    global float *y = dst + d_off + OCLNN_AT(ds, n, 0, h, w);
    float m = -INFINITY;
    for (uint c = 0; c < shape.y; c++) m = fmax(m, x[c * ss.y]);
    float sum = 0.0f;
    for (uint c = 0; c < shape.y; c++) {
        float e = exp(x[c * ss.y] - m);
        y[c * ds.y] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (uint c = 0; c < shape.y; c++) y[c * ds.y] *= inv;
}

/* params = (alpha / size, beta, k); window = (size / 2, (size - 1) / 2). */
kernel void oclnn_lrn(global const float *src, uint s_off, uint4 ss, global float *dst, uint d_off,
                      uint4 ds, uint4 shape, float4 params, int2 window) {
    uint w = get_global_id(0), h = get_global_id(1), n = get_global_id(2);
    if (w >= shape.w || h >= shape.z || n >= shape.x) return;
    global const float *x = src + s_off + OCLNN_AT(ss, n, 0, h, w);
    global float *y = dst + d_off + OCLNN_AT(ds, n, 0, h, w);
    int C = (int)shape.y;
    for (int c = 0; c < C; c++) {
        int c0 = max(c - window.x, 0), c1 = min(c + window.y, C - 1);
        float sq = 0.0f;
        for (int j = c0; j <= c1; j++) {
            float v = x[j * ss.y];
            sq += v * v;
        }
        y[c * ds.y] = x[c * ss.y] / pow(params.z + params.x * sq, params.y);
    }
}
