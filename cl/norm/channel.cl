/* SPDX-License-Identifier: MIT */
/* Ops across the channels of one (n, h, w) position: softmax over channels (the maximum is
 * subtracted first, so large inputs do not overflow) and local response normalization as
 * torch.nn.functional.local_response_norm:
 *   dst = src / (k + alpha / size * sum of src^2 over channels [c - size/2, c + (size-1)/2])^beta.
 *
 * Required defines: none. Tunables: none.
 * Index mapping: softmax: one work-item per position, global (x, y, z) = (w, h, n); LRN: one per
 * element (see oclnn_lrn). */
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

/* One work-item per element, along dst's innermost axis: global (x, y, z) = (w, h, n*C + c), or
 * (c, w, n*H + h) when chan_inner. params = (alpha / size, beta, k, 1 when beta is 0.75);
 * window = (size / 2, (size - 1) / 2). b^-0.75 is computed as 1 / (sqrt(b) * sqrt(sqrt(b))),
 * which is cheaper than pow and as accurate; other betas use exp2(-beta * log2(b)). */
kernel void oclnn_lrn(global const float *src, uint s_off, uint4 ss, global float *dst, uint d_off,
                      uint4 ds, uint4 shape, float4 params, int2 window, int chan_inner) {
    uint x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
    uint n, c, h, w;
    if (chan_inner) {
        if (x >= shape.y || y >= shape.w || z >= shape.x * shape.z) return;
        c = x;
        w = y;
        n = z / shape.z;
        h = z % shape.z;
    } else {
        if (x >= shape.w || y >= shape.z || z >= shape.x * shape.y) return;
        w = x;
        h = y;
        n = z / shape.y;
        c = z % shape.y;
    }
    global const float *p = src + s_off + OCLNN_AT(ss, n, 0, h, w);
    int c0 = max((int)c - window.x, 0), c1 = min((int)c + window.y, (int)shape.y - 1);
    float sq = 0.0f;
    for (int j = c0; j <= c1; j++) {
        float v = p[j * ss.y];
        sq += v * v;
    }
    float b = params.z + params.x * sq, f;
    if (params.w != 0.0f) {
        float r = sqrt(b);
        f = 1.0f / (r * sqrt(r));
    } else {
        f = exp2(-params.y * log2(b)); /* b >= k > 0; PoCL's pow is far slower */
    }
    dst[d_off + OCLNN_AT(ds, n, c, h, w)] = p[c * ss.y] * f;
}
